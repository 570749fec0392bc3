// netkit/reactor/port.hpp — what listen_tcp, listen_unix and listen_udp return, Twisted's
// IListeningPort (public).
//
//   netkit::port& p = loop.listen_tcp(0, netkit::factory::of<echo>(), "127.0.0.1");
//   std::printf("listening on port %d\n", p.get_host().port());
//   p.stop_listening();
//
// The reactor (or a testing::memory_reactor) owns its ports; a reference stays valid until the
// reactor is destroyed.
//
// Thread safety: the reactor's thread only.
#pragma once

#include "netkit/socket/socket_address.hpp"

namespace netkit {

class port {
 public:
  // The address it is bound to (port 0 becomes the port the kernel chose).
  virtual socket_address get_host() const = 0;
  // Stops accepting or receiving; what it already accepted goes on. Idempotent.
  virtual void stop_listening() noexcept = 0;
  virtual bool listening() const noexcept = 0;

 protected:
  ~port() = default;
};

}  // namespace netkit
