// IPv4 and IPv6 address text: Python's parsers (_ip_int_from_string) and formatters
// (_string_from_ip_int, _compress_hextets, _reverse_pointer), message for message.
#include "netkit/ip/address.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <ostream>
#include <string>

#include "netkit/repr.hpp"
#include "parse.hpp"

namespace netkit::ip {

namespace {

constexpr std::string_view hex_digits = "0123456789abcdef";

// Stores the message only when one is wanted: the factories' first attempts do not pay for it.
template <class Text>
bool fail(std::string* message, Text text) {
  if (message != nullptr) *message = text();
  return false;
}

bool is_ascii_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

unsigned hex_value(char c) {
  if (c <= '9') return static_cast<unsigned>(c - '0');
  if (c >= 'a') return static_cast<unsigned>(c - 'a' + 10);
  return static_cast<unsigned>(c - 'A' + 10);
}

// _parse_octet; the error text before " in %r".
bool parse_octet(std::string_view octet, unsigned& value, std::string* message) {
  if (octet.empty()) return fail(message, [&] { return std::string("Empty octet not permitted"); });
  if (!is_ascii_digits(octet))
    return fail(message,
                [&] { return std::string("Only decimal digits permitted in " + repr_str(octet)); });
  if (octet.size() > 3)
    return fail(message, [&] {
      return std::string("At most 3 characters permitted in " + repr_str(octet));
    });
  if (octet != "0" && octet[0] == '0')
    return fail(message, [&] {
      return std::string("Leading zeros are not permitted in " + repr_str(octet));
    });
  value = 0;
  for (char c : octet) value = value * 10 + static_cast<unsigned>(c - '0');
  if (value > 255)
    return fail(message, [&] {
      return std::string("Octet " + std::to_string(value) + " (> 255) not permitted");
    });
  return true;
}

// _parse_hextet; the error text before " in %r".
bool parse_hextet(std::string_view hextet, unsigned& value, std::string* message) {
  if (!std::all_of(hextet.begin(), hextet.end(), is_hex_digit))
    return fail(message,
                [&] { return std::string("Only hex digits permitted in " + repr_str(hextet)); });
  if (hextet.size() > 4)
    return fail(message, [&] {
      return std::string("At most 4 characters permitted in " + repr_str(hextet));
    });
  if (hextet.empty())
    return fail(message, [&] { return std::string("invalid literal for int() with base 16: ''"); });
  value = 0;
  for (char c : hextet) value = value * 16 + hex_value(c);
  return true;
}

void append_hex(std::string& out, unsigned v) {
  char buf[4];
  int n = 0;
  do {
    buf[n++] = hex_digits[v & 0xFU];
    v >>= 4;
  } while (v != 0);
  while (n > 0) out += buf[--n];
}

std::string v6_compressed(uint128 ip) {
  std::array<unsigned, 8> h{};
  for (int i = 0; i < 8; ++i)
    h[static_cast<std::size_t>(i)] = static_cast<unsigned>((ip >> (112 - 16 * i)) & 0xFFFFU);
  int best_start = -1, best_len = 0, start = -1, len = 0;
  for (int i = 0; i < 8; ++i) {
    if (h[static_cast<std::size_t>(i)] == 0) {
      ++len;
      if (start == -1) start = i;
      if (len > best_len) {
        best_len = len;
        best_start = start;
      }
    } else {
      len = 0;
      start = -1;
    }
  }
  std::string out;
  out.reserve(39);
  if (best_len < 2) best_start = -1;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    append_hex(out, h[static_cast<std::size_t>(i)]);
  }
  return out;
}

std::string v6_exploded(uint128 ip) {
  std::string out;
  out.reserve(39);
  for (int i = 0; i < 32; ++i) {
    if (i != 0 && i % 4 == 0) out += ':';
    out += hex_digits[static_cast<unsigned>(ip >> (124 - 4 * i)) & 0xFU];
  }
  return out;
}

}  // namespace

