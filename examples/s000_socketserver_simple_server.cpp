// Seed 000 (Python学习笔记14:网络编程), section "SocketServer": 基于SocketServer的极简服务器.
// Twin of s000_socketserver_simple_server.py: a tcp_server whose stream handler thanks each client.
// Usage: s000_socketserver_simple_server [host] [port]   (defaults: '' = all interfaces, 1234)
#include <netkit/socket.hpp>
#include <netkit/socketserver.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

namespace {

class handler : public netkit::stream_request_handler {
 public:
  void handle() override {
    const netkit::socket_address addr = request().getpeername();
    pymotw::print("Got connection from", netkit::repr(addr));
    wfile().write("Thank you for connecting");
  }
};

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "");
    const int port = pymotw::int_arg(argc, argv, 2, 1234);
    netkit::tcp_server server(pymotw::address(host, port, "bind"), netkit::handler<handler>());
    server.serve_forever();
  });
}
