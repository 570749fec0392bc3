// Seed 000 (Python学习笔记14:网络编程), section "使用 select 和 poll 实现异步 I/O":
// 使用poll的简单服务器.
// Twin of s000_poll_server.py: one poll object over the listener and every client; it logs
// each connection, each message (as bytes) and each disconnection, and never replies.
// As in the Python file, only the listener's events mean "new connection" (the seed's
// `if fd in fdmap:` erratum is fixed there), and every socket is registered with poll's
// default mask, POLLOUT included.
// Usage: s000_poll_server [host] [port]   (defaults: gethostname(), 1234)
#include <map>

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
    // Python's fdmap also maps the listener; it is only ever looked up for clients, so here
    // it owns the clients' sockets (erasing one closes it, as dropping Python's last
    // reference does).
    std::map<int, netkit::socket> fdmap;
    s.listen(5);
    auto p = netkit::poll();
    p.register_(s);
    for (;;) {
      const auto events = p.poll();
      for (const auto [fd, event] : events) {
        if (fd == s.fileno()) {
          auto [c, addr] = s.accept();
          pymotw::print("Got connection from", netkit::repr(addr));
          p.register_(c);
          const int c_fd = c.fileno();
          fdmap.insert_or_assign(c_fd, std::move(c));
        } else if (event & POLLIN) {
          // fdmap[fd] in Python raises KeyError for an unknown fd; at() throws too.
          const netkit::bytes data = fdmap.at(fd).recv(1024);
          if (data.empty()) {  // 没有数据 --连接已关闭
            pymotw::print(netkit::repr(fdmap.at(fd).getpeername()), "disconnected");
            p.unregister(fd);
            fdmap.erase(fd);
          } else {
            pymotw::print(netkit::repr(data));
          }
        }
      }
    }
  });
}