namespace detail {

bool parse_v4_int(std::string_view text, std::uint32_t& out, std::string* message) {
  if (text.empty()) return fail(message, [&] { return std::string("Address cannot be empty"); });
  if (std::count(text.begin(), text.end(), '.') != 3)
    return fail(message, [&] { return std::string("Expected 4 octets in " + repr_str(text)); });
  std::uint32_t ip = 0;
  std::string_view rest = text;
  for (int i = 0; i < 4; ++i) {
    const std::size_t dot = rest.find('.');
    const std::string_view octet = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    unsigned value = 0;
    if (!parse_octet(octet, value, message)) {
      if (message != nullptr) *message += " in " + repr_str(text);
      return false;
    }
    ip = (ip << 8) | value;
  }
  out = ip;
  return true;
}

bool parse_v6_int(std::string_view text, uint128& out, std::string* message) {
  if (text.empty()) return fail(message, [&] { return std::string("Address cannot be empty"); });
  const auto colons = static_cast<std::size_t>(std::count(text.begin(), text.end(), ':'));
  if (colons + 1 < 3)
    return fail(message,
                [&] { return std::string("At least 3 parts expected in " + repr_str(text)); });
  const std::size_t last_colon = text.rfind(':');
  const std::string_view tail = text.substr(last_colon + 1);
  std::size_t count = colons + 1;
  std::uint32_t v4 = 0;
  const bool has_v4 = tail.find('.') != std::string_view::npos;
  if (has_v4) {
    ipv4_address a;
    std::string inner;
    if (!parse_address(tail, a, message != nullptr ? &inner : nullptr)) {
      return fail(message, [&] { return std::string(inner + " in " + repr_str(text)); });
    }
    v4 = a.to_integer();
    count += 1;
  }
  if (count > 9)
    return fail(message,
                [&] { return std::string("At most 8 colons permitted in " + repr_str(text)); });
  std::array<std::string_view, 9> parts{};
  std::array<char, 10> v4_hex{};  // the two hextets of the IPv4 tail, as text
  {
    std::string_view rest = has_v4 ? text.substr(0, last_colon) : text;
    std::size_t n = 0;
    for (;;) {
      const std::size_t c = rest.find(':');
      parts[n++] = rest.substr(0, c);
      if (c == std::string_view::npos) break;
      rest = rest.substr(c + 1);
    }
    if (has_v4) {
      std::string hi, lo;
      append_hex(hi, v4 >> 16);
      append_hex(lo, v4 & 0xFFFFU);
      std::memcpy(v4_hex.data(), hi.data(), hi.size());
      std::memcpy(v4_hex.data() + 5, lo.data(), lo.size());
      parts[n++] = std::string_view(v4_hex.data(), hi.size());
      parts[n++] = std::string_view(v4_hex.data() + 5, lo.size());
    }
  }
  int skip = -1;
  const int n = static_cast<int>(count);
  const auto part = [&](int i) { return parts[static_cast<std::size_t>(i < 0 ? n + i : i)]; };
  for (int i = 1; i < n - 1; ++i) {
    if (part(i).empty()) {
      if (skip != -1)
        return fail(message,
                    [&] { return std::string("At most one '::' permitted in " + repr_str(text)); });
      skip = i;
    }
  }
  int hi = 0, lo = 0, skipped = 0;
  if (skip != -1) {
    hi = skip;
    lo = n - skip - 1;
    if (part(0).empty() && --hi != 0)
      return fail(message, [&] {
        return std::string("Leading ':' only permitted as part of '::' in " + repr_str(text));
      });
    if (part(-1).empty() && --lo != 0)
      return fail(message, [&] {
        return std::string("Trailing ':' only permitted as part of '::' in " + repr_str(text));
      });
    skipped = 8 - (hi + lo);
    if (skipped < 1)
      return fail(message, [&] {
        return std::string("Expected at most 7 other parts with '::' in " + repr_str(text));
      });
  } else {
    if (n != 8)
      return fail(message, [&] {
        return std::string("Exactly 8 parts expected without '::' in " + repr_str(text));
      });
    if (part(0).empty())
      return fail(message, [&] {
        return std::string("Leading ':' only permitted as part of '::' in " + repr_str(text));
      });
    if (part(-1).empty())
      return fail(message, [&] {
        return std::string("Trailing ':' only permitted as part of '::' in " + repr_str(text));
      });
    hi = n;
  }
  uint128 ip = 0;
  const auto add_hextet = [&](std::string_view h) {
    unsigned value = 0;
    if (!parse_hextet(h, value, message)) {
      if (message != nullptr) *message += " in " + repr_str(text);
      return false;
    }
    ip = (ip << 16) | value;
    return true;
  };
  for (int i = 0; i < hi; ++i)
    if (!add_hextet(part(i))) return false;
  ip = skipped == 8 ? 0 : ip << (16 * skipped);  // "::" skips all 128 bits
  for (int i = -lo; i < 0; ++i)
    if (!add_hextet(part(i))) return false;
  out = ip;
  return true;
}

bool parse_address(std::string_view text, ipv4_address& out, std::string* message) {
  if (text.find('/') != std::string_view::npos)
    return fail(message, [&] { return std::string("Unexpected '/' in " + repr_str(text)); });
  std::uint32_t ip = 0;
  if (!parse_v4_int(text, ip, message)) return false;
  out = ipv4_address(ip);
  return true;
}

bool parse_address(std::string_view text, ipv6_address& out, std::string* message) {
  if (text.find('/') != std::string_view::npos)
    return fail(message, [&] { return std::string("Unexpected '/' in " + repr_str(text)); });
  std::string_view addr = text;
  std::string_view scope;
  const std::size_t percent = text.find('%');
  if (percent != std::string_view::npos) {
    addr = text.substr(0, percent);
    scope = text.substr(percent + 1);
    if (scope.empty() || scope.find('%') != std::string_view::npos)
      return fail(message,
                  [&] { return std::string("Invalid IPv6 address: \"" + repr_str(text) + "\""); });
    if (scope.size() > max_scope_id_size)
      return fail(message, [&] {
        return std::string("Scope id longer than " + std::to_string(max_scope_id_size) +
                           " bytes not supported in " + repr_str(text));
      });
  }
  uint128 ip = 0;
  if (!parse_v6_int(addr, ip, message)) return false;
  out = ipv6_address(ip).with_scope_id(scope);
  return true;
}

}  // namespace detail

