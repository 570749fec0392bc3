// Python's struct module (Modules/_struct.c of CPython 3.11): the format compiler, the format
// tables (native sizes and alignments computed as CPython computes them), and pack/unpack with
// CPython's checks, in CPython's order, with its messages.
#include "netkit/struct/struct.hpp"

#include <bit>
#include <cstddef>
#include <cstring>
#include <limits>
#include <string>

#include "netkit/struct/format_table.hpp"
#include "netkit/struct/half.hpp"

namespace netkit {
namespace {

constexpr std::size_t max_size =
    static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max());

[[noreturn]] void fail(const std::string& message) { throw struct_error(message); }

bool little_endian(char order) {
  return order == '<' ||
         ((order == '=' || order == '@') && std::endian::native == std::endian::little);
}

void store_uint(char* p, std::uint64_t v, std::size_t size, bool little) {
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t at = little ? i : size - 1 - i;
    p[at] = static_cast<char>(static_cast<unsigned char>(v & 0xffU));
    v >>= 8;
  }
}

std::uint64_t load_uint(const char* p, std::size_t size, bool little) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t at = little ? size - 1 - i : i;
    v = (v << 8) | static_cast<unsigned char>(p[at]);
  }
  return v;
}

std::int64_t sign_extend(std::uint64_t v, std::size_t size) {
  if (size < 8) {
    const std::uint64_t sign_bit = std::uint64_t{1} << (size * 8 - 1);
    if ((v & sign_bit) != 0) v |= ~((sign_bit << 1) - 1);
  }
  return static_cast<std::int64_t>(v);
}

// get_pylong(): an int, or a bool (a Python int too); anything else is not an integer.
struct_int integer_of(const struct_value& v, bool& big) {
  big = false;
  if (v.is_bool()) return v.as_bool() ? 1 : 0;
  if (v.is_int()) {
    if (v.is_big_int()) {
      big = true;
      return {};
    }
    return v.as_int();
  }
  fail("required argument is not an integer");
}

// get_long(): a C long (int64 here) or "argument out of range".
std::int64_t get_long(const struct_value& v) {
  bool big = false;
  const struct_int i = integer_of(v, big);
  if (big || !i.fits_int64()) fail("argument out of range");
  return i.to_int64();
}

// get_ulong(): an unsigned long (uint64 here) or "argument out of range" (negatives too).
std::uint64_t get_ulong(const struct_value& v) {
  bool big = false;
  const struct_int i = integer_of(v, big);
  if (big || !i.fits_uint64()) fail("argument out of range");
  return i.to_uint64();
}

// PyFloat_AsDouble(), failures reported as struct.error.
double get_double(const struct_value& v) {
  const auto d = v.to_double();
  if (!d) fail("required argument is not a float");
  return *d;
}

// The overflow of the 'e' and standard 'f' formats: OverflowError, unless the value was an int,
// which CPython reports as struct.error "int too large to convert".
[[noreturn]] void float_overflow(const struct_value& v, char code) {
  if (v.is_int() || v.is_bool()) fail("int too large to convert");
  throw struct_overflow_error(std::string("float too large to pack with ") + code + " format");
}

