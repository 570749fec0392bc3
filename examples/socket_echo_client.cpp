// socket_echo_client — twin of seed 002's socket_echo_client.py (TCP/IP Client and Server: Echo
// Client). Usage: socket_echo_client [host] [port]   (defaults: localhost, 10000)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a TCP/IP socket
    netkit::socket sock(AF_INET, SOCK_STREAM);

    // Connect the socket to the port where the server is listening
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    pymotw::print("connecting to " + host + " port " + std::to_string(port));
    sock.connect(pymotw::address(host, port, "connect"));

    try {
      // Send data
      const netkit::bytes message = "This is the message. It will be repeated.";
      pymotw::print("sending " + netkit::repr(message));
      sock.sendall(message);

      // Look for the response
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
