// Seed 001 (Python网络编程(http协议,IO多路复用、select内核监听)), section
// "select IO多路复用服务器端".
// Twin of s001_select_server.py: one select() loop; each message is printed and answered
// 这是一条回复消息 once its socket is writable. Client: s001_select_client.
// Usage: s001_select_server [host] [port]   (defaults: '0.0.0.0', 8888)
#include <algorithm>
#include <list>
#include <vector>

#include <netkit/select.hpp>
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

namespace {

// list.remove(x): the first occurrence only.
void remove_first(std::vector<netkit::socket*>& list, netkit::socket* x) {
  list.erase(std::find(list.begin(), list.end(), x));
}

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    // 创建套接字
    netkit::socket s;
    // 设置端口重用
    s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    // 绑定地址
    const std::string host = pymotw::arg(argc, argv, 1, "0.0.0.0");
    const int port = pymotw::int_arg(argc, argv, 2, 8888);
    s.bind(pymotw::address(host, port, "bind"));
    // 设置队列
    s.listen(5);
    // 注册监听套接字. The lists hold pointers, as Python's hold the objects; `clients` owns
    // the sockets (a std::list: the pointers stay valid).
    std::list<netkit::socket> clients;
    std::vector<netkit::socket*> rlist{&s};
    std::vector<netkit::socket*> wlist;
    std::vector<netkit::socket*> xlist{&s};

    for (;;) {
      pymotw::print("等待IO发生");
      const auto [rs, ws, xs] = netkit::select(rlist, wlist, xlist);
      // 循环遍历rs准备就绪列表
      for (netkit::socket* r : rs) {
        if (r == &s) {
          // 有新的客户端链接请求: 链接客户端并返回客户端套接字
          auto [connfd, addr] = r->accept();
          pymotw::print("Connect from", netkit::repr(addr));
          // 将绑定客户端套接字加入监听列表
          rlist.push_back(&clients.emplace_back(std::move(connfd)));
        } else {
          // 表示客户端连接套接字准备就绪: 接收数据
          const netkit::bytes data = r->recv(1024);
          if (data.empty()) {  // 客户端断开链接
            remove_first(rlist, r);
            r->close();  // 关闭套接字
            // Python keeps a closed socket alive while wlist still refers to it.
            if (std::find(wlist.begin(), wlist.end(), r) == wlist.end())
              clients.remove_if([r](const netkit::socket& c) { return &c == r; });
          } else {
            pymotw::print("Receive:", seed::decode_utf8(data));
            // 让客户端套接字放入wlist, 它会直接返回
            wlist.push_back(r);
          }
        }
      }
      // 循环遍历ws准备就绪列表: 消息回复, 然后从监听中移除
      for (netkit::socket* w : ws) {
        w->send("这是一条回复消息");
        remove_first(wlist, w);
      }
      // xs列表: 待处理异常
      for (netkit::socket* x : xs) {
        if (x == &s) s.close();
      }
    }
  });
}
