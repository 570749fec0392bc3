// socket_gethostbyaddr — twin of seed 002's socket_gethostbyaddr.py (Looking up Hosts on the
// Network). Usage: socket_gethostbyaddr [address]   (default: 10.9.0.10 — it needs DNS)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    const std::string address = pymotw::arg(argc, argv, 1, "10.9.0.10");
    const netkit::host_entry entry = netkit::gethostbyaddr(address);

    pymotw::print("Hostname :", entry.hostname);
    pymotw::print("Aliases :", pymotw::repr_list(entry.aliases));
    pymotw::print("Addresses:", pymotw::repr_list(entry.addresses));
  });
}
