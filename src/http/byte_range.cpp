// parse_range and content_range (see netkit/http/byte_range.hpp).
#include "netkit/http/byte_range.hpp"

#include <limits>
#include <optional>

namespace netkit::http {
namespace {

constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// 1*DIGIT, saturating at 2^64-1; nullopt for anything else (empty, a sign, a space).
std::optional<std::uint64_t> digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    v = v > (max_u64 - d) / 10 ? max_u64 : v * 10 + d;
  }
  return v;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

range_result parse_range(std::string_view header, std::uint64_t size) {
  const range_result whole{};
  header = trim(header);
  const auto eq = header.find('=');
  if (eq == std::string_view::npos || !iequals(header.substr(0, eq), "bytes")) return whole;

  // The range-set: one non-empty element, or we serve the whole file.
  std::string_view spec;
  int count = 0;
  std::string_view set = header.substr(eq + 1);
  for (;;) {
    const auto comma = set.find(',');
    const std::string_view element = trim(set.substr(0, comma));
    if (!element.empty()) {
      ++count;
      spec = element;
    }
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  if (count != 1) return whole;

  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  if (a.empty()) {  // suffix-range
    const auto n = digits(b);
    if (!n) return whole;
    if (*n == 0) return {range_kind::unsatisfiable, 0, 0};
    if (size == 0) return whole;
    return {range_kind::partial, *n >= size ? 0 : size - *n, size - 1};
  }
  const auto first = digits(a);
  if (!first) return whole;
  std::uint64_t last = max_u64;
  if (!b.empty()) {
    const auto l = digits(b);
    if (!l || *l < *first) return whole;
    last = *l;
  }
  if (*first >= size) return {range_kind::unsatisfiable, 0, 0};
  return {range_kind::partial, *first, last >= size ? size - 1 : last};
}

std::string content_range(const range_result& r, std::uint64_t size) {
  switch (r.kind) {
    case range_kind::partial:
      return "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" +
             std::to_string(size);
    case range_kind::unsatisfiable: return "bytes */" + std::to_string(size);
    case range_kind::whole: break;
  }
  return {};
}

}  // namespace netkit::http
