// bench_soak_server — the soak's server (bench/soak/run.py): ONE process, netkit's reactor_pool,
// serving on 127.0.0.1 an echo protocol on one port and netkit::http::server on another:
//   GET  /hello  → "Hello, soak!\n"
//   POST /echo   → the request's body back (application/octet-stream)
//   anything else → static_files(--root DIR) (404 when there is no --root)
// Usage: bench_soak_server [--threads N] [--root DIR] [--host H]
//
// Prints "echo HOST:PORT" then "http HOST:PORT" (flushed) once both listen; serves until
// SIGTERM or SIGINT, then stops every loop (their connections close) and exits 0. Both ports
// are on the same pool: each loop has its own SO_REUSEPORT socket for each, so every thread
// carries echo and HTTP connections side by side — the mix is the point of the soak.
//
// Nothing is logged on the steady path: a line on stderr (an exception a callback threw, an
// "accept: out of descriptors") is something the soak should look at, and run.py shows it.
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include <netkit/http/server.hpp>
#include <netkit/http/static_files.hpp>
#include <netkit/reactor.hpp>

namespace {

class echo final : public netkit::protocol {
 public:
  void data_received(netkit::bytes_view data) override { transport().write(data); }
  // The client half-closed: what is queued still goes back, then the connection closes.
  bool eof_received() override {
    transport().lose_connection();
    return true;
  }
};

void hello(const netkit::http::request& /*request*/, netkit::http::response& response) {
  response.body = "Hello, soak!\n";
}

void echo_body(const netkit::http::request& request, netkit::http::response& response) {
  response.content_type = "application/octet-stream";
  response.body.assign(request.body);
}

void not_found(const netkit::http::request& /*request*/, netkit::http::response& response) {
  response.set_error(404);
}

void print_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    std::cerr << "bench_soak_server: callback threw: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "bench_soak_server: callback threw something unknown\n";
  }
}

struct options {
  int threads = 2;
  std::string root;
  std::string host = "127.0.0.1";
};

[[noreturn]] void usage(std::string_view why) {
  std::cerr << "bench_soak_server: " << why
            << "\nusage: bench_soak_server [--threads N] [--root DIR] [--host H]\n";
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) usage("missing value after " + std::string(arg));
    const char* value = argv[++i];
    if (arg == "--threads") {
      o.threads = std::atoi(value);
      if (o.threads < 1 || o.threads > 256) usage("--threads: 1..256");
    } else if (arg == "--root") {
      o.root = value;
    } else if (arg == "--host") {
      o.host = value;
    } else {
      usage("unknown option " + std::string(arg));
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  try {
    // The pool's threads inherit a mask without SIGINT/SIGTERM; this thread waits for them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    netkit::reactor_pool pool(static_cast<std::size_t>(o.threads));
    for (std::size_t i = 0; i < pool.size(); ++i) pool.loop(i).handle_error = print_error;

    netkit::http::server_options http_options;
    http_options.access_log = false;  // the soak makes millions of requests
    netkit::http::server srv(pool.loop(0), http_options);
    srv.route("GET", "/hello", hello);
    srv.route("POST", "/echo", echo_body);
    if (!o.root.empty()) {
      srv.set_fallback(netkit::http::static_files(std::filesystem::canonical(o.root)));
    } else {
      srv.set_fallback(not_found);
    }

    // factory::of's factory has no state: one for every loop, used from every thread.
    const int echo_port = pool.listen_tcp(0, netkit::factory::of<echo>(), o.host, SOMAXCONN);
    const int http_port = pool.listen_tcp(0, srv.factory(), o.host, SOMAXCONN);
    std::cout << "echo " << o.host << ':' << echo_port << '\n'
              << "http " << o.host << ':' << http_port << '\n'
              << std::flush;

    pool.start();
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    pool.stop();
    pool.join();
    if (pool.refused() != 0)
      std::cerr << "bench_soak_server: accept: out of descriptors, closed " << pool.refused()
                << " waiting connection(s)\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_soak_server: " << e.what() << '\n';
    return 1;
  }
}