void pack_one(char* p, char code, std::size_t size, char order, const struct_value& v) {
  const bool little = little_endian(order);
  const bool native = order == '@';
  // On import CPython swaps the native packers into the standard table of the machine's own
  // byte order wherever the sizes agree (not for d, f and ?), so '<h' checks ranges as '@h'
  // does while '>h' does not.
  const bool native_packer =
      native || (little == (std::endian::native == std::endian::little) && code != 'd' &&
                 code != 'f' && code != '?' && detail::find_format(code, true).has_value() &&
                 detail::find_format(code, true)->size == size);
  switch (code) {
    case 'b': {
      const std::int64_t x = get_long(v);
      if (x < -128 || x > 127) fail("byte format requires -128 <= number <= 127");
      *p = static_cast<char>(x);
      return;
    }
    case 'B': {
      const std::int64_t x = get_long(v);
      if (x < 0 || x > 255) fail("ubyte format requires 0 <= number <= 255");
      *p = static_cast<char>(x);
      return;
    }
    case 'c':
      if (!v.is_bytes() || v.as_bytes().size() != 1) {
        fail("char format requires a bytes object of length 1");
      }
      *p = v.as_bytes()[0];
      return;
    case '?': *p = v.truthy() ? 1 : 0; return;
    case 'h':
    case 'i':
    case 'l': {
      const std::int64_t x = get_long(v);
      if (native_packer) {
        // np_short / np_int / np_long
        if (code == 'h' && (x < -32768 || x > 32767)) {
          fail("short format requires -32768 <= number <= 32767");
        }
        if (size == 4 && (x < -2147483648LL || x > 2147483647LL)) {
          fail(std::string("'") + code + "' format requires -2147483648 <= number <= 2147483647");
        }
      } else if (size == 2 && (x < -32768 || x > 32767)) {  // lp_int / bp_int
        fail(std::string("'") + code + "' format requires -32768 <= number <= 32767");
      } else if (size == 4 && (x < -2147483648LL || x > 2147483647LL)) {
        fail(std::string("'") + code + "' format requires -2147483648 <= number <= 2147483647");
      }
      store_uint(p, static_cast<std::uint64_t>(x), size, little);
      return;
    }
    case 'H': {
      if (native_packer) {  // np_ushort takes a signed long
        const std::int64_t x = get_long(v);
        if (x < 0 || x > 65535) fail("ushort format requires 0 <= number <= 65535");
        store_uint(p, static_cast<std::uint64_t>(x), size, little);
        return;
      }
      const std::uint64_t x = get_ulong(v);
      if (x > 65535) fail("'H' format requires 0 <= number <= 65535");
      store_uint(p, x, size, little);
      return;
    }
    case 'I':
    case 'L': {
      const std::uint64_t x = get_ulong(v);
      if (size == 4 && x > 4294967295ULL) {
        fail(std::string("'") + code + "' format requires 0 <= number <= 4294967295");
      }
      store_uint(p, x, size, little);
      return;
    }
    case 'q':
    case 'n':
      if (!native_packer) {  // bp_longlong: _PyLong_AsByteArray's OverflowError
        bool big = false;
        const struct_int i = integer_of(v, big);
        if (big || !i.fits_int64()) fail("int too large to convert");
      }
      store_uint(p, static_cast<std::uint64_t>(get_long(v)), size, little);
      return;
    case 'Q':
    case 'N':
      if (!native_packer) {  // bp_ulonglong
        bool big = false;
        const struct_int i = integer_of(v, big);
        if (big || !i.fits_uint64()) fail("int too large to convert");
      }
      store_uint(p, get_ulong(v), size, little);
      return;
    case 'P': {
      // PyLong_AsVoidPtr: a negative int as a long, others as an unsigned long.
      bool big = false;
      const struct_int i = integer_of(v, big);
      if (big || (i.negative() && !i.fits_int64())) fail("int too large to convert");
      store_uint(p, i.negative() ? static_cast<std::uint64_t>(i.to_int64()) : i.to_uint64(), size,
                 little);
      return;
    }
    case 'e': {
      std::uint16_t bits = 0;
      if (!half_from_double(get_double(v), bits)) float_overflow(v, 'e');
      store_uint(p, bits, 2, little);
      return;
    }
    case 'f': {
      const double x = get_double(v);
      // The native format is a plain C cast (inf when too large); the standard one checks.
      const float y = static_cast<float>(x);
      if (!native && std::isinf(y) && !std::isinf(x)) float_overflow(v, 'f');
      store_uint(p, std::bit_cast<std::uint32_t>(y), 4, little);
      return;
    }
    case 'd': store_uint(p, std::bit_cast<std::uint64_t>(get_double(v)), 8, little); return;
    default: return;
  }
}

struct_value unpack_one(const char* p, char code, std::size_t size, char order) {
  const bool little = little_endian(order);
  switch (code) {
    case 'b': return static_cast<std::int64_t>(static_cast<signed char>(*p));
    case 'B': return static_cast<std::uint64_t>(static_cast<unsigned char>(*p));
    case 'c': return bytes(1, *p);
    case '?': return *p != 0;
    case 'h':
    case 'i':
    case 'l':
    case 'q':
    case 'n': return sign_extend(load_uint(p, size, little), size);
    case 'H':
    case 'I':
    case 'L':
    case 'Q':
    case 'N':
    case 'P': return load_uint(p, size, little);
    case 'e': return half_to_double(static_cast<std::uint16_t>(load_uint(p, 2, little)));
    case 'f':
      return static_cast<double>(
          std::bit_cast<float>(static_cast<std::uint32_t>(load_uint(p, 4, little))));
    case 'd': return std::bit_cast<double>(load_uint(p, 8, little));
    default: return {};
  }
}

}  // namespace

