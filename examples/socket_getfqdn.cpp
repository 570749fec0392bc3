// socket_getfqdn — twin of seed 002's socket_getfqdn.py (Looking up Hosts on the Network).
// Usage: socket_getfqdn [host ...]   (default hosts: apu pymotw.com — they need DNS)
#include <string>
#include <vector>

#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    std::vector<std::string> hosts(argv + 1, argv + argc);
    if (hosts.empty()) hosts = {"apu", "pymotw.com"};

    for (const std::string& host : hosts) {
      // '{:>10} : {}'
      pymotw::print(pymotw::rjust(host, 10) + " : " + netkit::getfqdn(host));
    }
  });
}
