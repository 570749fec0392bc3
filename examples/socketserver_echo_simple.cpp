// Seed 002 (PyMOTW-3), section "socketserver — Echo Example".
// Twin of socketserver_echo_simple.py: a tcp_server served from a thread while the main thread
// is its client.
// Usage: socketserver_echo_simple [host] [port]   (defaults: 'localhost', 0 = a free port)
#include <netkit/socket.hpp>
#include <netkit/socketserver.hpp>

#include <string>
#include <thread>

#include "pymotw.hpp"

namespace {

class echo_request_handler : public netkit::base_request_handler {
 public:
  void handle() override {
    // Echo the back to the client
    const netkit::bytes data = request().recv(1024);
    request().send(data);
  }
};

}  // namespace

int main(int argc, char** argv) {
  return pymotw::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 0);  // let the kernel assign a port
    netkit::tcp_server server(pymotw::address(host, port, "bind"),
                              netkit::handler<echo_request_handler>());
    const std::string ip = server.server_address.host();  // what port was assigned?
    const int assigned = server.server_address.port();

    // Python's daemon thread; joined once serve_forever has returned
    std::thread t([&server] { server.serve_forever(); });

    // Connect to the server
    netkit::socket s(AF_INET, SOCK_STREAM);
    s.connect({ip, assigned});

    // Send the data
    const netkit::bytes message = "Hello, world";
    pymotw::print("Sending : " + netkit::repr(message));
    const std::size_t len_sent = s.send(message);

    // Receive a response
    const netkit::bytes response = s.recv(len_sent);
    pymotw::print("Received: " + netkit::repr(response));

    // Clean up
    server.shutdown();
    t.join();
    s.close();
    server.server_socket().close();
  });
}
