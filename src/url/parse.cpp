// urlsplit, urlparse, urlunsplit, urlunparse, urljoin, urldefrag: CPython 3.11.7's
// Lib/urllib/parse.py, step for step, over UTF-8 bytes. Every delimiter Python looks for is
// ASCII, so finding it in the bytes finds the same place as in the code points.
#include "netkit/url/parse.hpp"

#include <algorithm>
#include <vector>

#include "netkit/repr.hpp"
#include "unicode_tables.hpp"

namespace netkit::url {
namespace {

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& list, std::string_view scheme) {
  return std::find(list.begin(), list.end(), scheme) != list.end();
}

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
  return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_scheme_char(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c) || c == '+' || c == '-' || c == '.';
}
// _WHATWG_C0_CONTROL_OR_SPACE: U+0000 to U+0020.
bool is_c0_or_space(char c) { return static_cast<unsigned char>(c) <= 0x20; }
// _UNSAFE_URL_BYTES_TO_REMOVE.
bool is_unsafe(char c) { return c == '\t' || c == '\r' || c == '\n'; }

std::string remove_unsafe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (!is_unsafe(c)) out.push_back(c);
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

// ipaddress.IPv4Address(text) succeeds.
bool is_ipv4(std::string_view text) {
  if (text.empty()) return false;
  const std::vector<std::string_view> octets = split(text, '.');
  if (octets.size() != 4) return false;
  for (std::string_view o : octets) {
    if (o.empty() || o.size() > 3) return false;
    if (!std::all_of(o.begin(), o.end(), is_ascii_digit)) return false;
    if (o.size() > 1 && o[0] == '0') return false;  // leading zeros, as inet_pton refuses them
    int value = 0;
    for (char c : o) value = value * 10 + (c - '0');
    if (value > 255) return false;
  }
  return true;
}

// ipaddress.IPv6Address(text) succeeds (scope id included).
bool is_ipv6(std::string_view text) {
  if (text.find('/') != std::string_view::npos) return false;
  const std::size_t percent = text.find('%');
  if (percent != std::string_view::npos) {
    const std::string_view scope = text.substr(percent + 1);
    if (scope.empty() || scope.find('%') != std::string_view::npos) return false;
    text = text.substr(0, percent);
  }
  if (text.empty()) return false;
  std::vector<std::string_view> parts = split(text, ':');
  if (parts.size() < 3) return false;
  std::size_t count = parts.size();
  bool ipv4_tail = false;
  if (parts.back().find('.') != std::string_view::npos) {
    if (!is_ipv4(parts.back())) return false;
    ipv4_tail = true;  // stands for two hextets
    ++count;
  }
  if (count > 9) return false;
  // Hextets by index in the expanded list: the IPv4 tail covers the last two.
  const auto hextet_ok = [&](std::size_t i) {
    if (ipv4_tail && i >= parts.size() - 1) return true;
    const std::string_view h = parts[i];
    return !h.empty() && h.size() <= 4 && std::all_of(h.begin(), h.end(), is_hex_digit);
  };
  const auto empty_at = [&](std::size_t i) {
    if (ipv4_tail && i >= parts.size() - 1) return false;
    return parts[i].empty();
  };
  std::size_t skip = 0;
  bool have_skip = false;
  for (std::size_t i = 1; i + 1 < count; ++i) {
    if (empty_at(i)) {
      if (have_skip) return false;
      have_skip = true;
      skip = i;
    }
  }
  std::size_t hi = 0;
  std::size_t lo = 0;
  if (have_skip) {
    hi = skip;
    lo = count - skip - 1;
    if (empty_at(0)) {
      if (--hi != 0) return false;
    }
    if (empty_at(count - 1)) {
      if (--lo != 0) return false;
    }
    if (hi + lo > 7) return false;
  } else {
    if (count != 8) return false;
    if (empty_at(0) || empty_at(count - 1)) return false;
    hi = count;
  }
  for (std::size_t i = 0; i < hi; ++i)
    if (!hextet_ok(i)) return false;
  for (std::size_t i = count - lo; i < count; ++i)
    if (!hextet_ok(i)) return false;
  return true;
}

