// netkit/reactor/reactor_interfaces.hpp — what a reactor offers, one interface per transport,
// Twisted's IReactorTCP / IReactorUNIX / IReactorUDP (public). netkit::reactor implements them
// all, and so does netkit::memory_reactor (netkit/testing/), so code written against these
// interfaces (and reactor_time) runs on a real loop in production and on a recording one in
// tests.
//
//   void start_client(netkit::reactor_tcp& net, std::shared_ptr<netkit::client_factory> f) {
//     net.connect_tcp("127.0.0.1", 9000, std::move(f));
//   }
//
// Thread safety: the reactor's thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "netkit/reactor/connector.hpp"
#include "netkit/reactor/factory.hpp"
#include "netkit/reactor/port.hpp"
#include "netkit/socket/deadline.hpp"

namespace netkit {

class datagram_protocol;

class reactor_tcp {
 public:
  // Accepts connections on (interface, port): '' is every interface, port 0 a free one.
  virtual port& listen_tcp(int port_number, std::shared_ptr<factory> f,
                           const std::string& interface = "", int backlog = 511) = 0;
  virtual connector& connect_tcp(const std::string& host, int port_number,
                                 std::shared_ptr<client_factory> f,
                                 seconds_f timeout = seconds_f(30)) = 0;

 protected:
  ~reactor_tcp() = default;
};

class reactor_unix {
 public:
  virtual port& listen_unix(const std::string& path, std::shared_ptr<factory> f,
                            int backlog = 511) = 0;
  virtual connector& connect_unix(const std::string& path, std::shared_ptr<client_factory> f,
                                  seconds_f timeout = seconds_f(30)) = 0;

 protected:
  ~reactor_unix() = default;
};

class reactor_udp {
 public:
  virtual port& listen_udp(int port_number, std::shared_ptr<datagram_protocol> proto,
                           const std::string& interface = "",
                           std::size_t max_packet_size = 65535) = 0;

 protected:
  ~reactor_udp() = default;
};

}  // namespace netkit
