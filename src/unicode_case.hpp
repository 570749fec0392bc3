// src/unicode_case.hpp — Python's str.lower() (private), for url's hostname and http's
// directory listing order. The tables are generated from CPython by
// tests/tools/gen_unicode_case.py into src/unicode_case_table.cpp. Usage: python_lower("ΟΔΟΣ").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "code_point_range.hpp"

namespace netkit::detail {

struct lower_pair {
  char32_t from;
  char32_t to;
};

// Every code point whose lower case is one other code point, sorted by from (U+0130, the one
// whose lower case is two code points, is left to the code).
extern const lower_pair lower_pairs[];
extern const std::size_t lower_pairs_size;
// What CPython's Final_Sigma rule asks: the case-ignorable code points, and the cased ones that
// are not case-ignorable (for an ignorable one, cased never matters to the rule).
extern const code_point_range case_ignorable_ranges[];
extern const std::size_t case_ignorable_ranges_size;
extern const code_point_range cased_ranges[];
extern const std::size_t cased_ranges_size;

// A byte of UTF-8 text that starts no well-formed sequence decodes to this flag or'ed with the
// byte: above U+10FFFF, so no table holds it and it lowers to itself, and encodes back to the
// byte. Python's str never holds such a thing, so any consistent choice will do.
inline constexpr char32_t undecodable_byte = 0x80000000;

// UTF-8 to code points; encoded surrogates (ED A0..BF xx) decode as errors='surrogatepass'
// would, so that text holding them round-trips.
std::u32string decode_utf8(std::string_view text);
void append_utf8(std::string& out, char32_t cp);

// str.lower() of code points: the full lower-case mapping (U+0130 becomes "i" U+0307), and
// GREEK CAPITAL LETTER SIGMA as final sigma where Unicode's Final_Sigma context says so.
std::u32string python_lower(std::u32string_view text);
// The same over UTF-8 text, with an ASCII fast path.
std::string python_lower(std::string_view text);

}  // namespace netkit::detail
