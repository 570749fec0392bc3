// Seed 004 (Python核心编程3e学习笔记之网络编程), section "简单的UDP服务器和客户端".
// Twin of s004_udp_timestamp_client.py: sends each input line as a datagram and prints the
// answer; an empty line or the end of input ends it. Server: s004_udp_timestamp_server.
// Usage: s004_udp_timestamp_client [host] [port]   (defaults: '127.0.0.1', 21567)
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "127.0.0.1");
    const int port = pymotw::int_arg(argc, argv, 2, 21567);
    constexpr std::size_t bufsiz = 1024;
    // The seed rebinds ADDR to each answer's source, so later lines go wherever the last
    // answer came from.
    netkit::endpoint addr(host, port);

    netkit::socket udp_cli_sock(AF_INET, SOCK_DGRAM);
    for (;;) {
      const auto line = seed::input("> ");
      if (!line || line->empty()) break;
      udp_cli_sock.sendto(*line, addr);
      auto [data, source] = udp_cli_sock.recvfrom(bufsiz);
      addr = source;
      if (data.empty()) break;
      pymotw::print(seed::decode_utf8(data));
    }
    udp_cli_sock.close();
  });
}
