// Seed 003 (Python网络编程, mamicode / liaoxuefeng), section "客户端程序参考".
// Twin of s003_greet_client.py: greets the server with three names, then says 'exit'.
// Usage: s003_greet_client [host] [port]   (defaults: '127.0.0.1', 9999)
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

int main(int argc, char** argv) {
  return seed::run([&] {
    netkit::socket s(AF_INET, SOCK_STREAM);
    s.connect(pymotw::address(pymotw::arg(argc, argv, 1, "127.0.0.1"),
                              pymotw::int_arg(argc, argv, 2, 9999), "connect"));
    pymotw::print(seed::decode_utf8(s.recv(1024)));
    for (const char* data : {"Michael", "Tracy", "Sarah"}) {
      s.send(data);
      pymotw::print(seed::decode_utf8(s.recv(1024)));
    }
    s.send("exit");
    s.close();
  });
}
