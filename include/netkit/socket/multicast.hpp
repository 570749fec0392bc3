// netkit/socket/multicast.hpp — multicast options for UDP sockets, IPv4 and IPv6 (public).
// Python does these with setsockopt and struct.pack('4sL', ...); these helpers build the
// request structures for you.
//
//   netkit::socket s(AF_INET, SOCK_DGRAM);
//   s.bind({"", 10000});
//   netkit::join_group(s, "224.3.29.71");          // IP_ADD_MEMBERSHIP on any interface
//   netkit::set_multicast_ttl(s, 1);
//
// Thread safety: as the socket's own setsockopt.
#pragma once

#include <string_view>

#include "netkit/socket/socket.hpp"

namespace netkit {

// IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, by the socket's family.
void set_multicast_ttl(socket& s, int ttl);
int get_multicast_ttl(const socket& s);
// IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP.
void set_multicast_loop(socket& s, bool loop);
bool get_multicast_loop(const socket& s);
// IP_MULTICAST_IF (an IPv4 address text) / IPV6_MULTICAST_IF (an interface name or index).
void set_multicast_interface(socket& s, std::string_view interface);

// Joins / leaves `group` (numeric IPv4 or IPv6 text) on `interface`: for IPv4 an address of
// the interface ("" = INADDR_ANY), for IPv6 an interface name ("" = the default).
void join_group(socket& s, std::string_view group, std::string_view interface = {});
void leave_group(socket& s, std::string_view group, std::string_view interface = {});

}  // namespace netkit
