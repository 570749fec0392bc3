// socket_ipv6_address_packing — twin of seed 002's socket_ipv6_address_packing.py (IP Address
// Representations). Usage: socket_ipv6_address_packing
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] {
    const std::string string_address = "2002:ac10:10a:1234:21e:52ff:fe74:40e";
    const netkit::bytes packed = netkit::inet_pton(AF_INET6, string_address);

    pymotw::print("Original:", string_address);
    pymotw::print("Packed :", netkit::repr(pymotw::hexlify(packed)));
    pymotw::print("Unpacked:", netkit::inet_ntop(AF_INET6, packed));
  });
}
