// netkit/socket.hpp — the whole socket layer in one include (public): Python's `socket` module.
//
//   #include <netkit/socket.hpp>
//   auto s = netkit::create_connection({"localhost", 10000});
//   s.sendall("hello");
//   std::cout << netkit::repr(s.recv(1024)) << '\n';
#pragma once

#include "netkit/bytes.hpp"
#include "netkit/error.hpp"
#include "netkit/repr.hpp"
#include "netkit/socket/endpoint.hpp"
#include "netkit/socket/functions.hpp"
#include "netkit/socket/multicast.hpp"
#include "netkit/socket/resolver.hpp"
#include "netkit/socket/socket.hpp"
#include "netkit/socket/socket_address.hpp"
#include "netkit/socket/socket_file.hpp"
