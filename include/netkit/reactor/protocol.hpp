// netkit/reactor/protocol.hpp — Twisted's Protocol: what a connection's events are delivered to
// (public).
//
//   struct echo : netkit::protocol {
//     void data_received(netkit::bytes_view data) override { transport().write(data); }
//   };
//   loop.listen_tcp(8000, netkit::factory::of<echo>());
//
// A protocol is made by its factory for one connection and owned by it. Calls arrive in this
// order, each exactly once: connection_made(), then any number of data_received() (and
// eof_received() when the peer half-closes), then connection_lost(reason) — reason is empty for
// a clean close and the error otherwise (a reset, an abort, the reactor stopping). transport()
// is valid from connection_made() until connection_lost() returns.
//
// Flow control: when the transport's queued output rises above its high-water mark it calls
// pause_writing(), and resume_writing() once it drains below the low-water mark. By default
// these stop and restart reading from the peer, which bounds memory for any protocol whose
// output follows its input (an echo server facing a client that never reads).
//
// Thread safety: a protocol and its transport belong to the reactor's thread.
#pragma once

#include <system_error>

#include "netkit/bytes.hpp"
#include "netkit/reactor/transport.hpp"

namespace netkit {

class factory;

class protocol {
 public:
  protocol() = default;
  protocol(const protocol&) = delete;
  protocol& operator=(const protocol&) = delete;
  virtual ~protocol() = default;

  virtual void connection_made() {}
  virtual void data_received(bytes_view /*data*/) {}
  // The peer half-closed. Return true to keep the connection open for writing (then call
  // lose_connection() when done); false (the default) closes it.
  virtual bool eof_received() { return false; }
  virtual void connection_lost(std::error_code /*reason*/) {}
  virtual void pause_writing() { transport().pause_producing(); }
  virtual void resume_writing() { transport().resume_producing(); }

  class transport& transport() noexcept {
    return *transport_;
  }
  bool connected() const noexcept { return transport_ != nullptr; }
  // The factory that built this protocol (Twisted's self.factory); may be null.
  netkit::factory* factory() const noexcept { return factory_; }

  // Called by the transport (Twisted's makeConnection): connection_made() follows.
  void make_connection(class transport& t, netkit::factory* f) {
    transport_ = &t;
    factory_ = f;
    connection_made();
  }
  // Called by the transport once: connection_lost() then the transport is gone.
  void lose(std::error_code reason) {
    connection_lost(reason);
    transport_ = nullptr;
  }

 private:
  class transport* transport_ = nullptr;
  netkit::factory* factory_ = nullptr;
};

}  // namespace netkit
