// netkit/reactor.hpp — the reactor layer in one include (public): Twisted's event loop,
// protocols, transports and factories.
//
//   #include <netkit/reactor.hpp>
//   struct echo : netkit::protocol {
//     void data_received(netkit::bytes_view d) override { transport().write(d); }
//   };
//   netkit::reactor loop;
//   loop.listen_tcp(8000, netkit::factory::of<echo>(), "127.0.0.1");
//   loop.run();
#pragma once

#include "netkit/reactor/connector.hpp"
#include "netkit/reactor/delayed_call.hpp"
#include "netkit/reactor/factory.hpp"
#include "netkit/reactor/port.hpp"
#include "netkit/reactor/protocol.hpp"
#include "netkit/reactor/reactor.hpp"
#include "netkit/reactor/reactor_interfaces.hpp"
#include "netkit/reactor/reactor_pool.hpp"
#include "netkit/reactor/reactor_time.hpp"
#include "netkit/reactor/reconnecting_client_factory.hpp"
#include "netkit/reactor/tcp.hpp"
#include "netkit/reactor/transport.hpp"
#include "netkit/reactor/udp.hpp"
