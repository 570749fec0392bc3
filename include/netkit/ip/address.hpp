// netkit/ip/address.hpp — ipv4_address and ipv6_address, Python's ipaddress.IPv4Address and
// IPv6Address (public).
//
//   netkit::ip::ipv4_address a("10.9.0.6");      // throws address_value_error, with Python's text
//   a.is_private();                              // true
//   netkit::repr(a + 1);                         // IPv4Address('10.9.0.7')
// Values are trivially copyable; everything that does not build a string is constexpr.
// An IPv6 address keeps its scope id ("fe80::1%eth0") inline, up to max_scope_id_size bytes.
//
// Thread safety: values; const use from many threads is safe.
#pragma once

#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "netkit/bytes.hpp"
#include "netkit/ip/errors.hpp"
#include "netkit/ip/uint128.hpp"

namespace netkit::ip {

// The integers `address + n` and `address - n` take: every built-in integer and the 128-bit ones.
template <class T>
concept integer = std::integral<T> || std::same_as<T, int128> || std::same_as<T, uint128>;

namespace detail {

// A signed integer of up to 129 bits: the result of int(address) + n before the range check.
struct wide_int {
  bool negative = false;
  bool carry = false;  // 2**128 added to magnitude
  uint128 magnitude = 0;
};

template <integer I>
constexpr wide_int add(uint128 value, I n, bool subtract) noexcept {
  bool n_negative = false;
  uint128 m = 0;
  if constexpr (std::same_as<I, int128> || std::is_signed_v<I>) {
    if (n < 0) {
      n_negative = true;
      m = uint128{0} - static_cast<uint128>(static_cast<int128>(n));
    } else {
      m = static_cast<uint128>(n);
    }
  } else {
    m = static_cast<uint128>(n);
  }
  if (subtract) n_negative = !n_negative && m != 0;
  wide_int r;
  if (!n_negative) {
    r.magnitude = value + m;
    r.carry = r.magnitude < value;
  } else if (m <= value) {
    r.magnitude = value - m;
  } else {
    r.negative = true;
    r.magnitude = m - value;
  }
  return r;
}

// AddressValueError("N (< 0) is not permitted as an IPv4 address") and its >= 2**bits twin.
[[noreturn]] void throw_int_out_of_range(wide_int n, int version);
[[noreturn]] void throw_packed_size(bytes_view packed, int version);

}  // namespace detail

class ipv4_address {
 public:
  using int_type = std::uint32_t;
  static constexpr int_type all_ones = 0xFFFFFFFFU;

  constexpr ipv4_address() noexcept = default;
  // IPv4Address(int): every 32-bit value is an address.
  constexpr explicit ipv4_address(int_type value) noexcept : ip_(value) {}
  // IPv4Address(str): dotted decimal, exactly as strict as Python (no leading zeros, 4 octets).
  explicit ipv4_address(std::string_view text);
  // IPv4Address(bytes): 4 bytes, big-endian; address_value_error for any other length.
  static ipv4_address from_packed(bytes_view packed);
  // IPv4Address(n) for any integer n: address_value_error unless 0 <= n < 2**32.
  template <integer I>
  static constexpr ipv4_address from_integer(I n) {
    return ipv4_address(0) + n;
  }

  static constexpr int version() noexcept { return 4; }
  static constexpr int max_prefixlen() noexcept { return 32; }
  constexpr int_type to_integer() const noexcept { return ip_; }  // int(address)
  bytes packed() const;                                           // 4 bytes, big-endian
  std::string str() const;                                        // str(address)
  std::string compressed() const { return str(); }
  std::string exploded() const { return str(); }
  std::string reverse_pointer() const;  // "6.0.9.10.in-addr.arpa"

  constexpr bool is_private() const noexcept;
  constexpr bool is_global() const noexcept;
  constexpr bool is_multicast() const noexcept { return (ip_ >> 28) == 0xE; }
  constexpr bool is_reserved() const noexcept { return (ip_ >> 28) == 0xF; }
  constexpr bool is_unspecified() const noexcept { return ip_ == 0; }
  constexpr bool is_loopback() const noexcept { return (ip_ >> 24) == 127; }
  constexpr bool is_link_local() const noexcept { return (ip_ >> 16) == 0xA9FE; }

  // Python's address + n and address - n: address_value_error when the result leaves the range.
  template <integer I>
  friend constexpr ipv4_address operator+(ipv4_address a, I n) {
    return checked(detail::add(a.ip_, n, false));
  }
  template <integer I>
  friend constexpr ipv4_address operator-(ipv4_address a, I n) {
    return checked(detail::add(a.ip_, n, true));
  }
  friend constexpr bool operator==(ipv4_address, ipv4_address) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(ipv4_address, ipv4_address) noexcept = default;

