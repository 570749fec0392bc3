// socket_echo_server_any — twin of seed 002's socket_echo_server_any.py (Choosing an Address for
// Listening). Usage: socket_echo_server_any [host] [port]   (defaults: '' = all interfaces, 10000)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a TCP/IP socket
    netkit::socket sock(AF_INET, SOCK_STREAM);

    // Bind the socket to the address given on the command line
    sock.bind(pymotw::address(pymotw::arg(argc, argv, 1, ""), pymotw::int_arg(argc, argv, 2, 10000),
                              "bind"));
    const netkit::socket_address bound = sock.getsockname();
    pymotw::print("starting up on " + bound.host() + " port " + std::to_string(bound.port()));
    sock.listen(1);

    while (true) {
      pymotw::print("waiting for a connection");
      auto [connection, client_address] = sock.accept();
      pymotw::print("client connected:", netkit::str(client_address));
      while (true) {
        const netkit::bytes data = connection.recv(16);
        pymotw::print("received " + netkit::repr(data));
        if (data.empty()) break;
        connection.sendall(data);
      }
    }
  });
}
