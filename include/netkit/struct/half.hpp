// netkit/struct/half.hpp — IEEE 754 half precision ('e' format) conversions, exactly as CPython's
// PyFloat_Pack2 / PyFloat_Unpack2 do them (public, used by Struct and static_struct).
//
//   std::uint16_t bits; if (netkit::half_from_double(1.5, bits)) { /* bits == 0x3e00 */ }
//   netkit::half_to_double(0x3e00);  // 1.5
#pragma once

#include <cmath>
#include <cstdint>

namespace netkit {

// Rounds to nearest even. Returns false when |x| is too large for a half (Python's
// OverflowError "float too large to pack with e format"); NaN becomes the quiet NaN 0x7e00
// with x's sign.
inline bool half_from_double(double x, std::uint16_t& out) noexcept {
  unsigned sign = 0;
  int e = 0;
  unsigned bits = 0;
  if (x == 0.0) {
    sign = std::signbit(x) ? 1U : 0U;
  } else if (std::isinf(x)) {
    sign = x < 0.0 ? 1U : 0U;
    e = 0x1f;
  } else if (std::isnan(x)) {
    sign = std::signbit(x) ? 1U : 0U;
    e = 0x1f;
    bits = 512;
  } else {
    sign = x < 0.0 ? 1U : 0U;
    if (sign != 0) x = -x;
    double f = std::frexp(x, &e);
    // Normalise f to [1.0, 2.0).
    f *= 2.0;
    e--;
    if (e >= 16) return false;
    if (e < -25) {  // |x| < 2**-25: underflow to zero
      f = 0.0;
      e = 0;
    } else if (e < -14) {  // |x| < 2**-14: gradual underflow
      f = std::ldexp(f, 14 + e);
      e = 0;
    } else {
      e += 15;
      f -= 1.0;  // drop the leading 1
    }
    f *= 1024.0;
    bits = static_cast<unsigned>(f);  // truncation, then round half to even
    if ((f - bits > 0.5) || ((f - bits == 0.5) && (bits % 2 == 1))) {
      ++bits;
      if (bits == 1024) {  // the carry propagated out of 1023 one bits
        bits = 0;
        ++e;
        if (e == 31) return false;
      }
    }
  }
  out = static_cast<std::uint16_t>(bits | (static_cast<unsigned>(e) << 10) | (sign << 15));
  return true;
}

inline double half_to_double(std::uint16_t h) noexcept {
  const bool sign = (h >> 15) != 0;
  int e = (h >> 10) & 0x1f;
  const unsigned f = h & 0x3ffU;
  if (e == 0x1f) {
    if (f == 0) return sign ? -HUGE_VAL : HUGE_VAL;
    return sign ? -std::fabs(NAN) : std::fabs(NAN);
  }
  double x = static_cast<double>(f) / 1024.0;
  if (e == 0) {
    e = -14;
  } else {
    x += 1.0;
    e -= 15;
  }
  x = std::ldexp(x, e);
  return sign ? -x : x;
}

}  // namespace netkit
