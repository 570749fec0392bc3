// netkit/testing/memory_reactor.hpp — a reactor that records what it is asked to do instead of
// doing it, with a fake clock for time, Twisted's MemoryReactorClock (public).
//
//   netkit::memory_reactor r;
//   start_client(r, factory);                       // code written against reactor_tcp
//   ASSERT_EQ(r.tcp_clients.size(), 1U);
//   auto& c = r.tcp_clients[0];                      // host, port, factory, connector
//   c.connector->fail(std::make_error_code(std::errc::connection_refused));
//   r.advance(5s);                                   // a reconnecting factory tries again
//   EXPECT_EQ(c.connector->connect_calls, 2);
//
// No socket is opened and nothing runs by itself: a test plays the network's part by calling
// the factories (build_protocol, then a string_transport) and the connectors' fail() and
// lose() hooks, and plays time with advance().
//
// Thread safety: none; one thread.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <system_error>

#include "netkit/reactor/connector.hpp"
#include "netkit/reactor/factory.hpp"
#include "netkit/reactor/port.hpp"
#include "netkit/reactor/reactor_interfaces.hpp"
#include "netkit/reactor/udp.hpp"
#include "netkit/testing/fake_clock.hpp"

namespace netkit {

class memory_reactor final : public fake_clock,
                             public reactor_tcp,
                             public reactor_unix,
                             public reactor_udp {
 public:
  // A port that only remembers its address and whether it was stopped.
  class memory_port final : public port {
   public:
    explicit memory_port(socket_address host) : host_(std::move(host)) {}
    socket_address get_host() const override { return host_; }
    void stop_listening() noexcept override { listening_ = false; }
    bool listening() const noexcept override { return listening_; }

   private:
    socket_address host_;
    bool listening_ = true;
  };

  // A connector that counts what is asked of it; the test tells it how attempts end.
  class memory_connector final : public connector {
   public:
    memory_connector(memory_reactor& owner, socket_address destination,
                     std::shared_ptr<client_factory> f)
        : owner_(owner), destination_(std::move(destination)), factory_(std::move(f)) {}
    void connect() override;
    void connect_after(seconds_f delay) override;
    void stop_connecting() override;
    void disconnect() override { ++disconnect_calls; }
    socket_address get_destination() const override { return destination_; }

    // The attempt under way fails: the factory hears client_connection_failed.
    void fail(std::error_code reason);
    // The connection this attempt made ends: the factory hears client_connection_lost.
    void lose(std::error_code reason);

    int connect_calls = 0;  // including the first, from connect_tcp
    int stop_connecting_calls = 0;
    int disconnect_calls = 0;
    bool connecting = false;
    bool retry_pending() const noexcept { return retry_.active(); }

   private:
    memory_reactor& owner_;
    socket_address destination_;
    std::shared_ptr<client_factory> factory_;
    delayed_call retry_;
  };

  struct tcp_server {
    int port_number;
    std::shared_ptr<netkit::factory> factory;
    int backlog;
    std::string interface;
  };
  struct tcp_client {
    std::string host;
    int port_number;
    std::shared_ptr<netkit::client_factory> factory;
    seconds_f timeout;
    memory_connector* connector;
  };
  struct unix_server {
    std::string path;
    std::shared_ptr<netkit::factory> factory;
    int backlog;
  };
  struct unix_client {
    std::string path;
    std::shared_ptr<netkit::client_factory> factory;
    seconds_f timeout;
    memory_connector* connector;
  };
  struct udp_port_record {
    int port_number;
    std::shared_ptr<datagram_protocol> protocol;
    std::string interface;
    std::size_t max_packet_size;
  };

  port& listen_tcp(int port_number, std::shared_ptr<factory> f, const std::string& interface = "",
                   int backlog = 511) override;
  connector& connect_tcp(const std::string& host, int port_number,
                         std::shared_ptr<client_factory> f,
                         seconds_f timeout = seconds_f(30)) override;
  port& listen_unix(const std::string& path, std::shared_ptr<factory> f,
                    int backlog = 511) override;
  connector& connect_unix(const std::string& path, std::shared_ptr<client_factory> f,
                          seconds_f timeout = seconds_f(30)) override;
  port& listen_udp(int port_number, std::shared_ptr<datagram_protocol> proto,
                   const std::string& interface = "", std::size_t max_packet_size = 65535) override;

  // What was asked, in order (deques: references stay valid as records are added).
  std::deque<tcp_server> tcp_servers;
  std::deque<tcp_client> tcp_clients;
  std::deque<unix_server> unix_servers;
  std::deque<unix_client> unix_clients;
  std::deque<udp_port_record> udp_ports;

 private:
  memory_connector& new_connector(socket_address destination, std::shared_ptr<client_factory> f);
  memory_port& new_port(socket_address host);

  std::deque<memory_port> ports_;
  std::deque<memory_connector> connectors_;
};

}  // namespace netkit
