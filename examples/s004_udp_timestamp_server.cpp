// Seed 004 (Python核心编程3e学习笔记之网络编程), section "简单的UDP服务器和客户端".
// Twin of s004_udp_timestamp_server.py: answers each datagram with '[ctime] message'.
// Client: s004_udp_timestamp_client.
// Usage: s004_udp_timestamp_server [host] [port]   (defaults: '' = all interfaces, 21567)
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "");
    const int port = pymotw::int_arg(argc, argv, 2, 21567);
    constexpr std::size_t bufsiz = 1024;

    netkit::socket udp_ser_sock(AF_INET, SOCK_DGRAM);
    udp_ser_sock.bind(pymotw::address(host, port, "bind"));
    for (;;) {
      pymotw::print("waiting for message...");
      const auto [data, addr] = udp_ser_sock.recvfrom(bufsiz);
      udp_ser_sock.sendto("[" + seed::ctime() + "] " + seed::decode_utf8(data), addr);
      pymotw::print("...received from and returned to:", netkit::repr(addr));
    }
  });
}
