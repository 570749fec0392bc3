// socket_echo_server — twin of seed 002's socket_echo_server.py (TCP/IP Client and Server: Echo
// Server). Usage: socket_echo_server [host] [port]   (defaults: localhost, 10000)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a TCP/IP socket
    netkit::socket sock(AF_INET, SOCK_STREAM);

    // Bind the socket to the port
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    pymotw::print("starting up on " + host + " port " + std::to_string(port));
    sock.bind(pymotw::address(host, port, "bind"));

    // Listen for incoming connections
    sock.listen(1);

    while (true) {
      // Wait for a connection
      pymotw::print("waiting for a connection");
      auto [connection, client_address] = sock.accept();
      pymotw::print("connection from", netkit::str(client_address));

      // Receive the data in small chunks and retransmit it; the connection closes when it
      // goes out of scope, as the Python's finally does.
      while (true) {
        const netkit::bytes data = connection.recv(16);
        pymotw::print("received " + netkit::repr(data));
        if (!data.empty()) {
          pymotw::print("sending data back to the client");
          connection.sendall(data);
        } else {
          pymotw::print("no data from", netkit::str(client_address));
          break;
        }
      }
    }
  });
}
