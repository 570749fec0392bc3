// Seed 004 (Python核心编程3e学习笔记之网络编程), section "简单的TCP服务器与客户端".
// Twin of s004_tcp_timestamp_client.py: sends each input line and prints the answer; an empty
// line or the end of input ends it. Server: s004_tcp_timestamp_server.
// Usage: s004_tcp_timestamp_client [host] [port]   (defaults: '127.0.0.1', 21567)
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "127.0.0.1");
    const int port = pymotw::int_arg(argc, argv, 2, 21567);
    constexpr std::size_t bufsiz = 1024;

    netkit::socket tcp_cli_sock(AF_INET, SOCK_STREAM);
    tcp_cli_sock.connect(pymotw::address(host, port, "connect"));
    for (;;) {
      const auto line = seed::input("> ");
      if (!line || line->empty()) break;
      tcp_cli_sock.send(*line);
      const netkit::bytes data = tcp_cli_sock.recv(bufsiz);
      if (data.empty()) break;
      pymotw::print(seed::decode_utf8(data));
    }
    tcp_cli_sock.close();
  });
}
