// Seed 002 (PyMOTW-3), section "socketserver — Echo Example" (handler, server and main joined).
// Twin of socketserver_echo.py: a tcp_server whose every hook logs its call, served from a
// thread while the main thread is its client. The log lines are Python's, in Python's order
// on each thread ('%(name)s: %(message)s' on stderr).
// Usage: socketserver_echo [host] [port]   (defaults: 'localhost', 0 = a free port)
#include <netkit/socket.hpp>
#include <netkit/socketserver.hpp>

#include <string>
#include <thread>

#include "pymotw.hpp"
#include "socketserver_support.hpp"

namespace {

class echo_request_handler : public netkit::base_request_handler {
 public:
  echo_request_handler() { logger_.debug("__init__"); }

  void setup() override {
    logger_.debug("setup");
    base_request_handler::setup();
  }

  void handle() override {
    logger_.debug("handle");
    // Echo the back to the client
    const netkit::bytes data = request().recv(1024);
    logger_.debug("recv()->\"" + netkit::repr(data) + "\"");
    request().send(data);
  }

  void finish() override {
    logger_.debug("finish");
    base_request_handler::finish();
  }

 private:
  pylog::logger logger_{"EchoRequestHandler"};
};

// "str(request), str(client_address)" as the seed's %s formats them.
std::string describe(netkit::server_request& request, const netkit::socket_address& address) {
  return netkit::repr(request.sock()) + ", " + netkit::repr(address);
}

class echo_server : public netkit::tcp_server {
 public:
  // server_activate is overridden, so binding waits for this constructor's body (see
  // netkit/socketserver/server.hpp): Python's order, __init__ logged first, is kept.
  explicit echo_server(const netkit::endpoint& address, netkit::handler_factory handler_class =
                                                            netkit::handler<echo_request_handler>())
      : tcp_server(address, std::move(handler_class), no_bind()) {
    logger_.debug("__init__");
    bind_and_activate();
  }

  void server_activate() override {
    logger_.debug("server_activate");
    tcp_server::server_activate();
  }

  void serve_forever(double poll_interval = 0.5) override {
    logger_.debug("waiting for request");
    logger_.info("Handling requests, press <Ctrl-C> to quit");
    tcp_server::serve_forever(poll_interval);
  }

  void handle_request() override {
    logger_.debug("handle_request");
    tcp_server::handle_request();
  }

  void shutdown() override {
    logger_.debug("shutdown()");
    tcp_server::shutdown();
  }

  bool verify_request(netkit::server_request& request,
                      const netkit::socket_address& client_address) override {
    logger_.debug("verify_request(" + describe(request, client_address) + ")");
    return tcp_server::verify_request(request, client_address);
  }

  void process_request(netkit::server_request request,
                       const netkit::socket_address& client_address) override {
    logger_.debug("process_request(" + describe(request, client_address) + ")");
    tcp_server::process_request(std::move(request), client_address);
  }

  void server_close() override {
    logger_.debug("server_close");
    tcp_server::server_close();
  }

  void finish_request(netkit::server_request& request,
                      const netkit::socket_address& client_address) override {
    logger_.debug("finish_request(" + describe(request, client_address) + ")");
    tcp_server::finish_request(request, client_address);
  }

  void close_request(netkit::server_request& request) override {
    logger_.debug("close_request(" + netkit::repr(request.sock()) + ")");
    tcp_server::close_request(request);
  }

 private:
  static netkit::server_options no_bind() {
    netkit::server_options options;
    options.bind_and_activate = false;
    return options;
  }

  pylog::logger logger_{"EchoServer"};
};

}  // namespace

int main(int argc, char** argv) {
  return pymotw::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 0);  // let the kernel assign a port
    echo_server server(pymotw::address(host, port, "bind"));
    const std::string ip = server.server_address.host();  // what port was assigned?
    const int assigned = server.server_address.port();

    // Start the server in a thread (Python's daemon thread; joined once it has returned)
    std::thread t([&server] { server.serve_forever(); });

    const pylog::logger logger("client");
    logger.info("Server on " + ip + ":" + std::to_string(assigned));

    // Connect to the server
    logger.debug("creating socket");
    netkit::socket s(AF_INET, SOCK_STREAM);
    logger.debug("connecting to server");
    s.connect({ip, assigned});

    // Send the data
    const netkit::bytes message = "Hello, world";
    logger.debug("sending data: " + netkit::repr(message));
    const std::size_t len_sent = s.send(message);

    // Receive a response
    logger.debug("waiting for response");
    const netkit::bytes response = s.recv(len_sent);
    logger.debug("response from server: " + netkit::repr(response));

    // Clean up
    server.shutdown();
    t.join();
    logger.debug("closing socket");
    s.close();
    logger.debug("done");
    server.server_socket().close();
  });
}
