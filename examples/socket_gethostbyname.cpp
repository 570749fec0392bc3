// socket_gethostbyname — twin of seed 002's socket_gethostbyname.py (Looking up Hosts on the
// Network). Usage: socket_gethostbyname [host ...]
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
      try {
        pymotw::print(host + " : " + netkit::gethostbyname(host));
      } catch (const netkit::socket_error& msg) {
        pymotw::print(host + " : " + pymotw::python_text(msg));
      }
    }
  });
}
