// selectors_echo_client — twin of seed 002's selectors_echo_client.py (selectors: Echo Client),
// on netkit::default_selector. Usage: selectors_echo_client [host] [port]
// (defaults: localhost, 10000)
//
// Kept from the Python program, on purpose: it stops after the first read that returns data,
// whether or not every echo has come back.
#include <netkit/select.hpp>
#include <netkit/socket.hpp>

#include <chrono>
#include <vector>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    using namespace std::chrono_literals;

    netkit::default_selector mysel;
    bool keep_running = true;
    // Sent from the back, as the Python's outgoing.pop() does.
    std::vector<netkit::bytes> outgoing = {
        "It will be repeated.",
        "This is the message. ",
    };
    std::size_t bytes_sent = 0;
    std::size_t bytes_received = 0;

    // Connecting is a blocking operation, so call setblocking() after it returns.
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    pymotw::print("connecting to " + host + " port " + std::to_string(port));
    netkit::socket sock(AF_INET, SOCK_STREAM);
    sock.connect(pymotw::address(host, port, "connect"));
    sock.setblocking(false);

    // Set up the selector to watch for when the socket is ready to send data as well as when
    // there is data to read.
    mysel.register_(sock, netkit::EVENT_READ | netkit::EVENT_WRITE);

    // key.fileobj is the descriptor; the one socket registered is `sock`.
    netkit::socket& connection = sock;
    while (keep_running) {
      pymotw::print("waiting for I/O");
      for (const auto& [key, mask] : mysel.select(1s)) {
        const netkit::socket_address client_address = connection.getpeername();
        pymotw::print("client(" + netkit::repr(client_address) + ")");

        if (mask & netkit::EVENT_READ) {
          pymotw::print(" ready to read");
          const netkit::bytes data = connection.recv(1024);
          if (!data.empty()) {
            // A readable client socket has data
            pymotw::print(" received " + netkit::repr(data));
            bytes_received += data.size();
          }

          // Interpret empty result as closed connection, and also close when we have received
          // a copy of all of the data sent.
          keep_running = !(!data.empty() || (bytes_received != 0 && bytes_received == bytes_sent));
        }

        if (mask & netkit::EVENT_WRITE) {
          pymotw::print(" ready to write");
          if (outgoing.empty()) {
            // We are out of messages, so we no longer need to write anything. Change our
            // registration to let us keep reading responses from the server.
            pymotw::print(" switching to read-only");
            mysel.modify(sock, netkit::EVENT_READ);
          } else {
            // Send the next message.
            const netkit::bytes next_msg = std::move(outgoing.back());
            outgoing.pop_back();
            pymotw::print(" sending " + netkit::repr(next_msg));
            sock.sendall(next_msg);
            bytes_sent += next_msg.size();
          }
        }
      }
    }

    pymotw::print("shutting down");
    mysel.unregister(connection);
    connection.close();
    mysel.close();
  });
}
