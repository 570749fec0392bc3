// netkit/socket/functions.hpp — the socket module's free functions: socketpair,
// create_connection, create_server, fromfd, the inet_* conversions, byte order, the default
// timeout and has_ipv6 (public).
//
//   auto conn = netkit::create_connection({"localhost", 10000}, 5s);
//   auto srv  = netkit::create_server({"", 0}, AF_INET6, std::nullopt, false, true);  // dual-stack
//   auto [a, b] = netkit::socketpair();
//   netkit::inet_aton("127.0.0.1");   // "\x7f\x00\x00\x01" (4 bytes)
//
// Thread safety: all functions may be called from any thread; setdefaulttimeout is atomic with
// respect to getdefaulttimeout.
#pragma once

#include <netinet/in.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "netkit/bytes.hpp"
#include "netkit/socket/endpoint.hpp"
#include "netkit/socket/socket.hpp"

// glibc may define the byte-order functions as macros, which would rewrite netkit::htons(x);
// the libc functions stay declared (and usable as ::htons) without them.
#undef htons
#undef ntohs
#undef htonl
#undef ntohl

namespace netkit {

// The timeout new sockets get (std::nullopt = blocking, the initial value).
void setdefaulttimeout(timeout_t timeout);
timeout_t getdefaulttimeout();

// True when this machine can create AF_INET6 sockets.
bool has_ipv6();
// True when an AF_INET6 socket can also accept IPv4 (IPV6_V6ONLY can be cleared).
bool has_dualstack_ipv6();

std::pair<socket, socket> socketpair(int family = AF_UNIX, int type = SOCK_STREAM, int proto = 0);

// Connects to (host, port): each address getaddrinfo gives is tried in order until one
// connects; the last error is thrown if none does. The timeout applies to each attempt and is
// left set on the returned socket.
socket create_connection(const endpoint& address, timeout_t timeout = getdefaulttimeout(),
                         const std::optional<endpoint>& source_address = std::nullopt);

// A listening TCP socket bound to address: SO_REUSEADDR set, SO_REUSEPORT when reuse_port,
// and with dualstack_ipv6 (family AF_INET6) one socket that accepts IPv4 and IPv6.
// backlog std::nullopt = the default. Throws value_error for an impossible combination.
socket create_server(const endpoint& address, int family = AF_INET,
                     std::optional<int> backlog = std::nullopt, bool reuse_port = false,
                     bool dualstack_ipv6 = false);

// A new socket on a duplicate of fd (the caller keeps fd).
socket fromfd(int fd, int family, int type, int proto = 0);

// 4-byte packed IPv4 from dotted text (accepts the classic short forms, as inet_aton(3)).
bytes inet_aton(std::string_view text);
std::string inet_ntoa(bytes_view packed);
bytes inet_pton(int family, std::string_view text);
std::string inet_ntop(int family, bytes_view packed);

constexpr std::uint16_t htons(std::uint16_t x) noexcept {
  if constexpr (std::endian::native == std::endian::little)
    return static_cast<std::uint16_t>((x << 8) | (x >> 8));
  return x;
}
constexpr std::uint16_t ntohs(std::uint16_t x) noexcept { return htons(x); }
constexpr std::uint32_t htonl(std::uint32_t x) noexcept {
  if constexpr (std::endian::native == std::endian::little)
    return ((x & 0xffU) << 24) | ((x & 0xff00U) << 8) | ((x >> 8) & 0xff00U) | (x >> 24);
  return x;
}
constexpr std::uint32_t ntohl(std::uint32_t x) noexcept { return htonl(x); }

}  // namespace netkit
