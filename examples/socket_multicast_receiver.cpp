// socket_multicast_receiver — twin of seed 002's socket_multicast_receiver.py (多播: Receiving
// Multicast Messages). Usage: socket_multicast_receiver [group] [port]
// (defaults: 224.3.29.71, 10000; binds '' = all interfaces and joins on INADDR_ANY)
#include <netinet/in.h>

#include <netkit/socket.hpp>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    const std::string multicast_group = pymotw::arg(argc, argv, 1, "224.3.29.71");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);

    // Create the socket
    netkit::socket sock(AF_INET, SOCK_DGRAM);

    // Bind to the server address
    sock.bind(pymotw::address("", port, "bind"));

    // Tell the operating system to add the socket to the multicast group on all interfaces.
    // mreq is built byte for byte as struct.pack('4sL', group, socket.INADDR_ANY) builds it:
    // the 4-byte group, padding to align the native unsigned long, then INADDR_ANY in host
    // order (16 bytes on LP64; Linux reads it as a struct ip_mreqn with ifindex 0).
    const netkit::bytes group = netkit::inet_aton(multicast_group);
    const unsigned long any = INADDR_ANY;
    netkit::bytes mreq = group;
    mreq.resize(alignof(unsigned long) > group.size() ? alignof(unsigned long) : group.size(),
                '\0');
    mreq.append(reinterpret_cast<const char*>(&any), sizeof any);
    sock.setsockopt(IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq);

    // Receive/respond loop
    while (true) {
      pymotw::print("\nwaiting to receive message");
      auto [data, address] = sock.recvfrom(1024);

      pymotw::print("received " + std::to_string(data.size()) + " bytes from " +
                    netkit::str(address));
      pymotw::print(netkit::repr(data));

      pymotw::print("sending acknowledgement to", netkit::str(address));
      sock.sendto("ack", address);
    }
  });
}
