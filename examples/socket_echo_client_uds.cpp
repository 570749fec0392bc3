// socket_echo_client_uds — twin of seed 002's socket_echo_client_uds.py (Unix域套接字).
// Usage: socket_echo_client_uds [path]   (default: ./uds_socket)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a UDS socket
    netkit::socket sock(AF_UNIX, SOCK_STREAM);

    // Connect the socket to the port where the server is listening
    const std::string server_address = pymotw::arg(argc, argv, 1, "./uds_socket");
    pymotw::print("connecting to " + server_address);
    try {
      sock.connect(server_address);
    } catch (const netkit::socket_error& e) {
      // print(msg) shows Python's str() of the OSError: "[Errno 2] No such file or directory".
      pymotw::print(pymotw::python_text(e));
      throw pymotw::system_exit{1};
    }

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
