// socket_binary_server — twin of seed 002's socket_binary_server.py (发送二进制数据: sending
// binary data). Usage: socket_binary_server [host] [port]   (defaults: localhost, 10000)
//
// As in Python, a client that sends fewer than 12 bytes ends the server with the traceback's
// last line "struct.error: unpack requires a buffer of 12 bytes".
#include <iostream>
#include <netkit/socket.hpp>
#include <netkit/struct.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a TCP/IP socket
    netkit::socket sock(AF_INET, SOCK_STREAM);
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    sock.bind({host, port});
    sock.listen(1);

    const netkit::Struct unpacker("I 2s f");

    while (true) {
      pymotw::print("\nwaiting for a connection");
      // The connection closes when it goes out of scope, as the Python's finally does.
      auto [connection, client_address] = sock.accept();
      const netkit::bytes data = connection.recv(unpacker.size());
      pymotw::print("received " + netkit::repr(pymotw::hexlify(data)));
      try {
        const netkit::struct_values unpacked_data = unpacker.unpack(data);
        pymotw::print("unpacked:", netkit::repr(unpacked_data));
      } catch (const netkit::struct_error& e) {
        // Python names the class struct.error, not ValueError.
        std::cerr << "struct.error: " << e.what() << std::endl;
        throw pymotw::system_exit{1};
      }
    }
  });
}
