// http_hello_server — "Hello, World!" over HTTP/1.1 on netkit's reactor (ours, not a seed's):
// the server bench/http measures against nginx and cpp-httplib. Every request for "/" gets the
// 13 bytes as text/plain; keep-alive and pipelining as netkit::http::server does them; no
// access log (it would be the bottleneck).
// Usage: http_hello_server [host] [port] [threads]   (defaults: localhost, 8000, 1; port 0 = a
//        free one; threads > 1: a reactor_pool, one loop and one SO_REUSEPORT socket each)
//
// Prints "Serving HTTP on HOST port PORT (http://HOST:PORT/) ..." (Python's http.server line)
// once listening; SIGINT or SIGTERM stops it with exit status 0.
#include <pthread.h>
#include <signal.h>

#include <string>

#include <netkit/http/server.hpp>
#include <netkit/reactor.hpp>
#include <netkit/socket.hpp>

#include "pymotw.hpp"
#include "seed_support.hpp"

namespace {

void hello(const netkit::http::request& /*request*/, netkit::http::response& response) {
  response.body = "Hello, World!";
}

void serving(const std::string& host, int port) {
  pymotw::print("Serving HTTP on " + host + " port " + std::to_string(port) + " (http://" + host +
                ":" + std::to_string(port) + "/) ...");
}

}  // namespace

int main(int argc, char** argv) {
  return seed::run([&] {
    const std::string host = pymotw::arg(argc, argv, 1, "localhost");
    const int port = pymotw::int_arg(argc, argv, 2, 8000);
    const int threads = pymotw::int_arg(argc, argv, 3, 1);
    netkit::http::server_options options;
    options.access_log = false;
    const std::string address = netkit::gethostbyname(host);  // the reactor takes an address
    if (threads > 1) {
      // The pool's threads inherit a mask without SIGINT/SIGTERM; this thread waits for them.
      sigset_t stop_signals;
      sigemptyset(&stop_signals);
      sigaddset(&stop_signals, SIGINT);
      sigaddset(&stop_signals, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
      netkit::reactor_pool pool(static_cast<std::size_t>(threads));
      netkit::http::server srv(pool.loop(0), options);
      srv.route("GET", "/", hello);
      serving(host, pool.listen_tcp(port, srv.factory(), address));
      pool.start();
      int signal_number = 0;
      sigwait(&stop_signals, &signal_number);
      pool.stop();
      pool.join();
      return;
    }
    netkit::reactor loop;
    loop.install_signal_handlers();
    netkit::http::server srv(loop, options);
    srv.route("GET", "/", hello);
    serving(host, srv.listen(port, address).get_host().port());
    loop.run();
  });
}
