// Seed 001 (Python网络编程(http协议,IO多路复用、select内核监听)), section "应用" (the client
// after myserver.py).
// Twin of s001_select_file_client.py: sends each input line and prints the answer; an empty
// line or the end of input ends it. Server: myserver.
// Usage: s001_select_file_client [host] [port]   (defaults: '127.0.0.1', 6666)
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

int main(int argc, char** argv) {
  return seed::run([&] {
    // 创建套接字
    netkit::socket sockfd;
    // 发起连接
    const std::string host = pymotw::arg(argc, argv, 1, "127.0.0.1");
    const int port = pymotw::int_arg(argc, argv, 2, 6666);
    sockfd.connect(pymotw::address(host, port, "connect"));
    for (;;) {
      // 消息收发
      const auto msg = seed::input("Msg>>");
      if (!msg || msg->empty()) break;
      sockfd.sendall(*msg);
      const netkit::bytes data = sockfd.recv(1024);
      pymotw::print(seed::decode_utf8(data));
    }
    sockfd.close();
  });
}
