// select_echo_server_timeout — twin of seed 002's select_echo_server_timeout.py (带有超时的非阻塞
// I/O: select_echo_server.py whose select() gives up after one second, so the loop can do other
// work). Usage: select_echo_server_timeout [host] [port]
// (defaults: localhost, 10000; the log goes to stderr, as in the Python program)
//
// Kept from the Python program, on purpose: ' closing' names the last client accepted, not the
// one closing (Python's `client_address` is whatever accept() set last).
// One deliberate difference: when a client closes while its socket still waits for writability
// (an echo just sent, "queue empty" not yet logged), the Python program closes it in the
// readable loop and then dies in the writable loop with `KeyError: <socket.socket [closed] ...>`
// (its queue is gone), dropping every other client; it does so in about half the runs of
// select_echo_multiclient. The twin skips a socket closed earlier in the same round, so its
// transcript is the one Python prints when the close arrives a round later.
#include <netkit/select.hpp>
#include <netkit/socket.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_map>
#include <vector>

#include "pymotw.hpp"

namespace {

bool contains(const std::vector<netkit::socket*>& list, netkit::socket* s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// list.remove(s) for an element known to be there.
void remove(std::vector<netkit::socket*>& list, netkit::socket* s) {
  list.erase(std::find(list.begin(), list.end(), s));
}

}  // namespace

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

    // The connections themselves (Python's lists hold the socket objects; ours point at these).
    // A socket closed during one round stays here, closed, until the round ends, as the
    // Python object outlives its close() while the round's lists still name it.
    std::unordered_map<int, netkit::socket> connections;

    // Sockets from which we expect to read
    std::vector<netkit::socket*> inputs{&server};

    // Sockets to which we expect to write
    std::vector<netkit::socket*> outputs;

    // Outgoing message queues (descriptor: queue)
    std::unordered_map<int, std::deque<netkit::bytes>> message_queues;

    netkit::socket_address client_address;

    while (!inputs.empty()) {
      // Wait for at least one of the sockets to be ready for processing
      pymotw::eprint("waiting for the next event");
      const auto timeout = std::chrono::seconds(1);  // not defined in the seed (PyMOTW's value)
      auto [readable, writable, exceptional] = netkit::select(inputs, outputs, inputs, timeout);

      if (readable.empty() && writable.empty() && exceptional.empty()) {
        pymotw::eprint(" timed out, do some other work here");
        continue;
      }

      // Handle inputs
      for (netkit::socket* s : readable) {
        if (s == &server) {
          // A "readable" socket is ready to accept a connection
          auto [connection, address] = s->accept();
          client_address = address;
          pymotw::eprint(" connection from", netkit::repr(client_address));
          connection.setblocking(false);
          const int fd = connection.fileno();
          inputs.push_back(&connections.insert_or_assign(fd, std::move(connection)).first->second);

          // Give the connection a queue for data we want to send
          message_queues[fd] = {};
        } else {
          netkit::bytes data = s->recv(1024);
          if (!data.empty()) {
            // A readable client socket has data
            pymotw::eprint(" received " + netkit::repr(data) + " from " +
                           netkit::repr(s->getpeername()));
            message_queues.at(s->fileno()).push_back(std::move(data));
            // Add output channel for response
            if (!contains(outputs, s)) outputs.push_back(s);
          } else {
            // Interpret empty result as closed connection
            pymotw::eprint(" closing", netkit::repr(client_address));
            // Stop listening for input on the connection
            if (contains(outputs, s)) remove(outputs, s);
            remove(inputs, s);
            const int fd = s->fileno();
            s->close();

            // Remove message queue
            message_queues.erase(fd);
          }
        }
      }

      // Handle outputs
      for (netkit::socket* s : writable) {
        if (!s->is_open()) continue;  // closed by the readable loop: see the note at the top
        std::deque<netkit::bytes>& queue = message_queues.at(s->fileno());
        if (queue.empty()) {
          // No messages waiting so stop checking for writability.
          pymotw::eprint(" ", netkit::repr(s->getpeername()), "queue empty");
          remove(outputs, s);
        } else {
          const netkit::bytes next_msg = std::move(queue.front());
          queue.pop_front();
          pymotw::eprint(" sending " + netkit::repr(next_msg) + " to " +
                         netkit::repr(s->getpeername()));
          s->send(next_msg);
        }
      }

      // Handle "exceptional conditions"
      for (netkit::socket* s : exceptional) {
        if (!s->is_open()) continue;  // closed by the readable loop this round
        pymotw::eprint("exception condition on", netkit::repr(s->getpeername()));
        // Stop listening for input on the connection
        remove(inputs, s);
        if (contains(outputs, s)) remove(outputs, s);
        const int fd = s->fileno();
        s->close();

        // Remove message queue
        message_queues.erase(fd);
      }

      std::erase_if(connections, [](const auto& entry) { return !entry.second.is_open(); });
    }
  });
}
