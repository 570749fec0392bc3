// str.lower() over UTF-8 text (surrogates allowed, as in text.hpp), for sorting names as
// list_directory does; internal to src/http. Tables: src/http/unicode_lower_table.cpp.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace netkit::http::detail {

struct lower_pair {
  char32_t from, to;
};
struct code_point_range {
  char32_t first, last;  // inclusive
};

std::span<const lower_pair> lower_table() noexcept;                  // sorted by from
std::span<const code_point_range> case_ignorable_ranges() noexcept;  // sorted, disjoint
std::span<const code_point_range> cased_ranges() noexcept;           // cased and not case-ignorable

// The code points of text.lower(): full lower-case mapping (U+0130 becomes two code points) and
// GREEK CAPITAL LETTER SIGMA as final sigma where Unicode's Final_Sigma context says so.
std::u32string python_lower(std::string_view text);

}  // namespace netkit::http::detail
