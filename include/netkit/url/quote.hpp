// netkit/url/quote.hpp — percent-encoding (public); Python's urllib.parse.quote, quote_plus,
// quote_from_bytes, unquote, unquote_plus and unquote_to_bytes.
//
//   netkit::url::quote("a b/é");          // "a%20b/%C3%A9"
//   netkit::url::unquote_plus("x+%41");   // "x A"
//
// Text is UTF-8 (Python's default encoding); `safe` characters outside ASCII are ignored, as
// Python ignores them. unquote decodes with errors='replace': a percent-escape that does not
// make valid UTF-8 becomes U+FFFD, one per maximal invalid subsequence, as CPython decodes.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace netkit::url {

std::string quote(std::string_view string, std::string_view safe = "/");
std::string quote_plus(std::string_view string, std::string_view safe = "");
// The same as quote: netkit's strings are already bytes.
std::string quote_from_bytes(std::string_view bytes, std::string_view safe = "/");

std::string unquote(std::string_view string);
std::string unquote_plus(std::string_view string);
std::string unquote_to_bytes(std::string_view string);

}  // namespace netkit::url
