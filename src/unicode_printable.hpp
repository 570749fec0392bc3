// src/unicode_printable.hpp — Python's str.isprintable() for one code point (private).
// repr(str) escapes every character this says is not printable. The table is generated from
// CPython by tests/tools/gen_unicode_printable.py into src/unicode_printable.cpp.
#pragma once

#include <cstddef>

#include "code_point_range.hpp"

namespace netkit::detail {

// The code points that are not printable; sorted, disjoint and not adjacent: categories Cc, Cf,
// Cs, Co, Cn, Zl, Zp, and Zs but U+0020.
extern const code_point_range nonprintable_ranges[];
extern const std::size_t nonprintable_ranges_size;

// chr(cp).isprintable(); code points above U+10FFFF are not printable.
inline bool is_printable(char32_t cp) {
  if (cp < 0x7F) return cp >= 0x20;  // ASCII without a table lookup
  return cp <= 0x10FFFF &&
         !in_ranges(nonprintable_ranges, nonprintable_ranges + nonprintable_ranges_size, cp);
}

}  // namespace netkit::detail