 private:
  static constexpr ipv4_address checked(detail::wide_int r) {
    if (r.negative || r.carry || r.magnitude > all_ones) detail::throw_int_out_of_range(r, 4);
    return ipv4_address(static_cast<int_type>(r.magnitude));
  }
  int_type ip_ = 0;
};

// The inline storage of an IPv6 scope id (RFC 4007 zone): empty means None.
inline constexpr std::size_t max_scope_id_size = 31;

class ipv6_address {
 public:
  using int_type = uint128;
  static constexpr int_type all_ones = ~uint128{0};

  constexpr ipv6_address() noexcept = default;
  constexpr explicit ipv6_address(int_type value) noexcept : ip_(value) {}
  // IPv6Address(str): RFC 4291 text with Python's "::" rules, an IPv4 tail and "%scope".
  // A scope id longer than max_scope_id_size bytes is refused (address_value_error); Python
  // has no limit.
  explicit ipv6_address(std::string_view text);
  static ipv6_address from_packed(bytes_view packed);  // 16 bytes, big-endian
  template <integer I>
  static constexpr ipv6_address from_integer(I n) {
    return ipv6_address(0) + n;
  }
  // The same address with scope id `scope` (empty: none).
  ipv6_address with_scope_id(std::string_view scope) const;

  static constexpr int version() noexcept { return 6; }
  static constexpr int max_prefixlen() noexcept { return 128; }
  constexpr int_type to_integer() const noexcept { return ip_; }
  bytes packed() const;
  std::string str() const;  // RFC 5952 compressed, then "%scope" if any
  std::string compressed() const { return str(); }
  // As Python: the text of str() parsed again, so a scoped address raises address_value_error.
  std::string exploded() const;
  std::string reverse_pointer() const;  // the same caveat as exploded()
  // None, or the zone ("eth0" for fe80::1%eth0).
  constexpr std::optional<std::string_view> scope_id() const noexcept {
    if (scope_size_ == 0) return std::nullopt;
    return std::string_view(scope_, scope_size_);
  }

  constexpr bool is_private() const noexcept;
  constexpr bool is_global() const noexcept { return !is_private(); }
  constexpr bool is_multicast() const noexcept { return (ip_ >> 120) == 0xFF; }
  constexpr bool is_reserved() const noexcept;
  constexpr bool is_unspecified() const noexcept { return ip_ == 0; }
  constexpr bool is_loopback() const noexcept { return ip_ == 1; }
  constexpr bool is_link_local() const noexcept { return (ip_ >> 118) == 0x3FA; }  // fe80::/10
  constexpr bool is_site_local() const noexcept { return (ip_ >> 118) == 0x3FB; }  // fec0::/10
  constexpr std::optional<ipv4_address> ipv4_mapped() const noexcept {
    if ((ip_ >> 32) != 0xFFFF) return std::nullopt;
    return ipv4_address(static_cast<std::uint32_t>(ip_));
  }
  constexpr std::optional<ipv4_address> sixtofour() const noexcept {
    if ((ip_ >> 112) != 0x2002) return std::nullopt;
    return ipv4_address(static_cast<std::uint32_t>(ip_ >> 80));
  }
  // (server, client) of a Teredo address (2001::/32).
  constexpr std::optional<std::pair<ipv4_address, ipv4_address>> teredo() const noexcept {
    if ((ip_ >> 96) != 0x20010000) return std::nullopt;
    return std::pair{ipv4_address(static_cast<std::uint32_t>(ip_ >> 64)),
                     ipv4_address(static_cast<std::uint32_t>(~ip_))};
  }

  // The result has no scope id, as in Python.
  template <integer I>
  friend constexpr ipv6_address operator+(const ipv6_address& a, I n) {
    return checked(detail::add(a.ip_, n, false));
  }
  template <integer I>
  friend constexpr ipv6_address operator-(const ipv6_address& a, I n) {
    return checked(detail::add(a.ip_, n, true));
  }
  // Equality includes the scope id; ordering looks at the integer only (Python's __lt__), so
  // fe80::1%a and fe80::1%b are equivalent but not equal.
  friend constexpr bool operator==(const ipv6_address& a, const ipv6_address& b) noexcept {
    return a.ip_ == b.ip_ && a.scope_id() == b.scope_id();
  }
  friend constexpr std::weak_ordering operator<=>(const ipv6_address& a,
                                                  const ipv6_address& b) noexcept {
    return a.ip_ < b.ip_   ? std::weak_ordering::less
           : b.ip_ < a.ip_ ? std::weak_ordering::greater
                           : std::weak_ordering::equivalent;
  }

