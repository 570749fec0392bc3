// netkit/ip/functions.hpp — summarize_address_range and collapse_addresses, Python's
// ipaddress module functions of the same names (public). v4_int_to_packed and v6_int_to_packed
// are in address.hpp.
//
//   summarize_address_range(ipv4_address("192.0.2.0"), ipv4_address("192.0.2.130"))
//     // {192.0.2.0/25, 192.0.2.128/31, 192.0.2.130/32}
//   collapse_addresses(std::vector{ipv4_network("192.0.2.0/25"), ipv4_network("192.0.2.128/25")})
//     // {192.0.2.0/24}
// Python returns iterators; these return vectors (at most 128 networks per range).
//
// Thread safety: pure functions.
#pragma once

#include <span>
#include <vector>

#include "netkit/ip/address.hpp"
#include "netkit/ip/factories.hpp"
#include "netkit/ip/interface.hpp"
#include "netkit/ip/network.hpp"

namespace netkit::ip {

// The fewest networks that cover [first, last]; value_error ("last IP address must be greater
// than first") when first > last.
template <class Address>
std::vector<basic_network<Address>> summarize_address_range(const Address& first,
                                                            const Address& last);
// The same for values of either version: type_error when the versions differ.
std::vector<network> summarize_address_range(const address& first, const address& last);

// The networks and addresses given, merged into the fewest networks, sorted.
template <class Address>
std::vector<basic_network<Address>> collapse_addresses(
    std::span<const basic_network<Address>> networks, std::span<const Address> addresses = {});
template <class Address>
std::vector<basic_network<Address>> collapse_addresses(
    const std::vector<basic_network<Address>>& networks) {
  return collapse_addresses(std::span<const basic_network<Address>>(networks));
}
template <class Address>
std::vector<basic_network<Address>> collapse_addresses(const std::vector<Address>& addresses) {
  return collapse_addresses(std::span<const basic_network<Address>>(),
                            std::span<const Address>(addresses));
}
// Values of either version, as Python takes them: type_error when versions are mixed.
std::vector<network> collapse_addresses(std::span<const network> networks,
                                        std::span<const address> addresses = {});

extern template std::vector<ipv4_network> summarize_address_range(const ipv4_address&,
                                                                  const ipv4_address&);
extern template std::vector<ipv6_network> summarize_address_range(const ipv6_address&,
                                                                  const ipv6_address&);
extern template std::vector<ipv4_network> collapse_addresses(std::span<const ipv4_network>,
                                                             std::span<const ipv4_address>);
extern template std::vector<ipv6_network> collapse_addresses(std::span<const ipv6_network>,
                                                             std::span<const ipv6_address>);

}  // namespace netkit::ip
