// netkit/socket/socket_address.hpp — a resolved socket address: what the kernel takes and gives
// back (public). Python represents these as tuples; netkit::repr prints them the same way.
//
//   auto a = netkit::socket_address::ipv4("127.0.0.1", 8080);
//   a.host();  // "127.0.0.1"      a.port();  // 8080
//   netkit::repr(a);                    // ('127.0.0.1', 8080)
//   netkit::repr(socket_address::ipv6("::1", 80));         // ('::1', 80, 0, 0)
//   netkit::repr(socket_address::unix_path("/tmp/s"));    // '/tmp/s'
//   netkit::repr(socket_address::abstract("name"));       // b'\x00name'
//
// Names ("localhost") are not accepted here: an endpoint (netkit/socket/endpoint.hpp) carries a
// name until a socket resolves it for its own family, as Python's bind/connect do.
//
// Thread safety: a value type; distinct objects may be used from distinct threads.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace netkit {

class socket_address {
 public:
  // An empty address (family AF_UNSPEC), e.g. what recvfrom gives on a connected stream.
  socket_address() noexcept;

  // Numeric addresses only; throws value_error naming the text otherwise.
  static socket_address ipv4(std::string_view ip, std::uint16_t port);
  static socket_address ipv6(std::string_view ip, std::uint16_t port, std::uint32_t flowinfo = 0,
                             std::uint32_t scope_id = 0);
  // A filesystem path; a leading NUL byte makes it a Linux abstract name, as in Python.
  static socket_address unix_path(std::string_view path);
  // A Linux abstract name (no filesystem entry); `name` excludes the leading NUL.
  static socket_address abstract(std::string_view name);
  // Copies what the kernel filled in (accept, recvfrom, getsockname, getaddrinfo).
  static socket_address from_native(const sockaddr* sa, socklen_t len) noexcept;

  int family() const noexcept { return storage_.ss_family; }
  bool is_inet() const noexcept { return family() == AF_INET || family() == AF_INET6; }

  // AF_INET / AF_INET6: the numeric host ("::1", "fe80::1%lo" is given as "fe80::1"), port,
  // and for IPv6 flowinfo and scope_id. Empty / zero for other families.
  std::string host() const;
  std::uint16_t port() const noexcept;
  std::uint32_t flowinfo() const noexcept;
  std::uint32_t scope_id() const noexcept;

  // AF_UNIX: the path as Python gives it (abstract names keep their leading NUL); empty for an
  // unnamed socket (a client that never bound).
  std::string path() const;
  bool is_abstract() const noexcept;

  // "127.0.0.1:80", "[::1]:80", "/tmp/sock", "@name" (abstract), for messages and logs.
  std::string to_string() const;

  const sockaddr* data() const noexcept { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* data() noexcept { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t size() const noexcept { return len_; }
  static constexpr socklen_t capacity() noexcept { return sizeof(sockaddr_storage); }
  // After the kernel has written into data(): record how much it wrote.
  void resize(socklen_t len) noexcept { len_ = len; }

  friend bool operator==(const socket_address& a, const socket_address& b) noexcept;

 private:
  sockaddr_storage storage_;
  socklen_t len_;
};

// Python's repr of the address object: ('127.0.0.1', 80), ('::1', 80, 0, 0), '/path',
// b'\x00name' or '' (unnamed Unix socket).
std::string repr(const socket_address& a);
// Python's str of the address object: the same as repr but a Unix path is printed bare.
std::string str(const socket_address& a);

}  // namespace netkit
