// selectors_echo_server — twin of seed 002's selectors_echo_server.py (selectors: Echo Server):
// callbacks registered as the keys' data, on netkit::default_selector. It serves one client and
// then shuts itself down, as the Python program does.
// Usage: selectors_echo_server [host] [port]   (defaults: localhost, 10000)
#include <netkit/select.hpp>
#include <netkit/socket.hpp>

#include <chrono>
#include <unordered_map>

#include "pymotw.hpp"

int main(int argc, char** argv) {
  return pymotw::run([&] {
    using namespace std::chrono_literals;

    netkit::default_selector mysel;
    bool keep_running = true;

    // The connections, by descriptor: a key's fileobj is the descriptor, so the callbacks find
    // their socket here.
    std::unordered_map<int, netkit::socket> connections;

    // Callback for read events
    const auto read = [&](const netkit::selector_key& key, unsigned /*mask*/) {
      netkit::socket& connection = connections.at(key.fileobj);
      const netkit::socket_address client_address = connection.getpeername();
      pymotw::print("read(" + netkit::repr(client_address) + ")");
      const netkit::bytes data = connection.recv(1024);
      if (!data.empty()) {
        // A readable client socket has data
        pymotw::print(" received " + netkit::repr(data));
        connection.sendall(data);
      } else {
        // Interpret empty result as closed connection
        pymotw::print(" closing");
        mysel.unregister(connection);
        connections.erase(key.fileobj);  // closes it
        // Tell the main loop to stop
        keep_running = false;
      }
    };

    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 10000);
    pymotw::print("starting up on " + host + " port " + std::to_string(port));
    netkit::socket server(AF_INET, SOCK_STREAM);
    server.setblocking(false);
    server.bind(pymotw::address(host, port, "bind"));
    server.listen(5);

    // Callback for new connections
    const auto accept = [&](const netkit::selector_key&, unsigned /*mask*/) {
      auto [new_connection, addr] = server.accept();
      pymotw::print("accept(" + netkit::repr(addr) + ")");
      new_connection.setblocking(false);
      const int fd = new_connection.fileno();
      connections.insert_or_assign(fd, std::move(new_connection));
      mysel.register_(fd, netkit::EVENT_READ, read);
    };

    mysel.register_(server, netkit::EVENT_READ, accept);

    while (keep_running) {
      pymotw::print("waiting for I/O");
      for (const auto& [key, mask] : mysel.select(1s)) {
        const auto& callback = key.data;
        callback(key, mask);  // the socket (through its key) and the event mask
      }
    }

    pymotw::print("shutting down");
    mysel.close();
  });
}
