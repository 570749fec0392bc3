// src/code_point_range.hpp — a sorted table of inclusive code point ranges and its lookup
// (private), shared by the generated Unicode tables of the base layer (unicode_printable,
// unicode_case). Usage: in_ranges(table, table + size, cp).
#pragma once

#include <algorithm>

namespace netkit::detail {

// Code points first..last (inclusive).
struct code_point_range {
  char32_t first;
  char32_t last;
};

// True when cp lies in one of [begin, end), which are sorted and disjoint.
inline bool in_ranges(const code_point_range* begin, const code_point_range* end, char32_t cp) {
  // The first range ending at or after cp is the only one that can hold it.
  const code_point_range* it = std::lower_bound(
      begin, end, cp, [](const code_point_range& r, char32_t v) { return r.last < v; });
  return it != end && cp >= it->first;
}

}  // namespace netkit::detail
