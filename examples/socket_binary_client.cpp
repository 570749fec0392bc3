// socket_binary_client — twin of seed 002's socket_binary_client.py (发送二进制数据: sending
// binary data). Usage: socket_binary_client [host] [port]   (defaults: localhost, 10000)
#include <netkit/socket.hpp>
#include <netkit/struct.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    // Create a TCP/IP socket
    netkit::socket sock(AF_INET, SOCK_STREAM);
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    sock.connect({host, port});

    const netkit::struct_values values = {1, netkit::bytes("ab"), 2.7};
    const netkit::Struct packer("I 2s f");
    const netkit::bytes packed_data = packer.pack(values);

    pymotw::print("values =", netkit::repr(values));

    try {
      // Send data
      pymotw::print("sending " + netkit::repr(pymotw::hexlify(packed_data)));
      sock.sendall(packed_data);
    } catch (...) {
      pymotw::print("closing socket");
      throw;
    }
    pymotw::print("closing socket");
    sock.close();
  });
}
