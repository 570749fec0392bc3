#include "netkit/repr.hpp"

#include <cstddef>

#include "unicode_printable.hpp"

namespace netkit {
namespace {

// Python prefers single quotes and switches to double ones only when the text has a single
// quote and no double quote.
char pick_quote(std::string_view s) {
  return s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos ? '"'
                                                                                         : '\'';
}

constexpr char hex_digits[] = "0123456789abcdef";

void append_hex_escape(std::string& out, unsigned char c) {
  out += "\\x";
  out += hex_digits[c >> 4];
  out += hex_digits[c & 0xf];
}

// Python's escape for a character repr(str) does not print: \xNN, \uNNNN or \UNNNNNNNN, the
// shortest that holds it.
void append_code_point_escape(std::string& out, char32_t cp) {
  int digits = 8;
  if (cp <= 0xFF) {
    out += "\\x";
    digits = 2;
  } else if (cp <= 0xFFFF) {
    out += "\\u";
    digits = 4;
  } else {
    out += "\\U";
  }
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += hex_digits[(cp >> shift) & 0xF];
}

// The length of the well-formed UTF-8 sequence that starts at text[i] (a non-ASCII byte), with
// its code point in `cp`; 0 when text[i] starts none (stray continuation byte, overlong form,
// surrogate, beyond U+10FFFF, truncated). The checks on the second byte are those of Unicode's
// table 3-7, which is also what CPython's decoder applies, so the bytes left over match the
// ones Python's surrogateescape handler would get.
std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned lead = byte(i);
  std::size_t len = 0;
  unsigned lo = 0x80;
  unsigned hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0) lo = 0xA0;  // overlong
    if (lead == 0xED) hi = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - i < len) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  char32_t value = lead & (0xFFu >> (len + 1));
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i + k) & 0x3Fu);
  }
  cp = value;
  return len;
}

// Escapes shared by bytes and str; returns false when the character needs the caller's rule.
bool append_common_escape(std::string& out, unsigned char c, char quote) {
  switch (c) {
    case '\\': out += "\\\\"; return true;
    case '\t': out += "\\t"; return true;
    case '\n': out += "\\n"; return true;
    case '\r': out += "\\r"; return true;
    default: break;
  }
  if (c == static_cast<unsigned char>(quote)) {
    out += '\\';
    out += quote;
    return true;
  }
  return false;
}

}  // namespace

std::string repr(std::string_view bytes) {
  const char quote = pick_quote(bytes);
  std::string out;
  out.reserve(bytes.size() + 3);
  out += 'b';
  out += quote;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (append_common_escape(out, c, quote)) continue;
    if (c < 0x20 || c >= 0x7f)
      append_hex_escape(out, c);
    else
      out += ch;
  }
  out += quote;
  return out;
}

std::string repr_str(std::string_view text) {
  const char quote = pick_quote(text);
  std::string out;
  out.reserve(text.size() + 2);
  out += quote;
  std::size_t i = 0;
  while (i < text.size()) {
    // Fast path: a run of printable ASCII that needs no escape is copied in one append.
    std::size_t plain = i;
    while (plain < text.size()) {
      const char ch = text[plain];
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c >= 0x7f || ch == '\\' || ch == quote) break;
      ++plain;
    }
    out.append(text, i, plain - i);
    i = plain;
    if (i == text.size()) break;

    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (!append_common_escape(out, c, quote)) append_hex_escape(out, c);
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = decode_utf8(text, i, cp);
    if (len == 0) {
      // What Python prints for bytes.decode('utf-8', 'surrogateescape'): a lone surrogate.
      append_code_point_escape(out, 0xDC00 + c);
      ++i;
    } else {
      if (detail::is_printable(cp))
        out.append(text, i, len);
      else
        append_code_point_escape(out, cp);
      i += len;
    }
  }
  out += quote;
  return out;
}

}  // namespace netkit
