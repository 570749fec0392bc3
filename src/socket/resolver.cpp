#include "netkit/socket/resolver.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <vector>

#include "netkit/error.hpp"
#include "netkit/socket/endpoint.hpp"

namespace netkit {
namespace {

std::error_code gai_code(int rc) {
  return rc == EAI_SYSTEM ? last_error() : std::error_code(rc, gai_category());
}

// The reentrant gethostby*_r calls want a scratch buffer whose size they cannot predict: grow
// it on ERANGE, as glibc documents.
template <class Call>
host_entry host_lookup(const char* what, std::string_view name, Call call) {
  std::vector<char> buf(4096);
  hostent he{};
  hostent* result = nullptr;
  int herr = 0;
  for (;;) {
    const int rc = call(&he, buf.data(), buf.size(), &result, &herr);
    if (rc == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc != 0 && rc != ERANGE && result == nullptr && herr == 0)
      throw_error({rc, std::system_category()}, what, name);
    break;
  }
  if (result == nullptr) {
    // The gethostby*_r calls report through h_errno, which Python raises as herror.
    throw_error({herr == 0 ? HOST_NOT_FOUND : herr, h_category()}, what, name);
  }
  host_entry e;
  e.hostname = he.h_name ? he.h_name : "";
  for (char** a = he.h_aliases; a && *a; ++a) e.aliases.emplace_back(*a);
  for (char** a = he.h_addr_list; a && *a; ++a) {
    char text[INET6_ADDRSTRLEN];
    ::inet_ntop(he.h_addrtype, *a, text, sizeof text);
    e.addresses.emplace_back(text);
  }
  return e;
}

// Python's setipaddr(name, AF_INET): '' is 0.0.0.0, numeric text is parsed, a name goes
// through getaddrinfo, so a failure is a gaierror. An endpoint resolves exactly that way.
std::string resolve_ipv4(const char* call, std::string_view name) {
  std::error_code ec;
  const socket_address a = endpoint(std::string(name), 0).resolve(AF_INET, ec);
  if (ec) throw_error(ec, call, name);
  return a.host();
}

}  // namespace

std::vector<addrinfo_result> getaddrinfo(std::string_view host, std::string_view port, int family,
                                         int type, int proto, int flags) {
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = type;
  hints.ai_protocol = proto;
  hints.ai_flags = flags;
  const std::string h(host);
  const std::string p(port);
  addrinfo* res = nullptr;
  const int rc =
      ::getaddrinfo(h.empty() ? nullptr : h.c_str(), p.empty() ? nullptr : p.c_str(), &hints, &res);
  if (rc != 0) {
    std::string what = h;
    if (!p.empty()) what += (what.empty() ? "" : ", ") + p;
    throw_error(gai_code(rc), "getaddrinfo", what);
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, &::freeaddrinfo);
  std::vector<addrinfo_result> out;
  for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    out.push_back({ai->ai_family, ai->ai_socktype, ai->ai_protocol,
                   ai->ai_canonname ? ai->ai_canonname : "",
                   socket_address::from_native(ai->ai_addr, ai->ai_addrlen)});
  }
  return out;
}

std::vector<addrinfo_result> getaddrinfo(std::string_view host, int port, int family, int type,
                                         int proto, int flags) {
  return getaddrinfo(host, std::to_string(port), family, type, proto, flags | AI_NUMERICSERV);
}

std::pair<std::string, std::string> getnameinfo(const socket_address& address, int flags) {
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  const int rc =
      ::getnameinfo(address.data(), address.size(), host, sizeof host, serv, sizeof serv, flags);
  if (rc != 0) throw_error(gai_code(rc), "getnameinfo", address.to_string());
  return {host, serv};
}

std::string gethostname() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) < 0) throw_error(last_error(), "gethostname");
  return buf;
}

std::string gethostbyname(std::string_view name) { return resolve_ipv4("gethostbyname", name); }

host_entry gethostbyname_ex(std::string_view name) {
  // Python: numeric or not, the name is first checked by getaddrinfo, then looked up with
  // gethostbyname_r for the alias list.
  const std::string ip = resolve_ipv4("gethostbyname_ex", name);
  const std::string n(name);
  return host_lookup("gethostbyname_ex", name,
                     [&](hostent* he, char* buf, std::size_t len, hostent** res, int* herr) {
                       return ::gethostbyname_r(n.c_str(), he, buf, len, res, herr);
                     });
}

host_entry gethostbyaddr(std::string_view ip_or_name) {
  // Python resolves a name first (any family), then asks for the address's names.
  const auto results = getaddrinfo(ip_or_name, std::string_view(), AF_UNSPEC, 0, 0, 0);
  const socket_address& a = results.front().sockaddr;
  in6_addr raw{};
  socklen_t len = 0;
  if (a.family() == AF_INET) {
    std::memcpy(&raw, &reinterpret_cast<const sockaddr_in*>(a.data())->sin_addr, 4);
    len = 4;
  } else {
    raw = reinterpret_cast<const sockaddr_in6*>(a.data())->sin6_addr;
    len = 16;
  }
  const int fam = a.family();
  return host_lookup("gethostbyaddr", ip_or_name,
                     [&](hostent* he, char* buf, std::size_t blen, hostent** res, int* herr) {
                       return ::gethostbyaddr_r(&raw, len, fam, he, buf, blen, res, herr);
                     });
}