// _check_bracketed_host.
void check_bracketed_host(std::string_view host) {
  if (!host.empty() && host[0] == 'v') {
    // \Av[a-fA-F0-9]+\..+\Z
    std::size_t i = 1;
    while (i < host.size() && is_hex_digit(host[i])) ++i;
    if (i == 1 || i >= host.size() || host[i] != '.' || i + 1 >= host.size())
      throw url_error("IPvFuture address is invalid");
    return;
  }
  if (is_ipv4(host)) throw url_error("An IPv4 address cannot be in brackets");
  if (!is_ipv6(host))
    throw url_error(repr_str(host) + " does not appear to be an IPv4 or IPv6 address");
}

// _checknetloc: refuses characters that NFKC turns into URL delimiters.
void check_netloc(std::string_view netloc) {
  const bool ascii = std::all_of(netloc.begin(), netloc.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return;
  if (detail::has_nfkc_delimiter(netloc))
    throw url_error("netloc '" + std::string(netloc) +
                    "' contains invalid characters under NFKC normalization");
}

}  // namespace

split_result urlsplit(std::string_view url_in, std::string_view scheme_in, bool allow_fragments) {
  // Only the left end is stripped: some applications rely on trailing spaces.
  while (!url_in.empty() && is_c0_or_space(url_in.front())) url_in.remove_prefix(1);
  while (!scheme_in.empty() && is_c0_or_space(scheme_in.front())) scheme_in.remove_prefix(1);
  while (!scheme_in.empty() && is_c0_or_space(scheme_in.back())) scheme_in.remove_suffix(1);
  const std::string cleaned = remove_unsafe(url_in);

  split_result r;
  r.scheme = remove_unsafe(scheme_in);
  std::string_view url = cleaned;

  const std::size_t colon = url.find(':');
  if (colon != std::string_view::npos && colon > 0 && is_ascii_alpha(url[0]) &&
      std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon), is_scheme_char)) {
    r.scheme.assign(url.substr(0, colon));
    for (char& c : r.scheme)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    url.remove_prefix(colon + 1);
  }
  if (url.substr(0, 2) == "//") {
    const std::size_t delim = std::min(url.find_first_of("/?#", 2), url.size());
    r.netloc.assign(url.substr(2, delim - 2));
    url.remove_prefix(delim);
    const std::string_view netloc = r.netloc;
    const bool open = netloc.find('[') != std::string_view::npos;
    const bool close = netloc.find(']') != std::string_view::npos;
    if (open != close) throw url_error("Invalid IPv6 URL");
    if (open) {
      std::string_view host = netloc.substr(netloc.find('[') + 1);
      host = host.substr(0, host.find(']'));
      check_bracketed_host(host);
    }
  }
  if (allow_fragments) {
    const std::size_t hash = url.find('#');
    if (hash != std::string_view::npos) {
      r.fragment.assign(url.substr(hash + 1));
      url = url.substr(0, hash);
    }
  }
  const std::size_t question = url.find('?');
  if (question != std::string_view::npos) {
    r.query.assign(url.substr(question + 1));
    url = url.substr(0, question);
  }
  r.path.assign(url);
  check_netloc(r.netloc);
  return r;
}

parse_result urlparse(std::string_view url, std::string_view scheme, bool allow_fragments) {
  split_result s = urlsplit(url, scheme, allow_fragments);
  parse_result r{std::move(s.scheme), std::move(s.netloc),  std::move(s.path), {},
                 std::move(s.query),  std::move(s.fragment)};
  if (listed(uses_params, r.scheme) && r.path.find(';') != std::string::npos) {
    // _splitparams: params belong to the last path segment only.
    const std::size_t slash = r.path.rfind('/');
    const std::size_t semi = r.path.find(';', slash == std::string::npos ? 0 : slash);
    if (semi != std::string::npos) {
      r.params = r.path.substr(semi + 1);
      r.path.resize(semi);
    }
  }
  return r;
}

