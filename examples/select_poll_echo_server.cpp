// select_poll_echo_server — twin of seed 002's select_poll_echo_server.py (Using poll(), the
// pieces of the text joined). Usage: select_poll_echo_server [host] [port]
// (defaults: localhost, 10000; the log goes to stderr, as in the Python program)
//
// Kept from the Python program, on purpose: ' closing' names the last client accepted, not the
// one closing (Python's `client_address` is whatever accept() set last); the queue-empty line
// has no leading space; the loop wakes every second and logs "waiting for the next event".
#include <netkit/select.hpp>
#include <netkit/socket.hpp>

#include <deque>
#include <unordered_map>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
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

    // Keep up with the queues of outgoing messages (descriptor: queue)
    std::unordered_map<int, std::deque<netkit::bytes>> message_queues;

    // Do not block forever (milliseconds)
    constexpr int TIMEOUT = 1000;

    // Commonly used flag sets
    constexpr short READ_ONLY = POLLIN | POLLPRI | POLLHUP | POLLERR;
    constexpr short READ_WRITE = READ_ONLY | POLLOUT;

    // Set up the poller
    auto poller = netkit::poll();
    poller.register_(server, READ_ONLY);

    // Map file descriptors to socket objects: the server, and the connections owned here.
    std::unordered_map<int, netkit::socket> connections;
    const auto fd_to_socket = [&](int fd) -> netkit::socket& {
      return fd == server.fileno() ? server : connections.at(fd);
    };
    // Unregisters and closes a connection (the Python object is dropped with it).
    const auto forget = [&](netkit::socket& s) {
      const int fd = s.fileno();
      poller.unregister(s);
      connections.erase(fd);
    };

    netkit::socket_address client_address;

    while (true) {
      // Wait for at least one of the sockets to be ready for processing
      pymotw::eprint("waiting for the next event");
      const auto events = poller.poll(TIMEOUT);

      for (const auto [fd, flag] : events) {
        // Retrieve the actual socket from its file descriptor
        netkit::socket& s = fd_to_socket(fd);

        // Handle inputs
        if (flag & (POLLIN | POLLPRI)) {
          if (&s == &server) {
            // A readable socket is ready to accept a connection
            auto [connection, address] = s.accept();
            client_address = address;
            pymotw::eprint(" connection", netkit::repr(client_address));
            connection.setblocking(false);
            const int connection_fd = connection.fileno();
            connections.insert_or_assign(connection_fd, std::move(connection));
            poller.register_(connection_fd, READ_ONLY);

            // Give the connection a queue for data to send
            message_queues[connection_fd] = {};
          } else {
            netkit::bytes data = s.recv(1024);

            if (!data.empty()) {
              // A readable client socket has data
              pymotw::eprint(" received " + netkit::repr(data) + " from " +
                             netkit::repr(s.getpeername()));
              message_queues.at(fd).push_back(std::move(data));
              // Add output channel for response
              poller.modify(s, READ_WRITE);
            } else {
              // Interpret empty result as closed connection
              pymotw::eprint(" closing", netkit::repr(client_address));
              // Stop listening for input on the connection
              forget(s);

              // Remove message queue
              message_queues.erase(fd);
            }
          }
        } else if (flag & POLLHUP) {
          // Client hung up (the Python leaves its queue behind; a later connection on the same
          // descriptor gets a fresh one)
          pymotw::eprint(" closing", netkit::repr(client_address), "(HUP)");
          // Stop listening for input on the connection
          forget(s);
        } else if (flag & POLLOUT) {
          // Socket is ready to send data, if there is any to send.
          std::deque<netkit::bytes>& queue = message_queues.at(fd);
          if (queue.empty()) {
            // No messages waiting so stop checking
            pymotw::eprint(netkit::repr(s.getpeername()), "queue empty");
            poller.modify(s, READ_ONLY);
          } else {
            const netkit::bytes next_msg = std::move(queue.front());
            queue.pop_front();
            pymotw::eprint(" sending " + netkit::repr(next_msg) + " to " +
                           netkit::repr(s.getpeername()));
            s.send(next_msg);
          }
        } else if (flag & POLLERR) {
          pymotw::eprint(" exception on", netkit::repr(s.getpeername()));
          // Stop listening for input on the connection
          forget(s);

          // Remove message queue
          message_queues.erase(fd);
        }
      }
    }
  });
}
