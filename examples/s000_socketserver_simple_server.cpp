// Seed 000 (Python学习笔记14:网络编程), section "SocketServer": 基于SocketServer的极简服务器.
// Twin of s000_socketserver_simple_server.py: a tcp_server whose stream handler thanks each client.
// Usage: s000_socketserver_simple_server [host] [port]   (defaults: '' = all interfaces, 1234)
#include "s000_thanks_server.hpp"

int main(int argc, char** argv) { return s000::serve_thanks<netkit::tcp_server>(argc, argv); }