// --- ipv4_address

ipv4_address::ipv4_address(std::string_view text) {
  std::string message;
  if (!detail::parse_address(text, *this, &message)) throw address_value_error(message);
}

ipv4_address ipv4_address::from_packed(bytes_view packed) {
  if (packed.size() != 4) detail::throw_packed_size(packed, 4);
  std::uint32_t ip = 0;
  for (unsigned char c : packed) ip = (ip << 8) | c;
  return ipv4_address(ip);
}

bytes ipv4_address::packed() const {
  bytes out(4, '\0');
  for (int i = 0; i < 4; ++i)
    out[static_cast<std::size_t>(i)] = static_cast<char>(ip_ >> (24 - 8 * i));
  return out;
}

std::string ipv4_address::str() const {
  std::string out;
  out.reserve(15);
  for (int i = 0; i < 4; ++i) {
    if (i != 0) out += '.';
    out += std::to_string((ip_ >> (24 - 8 * i)) & 0xFFU);
  }
  return out;
}

std::string detail::reverse_pointer_v4(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 14);
  std::size_t end = text.size();
  for (;;) {
    const std::size_t dot = text.rfind('.', end - 1);
    const std::size_t begin = dot == std::string_view::npos ? 0 : dot + 1;
    out.append(text.substr(begin, end - begin));
    out += '.';
    if (dot == std::string_view::npos) break;
    end = dot;
  }
  return out + "in-addr.arpa";
}

std::string detail::reverse_pointer_v6(std::string_view exploded) {
  std::string out;
  out.reserve(73);
  for (auto it = exploded.rbegin(); it != exploded.rend(); ++it) {
    if (*it == ':') continue;
    out += *it;
    out += '.';
  }
  return out + "ip6.arpa";
}

std::string ipv4_address::reverse_pointer() const { return detail::reverse_pointer_v4(str()); }

// --- ipv6_address

ipv6_address::ipv6_address(std::string_view text) {
  std::string message;
  if (!detail::parse_address(text, *this, &message)) throw address_value_error(message);
}

ipv6_address ipv6_address::from_packed(bytes_view packed) {
  if (packed.size() != 16) detail::throw_packed_size(packed, 6);
  uint128 ip = 0;
  for (unsigned char c : packed) ip = (ip << 8) | c;
  return ipv6_address(ip);
}

ipv6_address ipv6_address::with_scope_id(std::string_view scope) const {
  if (scope.size() > max_scope_id_size)
    throw address_value_error("Scope id longer than " + std::to_string(max_scope_id_size) +
                              " bytes not supported: " + repr_str(scope));
  ipv6_address a(ip_);
  a.scope_size_ = static_cast<std::uint8_t>(scope.size());
  std::copy(scope.begin(), scope.end(), a.scope_);
  return a;
}

bytes ipv6_address::packed() const {
  bytes out(16, '\0');
  for (int i = 0; i < 16; ++i)
    out[static_cast<std::size_t>(i)] =
        static_cast<char>(static_cast<unsigned>(ip_ >> (120 - 8 * i)) & 0xFFU);
  return out;
}

std::string ipv6_address::str() const {
  std::string out = v6_compressed(ip_);
  if (scope_size_ != 0) {
    out += '%';
    out.append(scope_, scope_size_);
  }
  return out;
}

std::string ipv6_address::exploded() const {
  if (scope_size_ != 0) {
    // Python re-parses str(self), which a scope id makes invalid.
    std::string message;
    uint128 ignored = 0;
    if (!detail::parse_v6_int(str(), ignored, &message)) throw address_value_error(message);
  }
  return v6_exploded(ip_);
}

std::string ipv6_address::reverse_pointer() const { return detail::reverse_pointer_v6(exploded()); }

std::ostream& operator<<(std::ostream& out, const ipv4_address& a) { return out << a.str(); }
std::ostream& operator<<(std::ostream& out, const ipv6_address& a) { return out << a.str(); }

}  // namespace netkit::ip

namespace netkit {
std::string repr(const ip::ipv4_address& a) { return "IPv4Address(" + repr_str(a.str()) + ")"; }
std::string repr(const ip::ipv6_address& a) { return "IPv6Address(" + repr_str(a.str()) + ")"; }
}  // namespace netkit

std::size_t std::hash<netkit::ip::ipv6_address>::operator()(
    const netkit::ip::ipv6_address& a) const noexcept {
  const auto v = a.to_integer();
  std::size_t h = std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(v >> 64)) * 1000003U ^
                  std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(v));
  if (auto s = a.scope_id()) h ^= std::hash<std::string_view>{}(*s) * 31U;
  return h;
}
