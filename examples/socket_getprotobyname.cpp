// socket_getprotobyname — twin of seed 002's socket_getprotobyname.py (Finding Service
// Information). Usage: socket_getprotobyname   (reads the local protocols database only)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] {
    for (const char* name : {"icmp", "udp", "tcp"}) {
      const int proto_num = netkit::getprotobyname(name);
      // netkit::proto_name is the Python program's get_constants('IPPROTO_') lookup, and the
      // constant it names has the value proto_num.
      const std::string const_name = netkit::proto_name(proto_num);
      // '{:>4} -> {:2d} (socket.{:<12} = {:2d})'
      pymotw::print(pymotw::rjust(name, 4) + " -> " + pymotw::rjust(std::to_string(proto_num), 2) +
                    " (socket." + pymotw::ljust(const_name, 12) + " = " +
                    pymotw::rjust(std::to_string(proto_num), 2) + ")");
    }
  });
}
