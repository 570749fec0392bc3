// src/ip/parse.hpp — the text parsers behind netkit::ip's constructors (private to src/ip/).
//
// Each parser returns false on bad input and then, when `message` is not null, stores Python's
// message for it; the factories (ip_address, ...) try IPv4 then IPv6 without paying for messages
// or exceptions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "netkit/ip/address.hpp"
#include "netkit/ip/network.hpp"

namespace netkit::ip::detail {

// _BaseV4._ip_int_from_string / _BaseV6._ip_int_from_string (no '/', no scope handling).
bool parse_v4_int(std::string_view text, std::uint32_t& out, std::string* message);
bool parse_v6_int(std::string_view text, uint128& out, std::string* message);

// IPv4Address(text) / IPv6Address(text): the '/' check, the scope id, the address.
bool parse_address(std::string_view text, ipv4_address& out, std::string* message);
bool parse_address(std::string_view text, ipv6_address& out, std::string* message);

enum class failure { none, address, netmask };

// The address and prefix length of a network or interface text ("a/m" or "a"), or of the pair
// (address, mask) when `mask` is given, before any host-bit check.
template <class Address>
failure parse_address_prefix(std::string_view text, Address& address, int& prefixlen,
                             std::string* message);
template <class Address>
failure parse_address_mask(std::string_view address_text, std::string_view mask_text,
                           Address& address, int& prefixlen, std::string* message);

// Python's reverse_pointer: the dot-separated parts of IPv4 text in reverse order (Python splits
// str(self), so a network's "/24" stays in: "0/24.0.9.10.in-addr.arpa"), or the hex digits of
// exploded IPv6 text in reverse order.
std::string reverse_pointer_v4(std::string_view text);
std::string reverse_pointer_v6(std::string_view exploded);

// Python's ValueError text for an out-of-range integer ("-1 (< 0) is not permitted as an IPv4
// address").
std::string wide_to_string(wide_int n);

}  // namespace netkit::ip::detail
