// apps/netkit/echo_loop.hpp — the readiness-loop models of `netkit echo-server` (private to
// apps/): select, poll, epoll and selectors, each one thread waiting on one readiness API of
// netkit's select layer, with non-blocking sockets and a bounded output buffer per connection.
//
//   stop_signal stop;
//   serve_readiness("epoll", listener, stop);   // returns once SIGINT/SIGTERM arrives
//
// Thread safety: one thread; the sockets belong to the loop while it runs.
#pragma once

#include <string_view>

#include "netkit/socket.hpp"
#include "signals.hpp"

namespace netkit::app {

// True for select, poll, epoll and selectors.
bool is_readiness_model(std::string_view model) noexcept;

// Echoes on `sock` (a listening stream socket, or a datagram socket) until `stop` is signalled.
// model is one of is_readiness_model's names.
void serve_readiness(std::string_view model, netkit::socket& sock, const stop_signal& stop);

}  // namespace netkit::app
