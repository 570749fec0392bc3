// ipaddress_networks — twin of seed 002's ipaddress_networks.py (ipaddress: Networks).
// Usage: ipaddress_networks
#include <netkit/ip.hpp>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] {
    for (const char* n : {"10.9.0.0/24", "fdfd:87b5:b475:5e3e::/64"}) {
      netkit::ip::ip_network(n).visit([](const auto& net) {
        pymotw::print(netkit::repr(net));
        pymotw::print(" is private:", net.is_private() ? "True" : "False");
        pymotw::print(" broadcast:", net.broadcast_address());
        pymotw::print(" compressed:", net.compressed());
        pymotw::print(" with netmask:", net.with_netmask());
        pymotw::print(" with hostmask:", net.with_hostmask());
        pymotw::print(" num addresses:", net.num_addresses().str());
        pymotw::print();
      });
    }
  });
}