Struct::Struct(std::string_view format) : format_(format) {
  if (format.find('\0') != std::string_view::npos) fail("embedded null character");
  std::string_view rest = format;
  if (!rest.empty()) {
    switch (rest.front()) {
      case '@': rest.remove_prefix(1); break;
      case '<':
      case '>':
      case '=':
        order_ = rest.front();
        rest.remove_prefix(1);
        break;
      case '!':
        order_ = '>';
        rest.remove_prefix(1);
        break;
      default: break;
    }
  }
  std::size_t size = 0;
  std::size_t i = 0;
  while (i < rest.size()) {
    char c = rest[i++];
    if (detail::is_format_space(c)) continue;
    std::size_t num = 1;
    if (c >= '0' && c <= '9') {
      num = static_cast<std::size_t>(c - '0');
      while (true) {
        c = i < rest.size() ? rest[i++] : '\0';
        if (c < '0' || c > '9') break;
        const auto digit = static_cast<std::size_t>(c - '0');
        if (num >= max_size / 10 && (num > max_size / 10 || digit > max_size % 10)) {
          fail("total struct size too long");
        }
        num = num * 10 + digit;
      }
      if (c == '\0') fail("repeat count given without format specifier");
    }
    const auto e = detail::find_format(c, order_ == '@');
    if (!e) fail("bad char in struct format");

    if (e->alignment != 0 && size > 0) {
      const std::size_t extra = (e->alignment - 1) - (size - 1) % e->alignment;
      if (extra > max_size - size) fail("total struct size too long");
      size += extra;
    }
    if (num > (max_size - size) / e->size) fail("total struct size too long");

    if (c == 's' || c == 'p') {
      codes_.push_back({size, num, 1, c});
      ++count_;
    } else if (c != 'x' && num != 0) {
      codes_.push_back({size, e->size, num, c});
      count_ += num;
    }
    size += num * e->size;
  }
  size_ = size;
}

void Struct::pack_to(char* out, std::size_t out_size, std::span<const struct_value> values,
                     std::string_view caller) const {
  if (values.size() != count_) {
    fail(std::string(caller) + " expected " + std::to_string(count_) + " items for packing (got " +
         std::to_string(values.size()) + ")");
  }
  std::size_t k = 0;
  for (const auto& code : codes_) {
    char* p = out + code.offset;
    if (code.code == 's' || code.code == 'p') {
      const struct_value& v = values[k++];
      if (!v.is_bytes()) {
        fail(std::string("argument for '") + code.code + "' must be a bytes object");
      }
      const bytes& b = v.as_bytes();
      if (code.code == 's') {
        std::memcpy(p, b.data(), std::min(b.size(), code.size));
      } else if (code.size == 0) {
        // CPython computes a length of -1 here and stores it as 0xff one byte past the field,
        // which is past the struct's end unless later fields follow. Reproduce it in bounds.
        if (code.offset < out_size) p[0] = static_cast<char>(0xff);
      } else {
        const std::size_t n = std::min(b.size(), code.size - 1);
        std::memcpy(p + 1, b.data(), n);
        p[0] = static_cast<char>(std::min<std::size_t>(n, 255));
      }
      continue;
    }
    for (std::size_t j = 0; j < code.repeat; ++j, p += code.size) {
      pack_one(p, code.code, code.size, order_, values[k++]);
    }
  }
}

bytes Struct::pack(std::span<const struct_value> values) const {
  if (values.size() != count_) pack_to(nullptr, 0, values, "pack");  // throws
  bytes out(size_, '\0');
  pack_to(out.data(), out.size(), values, "pack");
  return out;
}

