// python_lower (see unicode_lower.hpp): CPython's lower_ucs4 and handle_capital_sigma.
#include "unicode_lower.hpp"

#include <algorithm>
#include <vector>

#include "text.hpp"

namespace netkit::http::detail {
namespace {

bool in_ranges(std::span<const code_point_range> rs, char32_t c) {
  const auto it = std::upper_bound(
      rs.begin(), rs.end(), c, [](char32_t x, const code_point_range& r) { return x < r.first; });
  return it != rs.begin() && c <= std::prev(it)->last;
}

bool ignorable(char32_t c) { return in_ranges(case_ignorable_ranges(), c); }
bool cased(char32_t c) { return in_ranges(cased_ranges(), c); }

std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i, true);
    const auto b = [&](std::size_t k) {
      return static_cast<char32_t>(static_cast<unsigned char>(text[i + k]));
    };
    switch (n) {
      case 1: out.push_back(b(0)); break;
      case 2: out.push_back(((b(0) & 0x1F) << 6) | (b(1) & 0x3F)); break;
      case 3: out.push_back(((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F)); break;
      case 4:
        out.push_back(((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) |
                      (b(3) & 0x3F));
        break;
      default: out.push_back(0xDC00 + b(0)); break;  // not produced by fsdecode; kept distinct
    }
    i += n == 0 ? 1 : n;
  }
  return out;
}

// Final_Sigma: a cased letter before (case-ignorables skipped) and none after.
bool final_sigma(const std::vector<char32_t>& s, std::size_t i) {
  std::size_t j = i;
  while (j > 0 && ignorable(s[j - 1])) --j;
  if (j == 0 || !cased(s[j - 1])) return false;
  std::size_t k = i + 1;
  while (k < s.size() && ignorable(s[k])) ++k;
  return k == s.size() || !cased(s[k]);
}

}  // namespace

std::u32string python_lower(std::string_view text) {
  const std::vector<char32_t> s = code_points(text);
  const auto table = lower_table();
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c == 0x3A3) {
      out.push_back(final_sigma(s, i) ? 0x3C2 : 0x3C3);
    } else if (c == 0x130) {
      out.push_back(U'i');
      out.push_back(0x307);
    } else {
      const auto it = std::lower_bound(table.begin(), table.end(), c,
                                       [](const lower_pair& p, char32_t x) { return p.from < x; });
      out.push_back(it != table.end() && it->from == c ? it->to : c);
    }
  }
  return out;
}

}  // namespace netkit::http::detail
