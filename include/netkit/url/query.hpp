// netkit/url/query.hpp — query strings (public); Python's urllib.parse.parse_qsl, parse_qs and
// urlencode.
//
//   netkit::url::parse_qsl("a=1&b=x+y");           // {{"a", "1"}, {"b", "x y"}}
//   netkit::url::urlencode({{"q", "a b"}, {"n", "1"}});  // "q=a+b&n=1"
//
// Names and values are UTF-8 text (percent-escapes decoded with errors='replace'). Errors
// (strict_parsing, max_num_fields, an empty separator) are url_error, Python's ValueError.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netkit::url {

// A list of (name, value) pairs, as parse_qsl returns and urlencode takes.
using query_list = std::vector<std::pair<std::string, std::string>>;
// parse_qs's dict: each name with its values, names in the order they first appear.
using query_dict = std::vector<std::pair<std::string, std::vector<std::string>>>;

struct parse_qs_options {
  bool keep_blank_values = false;
  bool strict_parsing = false;
  std::optional<long long> max_num_fields;  // Python's None when empty
  std::string_view separator = "&";
};

query_list parse_qsl(std::string_view qs, const parse_qs_options& options = {});
query_dict parse_qs(std::string_view qs, const parse_qs_options& options = {});

// How urlencode quotes each name and value: quote_plus (the default) or quote.
using quote_function = std::string (*)(std::string_view, std::string_view);

std::string urlencode(const query_list& query, std::string_view safe = "",
                      quote_function quote_via = nullptr);
// Values that are sequences: with doseq each element becomes its own name=value pair; without,
// the value is Python's str() of the list ("['a', 'b']"), quoted, as Python does.
std::string urlencode(const query_dict& query, bool doseq, std::string_view safe = "",
                      quote_function quote_via = nullptr);

}  // namespace netkit::url
