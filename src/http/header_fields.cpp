#include "netkit/http/header_fields.hpp"

#include <algorithm>

namespace netkit::http {

namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool has_token(std::string_view list_value, std::string_view token) noexcept {
  while (true) {
    const std::size_t comma = list_value.find(',');
    if (iequals(trim(list_value.substr(0, comma)), token) && !trim(token).empty()) return true;
    if (comma == std::string_view::npos) return false;
    list_value.remove_prefix(comma + 1);
  }
}

headers::headers(std::span<const header_field> fields) {
  fields_.reserve(fields.size());
  for (const header_field& f : fields) fields_.emplace_back(f.name, f.value);
}

void headers::add(std::string_view name, std::string_view value) {
  fields_.emplace_back(name, value);
}

void headers::set(std::string_view name, std::string_view value) {
  auto first = std::find_if(fields_.begin(), fields_.end(),
                            [&](const value_type& f) { return iequals(f.first, name); });
  if (first == fields_.end()) {
    add(name, value);
    return;
  }
  first->first = name;
  first->second = value;
  fields_.erase(std::remove_if(std::next(first), fields_.end(),
                               [&](const value_type& f) { return iequals(f.first, name); }),
                fields_.end());
}

std::optional<std::string_view> headers::get(std::string_view name) const {
  for (const value_type& f : fields_)
    if (iequals(f.first, name)) return std::string_view(f.second);
  return std::nullopt;
}

std::vector<std::string_view> headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const value_type& f : fields_)
    if (iequals(f.first, name)) out.emplace_back(f.second);
  return out;
}

bool headers::contains(std::string_view name) const { return get(name).has_value(); }

std::size_t headers::erase(std::string_view name) {
  return static_cast<std::size_t>(
      std::erase_if(fields_, [&](const value_type& f) { return iequals(f.first, name); }));
}

std::string headers::str() const {
  std::size_t n = 0;
  for (const value_type& f : fields_) n += f.first.size() + f.second.size() + 4;
  std::string out;
  out.reserve(n);
  for (const value_type& f : fields_) {
    out += f.first;
    out += ": ";
    out += f.second;
    out += "\r\n";
  }
  return out;
}

}  // namespace netkit::http