void Struct::pack_into(mutable_buffer buffer, std::ptrdiff_t offset,
                       std::span<const struct_value> values) const {
  if (values.size() != count_) pack_to(nullptr, 0, values, "pack_into");  // throws
  const auto len = static_cast<std::ptrdiff_t>(buffer.size());
  const auto size = static_cast<std::ptrdiff_t>(size_);
  if (offset < 0) {
    if (offset + size > 0) {
      fail("no space to pack " + std::to_string(size) + " bytes at offset " +
           std::to_string(offset));
    }
    if (offset + len < 0) {
      fail("offset " + std::to_string(offset) + " out of range for " + std::to_string(len) +
           "-byte buffer");
    }
    offset += len;
  }
  if (len - offset < size) {
    fail("pack_into requires a buffer of at least " +
         std::to_string(size_ + static_cast<std::size_t>(offset)) + " bytes for packing " +
         std::to_string(size) + " bytes at offset " + std::to_string(offset) +
         " (actual buffer size is " + std::to_string(len) + ")");
  }
  // CPython packs straight into the caller's buffer, after zeroing the struct's bytes.
  char* out = buffer.data() + offset;
  std::memset(out, 0, size_);
  pack_to(out, buffer.size() - static_cast<std::size_t>(offset), values, "pack_into");
}

void Struct::unpack_to(const char* data, struct_values& out) const {
  out.reserve(out.size() + count_);
  for (const auto& code : codes_) {
    const char* p = data + code.offset;
    if (code.code == 's') {
      out.emplace_back(bytes(p, code.size));
      continue;
    }
    if (code.code == 'p') {
      if (code.size == 0) {
        throw struct_system_error("Negative size passed to PyBytes_FromStringAndSize");
      }
      std::size_t n = static_cast<unsigned char>(*p);
      if (n >= code.size) n = code.size - 1;
      out.emplace_back(bytes(p + 1, n));
      continue;
    }
    for (std::size_t j = 0; j < code.repeat; ++j, p += code.size) {
      out.push_back(unpack_one(p, code.code, code.size, order_));
    }
  }
}

struct_values Struct::unpack(bytes_view buffer) const {
  if (buffer.size() != size_) {
    fail("unpack requires a buffer of " + std::to_string(size_) + " bytes");
  }
  struct_values out;
  unpack_to(buffer.data(), out);
  return out;
}

struct_values Struct::unpack_from(bytes_view buffer, std::ptrdiff_t offset) const {
  const auto len = static_cast<std::ptrdiff_t>(buffer.size());
  if (offset < 0) {
    if (offset + static_cast<std::ptrdiff_t>(size_) > 0) {
      fail("not enough data to unpack " + std::to_string(size_) + " bytes at offset " +
           std::to_string(offset));
    }
    if (offset + len < 0) {
      fail("offset " + std::to_string(offset) + " out of range for " + std::to_string(len) +
           "-byte buffer");
    }
    offset += len;
  }
  if (len - offset < static_cast<std::ptrdiff_t>(size_)) {
    fail("unpack_from requires a buffer of at least " +
         std::to_string(size_ + static_cast<std::size_t>(offset)) + " bytes for unpacking " +
         std::to_string(size_) + " bytes at offset " + std::to_string(offset) +
         " (actual buffer size is " + std::to_string(len) + ")");
  }
  struct_values out;
  unpack_to(buffer.data() + offset, out);
  return out;
}

namespace {
void check_iter_unpack(std::size_t record, std::size_t buffer) {
  if (record == 0) fail("cannot iteratively unpack with a struct of length 0");
  if (buffer % record != 0) {
    fail("iterative unpacking requires a buffer of a multiple of " + std::to_string(record) +
         " bytes");
  }
}
}  // namespace

iter_unpack_range Struct::iter_unpack(bytes_view buffer) const {
  check_iter_unpack(size_, buffer.size());
  return iter_unpack_range(*this, buffer);
}

iter_unpack_range Struct::iter_unpack(bytes&& buffer) const {
  check_iter_unpack(size_, buffer.size());
  return iter_unpack_range(*this, std::move(buffer));
}

struct_values iter_unpack_range::iterator::operator*() const {
  struct_values out;
  struct_->unpack_to(position_, out);
  return out;
}

bytes pack(std::string_view format, std::span<const struct_value> values) {
  return Struct(format).pack(values);
}
struct_values unpack(std::string_view format, bytes_view buffer) {
  return Struct(format).unpack(buffer);
}
struct_values unpack_from(std::string_view format, bytes_view buffer, std::ptrdiff_t offset) {
  return Struct(format).unpack_from(buffer, offset);
}
iter_unpack_range iter_unpack(std::string_view format, bytes_view buffer) {
  return Struct(format).iter_unpack(buffer);
}
iter_unpack_range iter_unpack(std::string_view format, bytes&& buffer) {
  return Struct(format).iter_unpack(std::move(buffer));
}
std::size_t calcsize(std::string_view format) { return Struct(format).size(); }

}  // namespace netkit
