// Interfaces: parsing (the address, then the network with strict=False) and formatting.
#include "netkit/ip/interface.hpp"

#include <ostream>
#include <string>

#include "netkit/repr.hpp"
#include "parse.hpp"

namespace netkit::ip {

namespace detail {
[[noreturn]] void throw_failure(failure f, std::string message);
}

template <class Address>
basic_interface<Address>::basic_interface(std::string_view text) {
  Address address;
  int prefixlen = 0;
  std::string message;
  const auto f = detail::parse_address_prefix(text, address, prefixlen, &message);
  if (f != detail::failure::none) detail::throw_failure(f, std::move(message));
  *this = basic_interface(address, prefixlen);
}

template <class Address>
std::string basic_interface<Address>::str() const {
  return ip_.str() + "/" + std::to_string(network_.prefixlen());
}

template <class Address>
std::string basic_interface<Address>::exploded() const {
  return ip().exploded() + "/" + std::to_string(network_.prefixlen());
}

template <class Address>
std::string basic_interface<Address>::reverse_pointer() const {
  if constexpr (bits == 32)
    return detail::reverse_pointer_v4(str());
  else
    return detail::reverse_pointer_v6(exploded());
}

template <class Address>
std::string basic_interface<Address>::with_prefixlen() const {
  return ip().str() + "/" + std::to_string(network_.prefixlen());
}

template <class Address>
std::string basic_interface<Address>::with_netmask() const {
  return ip().str() + "/" + netmask().str();
}

template <class Address>
std::string basic_interface<Address>::with_hostmask() const {
  return ip().str() + "/" + hostmask().str();
}

// The out-of-line members, for both families (see network.cpp for why not `template class`).
#define NETKIT_IP_INTERFACE_MEMBERS(A)                              \
  template basic_interface<A>::basic_interface(std::string_view);   \
  template std::string basic_interface<A>::str() const;             \
  template std::string basic_interface<A>::exploded() const;        \
  template std::string basic_interface<A>::reverse_pointer() const; \
  template std::string basic_interface<A>::with_prefixlen() const;  \
  template std::string basic_interface<A>::with_netmask() const;    \
  template std::string basic_interface<A>::with_hostmask() const;
NETKIT_IP_INTERFACE_MEMBERS(ipv4_address)
NETKIT_IP_INTERFACE_MEMBERS(ipv6_address)
#undef NETKIT_IP_INTERFACE_MEMBERS

std::ostream& operator<<(std::ostream& out, const ipv4_interface& i) { return out << i.str(); }
std::ostream& operator<<(std::ostream& out, const ipv6_interface& i) { return out << i.str(); }

}  // namespace netkit::ip

namespace netkit {
std::string repr(const ip::ipv4_interface& i) { return "IPv4Interface(" + repr_str(i.str()) + ")"; }
std::string repr(const ip::ipv6_interface& i) { return "IPv6Interface(" + repr_str(i.str()) + ")"; }
}  // namespace netkit
