// src/url/unicode_tables.hpp — Unicode data urllib.parse relies on through str.lower() and
// unicodedata.normalize('NFKC') (private). The tables are generated from CPython by
// tests/tools/gen_url_unicode_tables.py.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace netkit::url::detail {

struct lower_entry {
  char32_t from;
  char32_t to;
};

// The classes CPython's Final_Sigma rule asks about.
enum sigma_class : std::uint8_t { sigma_other = 0, sigma_cased = 1, sigma_case_ignorable = 2 };

struct sigma_run {
  char32_t first;  // the run lasts until the next entry's first
  std::uint8_t cls;
};

extern const lower_entry lower_table[];  // sorted by from; single code point mappings only
extern const std::size_t lower_table_size;
extern const sigma_run sigma_runs[];  // sorted, starts at 0
extern const std::size_t sigma_runs_size;
extern const char32_t nfkc_delimiters[];  // sorted
extern const std::size_t nfkc_delimiters_size;

// Python's str.lower() of UTF-8 text (bytes that are not UTF-8 are kept as they are).
std::string python_lower(std::string_view text);

// True when some code point of `text` turns into one of '/?#@:' under NFKC, which is what
// urllib.parse._checknetloc rejects (the text itself holds none of them).
bool has_nfkc_delimiter(std::string_view text);

}  // namespace netkit::url::detail
