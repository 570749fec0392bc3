// netkit/socket/resolver.hpp — name and service lookup: Python's getaddrinfo, getnameinfo,
// gethostby*, getfqdn, getservby*, getprotobyname (public).
//
//   for (const auto& ai : netkit::getaddrinfo("localhost", "http", AF_INET, SOCK_STREAM))
//     std::cout << netkit::repr(ai.sockaddr) << '\n';   // ('127.0.0.1', 80)
//   netkit::gethostbyname("localhost");                   // "127.0.0.1"
//   netkit::getservbyname("https", "tcp");                // 443
//
// Failures throw gai_error (getaddrinfo codes, e.g. "[Errno -2] Name or service not known"),
// h_error (gethostbyaddr) or socket_error (OSError, e.g. "service/proto not found"), each naming
// the call and the name looked up.
//
// Thread safety: every function is safe to call from several threads at once (the reentrant
// libc calls are used).
#pragma once

// The AI_* / NI_* flag constants come with this header, as Python's socket module exports them.
#include <netdb.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netkit/socket/socket_address.hpp"

namespace netkit {

// One answer of getaddrinfo: Python's (family, type, proto, canonname, sockaddr).
struct addrinfo_result {
  int family = 0;
  int type = 0;
  int proto = 0;
  std::string canonname;
  socket_address sockaddr;
};

// host may be empty (Python's None: the loopback or, with AI_PASSIVE, the wildcard address);
// port is a number or a service name, or empty for None.
std::vector<addrinfo_result> getaddrinfo(std::string_view host, std::string_view port,
                                         int family = 0, int type = 0, int proto = 0,
                                         int flags = 0);
std::vector<addrinfo_result> getaddrinfo(std::string_view host, int port, int family = 0,
                                         int type = 0, int proto = 0, int flags = 0);

// (host, port) as text, NI_* flags.
std::pair<std::string, std::string> getnameinfo(const socket_address& address, int flags = 0);

// Python's (hostname, aliaslist, ipaddrlist).
struct host_entry {
  std::string hostname;
  std::vector<std::string> aliases;
  std::vector<std::string> addresses;
};

std::string gethostname();
std::string gethostbyname(std::string_view name);    // IPv4 only, as in Python
host_entry gethostbyname_ex(std::string_view name);  // IPv4 only, as in Python
host_entry gethostbyaddr(std::string_view ip_or_name);
std::string getfqdn(std::string_view name = {});  // "" = this host; never throws
int getservbyname(std::string_view service, std::string_view proto = {});
std::string getservbyport(int port, std::string_view proto = {});
int getprotobyname(std::string_view name);

// Python's names for the constants getaddrinfo returns, as `socket_getaddrinfo` prints them:
// "AF_INET", "SOCK_STREAM", "IPPROTO_TCP"; the number in decimal when there is no name.
std::string family_name(int family);
std::string type_name(int type);
std::string proto_name(int proto);

}  // namespace netkit
