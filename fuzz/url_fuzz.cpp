// libFuzzer target for netkit/url: any bytes through urlsplit, urlparse, urljoin, urldefrag,
// quote/unquote and parse_qsl. Nothing may crash, hang or throw anything but url_error, and
// the results must keep the invariants CPython's urllib.parse keeps:
//   - urlparse agrees with urlsplit (params are the tail of split's path);
//   - re-splitting urlunsplit(urlsplit(x)) gives urlsplit(x) back when the netloc is written
//     out as it was (Python changes the URL otherwise: "file:x" -> "file:///x"; and then not
//     even the reassembled URL is a fixed point: the path "////h" of "//////h" reassembles
//     as "////h", whose path is "//h");
//   - unquote(quote(s)) == s and unquote_plus(quote_plus(s)) == s for UTF-8 text;
//   - urljoin(b, "") == b, urljoin("", u) == u, and urljoin fails only when a part does.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "netkit/url.hpp"

namespace {

namespace url = netkit::url;

void check(bool ok) {
  if (!ok) std::abort();
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80                   ? 1
                      : (c >= 0xC2 && c <= 0xDF) ? 2
                      : (c >= 0xE0 && c <= 0xEF) ? 3
                      : (c >= 0xF0 && c <= 0xF4) ? 4
                                                 : 0;
    if (len == 0 || i + len > s.size()) return false;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
      return false;
    i += len;
  }
  return true;
}

bool listed_netloc(std::string_view scheme) {
  return std::find(url::uses_netloc.begin(), url::uses_netloc.end(), scheme) !=
         url::uses_netloc.end();
}

template <typename Result>
void touch_attributes(const Result& r) {
  (void)r.username();
  (void)r.password();
  (void)r.hostname();
  try {
    const std::optional<int> port = r.port();
    check(!port || (*port >= 0 && *port <= 65535));
  } catch (const url::url_error&) {
  }
}

std::optional<url::split_result> try_split(std::string_view s) {
  try {
    return url::urlsplit(s);
  } catch (const url::url_error&) {
    return std::nullopt;
  }
}

void check_split(std::string_view s) {
  const std::optional<url::split_result> r = try_split(s);
  std::optional<url::parse_result> p;
  try {
    p = url::urlparse(s);
  } catch (const url::url_error&) {
  }
  check(r.has_value() == p.has_value());
  if (!r) return;
  touch_attributes(*r);
  touch_attributes(*p);
  check(r->netloc.find_first_of("/?#") == std::string::npos);
  check(r->path.find_first_of("?#") == std::string::npos);
  check(r->query.find('#') == std::string::npos);
  check(p->scheme == r->scheme && p->netloc == r->netloc && p->query == r->query &&
        p->fragment == r->fragment);
  // 'a;' has empty params, yet its ';' has gone from the path.
  check(p->path == r->path || p->path + ';' + p->params == r->path);

  const std::string y = r->geturl();
  const std::optional<url::split_result> r2 = try_split(y);
  const bool netloc_kept = (!r->netloc.empty() || r->scheme.empty() || !listed_netloc(r->scheme)) &&
                           r->path.substr(0, 2) != "//" &&
                           (r->netloc.empty() || r->path.empty() || r->path[0] == '/');
  if (netloc_kept) check(r2 && *r2 == *r);

  const url::defrag_result d = url::urldefrag(s);
  check(d.fragment == r->fragment);
}

void check_quote(std::string_view s) {
  const std::string q = url::quote(s);
  const std::string qp = url::quote_plus(s);
  const std::string qs = url::quote(s, ":/?#[]@");
  for (const std::string* out : {&q, &qp, &qs})
    for (char c : *out)
      check(static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7F);
  const std::string u = url::unquote(s);
  const std::string up = url::unquote_plus(s);
  check(valid_utf8(u) == valid_utf8(up));
  if (valid_utf8(s)) {
    check(valid_utf8(u));
    check(url::unquote(q) == s);
    check(url::unquote(qs) == s);
    check(url::unquote_plus(qp) == s);
  }
}

void check_join(std::string_view base, std::string_view rel) {
  check(url::urljoin(base, "") == base);
  check(url::urljoin("", rel) == rel);
  const bool parts_ok = base.empty() || rel.empty() || (try_split(base) && try_split(rel));
  bool joined = true;
  try {
    (void)url::urljoin(base, rel);
    (void)url::urljoin(base, rel, false);
  } catch (const url::url_error&) {
    joined = false;
  }
  check(joined == parts_ok);
}

void check_query(std::string_view s) {
  for (const auto& [name, value] : url::parse_qsl(s)) check(!value.empty());
  url::parse_qs_options o;
  o.keep_blank_values = true;
  o.max_num_fields = 1000;
  try {
    (void)url::parse_qs(s, o);
  } catch (const url::url_error&) {
  }
  o.strict_parsing = true;
  o.separator = ";";
  try {
    (void)url::parse_qsl(s, o);
  } catch (const url::url_error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  check_split(s);
  check_quote(s);
  check_query(s);
  if (!s.empty()) {
    const std::string_view rest = s.substr(1);
    const std::size_t cut = static_cast<unsigned char>(s[0]) % (rest.size() + 1);
    check_join(rest.substr(0, cut), rest.substr(cut));
  }
  return 0;
}
