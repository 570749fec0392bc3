// apps/netkit/bench.cpp — `netkit bench echo`: a pingpong load generator for echo servers
// (`netkit bench http` is in bench_http.cpp; both run on load_loop.hpp).
//
//   netkit bench echo --port 9000 --connections 10 --size 4096 --duration 5 [--json]
//   netkit bench echo --unix /tmp/echo.sock --connections 1 --size 16 --messages 20000
//
// N connections each send one message of SIZE bytes, wait until all of it has come back, then
// send the next. Reported: completed messages, messages/s, MiB/s (payload one way: messages x
// size), errors (connections that failed, were closed or echoed more than was sent).
//
// Kept lean (load_loop.hpp says how): one shared send buffer and one 64 KiB receive buffer,
// nothing allocated after the connections are open, no copies. It stops by itself after
// --duration seconds or --messages messages, and gives up after --timeout seconds whatever
// happens (exit 1).
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "command.hpp"
#include "load_loop.hpp"
#include "netkit/socket.hpp"

namespace netkit::app {
namespace {

struct echo_options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string unix_path;
  int connections = 1;
  std::size_t size = 16;
  double duration = 5.0;
  long long messages = 0;
  bool json = false;
  double timeout = 0;  // 0: duration + 30 s, or 600 s with --messages
  double connect_timeout = 10.0;
};

struct echo_result {
  int connected = 0;
  long long messages = 0;
  long long errors = 0;
  double elapsed = 0;
};

load_limits limits_of(const echo_options& o) {
  return {o.duration, o.messages > 0, o.timeout, o.connect_timeout};
}

// Each connection sends one message, waits until all of it has come back, sends the next.
class pingpong : public load_loop {
 public:
  explicit pingpong(const echo_options& o)
      : load_loop(static_cast<std::size_t>(o.connections), limits_of(o)),
        o_(o),
        message_(o.size, 'x'),
        progress_(static_cast<std::size_t>(o.connections)) {}

  long long messages() const noexcept { return messages_; }

 private:
  struct progress {
    std::size_t sent = 0;
    std::size_t received = 0;
  };

  bool keep_going() const noexcept { return o_.messages == 0 || issued_ < o_.messages; }

  void start(std::size_t i) override {
    if (!keep_going()) return;
    progress_[i] = {};
    ++issued_;
    begin(i);
    send_more(i);
  }

  void writable(std::size_t i) override { send_more(i); }

  void send_more(std::size_t i) {
    progress& p = progress_[i];
    send_rest(i, message_.data(), message_.size(), p.sent);
  }

  void readable(std::size_t i) override {
    progress& p = progress_[i];
    const read_end how = read_all(i, [&](std::string_view got) {
      p.received += got.size();
      if (p.received > p.sent) {  // more came back than was sent: not an echo
        fail(i);
        return false;
      }
      if (p.received == message_.size()) {
        ++messages_;
        end(i);
        start(i);
      }
      return fd(i) >= 0;
    });
    if (how == read_end::closed) fail(i);  // closed by the server
  }

  const echo_options& o_;
  const std::string message_;
  std::vector<progress> progress_;
  long long issued_ = 0;
  long long messages_ = 0;
};

socket_address destination(const echo_options& o) {
  if (!o.unix_path.empty()) return socket_address::unix_path(o.unix_path);
  const auto answers = netkit::getaddrinfo(o.host, o.port, 0, SOCK_STREAM);
  if (answers.empty()) throw std::runtime_error("no address for " + o.host);
  return answers.front().sockaddr;
}

int run_echo(const echo_options& o) {
  raise_fd_limit(static_cast<rlim_t>(o.connections) + 64);
  const socket_address to = destination(o);
  pingpong load(o);
  echo_result r;
  r.elapsed = load.run(to);
  r.connected = load.connected();
  r.messages = load.messages();
  r.errors = load.errors();
  const double rate = r.elapsed > 0 ? static_cast<double>(r.messages) / r.elapsed : 0.0;
  const double mib = rate * static_cast<double>(o.size) / (1024.0 * 1024.0);
  if (o.json) {
    nlohmann::ordered_json j = {{"target", to.to_string()}, {"connections", o.connections},
                                {"connected", r.connected}, {"size", o.size},
                                {"elapsed", r.elapsed},     {"messages", r.messages},
                                {"messages_per_s", rate},   {"mib_per_s", mib},
                                {"errors", r.errors}};
    std::cout << j.dump() << '\n' << std::flush;
  } else {
    std::cout << "echo " << to.to_string() << ": " << r.connected << " connections, " << o.size
              << "-byte messages, " << r.elapsed << " s\n"
              << r.messages << " messages, " << rate << " messages/s, " << mib << " MiB/s, "
              << r.errors << " errors\n"
              << std::flush;
  }
  return r.messages > 0 ? 0 : 1;
}

}  // namespace

command add_bench(CLI::App& app) {
  auto o = std::make_shared<echo_options>();
  auto* sub = app.add_subcommand("bench", "Load generators for netkit's servers");
  sub->require_subcommand(1);
  auto* echo = sub->add_subcommand("echo", "Pingpong load on an echo server (TCP or Unix)");
  echo->add_option("--host", o->host, "server host")->capture_default_str();
  auto* port = echo->add_option("--port,-p", o->port, "server port")->check(CLI::Range(1, 65535));
  auto* unix_opt =
      echo->add_option("--unix", o->unix_path, "a Unix stream socket at PATH instead of TCP")
          ->type_name("PATH");
  echo->add_option("--connections,-c", o->connections, "concurrent connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  echo->add_option("--size,-s", o->size, "bytes per message")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  add_run_options(*echo, o->duration, o->messages, "--messages,-m",
                  "stop after this many messages in all instead", o->json, o->timeout,
                  o->connect_timeout);
  unix_opt->excludes(port);

  const command http = add_bench_http(*sub);

  auto run = [o, echo, port, unix_opt, http]() {
    if (http.cli->parsed()) return http.run();
    if (!echo->parsed()) throw usage_error("which benchmark? (echo or http)");
    if (unix_opt->count() != 0 && o->unix_path.empty())
      throw usage_error("--unix needs a non-empty PATH");
    if (unix_opt->count() == 0 && port->count() == 0)
      throw usage_error("--port P (or --unix PATH) is required");
    return run_echo(*o);
  };
  return {sub, run};
}

}  // namespace netkit::app
