// Seed 004 (Python核心编程3e学习笔记之网络编程), section "简单的UDP服务器和客户端".
// Twin of s004_udp_timestamp_client.py: sends each input line as a datagram and prints the
// answer; an empty line or the end of input ends it. Server: s004_udp_timestamp_server.
// Usage: s004_udp_timestamp_client [host] [port]   (defaults: '127.0.0.1', 21567)
#include <netkit/socket.hpp>

#include <optional>

#include "pymotw.hpp"
#include "seed_support.hpp"

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "127.0.0.1");
    const int port = pymotw::int_arg(argc, argv, 2, 21567);
    constexpr std::size_t bufsiz = 1024;
    // ADDR: (HOST, PORT), checked by sendto as Python does, until the first answer rebinds it
    // to that answer's source; later lines go wherever the last answer came from.
    std::optional<netkit::socket_address> answered_from;

    netkit::socket udp_cli_sock(AF_INET, SOCK_DGRAM);
    for (;;) {
      const auto line = seed::input("> ");
      if (!line || line->empty()) break;
      if (answered_from) {
        udp_cli_sock.sendto(*line, *answered_from);
      } else {
        udp_cli_sock.sendto(*line, pymotw::address(host, port, "sendto"));
      }
      auto [data, source] = udp_cli_sock.recvfrom(bufsiz);
      answered_from = source;
      if (data.empty()) break;
      pymotw::print(seed::decode_utf8(data));
    }
    udp_cli_sock.close();
  });
}
