// netkit/struct/static_struct.hpp — struct with the format checked by the compiler: pack returns
// a std::array<char, N>, unpack a std::tuple of the fields' C++ types, and both compile to plain
// loads and stores (byte swaps where the order differs from the machine's) (public).
//
//   using header = netkit::static_struct<"!HHI">;        // a bad format does not compile
//   std::array<char, 8> b = header::pack(1, 2, 3);       // same bytes as struct.pack('!HHI', 1, 2,
//   3) auto [kind, flags, length] = header::unpack(b);      // std::uint16_t, std::uint16_t,
//   std::uint32_t
// Field types: b int8_t, B uint8_t, c char, ? bool, h int16_t, H uint16_t, i int32_t,
// I uint32_t, l/L long/unsigned long (native) or int32_t/uint32_t (standard), q int64_t,
// Q uint64_t, n ptrdiff_t, N size_t, P uintptr_t, e float (stored as a half, rounded as Python
// does; too large throws struct_overflow_error), f float, d double, Ns fixed_bytes<N>
// (padded/truncated as Python's 's'), Np std::string (a Pascal string). Values convert to the
// field types as C++ converts them: range checks are the caller's, as with any C++ integer.
//
// Thread safety: stateless.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "netkit/bytes.hpp"
#include "netkit/struct/error.hpp"
#include "netkit/struct/format_table.hpp"
#include "netkit/struct/half.hpp"

