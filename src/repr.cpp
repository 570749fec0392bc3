#include "netkit/repr.hpp"

namespace netkit {
namespace {

// Python prefers single quotes and switches to double ones only when the text has a single
// quote and no double quote.
char pick_quote(std::string_view s) {
  return s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos ? '"'
                                                                                         : '\'';
}

void append_hex_escape(std::string& out, unsigned char c) {
  static constexpr char digits[] = "0123456789abcdef";
  out += "\\x";
  out += digits[c >> 4];
  out += digits[c & 0xf];
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
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (append_common_escape(out, c, quote)) continue;
    if (c < 0x20 || c == 0x7f)
      append_hex_escape(out, c);
    else
      out += ch;  // bytes >= 0x80 are UTF-8 text, which Python prints as it is
  }
  out += quote;
  return out;
}

}  // namespace netkit
