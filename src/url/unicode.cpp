// Python's str.lower() and the NFKC netloc check over UTF-8 text.
#include <algorithm>
#include <vector>

#include "unicode_tables.hpp"

namespace netkit::url::detail {
namespace {

// A decoded code point, or a byte that does not start valid UTF-8 (kept as it is; Python's str
// never holds such a thing, so any consistent choice will do).
constexpr char32_t raw_byte_flag = 0x80000000;

std::vector<char32_t> decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
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
    if (ok && len > 1 && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))) ok = false;
    if (!ok) {
      out.push_back(raw_byte_flag | c);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

void encode(char32_t cp, std::string& out) {
  if (cp & raw_byte_flag) {
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

sigma_class class_of(char32_t cp) {
  if (cp & raw_byte_flag) return sigma_other;
  const sigma_run* end = sigma_runs + sigma_runs_size;
  const sigma_run* it = std::upper_bound(
      sigma_runs, end, cp, [](char32_t v, const sigma_run& r) { return v < r.first; });
  return static_cast<sigma_class>((it - 1)->cls);
}

char32_t lower_of(char32_t cp) {
  if (cp & raw_byte_flag) return cp;
  const lower_entry* end = lower_table + lower_table_size;
  const lower_entry* it = std::lower_bound(
      lower_table, end, cp, [](const lower_entry& e, char32_t v) { return e.from < v; });
  return it != end && it->from == cp ? it->to : cp;
}

// CPython's handle_capital_sigma: U+03A3 lowers to final sigma when a cased letter precedes it
// and none follows (case-ignorable code points in between are skipped).
char32_t lower_sigma(const std::vector<char32_t>& cps, std::size_t i) {
  std::size_t j = i;
  sigma_class c = sigma_other;
  bool found = false;
  while (j > 0) {
    c = class_of(cps[--j]);
    if (c != sigma_case_ignorable) {
      found = true;
      break;
    }
  }
  bool final_sigma = found && c == sigma_cased;
  if (final_sigma) {
    for (j = i + 1; j < cps.size(); ++j) {
      c = class_of(cps[j]);
      if (c != sigma_case_ignorable) break;
    }
    final_sigma = j == cps.size() || c != sigma_cased;
  }
  return final_sigma ? 0x3C2 : 0x3C3;
}

}  // namespace

std::string python_lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const bool ascii = std::all_of(text.begin(), text.end(),
                                 [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
  if (ascii) {
    for (char ch : text) out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + 32) : ch);
    return out;
  }
  const std::vector<char32_t> cps = decode(text);
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const char32_t cp = cps[i];
    if (cp == 0x130) {  // the one unconditional multi code point lowercase mapping
      encode(0x69, out);
      encode(0x307, out);
    } else if (cp == 0x3A3) {
      encode(lower_sigma(cps, i), out);
    } else {
      encode(lower_of(cp), out);
    }
  }
  return out;
}

bool has_nfkc_delimiter(std::string_view text) {
  for (char32_t cp : decode(text)) {
    if (std::binary_search(nfkc_delimiters, nfkc_delimiters + nfkc_delimiters_size, cp))
      return true;
  }
  return false;
}

}  // namespace netkit::url::detail
