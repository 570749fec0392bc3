// netkit/ip/interface.hpp — ipv4_interface and ipv6_interface, Python's ipaddress.IPv4Interface
// and IPv6Interface: an address together with the network it sits on (public).
//
//   netkit::ip::ipv4_interface iface("10.9.0.6/24");
//   iface.network();        // ipv4_network 10.9.0.0/24 (host bits cleared, never an error)
//   iface.with_netmask();   // "10.9.0.6/255.255.255.0"
// As in Python an interface behaves as its address (is_private, packed, + n) with the network's
// prefix in str(); `iface + 1` is a /32 (/128) interface, as IPv4Interface(int(iface) + 1) is.
//
// Thread safety: values; const use from many threads is safe.
#pragma once

#include <compare>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "netkit/ip/address.hpp"
#include "netkit/ip/network.hpp"

namespace netkit::ip {

template <class Address>
class basic_interface {
 public:
  using address_type = Address;
  using network_type = basic_network<Address>;
  using int_type = typename Address::int_type;
  static constexpr int bits = Address::max_prefixlen();

  constexpr basic_interface() noexcept = default;
  // IPv4Interface(text): "10.9.0.6/24", any mask form the network takes, or a bare address.
  explicit basic_interface(std::string_view text);
  // IPv4Interface((address, prefixlen)); netmask_value_error for a bad prefix length.
  constexpr basic_interface(const Address& address, int prefixlen)
      : ip_(address), network_(address, prefixlen, false) {}
  // IPv4Interface(int), IPv4Interface(bytes): a /max interface.
  constexpr explicit basic_interface(const Address& address) noexcept
      : ip_(address), network_(address) {}

  static constexpr int version() noexcept { return Address::version(); }
  static constexpr int max_prefixlen() noexcept { return bits; }
  // The address without its scope id (Python's iface.ip).
  constexpr Address ip() const noexcept { return Address(ip_.to_integer()); }
  // The address with its scope id, as the interface itself compares.
  constexpr const Address& address() const noexcept { return ip_; }
  constexpr const network_type& network() const noexcept { return network_; }
  constexpr Address netmask() const noexcept { return network_.netmask(); }
  constexpr Address hostmask() const noexcept { return network_.hostmask(); }
  constexpr int_type to_integer() const noexcept { return ip_.to_integer(); }
  bytes packed() const { return ip_.packed(); }

  std::string str() const;  // "10.9.0.6/24" ("fe80::1%eth0/64")
  std::string compressed() const { return str(); }
  std::string exploded() const;
  std::string reverse_pointer() const;  // Python's: "6/24.0.9.10.in-addr.arpa"
  std::string with_prefixlen() const;   // without the scope id, as Python
  std::string with_netmask() const;
  std::string with_hostmask() const;

  constexpr bool is_private() const noexcept { return ip_.is_private(); }
  constexpr bool is_global() const noexcept { return ip_.is_global(); }
  constexpr bool is_multicast() const noexcept { return ip_.is_multicast(); }
  constexpr bool is_reserved() const noexcept { return ip_.is_reserved(); }
  constexpr bool is_link_local() const noexcept { return ip_.is_link_local(); }
  // Python compares an IPv4Interface with the address 0.0.0.0, which is never equal to an
  // interface: always false for IPv4. IPv6: only ::/128.
  constexpr bool is_unspecified() const noexcept {
    if constexpr (bits == 32) {
      return false;
    } else {
      return ip_.is_unspecified() && network_.is_unspecified();
    }
  }
  constexpr bool is_loopback() const noexcept {
    if constexpr (bits == 32) {
      return ip_.is_loopback();
    } else {
      return ip_.is_loopback() && network_.is_loopback();
    }
  }
  constexpr bool is_site_local() const noexcept requires(bits == 128) {
    return ip_.is_site_local();
  }
  constexpr std::optional<std::string_view> scope_id() const noexcept requires(bits == 128) {
    return ip_.scope_id();
  }
  constexpr std::optional<ipv4_address> ipv4_mapped() const noexcept requires(bits == 128) {
    return ip_.ipv4_mapped();
  }
  constexpr std::optional<ipv4_address> sixtofour() const noexcept requires(bits == 128) {
    return ip_.sixtofour();
  }
  constexpr std::optional<std::pair<ipv4_address, ipv4_address>> teredo() const noexcept
      requires(bits == 128) {
    return ip_.teredo();
  }

  template <integer I>
  friend constexpr basic_interface operator+(const basic_interface& a, I n) {
    return basic_interface(a.ip_ + n);
  }
  template <integer I>
  friend constexpr basic_interface operator-(const basic_interface& a, I n) {
    return basic_interface(a.ip_ - n);
  }
  friend constexpr bool operator==(const basic_interface& a, const basic_interface& b) noexcept {
    return a.ip_ == b.ip_ && a.network_ == b.network_;
  }
  // By network first, then address (Python's __lt__).
  friend constexpr std::weak_ordering operator<=>(const basic_interface& a,
                                                  const basic_interface& b) noexcept {
    if (auto c = a.network_ <=> b.network_; c != 0) return c;
    return a.ip_ <=> b.ip_;
  }

 private:
  Address ip_{};
  network_type network_{};
};

using ipv4_interface = basic_interface<ipv4_address>;
using ipv6_interface = basic_interface<ipv6_address>;

std::ostream& operator<<(std::ostream& out, const ipv4_interface& i);
std::ostream& operator<<(std::ostream& out, const ipv6_interface& i);

}  // namespace netkit::ip

namespace netkit {
// repr(interface): IPv4Interface('10.9.0.6/24').
std::string repr(const ip::ipv4_interface& i);
std::string repr(const ip::ipv6_interface& i);
}  // namespace netkit

template <class Address>
struct std::hash<netkit::ip::basic_interface<Address>> {
  std::size_t operator()(const netkit::ip::basic_interface<Address>& i) const noexcept {
    return std::hash<Address>{}(i.address()) * 31U +
           std::hash<netkit::ip::basic_network<Address>>{}(i.network());
  }
};
