// Seed 000 (Python学习笔记14:网络编程), section "模块socket": 简单的客户端.
// Twin of s000_simple_client.py: prints the server's greeting as bytes.
// Usage: s000_simple_client [host] [port]   (defaults: gethostname(), 1234)
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

int main(int argc, char** argv) {
  return seed::run([&] {
    netkit::socket s;
    const std::string host = pymotw::arg(argc, argv, 1, netkit::gethostname());
    const int port = pymotw::int_arg(argc, argv, 2, 1234);
    s.connect(pymotw::address(host, port, "connect"));
    pymotw::print(netkit::repr(s.recv(1024)));
  });
}
