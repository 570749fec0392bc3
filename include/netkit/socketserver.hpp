// netkit/socketserver.hpp — the whole socketserver layer in one include (public): Python's
// `socketserver` module.
//
//   #include <netkit/socketserver.hpp>
//   struct echo : netkit::stream_request_handler {
//     void handle() override { wfile().write(rfile().readline()); }
//   };
//   netkit::threading_tcp_server server({"127.0.0.1", 0}, netkit::handler<echo>());
//   server.serve_forever();
#pragma once

#include "netkit/socketserver/mixins.hpp"
#include "netkit/socketserver/request_handler.hpp"
#include "netkit/socketserver/server.hpp"
