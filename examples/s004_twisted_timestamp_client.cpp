// Seed 004 (Python核心编程3e学习笔记之网络编程), section "创建Twisted Reactor TCP服务器和客户端".
// Twin of s004_twisted_timestamp_client.py on netkit's reactor: sends each input line (prompt
// '> ') and prints each answer; an empty line or the end of input closes the connection, and the
// connection's end, or a failure to connect, stops the reactor (exit status 0, silently, as
// Twisted's client does).
// Servers: s004_twisted_timestamp_server, s004_tcp_timestamp_server.
// Usage: s004_twisted_timestamp_client [host] [port]   (defaults: '127.0.0.1', 21567)
#include <netkit/reactor.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"
#include "twisted_support.hpp"

namespace {

class ts_clnt_protocol : public netkit::protocol {
 public:
  // input() blocks the reactor, as it does in the original: nothing else runs meanwhile.
  void send_data() {
    const std::string data = seed::input("> ").value_or("");  // EOFError: data = ''
    if (!data.empty()) {
      transport().write(data);
    } else {
      transport().lose_connection();
    }
  }

  void connection_made() override {
    twisted::guarded(transport(), [&] { send_data(); });
  }

  void data_received(netkit::bytes_view data) override {
    twisted::guarded(transport(), [&] {
      pymotw::print(seed::decode_utf8(data));
      send_data();
    });
  }
};

class ts_clnt_factory : public netkit::client_factory {
 public:
  explicit ts_clnt_factory(netkit::reactor& reactor) : reactor_(reactor) {}

  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
    return std::make_unique<ts_clnt_protocol>();
  }
  void client_connection_lost(netkit::connector&, std::error_code) override { reactor_.stop(); }
  void client_connection_failed(netkit::connector&, std::error_code) override { reactor_.stop(); }

 private:
  netkit::reactor& reactor_;
};

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "127.0.0.1");
    const int port = pymotw::int_arg(argc, argv, 2, 21567);
    netkit::reactor reactor;
    reactor.install_signal_handlers();
    if (port < 0 || port > 65535) {
      // Twisted accepts the port and fails inside the reactor, in connect_ex(): the error is
      // logged and the connector left waiting, so the program runs until a signal stops it.
      reactor.call_soon([] {
        twisted::log_unhandled("builtins.OverflowError: connect_ex(): port must be 0-65535.");
      });
    } else {
      reactor.connect_tcp(host, port, std::make_shared<ts_clnt_factory>(reactor));
    }
    reactor.run();
  });
}
