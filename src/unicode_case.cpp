// python_lower (see unicode_case.hpp): CPython's lower_ucs4 and handle_capital_sigma.
#include "unicode_case.hpp"

#include <algorithm>

namespace netkit::detail {
namespace {

bool ignorable(char32_t c) {
  return in_ranges(case_ignorable_ranges, case_ignorable_ranges + case_ignorable_ranges_size, c);
}
bool cased(char32_t c) { return in_ranges(cased_ranges, cased_ranges + cased_ranges_size, c); }

char32_t lower_of(char32_t c) {
  const lower_pair* end = lower_pairs + lower_pairs_size;
  const lower_pair* it = std::lower_bound(
      lower_pairs, end, c, [](const lower_pair& p, char32_t x) { return p.from < x; });
  return it != end && it->from == c ? it->to : c;
}

// Final_Sigma: a cased letter before (case-ignorables skipped) and none after.
bool final_sigma(std::u32string_view s, std::size_t i) {
  std::size_t j = i;
  while (j > 0 && ignorable(s[j - 1])) --j;
  if (j == 0 || !cased(s[j - 1])) return false;
  std::size_t k = i + 1;
  while (k < s.size() && ignorable(s[k])) ++k;
  return k == s.size() || !cased(s[k]);
}

}  // namespace

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  for (std::size_t i = 0; i < s.size();) {
    const unsigned c = byte(i);
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (c < 0x80) {
      len = 1, cp = c;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, cp = c & 0x07, min = 0x10000;
    }
    bool ok = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (ok && (cp < min || cp > 0x10FFFF)) ok = false;
    if (!ok) {
      out.push_back(undecodable_byte | c);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp & undecodable_byte) {
    out.push_back(static_cast<char>(cp & 0xFF));
  } else if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::u32string python_lower(std::u32string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c == 0x3A3) {
      out.push_back(final_sigma(s, i) ? 0x3C2 : 0x3C3);
    } else if (c == 0x130) {  // the one unconditional multi code point lower-case mapping
      out.push_back(U'i');
      out.push_back(0x307);
    } else {
      out.push_back(lower_of(c));
    }
  }
  return out;
}

std::string python_lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const bool ascii = std::all_of(text.begin(), text.end(),
                                 [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
  if (ascii) {
    for (char ch : text) out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + 32) : ch);
    return out;
  }
  for (char32_t c : python_lower(decode_utf8(text))) append_utf8(out, c);
  return out;
}

}  // namespace netkit::detail