namespace netkit {

// A string literal as a template argument: static_struct<"<I2sf">.
template <std::size_t N>
struct fixed_string {
  char chars[N]{};
  consteval fixed_string(const char (&s)[N]) {  // NOLINT(google-explicit-constructor)
    for (std::size_t i = 0; i < N; ++i) chars[i] = s[i];
  }
  constexpr std::string_view view() const { return {chars, N - 1}; }
};

// The value of an 'Ns' field: N bytes, built from any text by padding with NULs or truncating.
template <std::size_t N>
struct fixed_bytes {
  std::array<char, N> data{};
  constexpr fixed_bytes() = default;
  constexpr fixed_bytes(std::string_view s) {  // NOLINT(google-explicit-constructor)
    std::copy_n(s.data(), std::min(s.size(), N), data.begin());
  }
  constexpr fixed_bytes(const char* s) : fixed_bytes(std::string_view(s)) {}  // NOLINT
  constexpr std::string_view view() const { return {data.data(), N}; }
  constexpr operator std::string_view() const { return view(); }  // NOLINT
  friend constexpr bool operator==(const fixed_bytes&, const fixed_bytes&) = default;
};

namespace detail {

// Calling one of these during constant evaluation is how a bad format becomes a compile error
// that names the problem (they are deliberately not constexpr).
void static_struct_error_bad_char_in_struct_format();
void static_struct_error_repeat_count_given_without_format_specifier();
void static_struct_error_total_struct_size_too_long();
void static_struct_error_0p_always_fails_to_unpack();

struct static_field {
  char code;
  std::size_t offset;
  std::size_t count;  // the N of Ns / Np; 1 otherwise
};

struct static_layout {
  char order = '@';  // '@', '<', '>', '='
  std::size_t size = 0;
  std::size_t fields = 0;
};

// Walks the format as CPython's prepare_s() does; `out` (when given) receives every field.
constexpr static_layout compile_format(std::string_view f, static_field* out) {
  static_layout layout;
  std::size_t i = 0;
  if (!f.empty() && (f[0] == '@' || f[0] == '<' || f[0] == '>' || f[0] == '!' || f[0] == '=')) {
    layout.order = f[0] == '!' ? '>' : f[0];
    i = 1;
  }
  const bool native = layout.order == '@';
  constexpr std::size_t max_size = static_cast<std::size_t>(PTRDIFF_MAX);
  std::size_t size = 0;
  while (i < f.size()) {
    char c = f[i++];
    if (is_format_space(c)) continue;
    std::size_t num = 1;
    if (c >= '0' && c <= '9') {
      num = static_cast<std::size_t>(c - '0');
      while (true) {
        c = i < f.size() ? f[i++] : '\0';
        if (c < '0' || c > '9') break;
        if (num > (max_size - static_cast<std::size_t>(c - '0')) / 10) {
          static_struct_error_total_struct_size_too_long();
        }
        num = num * 10 + static_cast<std::size_t>(c - '0');
      }
      if (c == '\0') static_struct_error_repeat_count_given_without_format_specifier();
    }
    const auto e = find_format(c, native);
    if (!e) static_struct_error_bad_char_in_struct_format();
    if (e->alignment != 0 && size > 0) size += (e->alignment - 1) - (size - 1) % e->alignment;
    if (num > (max_size - size) / e->size) static_struct_error_total_struct_size_too_long();
    if (c == 's' || c == 'p') {
      if (c == 'p' && num == 0) static_struct_error_0p_always_fails_to_unpack();
      if (out != nullptr) out[layout.fields] = {c, size, num};
      ++layout.fields;
    } else if (c != 'x') {
      for (std::size_t k = 0; k < num; ++k) {
        if (out != nullptr) out[layout.fields] = {c, size + k * e->size, 1};
        ++layout.fields;
      }
    }
    size += num * e->size;
  }
  layout.size = size;
  return layout;
}

template <fixed_string Format>
struct static_format {
  static constexpr static_layout layout = compile_format(Format.view(), nullptr);
  static constexpr auto fields = [] {
    std::array<static_field, layout.fields> out{};
    compile_format(Format.view(), out.data());
    return out;
  }();
};

// The C++ type of one field.
template <char Code, bool Native, std::size_t Count>
struct field_type;
template <bool Nv, std::size_t C>
struct field_type<'b', Nv, C> {
  using type = std::int8_t;
};
template <bool Nv, std::size_t C>
struct field_type<'B', Nv, C> {
  using type = std::uint8_t;
};
template <bool Nv, std::size_t C>
struct field_type<'c', Nv, C> {
  using type = char;
};
template <bool Nv, std::size_t C>
struct field_type<'?', Nv, C> {
  using type = bool;
};
template <bool Nv, std::size_t C>
struct field_type<'h', Nv, C> {
  using type = std::int16_t;
};
template <bool Nv, std::size_t C>
struct field_type<'H', Nv, C> {
  using type = std::uint16_t;
};
template <bool Nv, std::size_t C>
struct field_type<'i', Nv, C> {
  using type = std::int32_t;
};
template <bool Nv, std::size_t C>
struct field_type<'I', Nv, C> {
  using type = std::uint32_t;
};
template <std::size_t C>
struct field_type<'l', true, C> {
  using type = long;
};
template <std::size_t C>
struct field_type<'l', false, C> {
  using type = std::int32_t;
};
template <std::size_t C>
struct field_type<'L', true, C> {
  using type = unsigned long;
};
template <std::size_t C>
struct field_type<'L', false, C> {
  using type = std::uint32_t;
};
template <bool Nv, std::size_t C>
struct field_type<'q', Nv, C> {
  using type = std::int64_t;
};
template <bool Nv, std::size_t C>
struct field_type<'Q', Nv, C> {
  using type = std::uint64_t;
};
template <std::size_t C>
struct field_type<'n', true, C> {
  using type = std::ptrdiff_t;
};
template <std::size_t C>
struct field_type<'N', true, C> {
  using type = std::size_t;
};
template <std::size_t C>
struct field_type<'P', true, C> {
  using type = std::uintptr_t;
};
template <bool Nv, std::size_t C>
struct field_type<'e', Nv, C> {
  using type = float;
};
template <bool Nv, std::size_t C>
struct field_type<'f', Nv, C> {
  using type = float;
};
template <bool Nv, std::size_t C>
struct field_type<'d', Nv, C> {
  using type = double;
};
template <bool Nv, std::size_t C>
struct field_type<'s', Nv, C> {
  using type = fixed_bytes<C>;
};
template <bool Nv, std::size_t C>
struct field_type<'p', Nv, C> {
  using type = std::string;
};

template <class T>
constexpr T byteswap(T v) noexcept {
  if constexpr (sizeof(T) == 1) {
    return v;
  } else if constexpr (sizeof(T) == 2) {
    return static_cast<T>(__builtin_bswap16(static_cast<std::uint16_t>(v)));
  } else if constexpr (sizeof(T) == 4) {
    return __builtin_bswap32(v);
  } else {
    return __builtin_bswap64(v);
  }
}

// Stores / loads an unsigned integer of sizeof(U) bytes in the format's byte order.
template <class U>
inline void store(char* p, U v, bool swap) noexcept {
  if (swap) v = byteswap(v);
  std::memcpy(p, &v, sizeof v);
}
template <class U>
inline U load(const char* p, bool swap) noexcept {
  U v;
  std::memcpy(&v, p, sizeof v);
  return swap ? byteswap(v) : v;
}

template <class T>
using same_size_uint = std::conditional_t<
    sizeof(T) == 1, std::uint8_t,
    std::conditional_t<sizeof(T) == 2, std::uint16_t,
                       std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;

template <static_field F, bool Swap, class T>
inline void pack_field(char* out, const T& v) {
  char* p = out + F.offset;
  if constexpr (F.code == 's') {
    std::memcpy(p, v.data.data(), F.count);
  } else if constexpr (F.code == 'p') {
    const std::size_t n = std::min(v.size(), F.count - 1);
    std::memcpy(p + 1, v.data(), n);
    p[0] = static_cast<char>(std::min<std::size_t>(n, 255));
  } else if constexpr (F.code == '?') {
    p[0] = v ? 1 : 0;
  } else if constexpr (F.code == 'e') {
    std::uint16_t bits = 0;
    if (!half_from_double(static_cast<double>(v), bits)) {
      throw struct_overflow_error("float too large to pack with e format");
    }
    store(p, bits, Swap);
  } else {
    store(p, std::bit_cast<same_size_uint<T>>(v), Swap);
  }
}

template <static_field F, bool Swap, class T>
inline T unpack_field(const char* in) {
  const char* p = in + F.offset;
  if constexpr (F.code == 's') {
    T out;
    std::memcpy(out.data.data(), p, F.count);
    return out;
  } else if constexpr (F.code == 'p') {
    std::size_t n = static_cast<unsigned char>(p[0]);
    if (n >= F.count) n = F.count - 1;
    return std::string(p + 1, n);
  } else if constexpr (F.code == '?') {
    return p[0] != 0;
  } else if constexpr (F.code == 'e') {
    return static_cast<float>(half_to_double(load<std::uint16_t>(p, Swap)));
  } else {
    return std::bit_cast<T>(load<same_size_uint<T>>(p, Swap));
  }
}

}  // namespace detail

template <fixed_string Format>
class static_struct {
  using format = detail::static_format<Format>;
  static constexpr bool native_ = format::layout.order == '@';
  static constexpr bool swap_ =
      (format::layout.order == '>' && std::endian::native == std::endian::little) ||
      (format::layout.order == '<' && std::endian::native == std::endian::big);

