// epoll_echo_server — select_poll_echo_server on Linux's epoll (netkit::epoll, level-triggered),
// added to the seed's programs. Usage: epoll_echo_server [host] [port]
// (defaults: localhost, 10000; the log goes to stderr, as select_poll_echo_server's does)
//
// The log, one line per step, in select_poll_echo_server's style:
//   starting up on HOST port PORT            once, before bind()
//   waiting for the next event               before each wait (the wait ends after 1 s idle)
//    connection ('127.0.0.1', 54321)         a client was accepted
//    received b'...' from ('127.0.0.1', 54321)
//    sending b'...' to ('127.0.0.1', 54321)  one queued chunk echoed
//   ('127.0.0.1', 54321) queue empty         nothing left to send: back to read-only
//    closing ('127.0.0.1', 54321)            the client closed (recv() gave b'')
//    closing ('127.0.0.1', 54321) (HUP)      it hung up with nothing left to read
//    exception on ('127.0.0.1', 54321)       EPOLLERR
// Unlike the poll seed, a closing line names the connection that closes (its address is kept
// from accept(): getpeername() may fail once the peer is gone), and every way of closing drops
// the connection's queue.
#include <netkit/select.hpp>
#include <netkit/socket.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <unordered_map>

#include "pymotw.hpp"

namespace {

// What the server keeps per client: the socket, the address accept() gave, the echoes to send.
struct client {
  netkit::socket sock;
  netkit::socket_address address;
  std::deque<netkit::bytes> queue;
};

}  // namespace

int main(int argc, char** argv) {
  return pymotw::run([&] {
    using namespace std::chrono_literals;

    // Create a TCP/IP socket
    netkit::socket server(AF_INET, SOCK_STREAM);
    server.setblocking(false);

    // Bind the socket to the port
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    pymotw::eprint("starting up on " + host + " port " + std::to_string(port));
    server.bind(pymotw::address(host, port, "bind"));

    // Listen for incoming connections
    server.listen(5);

    // Commonly used flag sets (epoll reports EPOLLHUP and EPOLLERR even when not asked)
    constexpr std::uint32_t READ_ONLY = EPOLLIN | EPOLLPRI | EPOLLHUP | EPOLLERR;
    constexpr std::uint32_t READ_WRITE = READ_ONLY | EPOLLOUT;

    netkit::epoll poller;
    poller.register_(server, READ_ONLY);

    std::unordered_map<int, client> clients;  // by descriptor
    const auto forget = [&](int fd) {
      poller.unregister(fd);
      clients.erase(fd);  // closes the socket
    };

    while (true) {
      // Wait for at least one of the sockets to be ready for processing
      pymotw::eprint("waiting for the next event");
      for (const auto [fd, flag] : poller.poll(1s)) {
        if (fd == server.fileno()) {
          if (flag & EPOLLIN) {
            auto [connection, address] = server.accept();
            pymotw::eprint(" connection", netkit::repr(address));
            connection.setblocking(false);
            const int connection_fd = connection.fileno();
            clients.insert_or_assign(connection_fd, client{std::move(connection), address, {}});
            poller.register_(connection_fd, READ_ONLY);
          }
          continue;
        }
        client& c = clients.at(fd);

        if (flag & (EPOLLIN | EPOLLPRI)) {
          netkit::bytes data = c.sock.recv(1024);
          if (!data.empty()) {
            pymotw::eprint(" received " + netkit::repr(data) + " from " + netkit::repr(c.address));
            c.queue.push_back(std::move(data));
            poller.modify(fd, READ_WRITE);
          } else {
            // Interpret empty result as closed connection
            pymotw::eprint(" closing", netkit::repr(c.address));
            forget(fd);
          }
        } else if (flag & EPOLLHUP) {
          pymotw::eprint(" closing", netkit::repr(c.address), "(HUP)");
          forget(fd);
        } else if (flag & EPOLLOUT) {
          if (c.queue.empty()) {
            pymotw::eprint(netkit::repr(c.address), "queue empty");
            poller.modify(fd, READ_ONLY);
          } else {
            const netkit::bytes next_msg = std::move(c.queue.front());
            c.queue.pop_front();
            pymotw::eprint(" sending " + netkit::repr(next_msg) + " to " + netkit::repr(c.address));
            c.sock.send(next_msg);
          }
        } else if (flag & EPOLLERR) {
          pymotw::eprint(" exception on", netkit::repr(c.address));
          forget(fd);
        }
      }
    }
  });
}
