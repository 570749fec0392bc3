// socket_gethostname — twin of seed 002's socket_gethostname.py (Looking up Hosts on the
// Network). Usage: socket_gethostname
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] { pymotw::print(netkit::gethostname()); });
}
