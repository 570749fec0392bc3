// quote, quote_plus, unquote, unquote_plus: Python's urllib.parse over UTF-8 bytes.
#include "netkit/url/quote.hpp"

#include <array>

namespace netkit::url {
namespace {

constexpr char hex_upper[] = "0123456789ABCDEF";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// _ALWAYS_SAFE plus the ASCII characters of `safe` (Python drops the others).
std::array<bool, 128> safe_table(std::string_view safe) {
  std::array<bool, 128> table{};
  for (char c = 'A'; c <= 'Z'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c = 'a'; c <= 'z'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c = '0'; c <= '9'; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c : std::string_view("_.-~")) table[static_cast<unsigned char>(c)] = true;
  for (char c : safe)
    if (static_cast<unsigned char>(c) < 128) table[static_cast<unsigned char>(c)] = true;
  return table;
}

// bytes.decode('utf-8', 'replace') as CPython does it: each maximal prefix of a valid sequence
// that cannot be completed becomes one U+FFFD.
void decode_utf8_replace(std::string_view b, std::string& out) {
  constexpr std::string_view replacement = "\xEF\xBF\xBD";
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(b[k]); };
  std::size_t i = 0;
  while (i < b.size()) {
    const unsigned c = at(i);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    std::size_t need = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      out.append(replacement);  // invalid start byte
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    bool ok = true;
    for (std::size_t k = 0; k < need; ++k, ++j) {
      if (j >= b.size()) {
        ok = false;
        break;
      }
      const unsigned cc = at(j);
      const unsigned first = k == 0 ? lo : 0x80;
      const unsigned last = k == 0 ? hi : 0xBF;
      if (cc < first || cc > last) {
        ok = false;
        break;
      }
    }
    if (ok) {
      out.append(b.substr(i, need + 1));
    } else {
      out.append(replacement);
    }
    i = j;
  }
}

}  // namespace

std::string quote(std::string_view string, std::string_view safe) {
  const std::array<bool, 128> table = safe_table(safe);
  std::string out;
  out.reserve(string.size());
  for (char ch : string) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 128 && table[c]) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex_upper[c >> 4]);
      out.push_back(hex_upper[c & 15]);
    }
  }
  return out;
}

std::string quote_plus(std::string_view string, std::string_view safe) {
  if (string.find(' ') == std::string_view::npos) return quote(string, safe);
  std::string safe_space(safe);
  safe_space.push_back(' ');
  std::string out = quote(string, safe_space);
  for (char& c : out)
    if (c == ' ') c = '+';
  return out;
}

std::string quote_from_bytes(std::string_view bytes, std::string_view safe) {
  return quote(bytes, safe);
}

std::string unquote_to_bytes(std::string_view string) {
  std::string out;
  out.reserve(string.size());
  std::size_t i = 0;
  while (i < string.size()) {
    if (string[i] == '%' && i + 2 < string.size() && hex_value(string[i + 1]) >= 0 &&
        hex_value(string[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(string[i + 1]) * 16 + hex_value(string[i + 2])));
      i += 3;
    } else {
      out.push_back(string[i]);
      ++i;
    }
  }
  return out;
}

std::string unquote(std::string_view string) {
  if (string.find('%') == std::string_view::npos) return std::string(string);
  // Python decodes each run of ASCII characters on its own and keeps the rest as it is.
  std::string out;
  out.reserve(string.size());
  std::size_t i = 0;
  while (i < string.size()) {
    std::size_t j = i;
    const bool ascii = static_cast<unsigned char>(string[i]) < 0x80;
    while (j < string.size() && (static_cast<unsigned char>(string[j]) < 0x80) == ascii) ++j;
    const std::string_view run = string.substr(i, j - i);
    if (ascii && run.find('%') != std::string_view::npos) {
      decode_utf8_replace(unquote_to_bytes(run), out);
    } else {
      out.append(run);
    }
    i = j;
  }
  return out;
}

std::string unquote_plus(std::string_view string) {
  std::string s(string);
  for (char& c : s)
    if (c == '+') c = ' ';
  return unquote(s);
}

}  // namespace netkit::url