 private:
  static constexpr ipv6_address checked(detail::wide_int r) {
    if (r.negative || r.carry) detail::throw_int_out_of_range(r, 6);
    return ipv6_address(r.magnitude);
  }
  int_type ip_ = 0;
  std::uint8_t scope_size_ = 0;
  char scope_[max_scope_id_size] = {};
};

namespace detail {

// A network as (first address, prefix length), for the special-purpose tables.
template <class Int>
struct prefix {
  Int base;
  int length;
  template <class Other>
  constexpr bool contains(Other ip) const noexcept {
    constexpr int bits = sizeof(Int) * 8;
    return length == 0 || (ip >> (bits - length)) == (base >> (bits - length));
  }
};

constexpr uint128 v6(std::uint64_t hi, std::uint64_t lo = 0) noexcept {
  return (uint128{hi} << 64) | lo;
}

// _IPv4Constants._private_networks of CPython 3.11.7.
inline constexpr prefix<std::uint32_t> ipv4_private[] = {
    {0x00000000U, 8},  {0x0A000000U, 8},  {0x7F000000U, 8},  {0xA9FE0000U, 16}, {0xAC100000U, 12},
    {0xC0000000U, 29}, {0xC00000AAU, 31}, {0xC0000200U, 24}, {0xC0A80000U, 16}, {0xC6120000U, 15},
    {0xC6336400U, 24}, {0xCB007100U, 24}, {0xF0000000U, 4},  {0xFFFFFFFFU, 32},
};
inline constexpr prefix<std::uint32_t> ipv4_shared{0x64400000U, 10};  // 100.64.0.0/10

// _IPv6Constants._private_networks and _reserved_networks of CPython 3.11.7.
inline constexpr prefix<uint128> ipv6_private[] = {
    {v6(0, 1), 128},
    {v6(0, 0), 128},
    {v6(0, 0xFFFF00000000ULL), 96},
    {v6(0x0100000000000000ULL), 64},
    {v6(0x2001000000000000ULL), 23},
    {v6(0x2001000200000000ULL), 48},
    {v6(0x20010DB800000000ULL), 32},
    {v6(0x2001001000000000ULL), 28},
    {v6(0xFC00000000000000ULL), 7},
    {v6(0xFE80000000000000ULL), 10},
};
inline constexpr prefix<uint128> ipv6_reserved[] = {
    {v6(0x0000000000000000ULL), 8}, {v6(0x0100000000000000ULL), 8}, {v6(0x0200000000000000ULL), 7},
    {v6(0x0400000000000000ULL), 6}, {v6(0x0800000000000000ULL), 5}, {v6(0x1000000000000000ULL), 4},
    {v6(0x4000000000000000ULL), 3}, {v6(0x6000000000000000ULL), 3}, {v6(0x8000000000000000ULL), 3},
    {v6(0xA000000000000000ULL), 3}, {v6(0xC000000000000000ULL), 3}, {v6(0xE000000000000000ULL), 4},
    {v6(0xF000000000000000ULL), 5}, {v6(0xF800000000000000ULL), 6}, {v6(0xFE00000000000000ULL), 9},
};

template <class Table, class Int>
constexpr bool in_any(const Table& table, Int ip) noexcept {
  for (const auto& p : table)
    if (p.contains(ip)) return true;
  return false;
}

}  // namespace detail

constexpr bool ipv4_address::is_private() const noexcept {
  return detail::in_any(detail::ipv4_private, ip_);
}
constexpr bool ipv4_address::is_global() const noexcept {
  return !detail::ipv4_shared.contains(ip_) && !is_private();
}
constexpr bool ipv6_address::is_private() const noexcept {
  if (auto v4 = ipv4_mapped()) return v4->is_private();
  return detail::in_any(detail::ipv6_private, ip_);
}
constexpr bool ipv6_address::is_reserved() const noexcept {
  return detail::in_any(detail::ipv6_reserved, ip_);
}

// Python's ipaddress.v4_int_to_packed / v6_int_to_packed: value_error("Address negative or too
// large for IPv4") outside the range.
template <integer I>
bytes v4_int_to_packed(I n) {
  if (detail::add(0, n, false).negative || detail::add(0, n, false).carry ||
      detail::add(0, n, false).magnitude > ipv4_address::all_ones)
    throw value_error("Address negative or too large for IPv4");
  return ipv4_address(static_cast<std::uint32_t>(n)).packed();
}
template <integer I>
bytes v6_int_to_packed(I n) {
  if (detail::add(0, n, false).negative)
    throw value_error("Address negative or too large for IPv6");
  return ipv6_address(static_cast<uint128>(n)).packed();
}

std::ostream& operator<<(std::ostream& out, const ipv4_address& a);
std::ostream& operator<<(std::ostream& out, const ipv6_address& a);

}  // namespace netkit::ip

namespace netkit {
// repr(address): IPv4Address('10.9.0.6'), IPv6Address('fe80::1%eth0').
std::string repr(const ip::ipv4_address& a);
std::string repr(const ip::ipv6_address& a);
}  // namespace netkit

template <>
struct std::hash<netkit::ip::ipv4_address> {
  std::size_t operator()(const netkit::ip::ipv4_address& a) const noexcept {
    return std::hash<std::uint32_t>{}(a.to_integer());
  }
};
template <>
struct std::hash<netkit::ip::ipv6_address> {
  std::size_t operator()(const netkit::ip::ipv6_address& a) const noexcept;
};
