// src/unicode_printable.hpp — Python's str.isprintable() for one code point (private).
// repr(str) escapes every character this says is not printable. The table is generated from
// CPython by tests/tools/gen_unicode_printable.py into src/unicode_printable.cpp.
#pragma once

#include <algorithm>
#include <cstddef>

namespace netkit::detail {

// Code points first..last (inclusive) are not printable.
struct code_point_range {
  char32_t first;
  char32_t last;
};

// Sorted, disjoint and not adjacent: categories Cc, Cf, Cs, Co, Cn, Zl, Zp, and Zs but U+0020.
extern const code_point_range nonprintable_ranges[];
extern const std::size_t nonprintable_ranges_size;

// chr(cp).isprintable(); code points above U+10FFFF are not printable.
inline bool is_printable(char32_t cp) {
  if (cp < 0x7F) return cp >= 0x20;  // ASCII without a table lookup
  const code_point_range* end = nonprintable_ranges + nonprintable_ranges_size;
  // The first range ending at or after cp is the only one that can hold it.
  const code_point_range* it =
      std::lower_bound(nonprintable_ranges, end, cp,
                       [](const code_point_range& r, char32_t v) { return r.last < v; });
  return it == end ? cp <= 0x10FFFF : cp < it->first;
}

}  // namespace netkit::detail
