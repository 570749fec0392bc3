// Byte classes of RFC 9110 §5.6 shared by the HTTP sources (internal).
#pragma once

#include <array>
#include <cstdio>
#include <string>
#include <string_view>

namespace netkit::http::detail {

inline constexpr std::array<bool, 256> token_table = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

inline bool is_tchar(char c) noexcept { return token_table[static_cast<unsigned char>(c)]; }
inline bool is_ws(char c) noexcept { return c == ' ' || c == '\t'; }
// Control bytes: 0x00-0x1F and DEL.
inline bool is_ctl(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}
// A byte allowed in a field value or reason phrase: HTAB, SP, VCHAR, obs-text.
inline bool is_field_byte(char c) noexcept { return c == '\t' || !is_ctl(c); }

// 'x' for a printable byte, 0x01 otherwise: for error messages.
inline std::string describe(char c) {
  const auto u = static_cast<unsigned char>(c);
  char buf[8];
  if (u > 0x20 && u < 0x7F)
    std::snprintf(buf, sizeof buf, "'%c'", c);
  else
    std::snprintf(buf, sizeof buf, "0x%02X", u);
  return buf;
}

}  // namespace netkit::http::detail
