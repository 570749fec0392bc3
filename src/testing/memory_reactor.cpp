#include "netkit/testing/memory_reactor.hpp"

#include <utility>

#include "netkit/error.hpp"

namespace netkit {
namespace {

// The address a recorded port or connector reports: the numbers asked for, the wildcard for ''.
socket_address inet_address(const std::string& host, int port_number) {
  const bool v6 = host.find(':') != std::string::npos;
  const auto p = static_cast<std::uint16_t>(port_number);
  if (v6) return socket_address::ipv6(host, p);
  return socket_address::ipv4(host.empty() ? "0.0.0.0" : host, p);
}

}  // namespace

void memory_reactor::memory_connector::connect() {
  if (connecting) throw value_error("connector.connect: already connecting");
  retry_ = delayed_call();
  ++connect_calls;
  connecting = true;
  factory_->started_connecting(*this);
}

void memory_reactor::memory_connector::connect_after(seconds_f delay) {
  retry_ = owner_.call_later(delay, [this] { connect(); });
}

void memory_reactor::memory_connector::stop_connecting() {
  ++stop_connecting_calls;
  retry_ = delayed_call();
  if (connecting) fail(std::make_error_code(std::errc::operation_canceled));
}

void memory_reactor::memory_connector::fail(std::error_code reason) {
  connecting = false;
  factory_->client_connection_failed(*this, reason);
}

void memory_reactor::memory_connector::lose(std::error_code reason) {
  connecting = false;
  factory_->client_connection_lost(*this, reason);
}

memory_reactor::memory_connector& memory_reactor::new_connector(socket_address destination,
                                                                std::shared_ptr<client_factory> f) {
  if (!f) throw value_error("connect: no factory");
  connectors_.emplace_back(*this, std::move(destination), std::move(f));
  return connectors_.back();
}

memory_reactor::memory_port& memory_reactor::new_port(socket_address host) {
  ports_.emplace_back(std::move(host));
  return ports_.back();
}

port& memory_reactor::listen_tcp(int port_number, std::shared_ptr<factory> f,
                                 const std::string& interface, int backlog) {
  if (!f) throw value_error("listen_tcp: no factory");
  tcp_servers.push_back({port_number, std::move(f), backlog, interface});
  return new_port(inet_address(interface, port_number));
}

connector& memory_reactor::connect_tcp(const std::string& host, int port_number,
                                       std::shared_ptr<client_factory> f, seconds_f timeout) {
  memory_connector& c = new_connector(inet_address(host, port_number), f);
  tcp_clients.push_back({host, port_number, std::move(f), timeout, &c});
  c.connect();
  return c;
}

port& memory_reactor::listen_unix(const std::string& path, std::shared_ptr<factory> f,
                                  int backlog) {
  if (!f) throw value_error("listen_unix: no factory");
  unix_servers.push_back({path, std::move(f), backlog});
  return new_port(socket_address::unix_path(path));
}

connector& memory_reactor::connect_unix(const std::string& path, std::shared_ptr<client_factory> f,
                                        seconds_f timeout) {
  memory_connector& c = new_connector(socket_address::unix_path(path), f);
  unix_clients.push_back({path, std::move(f), timeout, &c});
  c.connect();
  return c;
}

port& memory_reactor::listen_udp(int port_number, std::shared_ptr<datagram_protocol> proto,
                                 const std::string& interface, std::size_t max_packet_size) {
  if (!proto) throw value_error("listen_udp: no protocol");
  udp_ports.push_back({port_number, std::move(proto), interface, max_packet_size});
  return new_port(inet_address(interface, port_number));
}

}  // namespace netkit
