// Python's str semantics over byte strings for src/http (see text.hpp).
#include "text.hpp"

#include "netkit/url/quote.hpp"

namespace netkit::http::detail {
namespace {

bool in(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

void append_utf8_3(std::string& out, unsigned cp) {
  out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
  out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
  out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
}

// The ASCII runs of raw, unquoted, decode as UTF-8 with errors='surrogatepass'.
bool surrogatepass_decodes(std::string_view raw) {
  std::size_t i = 0;
  while (i < raw.size()) {
    std::size_t j = i;
    while (j < raw.size() && static_cast<unsigned char>(raw[j]) < 0x80) ++j;
    if (j > i) {
      const std::string bytes = url::unquote_to_bytes(raw.substr(i, j - i));
      for (std::size_t k = 0; k < bytes.size();) {
        const std::size_t n = utf8_sequence_length(bytes, k, true);
        if (n == 0) return false;
        k += n;
      }
    }
    while (j < raw.size() && static_cast<unsigned char>(raw[j]) >= 0x80) ++j;
    i = j;
  }
  return true;
}

}  // namespace

std::string latin1_to_utf8(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::size_t utf8_sequence_length(std::string_view s, std::size_t i, bool allow_surrogates) {
  const auto at = [&](std::size_t k) -> unsigned char {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0;
  };
  const unsigned char c = at(i);
  if (c < 0x80) return 1;
  if (in(c, 0xC2, 0xDF)) return in(at(i + 1), 0x80, 0xBF) ? 2 : 0;
  if (in(c, 0xE0, 0xEF)) {
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED && !allow_surrogates) hi = 0x9F;
    return in(at(i + 1), lo, hi) && in(at(i + 2), 0x80, 0xBF) ? 3 : 0;
  }
  if (in(c, 0xF0, 0xF4)) {
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    return in(at(i + 1), lo, hi) && in(at(i + 2), 0x80, 0xBF) && in(at(i + 3), 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

std::string unquote_path(std::string_view raw) {
  if (raw.find('%') != std::string_view::npos && surrogatepass_decodes(raw)) {
    // Every escaped run is UTF-8 (surrogates allowed), so the str's encoding is the bytes.
    std::string out;
    out.reserve(raw.size());
    std::size_t i = 0;
    while (i < raw.size()) {
      std::size_t j = i;
      while (j < raw.size() && static_cast<unsigned char>(raw[j]) < 0x80) ++j;
      out += url::unquote_to_bytes(raw.substr(i, j - i));
      i = j;
      while (j < raw.size() && static_cast<unsigned char>(raw[j]) >= 0x80) ++j;
      out += latin1_to_utf8(raw.substr(i, j - i));
      i = j;
    }
    return out;
  }
  // No escapes (unquote returns its argument), or errors='replace' after UnicodeDecodeError.
  return url::unquote(latin1_to_utf8(raw));
}

std::string fsdecode(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    const std::size_t n = utf8_sequence_length(name, i, false);
    if (n == 0) {
      append_utf8_3(out, 0xDC00 + static_cast<unsigned char>(name[i]));
      ++i;
    } else {
      out.append(name.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string fsencode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i, true);
    if (n == 3 && static_cast<unsigned char>(text[i]) == 0xED) {
      const unsigned cp = ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                          (static_cast<unsigned char>(text[i + 2]) & 0x3Fu) | 0xD000u;
      if (cp >= 0xDC80 && cp <= 0xDCFF) {
        out.push_back(static_cast<char>(cp - 0xDC00));
        i += 3;
        continue;
      }
    }
    const std::size_t take = n == 0 ? 1 : n;
    out.append(text.substr(i, take));
    i += take;
  }
  return out;
}

void append_html_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out.push_back(c);
    }
  }
}

}  // namespace netkit::http::detail