std::string getfqdn(std::string_view name) {
  // Python: strip, use gethostname() for "" or "0.0.0.0", then the first name containing a
  // dot among gethostbyaddr's hostname and aliases; the name itself when anything fails.
  std::string n(name);
  while (!n.empty() && std::isspace(static_cast<unsigned char>(n.back()))) n.pop_back();
  while (!n.empty() && std::isspace(static_cast<unsigned char>(n.front()))) n.erase(0, 1);
  if (n.empty() || n == "0.0.0.0") n = gethostname();
  try {
    host_entry e = gethostbyaddr(n);
    std::vector<std::string> names{e.hostname};
    names.insert(names.end(), e.aliases.begin(), e.aliases.end());
    for (const auto& candidate : names)
      if (candidate.find('.') != std::string::npos) return candidate;
    return e.hostname;
  } catch (const socket_error&) {
    return n;
  }
}

int getservbyname(std::string_view service, std::string_view proto) {
  const std::string s(service);
  const std::string p(proto);
  servent se{};
  servent* result = nullptr;
  char buf[1024];
  ::getservbyname_r(s.c_str(), p.empty() ? nullptr : p.c_str(), &se, buf, sizeof buf, &result);
  if (result == nullptr)
    throw_error(make_code(errc::service_not_found), "getservbyname", p.empty() ? s : s + ", " + p);
  return ::ntohs(static_cast<std::uint16_t>(result->s_port));
}

std::string getservbyport(int port, std::string_view proto) {
  if (port < 0 || port > 65535) throw value_error("getservbyport: port must be 0-65535.");
  const std::string p(proto);
  servent se{};
  servent* result = nullptr;
  char buf[1024];
  ::getservbyport_r(static_cast<int>(::htons(static_cast<std::uint16_t>(port))),
                    p.empty() ? nullptr : p.c_str(), &se, buf, sizeof buf, &result);
  if (result == nullptr)
    throw_error(make_code(errc::port_not_found), "getservbyport",
                std::to_string(port) + (p.empty() ? "" : ", " + p));
  return result->s_name;
}

int getprotobyname(std::string_view name) {
  const std::string n(name);
  protoent pe{};
  protoent* result = nullptr;
  char buf[1024];
  ::getprotobyname_r(n.c_str(), &pe, buf, sizeof buf, &result);
  if (result == nullptr) throw_error(make_code(errc::protocol_not_found), "getprotobyname", n);
  return result->p_proto;
}

namespace {

struct constant_name {
  int value;
  const char* name;
};

// Python's socket_getaddrinfo builds {value: name} from dir(socket), so where several names
// share a value the alphabetically last one wins (16 -> AF_ROUTE, 0 -> IPPROTO_IP). These tables
// are that mapping as CPython 3.11.7 on Linux gives it.
constexpr constant_name family_names[] = {
    {0, "AF_UNSPEC"},  {1, "AF_UNIX"},      {2, "AF_INET"},      {3, "AF_AX25"},
    {4, "AF_IPX"},     {5, "AF_APPLETALK"}, {6, "AF_NETROM"},    {7, "AF_BRIDGE"},
    {8, "AF_ATMPVC"},  {9, "AF_X25"},       {10, "AF_INET6"},    {11, "AF_ROSE"},
    {12, "AF_DECnet"}, {13, "AF_NETBEUI"},  {14, "AF_SECURITY"}, {15, "AF_KEY"},
    {16, "AF_ROUTE"},  {17, "AF_PACKET"},   {18, "AF_ASH"},      {19, "AF_ECONET"},
    {20, "AF_ATMSVC"}, {21, "AF_RDS"},      {22, "AF_SNA"},      {23, "AF_IRDA"},
    {24, "AF_PPPOX"},  {25, "AF_WANPIPE"},  {26, "AF_LLC"},      {29, "AF_CAN"},
    {30, "AF_TIPC"},   {38, "AF_ALG"},      {40, "AF_VSOCK"},    {42, "AF_QIPCRTR"}};
constexpr constant_name type_names[] = {
    {1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"}, {4, "SOCK_RDM"}, {5, "SOCK_SEQPACKET"}};
constexpr constant_name proto_names[] = {
    {0, "IPPROTO_IP"},        {1, "IPPROTO_ICMP"},      {2, "IPPROTO_IGMP"},
    {4, "IPPROTO_IPIP"},      {6, "IPPROTO_TCP"},       {8, "IPPROTO_EGP"},
    {12, "IPPROTO_PUP"},      {17, "IPPROTO_UDP"},      {22, "IPPROTO_IDP"},
    {29, "IPPROTO_TP"},       {41, "IPPROTO_IPV6"},     {43, "IPPROTO_ROUTING"},
    {44, "IPPROTO_FRAGMENT"}, {46, "IPPROTO_RSVP"},     {47, "IPPROTO_GRE"},
    {50, "IPPROTO_ESP"},      {51, "IPPROTO_AH"},       {58, "IPPROTO_ICMPV6"},
    {59, "IPPROTO_NONE"},     {60, "IPPROTO_DSTOPTS"},  {103, "IPPROTO_PIM"},
    {132, "IPPROTO_SCTP"},    {136, "IPPROTO_UDPLITE"}, {255, "IPPROTO_RAW"},
    {262, "IPPROTO_MPTCP"}};

template <std::size_t N>
std::string lookup(const constant_name (&table)[N], int value) {
  for (const auto& c : table)
    if (c.value == value) return c.name;
  return std::to_string(value);
}

}  // namespace

std::string family_name(int family) { return lookup(family_names, family); }
std::string type_name(int type) { return lookup(type_names, type); }
std::string proto_name(int proto) { return lookup(proto_names, proto); }

}  // namespace netkit
