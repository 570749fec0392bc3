// Seed 004 (Python核心编程3e学习笔记之网络编程), section "SocketServer高级模块 -
// 创建简单的TCP服务器和客户端".
// Twin of s004_socketserver_timestamp_server.py: a tcp_server that reads one line per
// connection and answers "[ctime()] line". Client: s004_socketserver_timestamp_client.
// Usage: s004_socketserver_timestamp_server [host] [port]   (defaults: '' = all interfaces, 21567)
#include <netkit/socket.hpp>
#include <netkit/socketserver.hpp>

#include <string>
#include <string_view>

#include "pymotw.hpp"
#include "seed_support.hpp"

namespace {

// bytes.strip(): the ASCII whitespace Python strips from bytes.
std::string_view strip(std::string_view data) {
  constexpr std::string_view whitespace = " \t\n\r\v\f";
  const auto first = data.find_first_not_of(whitespace);
  if (first == std::string_view::npos) return {};
  return data.substr(first, data.find_last_not_of(whitespace) - first + 1);
}

class my_request_handler : public netkit::stream_request_handler {
 public:
  void handle() override {
    pymotw::print("...connected from:", netkit::repr(client_address()));
    const netkit::bytes line = rfile().readline();
    wfile().write("[" + seed::ctime() + "] " + seed::decode_utf8(strip(line)) + "\n");
  }
};

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "");
    const int port = pymotw::int_arg(argc, argv, 2, 21567);

    netkit::tcp_server tcp_ser_sock(pymotw::address(host, port, "bind"),
                                    netkit::handler<my_request_handler>());
    pymotw::print("waiting for connection...");
    tcp_ser_sock.serve_forever();
  });
}
