// socket_echo_client_dgram — twin of seed 002's socket_echo_client_dgram.py (User Datagram
// Client and Server: Echo Client). Usage: socket_echo_client_dgram [host] [port]
// (defaults: localhost, 10000)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a UDP socket
    netkit::socket sock(AF_INET, SOCK_DGRAM);

    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    const netkit::bytes message = "This is the message. It will be repeated.";

    try {
      // Send data
      pymotw::print("sending " + netkit::repr(message));
      sock.sendto(message, pymotw::address(host, port, "sendto"));

      // Receive response
      pymotw::print("waiting to receive");
      auto [data, server] = sock.recvfrom(4096);
      pymotw::print("received " + netkit::repr(data));
    } catch (...) {
      pymotw::print("closing socket");
      throw;
    }
    pymotw::print("closing socket");
    sock.close();
  });
}
