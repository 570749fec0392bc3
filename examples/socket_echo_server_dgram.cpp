// socket_echo_server_dgram — twin of seed 002's socket_echo_server_dgram.py (User Datagram
// Client and Server: Echo Server). Usage: socket_echo_server_dgram [host] [port]
// (defaults: localhost, 10000)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a UDP socket
    netkit::socket sock(AF_INET, SOCK_DGRAM);

    // Bind the socket to the port
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    pymotw::print("starting up on " + host + " port " + std::to_string(port));
    sock.bind(pymotw::address(host, port, "bind"));

    while (true) {
      pymotw::print("\nwaiting to receive message");
      auto [data, address] = sock.recvfrom(4096);

      pymotw::print("received " + std::to_string(data.size()) + " bytes from " +
                    netkit::str(address));
      pymotw::print(netkit::repr(data));

      if (!data.empty()) {
        const std::size_t sent = sock.sendto(data, address);
        pymotw::print("sent " + std::to_string(sent) + " bytes back to " + netkit::str(address));
      }
    }
  });
}
