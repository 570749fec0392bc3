// ipaddress_network_membership — twin of seed 002's ipaddress_network_membership.py
// (ipaddress: Networks). Python's `ip in net` is False across versions; so is contains() here.
// Usage: ipaddress_network_membership
#include <netkit/ip.hpp>
#include <vector>

#include "pymotw.hpp"

namespace {

// `ip in net` for values of either version.
bool in(const netkit::ip::address& ip, const netkit::ip::network& net) {
  if (ip.version() != net.version()) return false;
  if (ip.is_v4()) return net.v4().contains(ip.v4());
  return net.v6().contains(ip.v6());
}

}  // namespace

int main() {
  return pymotw::run([] {
    const std::vector<netkit::ip::network> networks = {
        netkit::ip::ip_network("10.9.0.0/24"),
        netkit::ip::ip_network("fdfd:87b5:b475:5e3e::/64"),
    };
    const std::vector<netkit::ip::address> addresses = {
        netkit::ip::ip_address("10.9.0.6"),
        netkit::ip::ip_address("10.7.0.31"),
        netkit::ip::ip_address("fdfd:87b5:b475:5e3e:b1bc:e121:a8eb:14aa"),
        netkit::ip::ip_address("fe80::3840:c439:b25e:63b0"),
    };
    for (const auto& ip : addresses) {
      bool found = false;
      for (const auto& net : networks) {
        if (in(ip, net)) {
          pymotw::print(ip.str() + "\nis on " + net.str());
          found = true;
          break;
        }
      }
      if (!found) pymotw::print(ip.str() + "\nis not on a known network");
      pymotw::print();
    }
  });
}
