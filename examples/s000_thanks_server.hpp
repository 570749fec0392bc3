// examples/s000_thanks_server.hpp — seed 000's socketserver servers in one piece (private to
// examples/): a stream handler that logs the client and thanks it, served by `Server`
// (tcp_server, or one with the threading or forking mixin). The three twins differ only there,
// as the Python programs do.
#pragma once

#include <netkit/socket.hpp>
#include <netkit/socketserver.hpp>

#include <string>

#include "pymotw.hpp"
#include "seed_support.hpp"

namespace s000 {

class thanks_handler : public netkit::stream_request_handler {
 public:
  void handle() override {
    const netkit::socket_address addr = request().getpeername();
    pymotw::print("Got connection from", netkit::repr(addr));
    wfile().write("Thank you for connecting");
  }
};

// main() of the twins: [host] [port], defaults '' (all interfaces) and 1234.
template <class Server>
int serve_thanks(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "");
    const int port = pymotw::int_arg(argc, argv, 2, 1234);
    Server server(pymotw::address(host, port, "bind"), netkit::handler<thanks_handler>());
    server.serve_forever();
  });
}

}  // namespace s000
