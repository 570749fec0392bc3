// netkit/struct/value.hpp — the values struct packs and unpacks: Python's None, bool, int, float
// and bytes as one small C++ type (public).
//
//   netkit::struct_value v = 258;            // an int (any int64 or uint64 value)
//   v.as_int().to_int64();                   // 258
//   netkit::repr(netkit::unpack("<hd", data)) // (258, 2.5)   — Python's tuple repr
// Thread safety: plain values; distinct objects may be used from any thread.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "netkit/bytes.hpp"
#include "netkit/repr.hpp"

namespace netkit {

// A Python int in (-2^64, 2^64): every value a struct format can hold, int64 and uint64 alike,
// kept exactly as sign and magnitude. Trivially copyable, 16 bytes.
class struct_int {
 public:
  constexpr struct_int() noexcept = default;
  template <std::integral T>
  requires(!std::same_as<T, bool>) constexpr struct_int(
      T v) noexcept  // NOLINT(google-explicit-constructor): an int is an int
      : magnitude_(v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v)
                         : static_cast<std::uint64_t>(v)),
        negative_(v < 0) {}
  // -magnitude when `negative` (a zero magnitude is never negative).
  static constexpr struct_int from_sign_magnitude(bool negative, std::uint64_t magnitude) noexcept {
    struct_int r;
    r.magnitude_ = magnitude;
    r.negative_ = negative && magnitude != 0;
    return r;
  }

  constexpr bool negative() const noexcept { return negative_; }
  constexpr std::uint64_t magnitude() const noexcept { return magnitude_; }
  constexpr bool is_zero() const noexcept { return magnitude_ == 0; }
  constexpr bool fits_int64() const noexcept {
    return negative_ ? magnitude_ <= (std::uint64_t{1} << 63)
                     : magnitude_ < (std::uint64_t{1} << 63);
  }
  constexpr bool fits_uint64() const noexcept { return !negative_; }
  // Preconditions: fits_int64() / fits_uint64().
  constexpr std::int64_t to_int64() const noexcept {
    return negative_ ? static_cast<std::int64_t>(std::uint64_t{0} - magnitude_)
                     : static_cast<std::int64_t>(magnitude_);
  }
  constexpr std::uint64_t to_uint64() const noexcept { return magnitude_; }
  // float(int): correctly rounded, as Python's.
  double to_double() const noexcept {
    const double m = static_cast<double>(magnitude_);
    return negative_ ? -m : m;
  }
  // str(int): decimal.
  std::string str() const;

  friend constexpr bool operator==(const struct_int&, const struct_int&) noexcept = default;

 private:
  std::uint64_t magnitude_ = 0;
  bool negative_ = false;
};

// One value for pack or from unpack: Python's None, bool, int, float or bytes.
//
// Ints beyond 64 bits are accepted too (a Python caller can pass them, and the CLI does): every
// integer format rejects them as Python does, and the float formats take their correctly rounded
// value, so they keep their decimal text and their float value and nothing more.
class struct_value {
 public:
  enum class kind { none, boolean, integer, floating, byte_string };

  struct_value() noexcept = default;        // None
  struct_value(std::nullptr_t) noexcept {}  // NOLINT: None
  struct_value(bool b) noexcept : v_(b) {}  // NOLINT
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) struct_value(T i)
  noexcept : v_(struct_int(i)) {}                                 // NOLINT
  struct_value(struct_int i) noexcept : v_(i) {}                  // NOLINT
  struct_value(double d) noexcept : v_(d) {}                      // NOLINT
  struct_value(float f) noexcept : v_(static_cast<double>(f)) {}  // NOLINT
  // A char is a one-byte bytes object, what the 'c' format takes (Python's b'x').
  struct_value(char c) : v_(bytes(1, c)) {}             // NOLINT
  struct_value(bytes b) noexcept : v_(std::move(b)) {}  // NOLINT
  struct_value(bytes_view b) : v_(bytes(b)) {}          // NOLINT
  struct_value(const char* b) : v_(bytes(b)) {}         // NOLINT

  // int(text) for an optional sign and decimal digits, of any size; throws value_error for
  // anything else ("invalid literal for int() with base 10: 'x'").
  static struct_value from_decimal(std::string_view text);

  kind type() const noexcept;
  bool is_none() const noexcept { return v_.index() == 0; }
  bool is_bool() const noexcept { return v_.index() == 1; }
  bool is_int() const noexcept { return v_.index() == 2 || v_.index() == 5; }
  bool is_float() const noexcept { return v_.index() == 3; }
  bool is_bytes() const noexcept { return v_.index() == 4; }
  // An int outside (-2^64, 2^64): holds only big_text() and to_double().
  bool is_big_int() const noexcept { return v_.index() == 5; }

  // Accessors throw std::bad_variant_access for another kind.
  bool as_bool() const { return std::get<bool>(v_); }
  struct_int as_int() const { return std::get<struct_int>(v_); }
  double as_float() const { return std::get<double>(v_); }
  const bytes& as_bytes() const { return std::get<bytes>(v_); }
  const std::string& big_text() const { return std::get<big_int>(v_).text; }

  // Python's truth value (bool(x)).
  bool truthy() const noexcept;
  // Python's float(x) for an int, bool or float; nullopt for other kinds and for an int too
  // large for a double (Python's OverflowError).
  std::optional<double> to_double() const noexcept;

  // Python's repr() of the value (also netkit::repr(v)).
  std::string repr() const;

  // Same kind and same value (floats by ==, so a NaN is not equal to itself).
  friend bool operator==(const struct_value& a, const struct_value& b) noexcept;

 private:
  struct big_int {
    std::string text;             // canonical decimal: optional '-', no leading zeros
    std::optional<double> value;  // nullopt: too large for a double
    friend bool operator==(const big_int& a, const big_int& b) noexcept { return a.text == b.text; }
  };
  std::variant<std::monostate, bool, struct_int, double, bytes, big_int> v_;
};

// unpack's result: a tuple of values.
using struct_values = std::vector<struct_value>;

// Python's repr(float): the shortest text that reads back as the same double, in Python's
// layout ('2.5', '1e+16', '1e-05', 'inf', 'nan', '-0.0').
std::string float_repr(double d);

// repr() of one value: None, True, 258, 2.700000047683716, b'ab'. A template taking exactly a
// struct_value, so that repr(std::string) still means repr(bytes_view) and is not ambiguous.
template <class T>
requires std::same_as<T, struct_value> std::string repr(const T& v) { return v.repr(); }

// repr() of a tuple of values: (1, b'ab', 2.700000047683716), (5,), ().
std::string repr(const struct_values& values);

}  // namespace netkit
