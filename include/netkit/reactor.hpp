// netkit/reactor.hpp — the reactor layer in one include (public): Twisted's event loop.
//
//   #include <netkit/reactor.hpp>
//   netkit::reactor loop;
//   auto t = loop.call_later(1s, [&] { loop.stop(); });
//   loop.run();
#pragma once

#include "netkit/reactor/delayed_call.hpp"
#include "netkit/reactor/reactor.hpp"