std::string urlunsplit(std::string_view scheme, std::string_view netloc, std::string_view path,
                       std::string_view query, std::string_view fragment) {
  std::string url;
  url.reserve(scheme.size() + netloc.size() + path.size() + query.size() + fragment.size() + 8);
  if (!scheme.empty()) {
    url.append(scheme);
    url.push_back(':');
  }
  // An empty netloc is written out ("file:///x") for the schemes that have one, unless the
  // path would then be read as a netloc.
  if (!netloc.empty() ||
      (!scheme.empty() && listed(uses_netloc, scheme) && path.substr(0, 2) != "//")) {
    url.append("//");
    url.append(netloc);
    if (!path.empty() && path[0] != '/') url.push_back('/');
  }
  url.append(path);
  if (!query.empty()) {
    url.push_back('?');
    url.append(query);
  }
  if (!fragment.empty()) {
    url.push_back('#');
    url.append(fragment);
  }
  return url;
}

std::string urlunsplit(const split_result& p) {
  return urlunsplit(p.scheme, p.netloc, p.path, p.query, p.fragment);
}

std::string urlunparse(std::string_view scheme, std::string_view netloc, std::string_view path,
                       std::string_view params, std::string_view query, std::string_view fragment) {
  if (params.empty()) return urlunsplit(scheme, netloc, path, query, fragment);
  std::string full(path);
  full.push_back(';');
  full.append(params);
  return urlunsplit(scheme, netloc, full, query, fragment);
}

std::string urlunparse(const parse_result& p) {
  return urlunparse(p.scheme, p.netloc, p.path, p.params, p.query, p.fragment);
}

std::string urljoin(std::string_view base, std::string_view url, bool allow_fragments) {
  if (base.empty() || url.empty()) return std::string(base.empty() ? url : base);
  const parse_result b = urlparse(base, "", allow_fragments);
  parse_result u = urlparse(url, b.scheme, allow_fragments);

  if (u.scheme != b.scheme || !listed(uses_relative, u.scheme)) return std::string(url);
  if (listed(uses_netloc, u.scheme)) {
    if (!u.netloc.empty()) return urlunparse(u);
    u.netloc = b.netloc;
  }
  if (u.path.empty() && u.params.empty()) {
    u.path = b.path;
    u.params = b.params;
    if (u.query.empty()) u.query = b.query;
    return urlunparse(u);
  }

  std::vector<std::string_view> base_parts = split(b.path, '/');
  // The last segment names a file, not a directory: it plays no part in the resolution.
  if (!base_parts.back().empty()) base_parts.pop_back();

  std::vector<std::string_view> segments;
  const std::vector<std::string_view> path_parts = split(u.path, '/');
  if (u.path.substr(0, 1) == "/") {
    segments = path_parts;
  } else {
    segments = base_parts;
    segments.insert(segments.end(), path_parts.begin(), path_parts.end());
    // Empty segments between the first and the last would make redundant slashes.
    if (segments.size() > 2) {
      std::vector<std::string_view> kept{segments.front()};
      for (std::size_t i = 1; i + 1 < segments.size(); ++i)
        if (!segments[i].empty()) kept.push_back(segments[i]);
      kept.push_back(segments.back());
      segments = std::move(kept);
    }
  }

  std::vector<std::string_view> resolved;
  for (std::string_view seg : segments) {
    if (seg == "..") {
      if (!resolved.empty()) resolved.pop_back();  // '..' above the root is dropped
    } else if (seg != ".") {
      resolved.push_back(seg);
    }
  }
  if (segments.back() == "." || segments.back() == "..") resolved.emplace_back();

  std::string path;
  for (std::size_t i = 0; i < resolved.size(); ++i) {
    if (i != 0) path.push_back('/');
    path.append(resolved[i]);
  }
  if (path.empty()) path = "/";
  return urlunparse(u.scheme, u.netloc, path, u.params, u.query, u.fragment);
}

defrag_result urldefrag(std::string_view url) {
  if (url.find('#') == std::string_view::npos) return {std::string(url), {}};
  parse_result p = urlparse(url);
  std::string fragment = std::move(p.fragment);
  p.fragment.clear();
  return {urlunparse(p), std::move(fragment)};
}

std::string split_result::geturl() const { return urlunsplit(*this); }
std::string parse_result::geturl() const { return urlunparse(*this); }

}  // namespace netkit::url
