// socket_echo_client_explicit — twin of seed 002's socket_echo_client_explicit.py (Choosing an
// Address for Listening). Usage: socket_echo_client_explicit host [port]   (port default 10000)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a TCP/IP socket
    netkit::socket sock(AF_INET, SOCK_STREAM);

    // Connect the socket to the port on the server given by the caller
    const std::string host = pymotw::arg(argc, argv, 1);
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    pymotw::print("connecting to " + host + " port " + std::to_string(port));
    sock.connect(pymotw::address(host, port, "connect"));

    // The socket closes on every way out of this scope, as the Python's finally does.
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
  });
}
