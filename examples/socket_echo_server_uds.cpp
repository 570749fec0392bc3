// socket_echo_server_uds — twin of seed 002's socket_echo_server_uds.py (Unix域套接字).
// Usage: socket_echo_server_uds [path]   (default: ./uds_socket)
#include <sys/stat.h>
#include <unistd.h>

#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    const std::string server_address = pymotw::arg(argc, argv, 1, "./uds_socket");

    // Make sure the socket does not already exist
    if (::unlink(server_address.c_str()) != 0) {
      const std::error_code unlink_error = netkit::last_error();
      struct stat info {};
      if (::stat(server_address.c_str(), &info) == 0) {
        throw pymotw::os_error(unlink_error, server_address);
      }
    }

    // Create a UDS socket
    netkit::socket sock(AF_UNIX, SOCK_STREAM);

    // Bind the socket to the address
    pymotw::print("starting up on " + server_address);
    sock.bind(server_address);

    // Listen for incoming connections
    sock.listen(1);

    while (true) {
      // Wait for a connection
      pymotw::print("waiting for a connection");
      auto [connection, client_address] = sock.accept();
      pymotw::print("connection from", netkit::str(client_address));

      // Receive the data in small chunks and retransmit it
      while (true) {
        const netkit::bytes data = connection.recv(16);
        pymotw::print("received " + netkit::repr(data));
        if (!data.empty()) {
          pymotw::print("sending data back to the client");
          connection.sendall(data);
        } else {
          pymotw::print("no data from", netkit::str(client_address));
          break;
        }
      }
    }
  });
}
