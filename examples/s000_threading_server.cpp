// Seed 000 (Python学习笔记14:网络编程), section "多个连接": 线程化服务器.
// Twin of s000_threading_server.py: as s000_socketserver_simple_server, each request served on
// its own thread (threading_mixin).
// Usage: s000_threading_server [host] [port]   (defaults: '' = all interfaces, 1234)
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

using threading_server = netkit::threading_mixin<netkit::tcp_server>;

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "");
    const int port = pymotw::int_arg(argc, argv, 2, 1234);
    threading_server server(pymotw::address(host, port, "bind"), netkit::handler<handler>());
    server.serve_forever();
  });
}
