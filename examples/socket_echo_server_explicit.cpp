// socket_echo_server_explicit — twin of seed 002's socket_echo_server_explicit.py (Choosing an
// Address for Listening). Usage: socket_echo_server_explicit host [port]   (port default 10000)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a TCP/IP socket
    netkit::socket sock(AF_INET, SOCK_STREAM);

    // Bind the socket to the address given on the command line
    const std::string server_name = pymotw::arg(argc, argv, 1);
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    pymotw::print("starting up on " + server_name + " port " + std::to_string(port));
    sock.bind(pymotw::address(server_name, port, "bind"));
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
