// Seed 004 (Python核心编程3e学习笔记之网络编程), section "简单的TCP服务器与客户端".
// Twin of s004_tcp_timestamp_server.py: answers each message with '[ctime] message', one
// client at a time. Client: s004_tcp_timestamp_client.
// Usage: s004_tcp_timestamp_server [host] [port]   (defaults: '' = all interfaces, 21567)
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "");
    const int port = pymotw::int_arg(argc, argv, 2, 21567);
    constexpr std::size_t bufsiz = 1024;

    netkit::socket tcp_ser_sock(AF_INET, SOCK_STREAM);
    tcp_ser_sock.bind(pymotw::address(host, port, "bind"));
    tcp_ser_sock.listen(5);
    for (;;) {
      pymotw::print("waiting for connection...");
      auto [tcp_cli_sock, addr] = tcp_ser_sock.accept();
      pymotw::print("...connected from:", netkit::repr(addr));
      for (;;) {
        const netkit::bytes data = tcp_cli_sock.recv(bufsiz);
        if (data.empty()) break;
        tcp_cli_sock.send("[" + seed::ctime() + "] " + seed::decode_utf8(data));
      }
      tcp_cli_sock.close();
    }
  });
}
