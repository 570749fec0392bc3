// netkit/http/header_fields.hpp — HTTP header fields (public): a parsed field as two views, and
// `headers`, an owning ordered list like Python's http.client.HTTPMessage (email.message.Message).
//
//   netkit::http::headers h;
//   h.add("Content-Type", "text/plain");
//   h.get("content-type");                       // "text/plain" (names are case-insensitive)
//   has_token("keep-alive, Upgrade", "upgrade"); // true
//
// Names keep the spelling they were added with; lookups compare them ASCII case-insensitively.
// Thread safety: a `headers` is a plain value (const use from many threads is fine).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netkit::http {

// One field line as the parser found it: views into the caller's buffer, the value trimmed.
struct header_field {
  std::string_view name, value;
};

// ASCII case-insensitive equality (HTTP names and tokens are ASCII).
bool iequals(std::string_view a, std::string_view b) noexcept;

// True when `token` is one of the comma-separated elements of `list_value` (case-insensitive,
// optional whitespace around elements ignored, empty elements skipped), as RFC 9110 §5.6.1
// lists are read: has_token("keep-alive, Upgrade", "upgrade").
bool has_token(std::string_view list_value, std::string_view token) noexcept;

class headers {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;

  headers() = default;
  // Copies parsed fields (views into a receive buffer) into an owning list, in order.
  explicit headers(std::span<const header_field> fields);

  // Appends a field; repeats are kept (Python's msg[name] = value).
  void add(std::string_view name, std::string_view value);
  // Replaces every field of that name by one: the first one's position keeps the new value and
  // the others go; a name not present is appended (Python's replace_header, without KeyError).
  void set(std::string_view name, std::string_view value);
  // The first value of that name (Python's msg.get(name)).
  std::optional<std::string_view> get(std::string_view name) const;
  // Every value of that name, in order; empty when there is none (Python returns None).
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const;
  // Removes every field of that name (Python's del msg[name]); returns how many went.
  std::size_t erase(std::string_view name);
  void clear() noexcept { fields_.clear(); }

  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  const_iterator begin() const noexcept { return fields_.begin(); }
  const_iterator end() const noexcept { return fields_.end(); }

  // "Name: value\r\n" for every field, in order, without the blank line that ends a head.
  std::string str() const;

  friend bool operator==(const headers&, const headers&) = default;

 private:
  std::vector<value_type> fields_;
};

}  // namespace netkit::http
