// Seed 004 (Python核心编程3e学习笔记之网络编程), section "SocketServer高级模块 -
// 创建简单的TCP服务器和客户端".
// Twin of s004_socketserver_timestamp_client.py: a new connection per input line, which it
// sends newline-ended and whose answer it prints; an empty line or the end of input ends it.
// Server: s004_socketserver_timestamp_server.
// Usage: s004_socketserver_timestamp_client [host] [port]   (defaults: '127.0.0.1', 21567)
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "127.0.0.1");
    const int port = pymotw::int_arg(argc, argv, 2, 21567);
    constexpr std::size_t bufsiz = 1024;

    for (;;) {
      // As in the seed, the connection is made before the line is read, so the end of input
      // still leaves one connection that sends nothing.
      netkit::socket tcp_cli_sock(AF_INET, SOCK_STREAM);
      tcp_cli_sock.connect(pymotw::address(host, port, "connect"));
      const auto data = seed::input("> ");
      if (!data || data->empty()) break;
      tcp_cli_sock.send(*data + "\n");
      const netkit::bytes reply = tcp_cli_sock.recv(bufsiz);
      if (reply.empty()) break;
      pymotw::print(seed::decode_utf8(reply));
      tcp_cli_sock.close();
    }
  });
}
