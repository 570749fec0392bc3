// ipaddress_interfaces — twin of seed 002's ipaddress_interfaces.py (ipaddress: Interfaces).
// Usage: ipaddress_interfaces
#include <netkit/ip.hpp>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] {
    for (const char* ip : {"10.9.0.6/24", "fdfd:87b5:b475:5e3e:b1bc:e121:a8eb:14aa/64"}) {
      netkit::ip::ip_interface(ip).visit([](const auto& iface) {
        pymotw::print(netkit::repr(iface));
        pymotw::print("network:\n ", iface.network());
        pymotw::print("ip:\n ", iface.ip());
        pymotw::print("IP with prefixlen:\n ", iface.with_prefixlen());
        pymotw::print("netmask:\n ", iface.with_netmask());
        pymotw::print("hostmask:\n ", iface.with_hostmask());
        pymotw::print();
      });
    }
  });
}
