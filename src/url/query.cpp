// parse_qsl, parse_qs, urlencode: Python's urllib.parse.
#include "netkit/url/query.hpp"

#include <algorithm>

#include "netkit/repr.hpp"
#include "netkit/url/error.hpp"
#include "netkit/url/quote.hpp"

namespace netkit::url {
namespace {

std::size_t count_of(std::string_view s, std::string_view sep) {
  std::size_t n = 0;
  for (std::size_t pos = s.find(sep); pos != std::string_view::npos;
       pos = s.find(sep, pos + sep.size()))
    ++n;
  return n;
}

}  // namespace

query_list parse_qsl(std::string_view qs, const parse_qs_options& options) {
  const std::string_view sep = options.separator;
  if (sep.empty()) throw url_error("Separator must be of type string or bytes.");
  // Bounds the work a hostile query (a large POST body) can cause.
  if (options.max_num_fields) {
    const long long fields = qs.empty() ? 0 : 1 + static_cast<long long>(count_of(qs, sep));
    if (*options.max_num_fields < fields) throw url_error("Max number of fields exceeded");
  }
  query_list result;
  if (qs.empty()) return result;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = std::min(qs.find(sep, start), qs.size());
    const std::string_view field = qs.substr(start, end - start);
    if (!field.empty() || options.strict_parsing) {
      const std::size_t eq = field.find('=');
      std::string_view name = field;
      std::string_view value;
      bool keep = true;
      if (eq == std::string_view::npos) {
        if (options.strict_parsing) throw url_error("bad query field: " + repr_str(field));
        keep = options.keep_blank_values;  // a name with no '=' counts as a blank value
      } else {
        name = field.substr(0, eq);
        value = field.substr(eq + 1);
      }
      if (keep && (!value.empty() || options.keep_blank_values))
        result.emplace_back(unquote_plus(name), unquote_plus(value));
    }
    if (end == qs.size()) break;
    start = end + sep.size();
  }
  return result;
}

query_dict parse_qs(std::string_view qs, const parse_qs_options& options) {
  query_dict result;
  for (auto& pair : parse_qsl(qs, options)) {
    auto it = std::find_if(result.begin(), result.end(),
                           [&pair](const auto& entry) { return entry.first == pair.first; });
    if (it == result.end()) {
      result.emplace_back(std::move(pair.first), std::vector<std::string>{std::move(pair.second)});
    } else {
      it->second.push_back(std::move(pair.second));
    }
  }
  return result;
}

std::string urlencode(const query_list& query, std::string_view safe, quote_function quote_via) {
  if (quote_via == nullptr) quote_via = quote_plus;
  std::string out;
  bool first = true;
  for (const auto& [name, value] : query) {
    if (!first) out.push_back('&');
    first = false;
    out += quote_via(name, safe);
    out.push_back('=');
    out += quote_via(value, safe);
  }
  return out;
}

std::string urlencode(const query_dict& query, bool doseq, std::string_view safe,
                      quote_function quote_via) {
  if (quote_via == nullptr) quote_via = quote_plus;
  std::string out;
  bool first = true;
  const auto add = [&](const std::string& name, std::string_view value) {
    if (!first) out.push_back('&');
    first = false;
    out += name;
    out.push_back('=');
    out += quote_via(value, safe);
  };
  for (const auto& [name, values] : query) {
    const std::string quoted_name = quote_via(name, safe);
    if (doseq) {
      for (const std::string& v : values) add(quoted_name, v);
    } else {
      // Python quotes str(list).
      std::string text = "[";
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (i != 0) text += ", ";
        text += repr_str(values[i]);
      }
      text += "]";
      add(quoted_name, text);
    }
  }
  return out;
}

}  // namespace netkit::url