  template <std::size_t I>
  using field_t =
      typename detail::field_type<format::fields[I].code, native_, format::fields[I].count>::type;
  template <std::size_t... I>
  static auto tuple_of(std::index_sequence<I...>) -> std::tuple<field_t<I>...>;

 public:
  static constexpr std::string_view format_string = Format.view();
  // calcsize(format)
  static constexpr std::size_t size = format::layout.size;
  // How many values pack takes and unpack returns.
  static constexpr std::size_t count = format::layout.fields;
  using tuple_type = decltype(tuple_of(std::make_index_sequence<count>{}));
  using buffer_type = std::array<char, size>;

  // Packs `count` values (converted to the field types) into `out` (size bytes).
  template <class... Args>
  requires(sizeof...(Args) == count) static void pack_into(char* out, Args&&... args) {
    const tuple_type values(std::forward<Args>(args)...);
    std::memset(out, 0, size);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (detail::pack_field<format::fields[I], swap_>(out, std::get<I>(values)), ...);
    }
    (std::make_index_sequence<count>{});
  }

  template <class... Args>
  requires(sizeof...(Args) == count) static buffer_type pack(Args&&... args) {
    buffer_type out;
    pack_into(out.data(), std::forward<Args>(args)...);
    return out;
  }

  // Unpacks `size` bytes at `data` (the caller guarantees them).
  static tuple_type unpack_from(const char* data) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return tuple_type(detail::unpack_field<format::fields[I], swap_, field_t<I>>(data)...);
    }
    (std::make_index_sequence<count>{});
  }
  static tuple_type unpack(const buffer_type& data) { return unpack_from(data.data()); }
  // Checks the size as struct.unpack does: "unpack requires a buffer of N bytes".
  static tuple_type unpack(bytes_view data) {
    if (data.size() != size) {
      throw struct_error("unpack requires a buffer of " + std::to_string(size) + " bytes");
    }
    return unpack_from(data.data());
  }
};

}  // namespace netkit
