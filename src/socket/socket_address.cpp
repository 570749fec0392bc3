#include "netkit/socket/socket_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "netkit/bytes.hpp"
#include "netkit/error.hpp"
#include "netkit/repr.hpp"

namespace netkit {
namespace {

const sockaddr_in& as_in(const sockaddr_storage& s) {
  return *reinterpret_cast<const sockaddr_in*>(&s);
}
const sockaddr_in6& as_in6(const sockaddr_storage& s) {
  return *reinterpret_cast<const sockaddr_in6*>(&s);
}
const sockaddr_un& as_un(const sockaddr_storage& s) {
  return *reinterpret_cast<const sockaddr_un*>(&s);
}

constexpr socklen_t path_offset = offsetof(sockaddr_un, sun_path);

}  // namespace

socket_address::socket_address() noexcept : storage_{}, len_(0) { storage_.ss_family = AF_UNSPEC; }

socket_address socket_address::ipv4(std::string_view ip, std::uint16_t port) {
  socket_address a;
  auto& sin = *reinterpret_cast<sockaddr_in*>(&a.storage_);
  sin.sin_family = AF_INET;
  sin.sin_port = ::htons(port);
  const std::string text(ip);
  if (::inet_pton(AF_INET, text.c_str(), &sin.sin_addr) != 1)
    throw value_error("socket_address::ipv4: " + repr_str(text) + " is not a numeric IPv4 address");
  a.len_ = sizeof(sockaddr_in);
  return a;
}

socket_address socket_address::ipv6(std::string_view ip, std::uint16_t port, std::uint32_t flowinfo,
                                    std::uint32_t scope_id) {
  socket_address a;
  auto& sin6 = *reinterpret_cast<sockaddr_in6*>(&a.storage_);
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = ::htons(port);
  sin6.sin6_flowinfo = ::htonl(flowinfo);
  sin6.sin6_scope_id = scope_id;
  const std::string text(ip);
  if (::inet_pton(AF_INET6, text.c_str(), &sin6.sin6_addr) != 1)
    throw value_error("socket_address::ipv6: " + repr_str(text) + " is not a numeric IPv6 address");
  a.len_ = sizeof(sockaddr_in6);
  return a;
}

socket_address socket_address::unix_path(std::string_view path) {
  socket_address a;
  auto& sun = *reinterpret_cast<sockaddr_un*>(&a.storage_);
  if (path.size() > sizeof(sun.sun_path))
    throw socket_error(make_code(errc::unix_path_too_long),
                       "socket_address::unix_path: AF_UNIX path too long (" +
                           std::to_string(path.size()) + " bytes, at most " +
                           std::to_string(sizeof(sun.sun_path)) + ")");
  sun.sun_family = AF_UNIX;
  std::memcpy(sun.sun_path, path.data(), path.size());
  // An abstract name is exactly as long as given; a path carries its terminating NUL when it
  // fits (Linux, like Python, accepts a path filling all 108 bytes); an empty path is the
  // unnamed address (binding it autobinds, as in Python).
  const bool abstract = !path.empty() && path.front() == '\0';
  const bool nul = !abstract && !path.empty() && path.size() < sizeof(sun.sun_path);
  a.len_ = static_cast<socklen_t>(path_offset + path.size() + (nul ? 1 : 0));
  return a;
}

socket_address socket_address::abstract(std::string_view name) {
  std::string path(1, '\0');
  path += name;
  return unix_path(path);
}

socket_address socket_address::from_native(const sockaddr* sa, socklen_t len) noexcept {
  socket_address a;
  if (sa == nullptr) return a;
  if (len > sizeof(a.storage_)) len = sizeof(a.storage_);
  std::memcpy(&a.storage_, sa, len);
  a.len_ = len;
  return a;
}

std::string socket_address::host() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET)
    ::inet_ntop(AF_INET, &as_in(storage_).sin_addr, buf, sizeof buf);
  else if (family() == AF_INET6)
    ::inet_ntop(AF_INET6, &as_in6(storage_).sin6_addr, buf, sizeof buf);
  return buf;
}

std::uint16_t socket_address::port() const noexcept {
  if (family() == AF_INET) return ::ntohs(as_in(storage_).sin_port);
  if (family() == AF_INET6) return ::ntohs(as_in6(storage_).sin6_port);
  return 0;
}

std::uint32_t socket_address::flowinfo() const noexcept {
  return family() == AF_INET6 ? ::ntohl(as_in6(storage_).sin6_flowinfo) : 0;
}

std::uint32_t socket_address::scope_id() const noexcept {
  return family() == AF_INET6 ? as_in6(storage_).sin6_scope_id : 0;
}

std::string socket_address::path() const {
  if (family() != AF_UNIX || len_ <= path_offset) return {};
  const char* p = as_un(storage_).sun_path;
  std::size_t n = len_ - path_offset;
  if (p[0] == '\0') return {p, n};  // abstract: every byte counts
  return {p, ::strnlen(p, n)};
}

bool socket_address::is_abstract() const noexcept {
  return family() == AF_UNIX && len_ > path_offset && as_un(storage_).sun_path[0] == '\0';
}

std::string socket_address::to_string() const {
  switch (family()) {
    case AF_INET: return host() + ':' + std::to_string(port());
    case AF_INET6: return '[' + host() + "]:" + std::to_string(port());
    case AF_UNIX: return is_abstract() ? '@' + path().substr(1) : path();
    default: return "<unspecified>";
  }
}

bool operator==(const socket_address& a, const socket_address& b) noexcept {
  return a.len_ == b.len_ && std::memcmp(&a.storage_, &b.storage_, a.len_) == 0;
}

std::string repr(const socket_address& a) {
  switch (a.family()) {
    case AF_INET: return "(" + repr_str(a.host()) + ", " + std::to_string(a.port()) + ")";
    case AF_INET6:
      return "(" + repr_str(a.host()) + ", " + std::to_string(a.port()) + ", " +
             std::to_string(a.flowinfo()) + ", " + std::to_string(a.scope_id()) + ")";
    case AF_UNIX: return a.is_abstract() ? repr(bytes_view(a.path())) : repr_str(a.path());
    default: return "None";
  }
}

std::string str(const socket_address& a) {
  if (a.family() == AF_UNIX && !a.is_abstract()) return a.path();
  return repr(a);
}

}  // namespace netkit
