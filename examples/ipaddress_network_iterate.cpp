// ipaddress_network_iterate — twin of seed 002's ipaddress_network_iterate.py (ipaddress:
// Networks). Iterating a /64 is lazy: only the three addresses printed are made.
// Usage: ipaddress_network_iterate
#include <netkit/ip.hpp>
#include <ranges>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] {
    for (const char* n : {"10.9.0.0/24", "fdfd:87b5:b475:5e3e::/64"}) {
      netkit::ip::ip_network(n).visit([](const auto& net) {
        pymotw::print(netkit::repr(net));
        for (const auto& ip : net.addresses() | std::views::take(3)) pymotw::print(ip);
        pymotw::print();
      });
    }
  });
}
