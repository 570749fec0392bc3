// ipaddress_network_iterate_hosts — twin of seed 002's ipaddress_network_iterate_hosts.py
// (ipaddress: Networks). hosts() is lazy, even for a /64.
// Usage: ipaddress_network_iterate_hosts
#include <netkit/ip.hpp>
#include <ranges>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] {
    for (const char* n : {"10.9.0.0/24", "fdfd:87b5:b475:5e3e::/64"}) {
      netkit::ip::ip_network(n).visit([](const auto& net) {
        pymotw::print(netkit::repr(net));
        for (const auto& ip : net.hosts() | std::views::take(3)) pymotw::print(ip);
        pymotw::print();
      });
    }
  });
}
