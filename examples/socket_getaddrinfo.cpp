// socket_getaddrinfo — twin of seed 002's socket_getaddrinfo.py (Looking Up Server Addresses).
// Usage: socket_getaddrinfo [host] [port]   (defaults: www.python.org, http — they need DNS;
// port may be a number or a service name)
#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "www.python.org");
    const std::string port = pymotw::arg(argc, argv, 2, "http");

    for (const netkit::addrinfo_result& response : netkit::getaddrinfo(host, port)) {
      // netkit's *_name functions are the Python program's get_constants() lookups.
      pymotw::print("Family :", netkit::family_name(response.family));
      pymotw::print("Type :", netkit::type_name(response.type));
      pymotw::print("Protocol :", netkit::proto_name(response.proto));
      pymotw::print("Canonical name:", response.canonname);
      pymotw::print("Socket address:", netkit::str(response.sockaddr));
      pymotw::print();
    }
  });
}
