// Seed 000 (Python学习笔记14:网络编程), section "多个连接": 分叉服务器.
// Twin of s000_forking_server.py: as s000_socketserver_simple_server, each request served in
// a child process (forking_mixin).
// Usage: s000_forking_server [host] [port]   (defaults: '' = all interfaces, 1234)
#include "s000_thanks_server.hpp"

int main(int argc, char** argv) {
  return s000::serve_thanks<netkit::forking_mixin<netkit::tcp_server>>(argc, argv);
}
