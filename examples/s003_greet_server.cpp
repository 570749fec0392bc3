// Seed 003 (Python网络编程, mamicode / liaoxuefeng), section "TCP服务端编程 - 服务端总脚本".
// Twin of s003_greet_server.py: one thread per connection sends 'Welcome!', then answers
// 'Hello, <data>!' to each message until 'exit'. Client: s003_greet_client.
// Usage: s003_greet_server [host] [port]   (defaults: '127.0.0.1', 9999)
#include <netkit/socket.hpp>

#include <chrono>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "pymotw.hpp"
#include "seed_support.hpp"

namespace {

std::mutex print_mutex;

// Connection threads print concurrently; a line must never be split by another thread's.
template <class... Items>
void print(const Items&... items) {
  const std::lock_guard lock(print_mutex);
  pymotw::print(items...);
}

std::string host_port(const netkit::socket_address& addr) {
  return addr.host() + ":" + std::to_string(addr.port());
}

void tcplink(netkit::socket sock, const netkit::socket_address& addr) {
  print("Accept new connection from " + host_port(addr) + "...");
  sock.send("Welcome!");
  for (;;) {
    const netkit::bytes data = sock.recv(1024);
    // The seed's time.sleep(1): each answer comes a second after its question.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (data == "exit" || data.empty()) break;
    sock.send("Hello, " + seed::decode_utf8(data) + "!");
  }
  sock.close();
  print("Connection from " + host_port(addr) + " closed.");
}

// threading.Thread's run(): an exception ends this connection's thread only, reported on
// stderr the way threading.excepthook does. The socket closes as the thread unwinds; in Python
// the traceback keeps it open until the cycle collector runs, which nobody should rely on.
void run_thread(int number, netkit::socket sock, netkit::socket_address addr) {
  try {
    tcplink(std::move(sock), addr);
  } catch (const std::exception& e) {
    const std::lock_guard lock(print_mutex);
    std::cerr << "Exception in thread Thread-" << number << " (tcplink):\n";
    if (const auto* error = dynamic_cast<const std::system_error*>(&e)) {
      std::cerr << pymotw::python_class(error->code()) << ": "
                << netkit::python_message(error->code()) << std::endl;
    } else {
      std::cerr << e.what() << std::endl;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    netkit::socket s(AF_INET, SOCK_STREAM);
    s.bind(pymotw::address(pymotw::arg(argc, argv, 1, "127.0.0.1"),
                           pymotw::int_arg(argc, argv, 2, 9999), "bind"));
    s.listen(5);
    print("Waiting for connection...");
    for (int number = 1;; ++number) {
      auto [sock, addr] = s.accept();
      // Detached like the seed's threads: nothing joins them, and the process lives until it
      // is killed.
      std::thread(run_thread, number, std::move(sock), addr).detach();
    }
  });
}
