#include "netkit/socket/multicast.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cstdlib>
#include <string>

#include "netkit/error.hpp"
#include "netkit/repr.hpp"

namespace netkit {
namespace {

bytes_view as_bytes(const auto& value) {
  return {reinterpret_cast<const char*>(&value), sizeof value};
}

in_addr parse_ipv4(std::string_view text, const char* call) {
  in_addr a{};
  a.s_addr = htonl(INADDR_ANY);
  if (text.empty()) return a;
  const std::string t(text);
  if (::inet_pton(AF_INET, t.c_str(), &a) != 1)
    throw value_error(std::string(call) + ": " + repr_str(text) + " is not an IPv4 address");
  return a;
}

unsigned interface_index(std::string_view name, const char* call) {
  if (name.empty()) return 0;
  const std::string n(name);
  char* end = nullptr;
  const unsigned long numeric = std::strtoul(n.c_str(), &end, 10);
  if (end != n.c_str() && *end == '\0') return static_cast<unsigned>(numeric);
  const unsigned index = ::if_nametoindex(n.c_str());
  if (index == 0) throw_error(last_error(), call, n);
  return index;
}

void membership(socket& s, std::string_view group, std::string_view interface, bool join) {
  const char* call = join ? "join_group" : "leave_group";
  if (s.family() == AF_INET6) {
    ipv6_mreq req{};
    const std::string g(group);
    if (::inet_pton(AF_INET6, g.c_str(), &req.ipv6mr_multiaddr) != 1)
      throw value_error(std::string(call) + ": " + repr_str(group) + " is not an IPv6 address");
    req.ipv6mr_interface = interface_index(interface, call);
    s.setsockopt(IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, as_bytes(req));
    return;
  }
  ip_mreq req{};
  req.imr_multiaddr = parse_ipv4(group, call);
  req.imr_interface = parse_ipv4(interface, call);
  s.setsockopt(IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, as_bytes(req));
}

}  // namespace

void set_multicast_ttl(socket& s, int ttl) {
  if (s.family() == AF_INET6)
    s.setsockopt(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl);
  else
    s.setsockopt(IPPROTO_IP, IP_MULTICAST_TTL, ttl);
}

int get_multicast_ttl(const socket& s) {
  if (s.family() == AF_INET6) return s.getsockopt(IPPROTO_IPV6, IPV6_MULTICAST_HOPS);
  return static_cast<unsigned char>(s.getsockopt(IPPROTO_IP, IP_MULTICAST_TTL, 1)[0]);
}

void set_multicast_loop(socket& s, bool loop) {
  if (s.family() == AF_INET6)
    s.setsockopt(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, loop ? 1 : 0);
  else
    s.setsockopt(IPPROTO_IP, IP_MULTICAST_LOOP, loop ? 1 : 0);
}

bool get_multicast_loop(const socket& s) {
  if (s.family() == AF_INET6) return s.getsockopt(IPPROTO_IPV6, IPV6_MULTICAST_LOOP) != 0;
  return s.getsockopt(IPPROTO_IP, IP_MULTICAST_LOOP, 1)[0] != 0;
}

void set_multicast_interface(socket& s, std::string_view interface) {
  if (s.family() == AF_INET6) {
    s.setsockopt(IPPROTO_IPV6, IPV6_MULTICAST_IF,
                 static_cast<int>(interface_index(interface, "set_multicast_interface")));
    return;
  }
  const in_addr a = parse_ipv4(interface, "set_multicast_interface");
  s.setsockopt(IPPROTO_IP, IP_MULTICAST_IF, as_bytes(a));
}

void join_group(socket& s, std::string_view group, std::string_view interface) {
  membership(s, group, interface, true);
}

void leave_group(socket& s, std::string_view group, std::string_view interface) {
  membership(s, group, interface, false);
}

}  // namespace netkit
