// Seed 002 (PyMOTW-3), section "Threading and Forking".
// Twin of socketserver_forking.py: a forking tcp_server answers from a child process, with
// that child's pid.
// Usage: socketserver_forking [host] [port]   (defaults: 'localhost', 0 = a free port)
#include <unistd.h>

#include <netkit/socket.hpp>
#include <netkit/socketserver.hpp>

#include <string>
#include <thread>

#include "pymotw.hpp"
#include "socketserver_support.hpp"

namespace {

class forking_echo_request_handler : public netkit::base_request_handler {
 public:
  void handle() override {
    // Echo the back to the client
    const netkit::bytes data = request().recv(1024);
    const pid_t cur_pid = ::getpid();
    const netkit::bytes response = std::to_string(cur_pid) + ": " + data;
    request().send(response);
  }
};

using forking_echo_server = netkit::forking_tcp_server;

}  // namespace

int main(int argc, char** argv) {
  return pymotw::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 0);  // let the kernel assign a port
    forking_echo_server server(pymotw::address(host, port, "bind"),
                               netkit::handler<forking_echo_request_handler>());
    const std::string ip = server.server_address.host();  // what port was assigned?
    const int assigned = server.server_address.port();

    // Python's daemon thread; joined once serve_forever has returned
    std::thread t([&server] { server.serve_forever(); });
    pymotw::print("Server loop running in process:", ::getpid());

    netkit::socket s = hello_client::exchange(ip, assigned);

    // Clean up
    server.shutdown();
    t.join();
    s.close();
    server.server_socket().close();
  });
}
