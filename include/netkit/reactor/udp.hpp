// netkit/reactor/udp.hpp — UDP on the reactor, Twisted's DatagramProtocol and listenUDP
// (public).
//
//   struct echo : netkit::datagram_protocol {
//     void datagram_received(netkit::bytes_view data, const netkit::socket_address& from) override
//     {
//       transport().write(data, from);
//     }
//   };
//   auto& port = loop.listen_udp(0, std::make_shared<echo>(), "127.0.0.1");
//
// One protocol instance serves every peer (UDP has no connections); datagram_received gets
// each datagram whole, viewing the reactor's shared read buffer (valid during the call). A
// datagram larger than max_packet_size (default 65535: never truncated, unlike Twisted's 8192)
// is cut to it. Writes go straight to the socket: if its buffer is full the datagram is dropped
// and write returns false, as UDP drops under pressure anyway.
//
// Thread safety: the reactor's thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "netkit/bytes.hpp"
#include "netkit/reactor/delayed_call.hpp"
#include "netkit/reactor/io_handler.hpp"
#include "netkit/reactor/port.hpp"
#include "netkit/socket/socket.hpp"
#include "netkit/socket/socket_address.hpp"

namespace netkit {

class reactor;

// What a datagram protocol sends through (Twisted's IUDPTransport).
class datagram_transport {
 public:
  // Sends one datagram to addr; false if the socket's buffer is full (the datagram is
  // dropped). Throws socket_error for a datagram too large or an unreachable address.
  virtual bool write(bytes_view data, const socket_address& addr) = 0;
  // To the connected peer (after connect()).
  virtual bool write(bytes_view data) = 0;
  // Talks to one peer only: datagrams from others are dropped by the kernel, and ICMP errors
  // arrive as connection_refused(). host must be an IP address, as in Twisted.
  virtual void connect(const std::string& host, int port_number) = 0;
  virtual socket_address get_host() const = 0;
  // Stops receiving and closes the socket; the protocol hears stop_protocol().
  virtual void stop_listening() noexcept = 0;
  virtual void set_broadcast_allowed(bool enabled) = 0;
  // Multicast membership (IPv4 and IPv6), Twisted's joinGroup / leaveGroup.
  virtual void join_group(std::string_view group, std::string_view interface = {}) = 0;
  virtual void leave_group(std::string_view group, std::string_view interface = {}) = 0;

 protected:
  ~datagram_transport() = default;
};

class datagram_protocol {
 public:
  datagram_protocol() = default;
  datagram_protocol(const datagram_protocol&) = delete;
  datagram_protocol& operator=(const datagram_protocol&) = delete;
  virtual ~datagram_protocol() = default;

  // The port is listening; transport() is valid from here until stop_protocol() returns.
  virtual void start_protocol() {}
  virtual void stop_protocol() {}
  virtual void datagram_received(bytes_view /*data*/, const socket_address& /*addr*/) {}
  // A connected port's peer answered with ICMP port unreachable.
  virtual void connection_refused() {}

  datagram_transport& transport() noexcept { return *transport_; }
  bool listening() const noexcept { return transport_ != nullptr; }

  // Called by the port (Twisted's makeConnection / doStop).
  void make_connection(datagram_transport& t) {
    transport_ = &t;
    start_protocol();
  }
  void lose() {
    stop_protocol();
    transport_ = nullptr;
  }

 private:
  datagram_transport* transport_ = nullptr;
};

class udp_port final : public port, public datagram_transport, public io_handler {
 public:
  udp_port(reactor& loop, socket sock, std::shared_ptr<datagram_protocol> proto,
           std::size_t max_packet_size);
  udp_port(const udp_port&) = delete;
  udp_port& operator=(const udp_port&) = delete;
  ~udp_port();

  // Registers with the reactor and calls start_protocol().
  void start();

  // port and datagram_transport
  socket_address get_host() const override { return sock_.getsockname(); }
  void stop_listening() noexcept override;
  bool listening() const noexcept override { return sock_.is_open(); }
  bool write(bytes_view data, const socket_address& addr) override;
  bool write(bytes_view data) override;
  void connect(const std::string& host, int port_number) override;
  void set_broadcast_allowed(bool enabled) override;
  void join_group(std::string_view group, std::string_view interface = {}) override;
  void leave_group(std::string_view group, std::string_view interface = {}) override;

  void on_events(std::uint32_t events) override;
  datagram_protocol& protocol() noexcept { return *proto_; }

 private:
  // Reports a send error: refused goes to the protocol, would-block drops, others throw.
  bool send_failed(std::error_code ec, const char* call, const socket_address* addr);

  reactor& loop_;
  socket sock_;
  std::shared_ptr<datagram_protocol> proto_;
  std::size_t max_packet_size_;
  bool connected_ = false;
};

}  // namespace netkit
