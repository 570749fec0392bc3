// src/url/unicode_tables.hpp — Unicode data urllib.parse relies on through
// unicodedata.normalize('NFKC') (private); str.lower() is src/unicode_case.hpp. The table is
// generated from CPython by tests/tools/gen_url_unicode_tables.py.
#pragma once

#include <cstddef>
#include <string_view>

namespace netkit::url::detail {

extern const char32_t nfkc_delimiters[];  // sorted
extern const std::size_t nfkc_delimiters_size;

// True when some code point of `text` turns into one of '/?#@:' under NFKC, which is what
// urllib.parse._checknetloc rejects (the text itself holds none of them).
bool has_nfkc_delimiter(std::string_view text);

}  // namespace netkit::url::detail
