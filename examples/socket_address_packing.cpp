// socket_address_packing — twin of seed 002's socket_address_packing.py (IP Address
// Representations). Usage: socket_address_packing
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] {
    for (const char* string_address : {"192.168.1.1", "127.0.0.1"}) {
      const netkit::bytes packed = netkit::inet_aton(string_address);
      pymotw::print("Original:", string_address);
      pymotw::print("Packed :", netkit::repr(pymotw::hexlify(packed)));
      pymotw::print("Unpacked:", netkit::inet_ntoa(packed));
      pymotw::print();
    }
  });
}
