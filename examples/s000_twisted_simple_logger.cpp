// Seed 000 (Python学习笔记14:网络编程), section "Twisted": 使用Twisted创建的简单服务器.
// Twin of s000_twisted_simple_logger.py on netkit's reactor: logs each connection, every chunk of
// data it receives (as bytes) and each disconnection; never replies. SIGINT or SIGTERM stops it
// (exit status 0), and the connections still open are logged as disconnected, as Twisted does.
// Clients: any that sends without waiting for a reply, e.g. socket_binary_client HOST PORT.
// Usage: s000_twisted_simple_logger [port] [interface]   (defaults: 1234, '' = all interfaces)
#include <netkit/reactor.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"
#include "twisted_support.hpp"

namespace {

class simple_logger : public netkit::protocol {
 public:
  void connection_made() override {
    // Twisted's transport.client: the address accept() returned, kept for connectionLost.
    client_ = transport().get_peer();
    pymotw::print("Got connection from", netkit::repr(client_));
  }

  void connection_lost(std::error_code /*reason*/) override {
    pymotw::print(netkit::repr(client_), "disconnected");
  }

  void data_received(netkit::bytes_view data) override { pymotw::print(netkit::repr(data)); }

 private:
  netkit::socket_address client_;
};

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const int port = pymotw::int_arg(argc, argv, 1, 1234);
    const std::string interface = pymotw::arg(argc, argv, 2, "");
    netkit::reactor reactor;
    // Twisted installs its handlers when run() starts; here they come first, so a signal that
    // arrives while the port opens stops the program as cleanly as one during run().
    reactor.install_signal_handlers();
    twisted::listen_tcp(reactor, port, netkit::factory::of<simple_logger>(), interface);
    reactor.run();
  });  // the reactor's destruction disconnects what is still connected
}
