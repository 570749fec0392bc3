// Seed 004 (Python核心编程3e学习笔记之网络编程), section "创建Twisted Reactor TCP服务器和客户端".
// Twin of s004_twisted_timestamp_server.py on netkit's reactor: answers every chunk of data with
// '[ctime] data', serving any number of clients at once. Data that is not UTF-8 is reported as
// Twisted reports an exception in dataReceived (stderr) and that connection is dropped.
// SIGINT or SIGTERM stops it (exit status 0).
// Clients: s004_twisted_timestamp_client, s004_tcp_timestamp_client.
// Usage: s004_twisted_timestamp_server [port] [interface]   (defaults: 21567, '' = all interfaces)
#include <netkit/reactor.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"
#include "twisted_support.hpp"

namespace {

class ts_serv_protocol : public netkit::protocol {
 public:
  void connection_made() override {
    clnt_ = transport().get_peer().host();
    pymotw::print("...connected from:", clnt_);
  }

  void data_received(netkit::bytes_view data) override {
    twisted::guarded(transport(), [&] {
      transport().write("[" + seed::ctime() + "] " + seed::decode_utf8(data));
    });
  }

 private:
  std::string clnt_;
};

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const int port = pymotw::int_arg(argc, argv, 1, 21567);
    netkit::reactor reactor;
    reactor.install_signal_handlers();  // before listening: see s000_twisted_simple_logger
    pymotw::print("waiting for connection...");
    twisted::listen_tcp(reactor, port, netkit::factory::of<ts_serv_protocol>(),
                        pymotw::arg(argc, argv, 2, ""));
    reactor.run();
  });
}
