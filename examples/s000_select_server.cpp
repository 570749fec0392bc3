// Seed 000 (Python学习笔记14:网络编程), section "使用 select 和 poll 实现异步 I/O":
// 使用select的简单服务器.
// Twin of s000_select_server.py: one select() loop over the listener and every client; it logs
// each connection, each message (as bytes) and each disconnection, and never replies.
// Usage: s000_select_server [host] [port]   (defaults: gethostname(), 1234)
#include <algorithm>
#include <list>
#include <vector>

#include <netkit/select.hpp>
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
    // Python's list holds the socket objects; here the list holds pointers into `clients`,
    // which owns them (a std::list, so the pointers stay valid as clients come and go).
    std::list<netkit::socket> clients;
    std::vector<netkit::socket*> inputs{&s};
    for (;;) {
      const auto rs = netkit::select(inputs, {}, {}).readable;
      for (netkit::socket* r : rs) {
        if (r == &s) {
          auto [c, addr] = s.accept();
          pymotw::print("Got connection from", netkit::repr(addr));
          inputs.push_back(&clients.emplace_back(std::move(c)));
        } else {
          netkit::bytes data;
          bool disconnected = false;
          try {
            data = r->recv(1024);
            disconnected = data.empty();
          } catch (const netkit::socket_error&) {  // Python's `except socket.error`
            disconnected = true;
          }
          if (disconnected) {
            pymotw::print(netkit::repr(r->getpeername()), "disconnected");
            inputs.erase(std::find(inputs.begin(), inputs.end(), r));
            // Python drops its last reference here, which closes the socket.
            clients.remove_if([r](const netkit::socket& c) { return &c == r; });
          } else {
            pymotw::print(netkit::repr(data));
          }
        }
      }
    }
  });
}
