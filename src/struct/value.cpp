// The struct module's values: Python's int parsing, truth, float() and repr (float repr by
// Python's rules on top of std::to_chars' shortest round trip).
#include "netkit/struct/value.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

#include "netkit/error.hpp"

namespace netkit {

std::string struct_int::str() const {
  char buf[24];
  char* p = buf;
  if (negative_) *p++ = '-';
  p = std::to_chars(p, buf + sizeof buf, magnitude_).ptr;
  return std::string(buf, p);
}

struct_value struct_value::from_decimal(std::string_view text) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    throw value_error("invalid literal for int() with base 10: " + repr_str(text));
  }
  const auto first = digits.find_first_not_of('0');
  digits = first == std::string_view::npos ? std::string_view("0") : digits.substr(first);
  std::uint64_t magnitude = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  if (ec == std::errc() && end == digits.data() + digits.size()) {
    return struct_int::from_sign_magnitude(negative, magnitude);
  }
  // Beyond 64 bits: keep the text and the correctly rounded double (from_chars rounds to
  // nearest even, as Python's int.__float__ does).
  big_int big;
  big.text = (negative ? "-" : "") + std::string(digits);
  double d = 0;
  const auto r = std::from_chars(big.text.data(), big.text.data() + big.text.size(), d);
  if (r.ec == std::errc() && std::isfinite(d)) big.value = d;
  struct_value v;
  v.v_ = std::move(big);
  return v;
}

struct_value::kind struct_value::type() const noexcept {
  switch (v_.index()) {
    case 0: return kind::none;
    case 1: return kind::boolean;
    case 2:
    case 5: return kind::integer;
    case 3: return kind::floating;
    default: return kind::byte_string;
  }
}

bool struct_value::truthy() const noexcept {
  switch (v_.index()) {
    case 0: return false;
    case 1: return std::get<bool>(v_);
    case 2: return !std::get<struct_int>(v_).is_zero();
    case 3: return std::get<double>(v_) != 0.0;  // NaN is true
    case 4: return !std::get<bytes>(v_).empty();
    default: return true;  // a big int is never zero
  }
}

std::optional<double> struct_value::to_double() const noexcept {
  switch (v_.index()) {
    case 1: return std::get<bool>(v_) ? 1.0 : 0.0;
    case 2: return std::get<struct_int>(v_).to_double();
    case 3: return std::get<double>(v_);
    case 5: return std::get<big_int>(v_).value;
    default: return std::nullopt;
  }
}

bool operator==(const struct_value& a, const struct_value& b) noexcept { return a.v_ == b.v_; }

std::string float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  if (d == 0.0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round trip, in scientific form: "-d.ddde+XX".
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
  std::string out;
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const auto e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  const int exponent = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  const int decpt = exponent + 1;  // digits = 0.DIGITS * 10**decpt
  const int n = static_cast<int>(digits.size());
  // Python's repr (format code 'r'): exponent notation when decpt <= -4 or decpt > 16.
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-decpt), '0');
      out += digits;
    } else if (decpt >= n) {
      out += digits;
      out.append(static_cast<std::size_t>(decpt - n), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(decpt));
      out += '.';
      out += digits.substr(static_cast<std::size_t>(decpt));
    }
    return out;
  }
  out += digits[0];
  if (n > 1) {
    out += '.';
    out += digits.substr(1);
  }
  const int e = decpt - 1;
  out += e < 0 ? "e-" : "e+";
  const int abs_e = e < 0 ? -e : e;
  if (abs_e < 10) out += '0';
  out += std::to_string(abs_e);
  return out;
}

std::string struct_value::repr() const {
  switch (type()) {
    case kind::none: return "None";
    case kind::boolean: return as_bool() ? "True" : "False";
    case kind::integer: return is_big_int() ? big_text() : as_int().str();
    case kind::floating: return float_repr(as_float());
    case kind::byte_string: return netkit::repr(bytes_view(as_bytes()));
  }
  return {};
}

std::string repr(const struct_values& values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ", ";
    out += values[i].repr();
  }
  if (values.size() == 1) out += ',';
  out += ')';
  return out;
}

}  // namespace netkit
