// Seed 002 (PyMOTW-3), section "Threading and Forking".
// Twin of socketserver_threaded.py: a threading tcp_server answers with the name of the thread
// that served the request, named as Python names it ("Thread-2 (process_request_thread)").
// Usage: socketserver_threaded [host] [port]   (defaults: 'localhost', 0 = a free port)
#include <netkit/socket.hpp>
#include <netkit/socketserver.hpp>

#include <string>

#include "pymotw.hpp"
#include "socketserver_support.hpp"

namespace {

class threaded_echo_request_handler : public netkit::base_request_handler {
 public:
  void handle() override {
    // Echo the back to the client
    const netkit::bytes data = request().recv(1024);
    const std::string& cur_thread = pythread::current_name();
    const netkit::bytes response = cur_thread + ": " + data;
    request().send(response);
  }
};

// Python's ThreadingMixIn names each request thread when it creates it, on the serving
// thread; the library's mixin starts an unnamed std::thread, so the name is taken here and
// handed to that thread through the request's descriptor.
class threaded_echo_server : public netkit::threading_tcp_server {
 public:
  using base = netkit::threading_tcp_server;
  using base::base;
  // Python joins the request threads (not daemons) when the interpreter exits. Here it must
  // happen before this class is destroyed, since those threads call its overrides:
  // ~threading_mixin would join them too late. server_close() joins them (block_on_close).
  ~threaded_echo_server() override { server_close(); }

  void process_request(netkit::server_request request,
                       const netkit::socket_address& client_address) override {
    names_.add(request.sock().fileno(), pythread::new_thread_name("process_request_thread"));
    base::process_request(std::move(request), client_address);
  }

  void finish_request(netkit::server_request& request,
                      const netkit::socket_address& client_address) override {
    pythread::set_current_name(names_.take(request.sock().fileno(), "process_request_thread"));
    base::finish_request(request, client_address);
  }

 private:
  pythread::pending_names names_;
};

}  // namespace

int main(int argc, char** argv) {
  return pymotw::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 0);  // let the kernel assign a port
    threaded_echo_server server(pymotw::address(host, port, "bind"),
                                netkit::handler<threaded_echo_request_handler>());
    const std::string ip = server.server_address.host();  // what port was assigned?
    const int assigned = server.server_address.port();

    // Python's daemon thread; joined once serve_forever has returned
    pythread::thread t("serve_forever", [&server] { server.serve_forever(); });
    pymotw::print("Server loop running in thread:", t.name());

    netkit::socket s = hello_client::exchange(ip, assigned);

    // Clean up
    server.shutdown();
    t.join();
    s.close();
    server.server_socket().close();
  });
}
