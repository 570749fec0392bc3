// socket_multicast_sender — twin of seed 002's socket_multicast_sender.py (多播: Sending Multicast
// Messages). Usage: socket_multicast_sender [group] [port]   (defaults: 224.3.29.71, 10000)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    const netkit::bytes message = "very important data";
    const std::string group = pymotw::arg(argc, argv, 1, "224.3.29.71");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);

    // Create the datagram socket
    netkit::socket sock(AF_INET, SOCK_DGRAM);

    // Set a timeout so the socket does not block indefinitely when trying to receive data.
    sock.settimeout(0.2);

    // Set the time-to-live for messages to 1 so they do not go past the local network
    // segment. The option value is one byte, as struct.pack('b', 1) makes it.
    const netkit::bytes ttl(1, '\x01');
    sock.setsockopt(IPPROTO_IP, IP_MULTICAST_TTL, ttl);

    try {
      // Send data to the multicast group
      pymotw::print("sending " + netkit::repr(message));
      sock.sendto(message, pymotw::address(group, port, "sendto"));

      // Look for responses from all recipients
      while (true) {
        pymotw::print("waiting to receive");
        try {
          auto [data, server] = sock.recvfrom(16);
          pymotw::print("received " + netkit::repr(data) + " from " + netkit::str(server));
        } catch (const netkit::timeout_error&) {
          pymotw::print("timed out, no more responses");
          break;
        }
      }
    } catch (...) {
      pymotw::print("closing socket");
      throw;
    }
    pymotw::print("closing socket");
    sock.close();
  });
}
