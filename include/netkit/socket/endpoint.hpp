// netkit/socket/endpoint.hpp — the address argument of bind, connect and sendto (public).
//
// Python passes ('host', port) tuples or Unix paths and lets the socket resolve them for its
// own family; an endpoint is that argument:
//   s.bind({"127.0.0.1", 0});          // host and port, host numeric or a name
//   s.connect({"localhost", 10000});   // resolved for s.family(), first answer used
//   s.bind({"", 8000});                // '' = all interfaces (INADDR_ANY / in6addr_any)
//   s.bind({"::1", 0, 0, 0});          // IPv6 with flowinfo and scope_id
//   u.bind("/tmp/echo.sock");          // a Unix path ("\0name" for an abstract name)
//   s.connect(peer);                   // a resolved socket_address
//
// Thread safety: a value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "netkit/socket/socket_address.hpp"

namespace netkit {

class endpoint {
 public:
  enum class kind { resolved, host_port, path };

  endpoint(const socket_address& a) : kind_(kind::resolved), resolved_(a) {}  // NOLINT
  // Throws value_error when port is outside 0-65535.
  endpoint(std::string host, int port, std::uint32_t flowinfo = 0, std::uint32_t scope_id = 0)
      : kind_(kind::host_port),
        host_(std::move(host)),
        port_(checked_port(port)),
        flowinfo_(flowinfo),
        scope_id_(scope_id) {}
  endpoint(const char* path) : kind_(kind::path), host_(path) {}         // NOLINT
  endpoint(std::string_view path) : kind_(kind::path), host_(path) {}    // NOLINT
  endpoint(const std::string& path) : kind_(kind::path), host_(path) {}  // NOLINT

  kind which() const noexcept { return kind_; }
  const socket_address& resolved() const noexcept { return resolved_; }
  const std::string& host() const noexcept { return host_; }  // the host, or the path
  std::uint16_t port() const noexcept { return port_; }

  // Turns the endpoint into a socket address for `family` as Python's socket module does:
  // '' is the wildcard address, '<broadcast>' INADDR_BROADCAST, numeric text is parsed, and a
  // name goes through getaddrinfo (first answer). Throws gai_error or value_error.
  socket_address resolve(int family) const;
  // Never throws; on failure returns an empty address and sets ec.
  socket_address resolve(int family, std::error_code& ec) const noexcept;

  // For messages: "localhost:10000", "/tmp/sock", "[::1]:80".
  std::string to_string() const;

 private:
  // Python raises OverflowError("...port must be 0-65535.") for a port out of range.
  static std::uint16_t checked_port(int port);

  kind kind_;
  socket_address resolved_;
  std::string host_;
  std::uint16_t port_ = 0;
  std::uint32_t flowinfo_ = 0;
  std::uint32_t scope_id_ = 0;
};

}  // namespace netkit
