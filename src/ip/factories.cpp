// ip_address, ip_network, ip_interface: IPv4 first, then IPv6, then Python's ValueError. The
// first attempts skip messages and exceptions, so a million mixed inputs parse quickly.
#include "netkit/ip/factories.hpp"

#include <string>

#include "netkit/repr.hpp"
#include "parse.hpp"

namespace netkit::ip {

address ip_address(std::string_view text) {
  ipv4_address a4;
  if (detail::parse_address(text, a4, nullptr)) return a4;
  ipv6_address a6;
  if (detail::parse_address(text, a6, nullptr)) return a6;
  throw value_error(repr_str(text) + " does not appear to be an IPv4 or IPv6 address");
}

network ip_network(std::string_view text, bool strict) {
  int prefixlen = 0;
  ipv4_address a4;
  if (detail::parse_address_prefix(text, a4, prefixlen, nullptr) == detail::failure::none)
    return ipv4_network(a4, prefixlen, strict);  // "has host bits set" is not caught, as in Python
  ipv6_address a6;
  if (detail::parse_address_prefix(text, a6, prefixlen, nullptr) == detail::failure::none)
    return ipv6_network(a6, prefixlen, strict);
  throw value_error(repr_str(text) + " does not appear to be an IPv4 or IPv6 network");
}

interface ip_interface(std::string_view text) {
  int prefixlen = 0;
  ipv4_address a4;
  if (detail::parse_address_prefix(text, a4, prefixlen, nullptr) == detail::failure::none)
    return ipv4_interface(a4, prefixlen);
  ipv6_address a6;
  if (detail::parse_address_prefix(text, a6, prefixlen, nullptr) == detail::failure::none)
    return ipv6_interface(a6, prefixlen);
  throw value_error(repr_str(text) + " does not appear to be an IPv4 or IPv6 interface");
}

}  // namespace netkit::ip
