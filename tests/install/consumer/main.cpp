// Uses the installed headers and library: a socketpair round trip.
#include <netkit/socket.hpp>

#include <iostream>

int main() {
  auto [a, b] = netkit::socketpair();
  a.sendall("ping");
  std::cout << netkit::repr(b.recv(16)) << '\n';
  return 0;
}
