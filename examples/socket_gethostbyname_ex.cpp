// socket_gethostbyname_ex — twin of seed 002's socket_gethostbyname_ex.py (Looking up Hosts on
// the Network). Usage: socket_gethostbyname_ex [host ...]
// (default hosts: apu pymotw.com www.python.org nosuchname — they need DNS)
#include <string>
#include <vector>

#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    std::vector<std::string> hosts(argv + 1, argv + argc);
    if (hosts.empty()) hosts = {"apu", "pymotw.com", "www.python.org", "nosuchname"};

    for (const std::string& host : hosts) {
      pymotw::print(host);
      try {
        const netkit::host_entry entry = netkit::gethostbyname_ex(host);
        pymotw::print(" Hostname:", entry.hostname);
        pymotw::print(" Aliases :", pymotw::repr_list(entry.aliases));
        pymotw::print(" Addresses:", pymotw::repr_list(entry.addresses));
      } catch (const netkit::socket_error& msg) {
        pymotw::print("ERROR:", pymotw::python_text(msg));
      }
      pymotw::print();
    }
  });
}
