// apps/netkit/reactor_echo.hpp — `netkit echo-server --model reactor` (private to apps/): the
// echo as a netkit::protocol on netkit's reactor (Twisted's way), over TCP, UDP or a Unix stream
// socket; with threads > 0, on a pool of that many reactors, one per thread.
//
//   stop_signal stop;
//   reactor_echo_options o;
//   o.port = 0;
//   check_reactor_options(o);
//   serve_reactor(o, stop);   // prints "listening on HOST:PORT", returns on SIGINT/SIGTERM
//
// Thread safety: call from the main thread; the reactor runs in it.
#pragma once

#include <string>

#include "signals.hpp"

namespace netkit::app {

struct reactor_echo_options {
  std::string unix_path;  // non-empty: a Unix stream socket here instead of TCP
  std::string bind = "127.0.0.1";
  int port = 0;
  bool udp = false;
  int threads = 0;  // 0: one reactor in the calling thread; N: a reactor_pool of N
};

// Throws usage_error for what the reactor model does not offer (yet).
void check_reactor_options(const reactor_echo_options& o);

// Listens, prints the "listening on" line, echoes until `stop` is signalled, then closes every
// connection and the listener (removing the Unix socket file). A stale socket file at
// unix_path must have been removed by the caller.
void serve_reactor(const reactor_echo_options& o, const stop_signal& stop);

}  // namespace netkit::app
