// reactor_echo_server — a TCP echo server on netkit's reactor (ours, not a seed's), the twin of
// tests/interop/_twisted_echo.py (the same server on Twisted). Pairs with the PyMOTW echo
// clients (socket_echo_client ...), which use the same defaults.
// Usage: reactor_echo_server [host] [port]   (defaults: localhost, 10000; port 0 = a free one)
//
// Its log, on stdout, one flushed line per event:
//   starting up on HOST port PORT                        listening (PORT: the real port)
//   connection from ('127.0.0.1', 54321)                 a client connected
//   ('127.0.0.1', 54321) disconnected after N bytes      it left; N: the bytes it sent
// SIGINT or SIGTERM stops it with exit status 0, after logging the clients still connected as
// disconnected (as Twisted does at shutdown). A client that does not read what it is sent makes
// the server stop reading from it (the transport's flow control), so memory stays bounded.
#include <cstddef>
#include <string>

#include <netkit/reactor.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"
#include "twisted_support.hpp"

namespace {

class echo : public netkit::protocol {
 public:
  void connection_made() override {
    client_ = transport().get_peer();
    pymotw::print("connection from", netkit::repr(client_));
  }

  void data_received(netkit::bytes_view data) override {
    received_ += data.size();
    transport().write(data);
  }

  void connection_lost(std::error_code /*reason*/) override {
    pymotw::print(netkit::repr(client_), "disconnected after", received_, "bytes");
  }

 private:
  netkit::socket_address client_;
  std::size_t received_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    netkit::reactor reactor;
    reactor.install_signal_handlers();
    auto& listening = twisted::listen_tcp(reactor, port, netkit::factory::of<echo>(), host);
    pymotw::print("starting up on " + host + " port " +
                  std::to_string(listening.get_host().port()));
    reactor.run();
  });
}
