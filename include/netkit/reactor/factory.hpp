// netkit/reactor/factory.hpp — factories make a protocol per connection, Twisted's Factory
// and ClientFactory (public).
//
//   loop.listen_tcp(8000, netkit::factory::of<echo>());   // echo's default constructor
//   struct my_factory : netkit::factory {
//     std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override;
//   };
//
// A factory is shared (std::shared_ptr) by the listening port and the connections it made, so
// it lives as long as any of them.
// Thread safety: the reactor's thread only.
#pragma once

#include <memory>
#include <system_error>

#include "netkit/reactor/connector.hpp"
#include "netkit/reactor/protocol.hpp"
#include "netkit/socket/socket_address.hpp"

namespace netkit {

// Makes protocols for connections (Twisted's Factory). Shared by a listening port and the
// connections it accepted.
class factory {
 public:
  factory() = default;
  factory(const factory&) = delete;
  factory& operator=(const factory&) = delete;
  virtual ~factory() = default;

  // A protocol for a new connection from `address`, or null to refuse it.
  virtual std::unique_ptr<protocol> build_protocol(const socket_address& address) = 0;
  virtual void start_factory() {}
  virtual void stop_factory() {}

  // A factory that makes P with P's default constructor: factory::of<echo>().
  template <class P>
  static std::shared_ptr<factory> of();
};

template <class P>
std::shared_ptr<factory> factory::of() {
  struct simple final : factory {
    std::unique_ptr<protocol> build_protocol(const socket_address&) override {
      return std::make_unique<P>();
    }
  };
  return std::make_shared<simple>();
}

// Twisted's ClientFactory: learns when an attempt starts, why it failed, or why a connection it
// made ended; each hook gets the connector, which can try again.
class client_factory : public factory {
 public:
  virtual void started_connecting(connector& /*c*/) {}
  virtual void client_connection_failed(connector& /*c*/, std::error_code /*reason*/) {}
  virtual void client_connection_lost(connector& /*c*/, std::error_code /*reason*/) {}
};

}  // namespace netkit
