// socket_getservbyport — twin of seed 002's socket_getservbyport.py (Finding Service
// Information). Usage: socket_getservbyport   (reads the local services database only)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main() {
  return pymotw::run([] {
    for (int port : {80, 443, 21, 70, 25, 143, 993, 110, 995}) {
      const std::string url = netkit::getservbyport(port) + "://example.com/";
      pymotw::print(url);
    }
  });
}
