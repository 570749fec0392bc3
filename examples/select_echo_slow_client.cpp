// select_echo_slow_client — twin of seed 002's select_echo_slow_client.py (带有超时的非阻塞I/O):
// a client that pauses before and between its sends, to show select_echo_server_timeout's
// timeouts. Usage: select_echo_slow_client [host] [port]
// (defaults: localhost, 10000; the output goes to stderr, as in the Python program)
#include <netkit/socket.hpp>

#include <array>
#include <chrono>
#include <string_view>
#include <thread>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    using namespace std::chrono_literals;

    // Create a TCP/IP socket
    netkit::socket sock(AF_INET, SOCK_STREAM);

    // Connect the socket to the port where the server is listening
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    pymotw::eprint("connecting to " + host + " port " + std::to_string(port));
    sock.connect(pymotw::address(host, port, "connect"));

    // The pauses are the point of the program (the Python's time.sleep), not synchronisation.
    std::this_thread::sleep_for(1s);

    constexpr std::array<std::string_view, 2> messages = {
        "Part one of the message.",
        "Part two of the message.",
    };
    std::size_t amount_expected = 0;
    for (std::string_view message : messages) amount_expected += message.size();

    // try/finally: "closing socket" is printed however the exchange ends.
    struct closing {
      netkit::socket& sock;
      ~closing() {
        pymotw::eprint("closing socket");
        try {
          sock.close();
        } catch (const std::system_error&) {
          // A destructor must not throw; the descriptor is released either way.
        }
      }
    } finally{sock};

    // Send data
    for (std::string_view message : messages) {
      const netkit::bytes data(message);
      pymotw::eprint("sending " + netkit::repr(data));
      sock.sendall(data);
      std::this_thread::sleep_for(1.5s);
    }

    // Look for the response
    std::size_t amount_received = 0;

    while (amount_received < amount_expected) {
      const netkit::bytes data = sock.recv(16);
      amount_received += data.size();
      pymotw::eprint("received " + netkit::repr(data));
    }
  });
}
