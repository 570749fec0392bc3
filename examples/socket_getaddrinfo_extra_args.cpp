// socket_getaddrinfo_extra_args — twin of seed 002's socket_getaddrinfo_extra_args.py (Looking
// Up Server Addresses). Usage: socket_getaddrinfo_extra_args [host] [port]
// (defaults: www.python.org, http — they need DNS; port may be a number or a service name)
#include <netdb.h>

#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    const auto responses = netkit::getaddrinfo(
        /*host=*/pymotw::arg(argc, argv, 1, "www.python.org"),
        /*port=*/pymotw::arg(argc, argv, 2, "http"),
        /*family=*/AF_INET,
        /*type=*/SOCK_STREAM,
        /*proto=*/IPPROTO_TCP,
        /*flags=*/AI_CANONNAME);

    for (const netkit::addrinfo_result& response : responses) {
      pymotw::print("Family :", netkit::family_name(response.family));
      pymotw::print("Type :", netkit::type_name(response.type));
      pymotw::print("Protocol :", netkit::proto_name(response.proto));
      pymotw::print("Canonical name:", response.canonname);
      pymotw::print("Socket address:", netkit::str(response.sockaddr));
      pymotw::print();
    }
  });
}
