// Seed 000 (Python学习笔记14:网络编程), section "模块socket": 简单的服务器.
// Twin of s000_simple_server.py: thanks each client, then hangs up.
// Usage: s000_simple_server [host] [port]   (defaults: gethostname(), 1234)
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

int main(int argc, char** argv) {
  return seed::run([&] {
    netkit::socket s;
    const std::string host = pymotw::arg(argc, argv, 1, netkit::gethostname());
    const int port = pymotw::int_arg(argc, argv, 2, 1234);
    s.bind(pymotw::address(host, port, "bind"));
    s.listen(5);
    for (;;) {
      auto [c, addr] = s.accept();
      pymotw::print("Got connection from", netkit::repr(addr));
      c.send("Thank you for connecting");
      c.close();
    }
  });
}
