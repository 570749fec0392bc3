// select_echo_multiclient — twin of seed 002's select_echo_multiclient.py (select: Using
// select()): two connections, each message sent on both and then read back from both.
// Usage: select_echo_multiclient [host] [port]
// (defaults: localhost, 10000; the output goes to stderr, as in the Python program)
#include <netkit/socket.hpp>

#include <array>
#include <string_view>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    constexpr std::array<std::string_view, 3> messages = {
        "This is the message. ",
        "It will be sent ",
        "in parts.",
    };
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);

    // Create a TCP/IP socket
    std::array<netkit::socket, 2> socks = {
        netkit::socket(AF_INET, SOCK_STREAM),
        netkit::socket(AF_INET, SOCK_STREAM),
    };

    // Connect the socket to the port where the server is listening
    pymotw::eprint("connecting to " + host + " port " + std::to_string(port));
    for (netkit::socket& s : socks) s.connect(pymotw::address(host, port, "connect"));

    for (std::string_view message : messages) {
      const netkit::bytes outgoing_data(message);

      // Send messages on both sockets
      for (netkit::socket& s : socks) {
        pymotw::eprint(netkit::repr(s.getsockname()) + ": sending " + netkit::repr(outgoing_data));
        s.send(outgoing_data);
      }

      // Read responses on both sockets
      for (netkit::socket& s : socks) {
        const netkit::bytes data = s.recv(1024);
        pymotw::eprint(netkit::repr(s.getsockname()) + ": received " + netkit::repr(data));
        if (data.empty()) {
          pymotw::eprint("closing socket", netkit::repr(s.getsockname()));
          s.close();
        }
      }
    }
  });
}
