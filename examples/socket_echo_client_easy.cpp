// socket_echo_client_easy — twin of seed 002's socket_echo_client_easy.py (Easy Client
// Connections: create_connection). Usage: socket_echo_client_easy [host] [port]
// (defaults: localhost, 10000)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a TCP/IP socket
    netkit::socket sock = netkit::create_connection(
        {pymotw::arg(argc, argv, 1, "localhost"), pymotw::int_arg(argc, argv, 2, 10000)});

    // netkit's *_name functions are the Python program's get_constants() lookups.
    pymotw::print("Family :", netkit::family_name(sock.family()));
    pymotw::print("Type :", netkit::type_name(sock.type()));
    pymotw::print("Protocol:", netkit::proto_name(sock.proto()));
    pymotw::print();

    try {
      // Send data
      const netkit::bytes message = "This is the message. It will be repeated.";
      pymotw::print("sending " + netkit::repr(message));
      sock.sendall(message);

      std::size_t amount_received = 0;
      const std::size_t amount_expected = message.size();

      while (amount_received < amount_expected) {
        const netkit::bytes data = sock.recv(16);
        amount_received += data.size();
        pymotw::print("received " + netkit::repr(data));
      }
    } catch (...) {
      pymotw::print("closing socket");
      throw;
    }
    pymotw::print("closing socket");
    sock.close();
  });
}
