// bench/http/httplib_server.cpp — bench_http_httplib: cpp-httplib's "Hello, World!" server, a
// peer bench/http/run.py measures netkit's http::server against (bench code only).
//
//   bench_http_httplib --port 0   # prints "listening on 127.0.0.1:PORT"; SIGTERM stops it
//
// cpp-httplib as its users write it: httplib::Server with its default thread pool (a blocking
// thread per connection being served) and its default keep-alive limits. The only setting
// changed is TCP_NODELAY, which every server in the benchmark sets (netkit, nginx on keep-alive
// connections, the raw loop): without it Nagle's algorithm would hold the body's write behind
// the head's and measure delayed ACKs instead of the server. run.py pins the whole process
// (every pool thread) to one CPU, as it does every server.
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include <httplib.h>

#include "server_common.hpp"

int main(int argc, char** argv) {
  const int port = bench::parse_port(argc, argv);

  // SIGINT/SIGTERM blocked in every thread (the pool's inherit the mask); one thread waits for
  // them and stops the server, which ends listen_after_bind().
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.Get("/", [](const httplib::Request& /*request*/, httplib::Response& response) {
    response.set_content("Hello, World!", "text/plain");
  });
  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound < 0) {
    std::fprintf(stderr, "bench_http_httplib: cannot bind 127.0.0.1:%d\n", port);
    return 1;
  }
  std::thread stopper([&server, &stop_signals] {
    int signal_number = 0;
    ::sigwait(&stop_signals, &signal_number);
    server.stop();
  });
  bench::print_listening(bound);
  if (!server.listen_after_bind()) {
    stopper.detach();  // no signal is coming: exit without waiting for one
    return 1;
  }
  stopper.join();
  return 0;
}
