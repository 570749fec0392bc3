// netkit/reactor/connector.hpp — an outgoing connection's handle, Twisted's IConnector (public).
// reactor::connect_tcp / connect_unix return one and hand it to the client factory's hooks, so
// a factory can try again after a failure or a lost connection (reconnecting_client_factory
// does).
//
//   struct retry_once : netkit::client_factory {
//     void client_connection_failed(netkit::connector& c, std::error_code) override {
//       if (!tried_) c.connect_after(1s), tried_ = true;
//     }
//   };
//
// The reactor owns its connectors. A connector lives while it is connecting, connected, or
// waiting for a connect_after(); once none of these holds after a factory hook has returned, the
// reactor frees it at the end of the iteration, so keep no reference beyond the hooks.
//
// Thread safety: the reactor's thread only.
#pragma once

#include "netkit/socket/deadline.hpp"
#include "netkit/socket/socket_address.hpp"

namespace netkit {

class connector {
 public:
  // Starts a new attempt (the factory hears started_connecting). A value_error if an attempt
  // is under way or the connector is connected.
  virtual void connect() = 0;
  // connect() `delay` from now (Twisted's callLater(delay, connector.connect)); the pending call
  // keeps the connector alive and stop_connecting() cancels it.
  virtual void connect_after(seconds_f delay) = 0;
  // Abandons an attempt under way (the factory hears client_connection_failed with
  // operation_canceled) and any pending connect_after().
  virtual void stop_connecting() = 0;
  // Drops the connection (lose_connection) or the attempt.
  virtual void disconnect() = 0;
  // Where it connects to.
  virtual socket_address get_destination() const = 0;

 protected:
  ~connector() = default;
};

}  // namespace netkit
