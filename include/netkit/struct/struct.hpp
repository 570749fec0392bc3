// netkit/struct/struct.hpp — Python's struct module: pack values into bytes and back by a format
// string, byte for byte as CPython does (public).
//
//   netkit::bytes b = netkit::pack("I 2s f", 1, "ab", 2.7f);  // 01000000 6162 0000 cdcc2c40
//   netkit::struct_values v = netkit::unpack("I 2s f", b);    // (1, b'ab', 2.700000047683716)
//   netkit::Struct s("!HH"); s.size();                        // 4
// Every format code (x c b B ? h H i I l L q Q n N e f d s p P), the prefixes @ = < > !, native
// sizes and alignment as CPython computes them on this machine, repeat counts and whitespace.
// Errors are Python's, with Python's messages: struct_error (struct.error), and for two corner
// cases struct_overflow_error (OverflowError) and struct_system_error (SystemError).
// For formats known at compile time, netkit/struct/static_struct.hpp packs with no overhead.
//
// Thread safety: a Struct is immutable after construction; share it freely.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netkit/bytes.hpp"
#include "netkit/struct/error.hpp"
#include "netkit/struct/value.hpp"

namespace netkit {

namespace detail {
// One compiled item of a format: `repeat` values of `code` (one for s and p, whose `size` is
// the count), starting at `offset`.
struct struct_code {
  std::size_t offset;
  std::size_t size;
  std::size_t repeat;
  char code;
};
}  // namespace detail

class iter_unpack_range;

// struct.Struct: a compiled format.
class Struct {
 public:
  // Throws struct_error: "bad char in struct format", "repeat count given without format
  // specifier", "total struct size too long", "embedded null character".
  explicit Struct(std::string_view format);

  const std::string& format() const noexcept { return format_; }
  // calcsize(format)
  std::size_t size() const noexcept { return size_; }
  // How many values pack takes and unpack returns.
  std::size_t count() const noexcept { return count_; }
  // '@' (native), '<', '>' or '=' ('!' is '>'): the byte order and size mode.
  char byte_order() const noexcept { return order_; }

  bytes pack(std::span<const struct_value> values) const;
  template <class... Args>
  requires(std::constructible_from<struct_value, Args>&&...) bytes pack(Args&&... args)
  const {
    const std::array<struct_value, sizeof...(Args)> values{
        struct_value(std::forward<Args>(args))...};
    return pack(std::span<const struct_value>(values));
  }

  // Packs into buffer[offset:]; a negative offset counts from the end, as in Python.
  void pack_into(mutable_buffer buffer, std::ptrdiff_t offset,
                 std::span<const struct_value> values) const;
  template <class... Args>
  requires(std::constructible_from<struct_value, Args>&&...) void pack_into(mutable_buffer buffer,
                                                                            std::ptrdiff_t offset,
                                                                            Args&&... args) const {
    const std::array<struct_value, sizeof...(Args)> values{
        struct_value(std::forward<Args>(args))...};
    pack_into(buffer, offset, std::span<const struct_value>(values));
  }

  // The buffer must be exactly size() bytes.
  struct_values unpack(bytes_view buffer) const;
  // Needs at least size() bytes from offset; a negative offset counts from the end.
  struct_values unpack_from(bytes_view buffer, std::ptrdiff_t offset = 0) const;
  // Unpacks consecutive records; the buffer must be a whole number of them. The range views
  // the buffer (as Python's iterator holds it): keep the buffer alive while iterating. A
  // temporary byte string is moved into the range instead, so
  // `for (auto& r : s.iter_unpack(make_bytes()))` is safe.
  iter_unpack_range iter_unpack(bytes_view buffer) const;
  iter_unpack_range iter_unpack(bytes&& buffer) const;
  iter_unpack_range iter_unpack(const char* buffer) const;

  // For callers that manage their own storage: unpacks size() bytes at `data` (no check), and
  // packs into size() zeroed bytes at `out` after checking the count.
  void unpack_to(const char* data, struct_values& out) const;
  void pack_to(char* out, std::size_t out_size, std::span<const struct_value> values,
               std::string_view caller) const;

 private:
  std::string format_;
  std::vector<detail::struct_code> codes_;
  std::size_t size_ = 0;
  std::size_t count_ = 0;
  char order_ = '@';
};

// struct.iter_unpack's iterator, as a range of tuples.
class iter_unpack_range {
 public:
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = struct_values;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = struct_values;

    iterator() = default;
    struct_values operator*() const;
    iterator& operator++() {
      position_ += step_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.position_ == b.position_;
    }

   private:
    friend class iter_unpack_range;
    iterator(const Struct* s, const char* position, std::size_t step)
        : struct_(s), position_(position), step_(step) {}
    const Struct* struct_ = nullptr;
    const char* position_ = nullptr;
    std::size_t step_ = 0;
  };

  iterator begin() const { return {&struct_, buffer().data(), struct_.size()}; }
  iterator end() const { return {&struct_, buffer().data() + buffer().size(), struct_.size()}; }
  std::size_t size() const noexcept { return buffer().size() / struct_.size(); }

 private:
  friend class Struct;
  iter_unpack_range(Struct s, bytes_view data) : struct_(std::move(s)), data_(data) {}
  iter_unpack_range(Struct s, bytes&& owned) : struct_(std::move(s)), owned_(std::move(owned)) {}
  // Computed on use: a moved std::string may move its bytes (short strings live inline).
  bytes_view buffer() const noexcept { return owned_ ? bytes_view(*owned_) : data_; }
  Struct struct_;
  bytes_view data_;
  std::optional<bytes> owned_;
};

// The module-level functions: each compiles the format, then does as Struct does.
template <class... Args>
requires(std::constructible_from<struct_value, Args>&&...) bytes
    pack(std::string_view format, Args&&... args) {
  return Struct(format).pack(std::forward<Args>(args)...);
}
bytes pack(std::string_view format, std::span<const struct_value> values);
template <class... Args>
requires(std::constructible_from<struct_value, Args>&&...) void pack_into(std::string_view format,
                                                                          mutable_buffer buffer,
                                                                          std::ptrdiff_t offset,
                                                                          Args&&... args) {
  Struct(format).pack_into(buffer, offset, std::forward<Args>(args)...);
}
struct_values unpack(std::string_view format, bytes_view buffer);
struct_values unpack_from(std::string_view format, bytes_view buffer, std::ptrdiff_t offset = 0);
iter_unpack_range iter_unpack(std::string_view format, bytes_view buffer);
iter_unpack_range iter_unpack(std::string_view format, bytes&& buffer);
inline iter_unpack_range Struct::iter_unpack(const char* buffer) const {
  return iter_unpack(bytes_view(buffer));
}
inline iter_unpack_range iter_unpack(std::string_view format, const char* buffer) {
  return iter_unpack(format, bytes_view(buffer));
}
std::size_t calcsize(std::string_view format);

}  // namespace netkit
