// ipaddress_addresses — twin of seed 002's ipaddress_addresses.py (ipaddress: Addresses).
// Usage: ipaddress_addresses
#include <netkit/ip.hpp>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] {
    for (const char* ip : {"10.9.0.6", "fdfd:87b5:b475:5e3e:b1bc:e121:a8eb:14aa"}) {
      const auto addr = netkit::ip::ip_address(ip);
      addr.visit([](const auto& a) {
        pymotw::print(netkit::repr(a));
        pymotw::print(" IP version:", a.version());
        pymotw::print(" is private:", a.is_private() ? "True" : "False");
        pymotw::print(" packed form:", netkit::repr(pymotw::hexlify(a.packed())));
        pymotw::print(" integer:", netkit::ip::to_decimal(netkit::ip::uint128{a.to_integer()}));
        pymotw::print();
      });
    }
  });
}
