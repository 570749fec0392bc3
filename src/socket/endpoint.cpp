#include "netkit/socket/endpoint.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>
#include <string>

#include "netkit/error.hpp"

namespace netkit {
namespace {

// The wildcard / broadcast / numeric cases Python's setipaddr() handles without a lookup.
bool resolve_without_lookup(const std::string& host, std::uint16_t port, std::uint32_t flowinfo,
                            std::uint32_t scope_id, int family, socket_address& out) {
  if (family == AF_INET) {
    if (host.empty()) {
      out = socket_address::ipv4("0.0.0.0", port);
      return true;
    }
    if (host == "<broadcast>") {
      out = socket_address::ipv4("255.255.255.255", port);
      return true;
    }
    in_addr a{};
    if (::inet_pton(AF_INET, host.c_str(), &a) == 1) {
      out = socket_address::ipv4(host, port);
      return true;
    }
    return false;
  }
  if (family == AF_INET6) {
    if (host.empty()) {
      out = socket_address::ipv6("::", port, flowinfo, scope_id);
      return true;
    }
    in6_addr a{};
    if (::inet_pton(AF_INET6, host.c_str(), &a) == 1) {
      out = socket_address::ipv6(host, port, flowinfo, scope_id);
      return true;
    }
  }
  return false;
}

}  // namespace

std::uint16_t endpoint::checked_port(int port) {
  if (port < 0 || port > 65535)
    throw value_error("port must be 0-65535 (got " + std::to_string(port) + ")");
  return static_cast<std::uint16_t>(port);
}

socket_address endpoint::resolve(int family) const {
  std::error_code ec;
  socket_address a = resolve(family, ec);
  if (ec) throw_error(ec, "resolve", to_string());
  return a;
}

socket_address endpoint::resolve(int family, std::error_code& ec) const noexcept {
  ec.clear();
  try {
    switch (kind_) {
      case kind::resolved: return resolved_;
      case kind::path:
        if (family != AF_UNIX) {
          ec = std::make_error_code(std::errc::address_family_not_supported);
          return {};
        }
        return socket_address::unix_path(host_);
      case kind::host_port: break;
    }
    if (family != AF_INET && family != AF_INET6) {
      ec = std::make_error_code(std::errc::address_family_not_supported);
      return {};
    }
    socket_address out;
    if (resolve_without_lookup(host_, port_, flowinfo_, scope_id_, family, out)) return out;
    addrinfo hints{};
    hints.ai_family = family;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(host_.c_str(), nullptr, &hints, &res);
    if (rc != 0) {
      ec = rc == EAI_SYSTEM ? last_error() : std::error_code(rc, gai_category());
      return {};
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, &::freeaddrinfo);
    out = socket_address::from_native(res->ai_addr, res->ai_addrlen);
    // getaddrinfo was asked for no service: put the port (and IPv6 extras) in ourselves.
    if (family == AF_INET) {
      reinterpret_cast<sockaddr_in*>(out.data())->sin_port = ::htons(port_);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(out.data());
      sin6->sin6_port = ::htons(port_);
      sin6->sin6_flowinfo = ::htonl(flowinfo_);
      if (scope_id_ != 0) sin6->sin6_scope_id = scope_id_;
    }
    return out;
  } catch (const std::system_error& e) {  // value_error for bad text, bad_alloc aside
    ec = e.code();
    return {};
  } catch (const std::exception&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
    return {};
  }
}

std::string endpoint::to_string() const {
  switch (kind_) {
    case kind::resolved: return resolved_.to_string();
    case kind::path: return host_;
    case kind::host_port:
      if (host_.find(':') != std::string::npos) return '[' + host_ + "]:" + std::to_string(port_);
      return host_ + ':' + std::to_string(port_);
  }
  return {};
}

}  // namespace netkit
