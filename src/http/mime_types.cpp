// guess_type (see netkit/http/mime_types.hpp): SimpleHTTPRequestHandler.guess_type and
// mimetypes.MimeTypes.guess_type, step by step.
#include "netkit/http/mime_types.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>

#include "mime_types_table.hpp"

namespace netkit::http {
namespace {

using detail::mime_entry;

std::optional<std::string_view> lookup(std::span<const mime_entry> table, std::string_view ext) {
  const auto it =
      std::lower_bound(table.begin(), table.end(), ext,
                       [](const mime_entry& e, std::string_view x) { return e.extension < x; });
  if (it != table.end() && it->extension == ext) return it->value;
  return std::nullopt;
}

// str.lower() as far as lookups in the (ASCII) tables can tell: ASCII letters, and U+212A
// KELVIN SIGN, the one character outside ASCII whose lower case is ASCII alone ("k"). Any other
// non-ASCII character stays non-ASCII once lower-cased, so no key can match: nullopt.
std::optional<std::string> lower_for_lookup(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
    } else if (s.substr(i, 3) == "\xE2\x84\xAA") {
      out.push_back('k');
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::string_view> lookup_lower(std::span<const mime_entry> table,
                                             std::string_view ext) {
  const auto lowered = lower_for_lookup(ext);
  if (!lowered) return std::nullopt;
  return lookup(table, *lowered);
}

// posixpath.splitext: the extension is the last '.' of the last component and what follows,
// unless only dots precede it in that component (".bashrc" has none).
std::pair<std::string_view, std::string_view> splitext(std::string_view p) {
  const auto sep = p.rfind('/');
  const auto dot = p.rfind('.');
  if (dot != std::string_view::npos && (sep == std::string_view::npos || dot > sep)) {
    for (std::size_t i = sep == std::string_view::npos ? 0 : sep + 1; i < dot; ++i)
      if (p[i] != '.') return {p.substr(0, dot), p.substr(dot)};
  }
  return {p, {}};
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lx = x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x;
           const auto ly = y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y;
           return lx == ly;
         });
}

// mimetypes.MimeTypes().guess_type(url)[0] over the built-in tables (strict).
std::optional<std::string_view> mimetypes_guess(std::string_view url) {
  // urllib.parse._splittype: "scheme:rest" where scheme has neither '/' nor ':'.
  const auto colon = url.find_first_of("/:");
  if (colon != std::string_view::npos && colon > 0 && url[colon] == ':') {
    const std::string_view scheme = url.substr(0, colon);
    url = url.substr(colon + 1);
    if (iequals_ascii(scheme, "data")) {
      const auto comma = url.find(',');
      if (comma == std::string_view::npos) return std::nullopt;
      const auto semi = url.substr(0, comma).find(';');
      const std::string_view type = url.substr(0, semi == std::string_view::npos ? comma : semi);
      if (type.find('=') != std::string_view::npos || type.find('/') == std::string_view::npos)
        return "text/plain";
      return type;
    }
  }
  std::string_view base, ext;
  std::tie(base, ext) = splitext(url);
  std::string expanded;  // owns the name once a suffix has been expanded
  while (const auto suffix = lookup_lower(detail::mime_suffix_map(), ext)) {
    expanded = std::string(base) + std::string(*suffix);
    std::tie(base, ext) = splitext(expanded);
  }
  if (lookup(detail::mime_encodings_map(), ext)) std::tie(base, ext) = splitext(base);
  return lookup_lower(detail::mime_types_map(), ext);
}

}  // namespace

std::string_view guess_type(std::string_view path) {
  const auto ext = splitext(path).second;
  if (const auto t = lookup(detail::handler_extensions_map(), ext)) return *t;
  if (const auto t = lookup_lower(detail::handler_extensions_map(), ext)) return *t;
  if (const auto t = mimetypes_guess(path)) return *t;
  return "application/octet-stream";
}

}  // namespace netkit::http
