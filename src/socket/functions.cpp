#include "netkit/socket/functions.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <atomic>
#include <cmath>

#include "netkit/error.hpp"
#include "netkit/repr.hpp"
#include "netkit/socket/resolver.hpp"

namespace netkit {
namespace {

// Read by every socket constructor, so it must be lock-free: a mutex held by one thread while
// another forks would deadlock the child's first socket. Negative means None.
std::atomic<double> default_timeout_seconds{-1.0};

}  // namespace

void setdefaulttimeout(timeout_t timeout) {
  if (timeout && (std::isnan(timeout->count()) || timeout->count() < 0))
    throw value_error("setdefaulttimeout: Timeout value out of range");
  default_timeout_seconds.store(timeout ? timeout->count() : -1.0, std::memory_order_relaxed);
}

timeout_t getdefaulttimeout() {
  const double seconds = default_timeout_seconds.load(std::memory_order_relaxed);
  return seconds < 0 ? timeout_t() : timeout_t(seconds);
}

bool has_ipv6() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

bool has_dualstack_ipv6() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const int off = 0;
  const bool ok = ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == 0;
  ::close(fd);
  return ok;
}

std::pair<socket, socket> socketpair(int family, int type, int proto) {
  int fds[2];
  if (::socketpair(family, type | SOCK_CLOEXEC, proto, fds) < 0)
    throw_error(last_error(), "socketpair");
  // adopt() reads family/type back from the kernel and applies the default timeout.
  socket a = socket::adopt(fds[0]);
  socket b = socket::adopt(fds[1]);
  return {std::move(a), std::move(b)};
}

socket create_connection(const endpoint& address, timeout_t timeout,
                         const std::optional<endpoint>& source_address) {
  if (address.which() == endpoint::kind::path)
    throw value_error("create_connection: needs (host, port), got path " +
                      repr_str(address.host()));
  std::vector<addrinfo_result> candidates;
  if (address.which() == endpoint::kind::resolved) {
    const socket_address& a = address.resolved();
    candidates.push_back({a.family(), SOCK_STREAM, 0, {}, a});
  } else {
    candidates = getaddrinfo(address.host(), address.port(), 0, SOCK_STREAM);
  }
  std::error_code last;
  for (const auto& c : candidates) {
    try {
      socket s(c.family, c.type, c.proto);
      s.settimeout(timeout);
      if (source_address) s.bind(*source_address);
      std::error_code ec;
      s.connect(c.sockaddr, ec);
      if (!ec) return s;
      last = ec;
    } catch (const std::system_error& e) {
      last = e.code();
    }
  }
  if (!last) last = std::error_code(EAI_NONAME, gai_category());
  throw_error(last, "create_connection", address.to_string());
}

socket create_server(const endpoint& address, int family, std::optional<int> backlog,
                     bool reuse_port, bool dualstack_ipv6) {
  if (dualstack_ipv6 && !has_dualstack_ipv6())
    throw value_error("create_server: dualstack_ipv6 not supported on this platform");
  if (dualstack_ipv6 && family != AF_INET6)
    throw value_error("create_server: dualstack_ipv6 requires AF_INET6 family");
  socket s(family, SOCK_STREAM);
  // Python sets SO_REUSEADDR on POSIX so a restarted server can bind while old connections
  // are in TIME_WAIT.
  s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  if (reuse_port) s.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
  if (family == AF_INET6) s.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, dualstack_ipv6 ? 0 : 1);
  s.bind(address);
  s.listen(backlog ? *backlog : 128);
  return s;
}

socket fromfd(int fd, int family, int type, int proto) {
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) throw_error(last_error(), "fromfd", "fd " + std::to_string(fd));
  socket s = socket::adopt(copy);
  (void)family;  // the kernel's view wins, as adopt reads it; Python trusts the caller here
  (void)type;
  (void)proto;
  return s;
}

bytes inet_aton(std::string_view text) {
  const std::string t(text);
  in_addr a{};
  if (::inet_aton(t.c_str(), &a) == 0)
    throw_error(make_code(errc::illegal_inet_aton), "inet_aton", repr_str(text));
  return {reinterpret_cast<const char*>(&a), sizeof a};
}

std::string inet_ntoa(bytes_view packed) {
  if (packed.size() != 4) throw_error(make_code(errc::packed_ip_wrong_length), "inet_ntoa");
  return inet_ntop(AF_INET, packed);
}

bytes inet_pton(int family, std::string_view text) {
  const std::string t(text);
  unsigned char buf[sizeof(in6_addr)];
  const int rc = ::inet_pton(family, t.c_str(), buf);
  if (rc < 0) throw_error(last_error(), "inet_pton", t);
  if (rc == 0) throw_error(make_code(errc::illegal_inet_pton), "inet_pton", repr_str(text));
  return {reinterpret_cast<const char*>(buf), family == AF_INET ? 4u : 16u};
}

std::string inet_ntop(int family, bytes_view packed) {
  const std::size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
  if (want == 0) throw value_error("inet_ntop: unknown address family " + std::to_string(family));
  if (packed.size() != want)
    throw value_error("inet_ntop: invalid length of packed IP address string");
  char buf[INET6_ADDRSTRLEN];
  if (::inet_ntop(family, packed.data(), buf, sizeof buf) == nullptr)
    throw_error(last_error(), "inet_ntop");
  return buf;
}

}  // namespace netkit
