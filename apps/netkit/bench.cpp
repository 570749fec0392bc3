// apps/netkit/bench.cpp — `netkit bench echo`: a pingpong load generator for echo servers.
//
//   netkit bench echo --port 9000 --connections 10 --size 4096 --duration 5 [--json]
//   netkit bench echo --unix /tmp/echo.sock --connections 1 --size 16 --messages 20000
//
// N connections each send one message of SIZE bytes, wait until all of it has come back, then
// send the next. Reported: completed messages, messages/s, MiB/s (payload one way: messages x
// size), errors (connections that failed, were closed or echoed more than was sent).
//
// The generator shares the machine with the server it measures, so it is kept lean: one
// thread, one epoll set, every socket registered once edge-triggered (no epoll_ctl per
// message), one shared send buffer and one 64 KiB receive buffer (nothing allocated after
// the connections are open), no copies, the clock read once per epoll_wait. All connections are
// established before the clock starts. It stops by itself after --duration seconds or
// --messages messages, and gives up after --timeout seconds whatever happens (exit 1).
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
#include "netkit/socket.hpp"

namespace netkit::app {
namespace {

using clock = std::chrono::steady_clock;

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

// Lets this process hold `wanted` descriptors, up to the hard limit.
void raise_fd_limit(rlim_t wanted) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= wanted) return;
  lim.rlim_cur = std::min(wanted, lim.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &lim);
}

class pingpong {
 public:
  explicit pingpong(const echo_options& o)
      : o_(o),
        message_(o.size, 'x'),
        scratch_(64 * 1024),
        conns_(static_cast<std::size_t>(o.connections)) {
    ep_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) throw std::system_error(errno, std::system_category(), "epoll_create1");
    events_.resize(std::min<std::size_t>(conns_.size(), 1024));
  }
  pingpong(const pingpong&) = delete;
  pingpong& operator=(const pingpong&) = delete;
  ~pingpong() {
    for (auto& c : conns_)
      if (c.fd >= 0) ::close(c.fd);
    ::close(ep_);
  }

  echo_result run(const socket_address& to) {
    const double limit = o_.timeout > 0 ? o_.timeout : o_.messages > 0 ? 600.0 : o_.duration + 30.0;
    hard_deadline_ = clock::now() + std::chrono::duration_cast<clock::duration>(
                                        std::chrono::duration<double>(limit));
    connect_all(to);
    if (result_.connected == 0) throw std::runtime_error("no connection could be established");

    const clock::time_point start = clock::now();
    const clock::time_point end =
        start + std::chrono::duration_cast<clock::duration>(
                    std::chrono::duration<double>(o_.messages > 0 ? limit : o_.duration));
    for (std::size_t i = 0; i < conns_.size(); ++i)
      if (conns_[i].connected && keep_going()) begin_message(i);

    clock::time_point now = start;
    while (busy_ > 0) {
      now = clock::now();
      if (now >= end) break;
      if (now >= hard_deadline_) throw std::runtime_error("timed out");
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(std::min(end, hard_deadline_) - now);
      const int n = ::epoll_wait(ep_, events_.data(), static_cast<int>(events_.size()),
                                 static_cast<int>(left.count()));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::system_category(), "epoll_wait");
      }
      for (int i = 0; i < n; ++i) {
        const epoll_event& ev = events_[static_cast<std::size_t>(i)];
        on_events(ev.data.u32, ev.events);
      }
    }
    if (o_.messages > 0 && result_.messages < o_.messages && now >= end)
      throw std::runtime_error("timed out after " + std::to_string(result_.messages) + " of " +
                               std::to_string(o_.messages) + " messages");
    result_.elapsed = std::chrono::duration<double>(clock::now() - start).count();
    return result_;
  }

 private:
  struct connection {
    int fd = -1;
    std::size_t sent = 0;
    std::size_t received = 0;
    bool connected = false;
    bool active = false;  // a message is in flight
  };

  void connect_all(const socket_address& to) {
    int connecting = 0;
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      const int fd = ::socket(to.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) throw std::system_error(errno, std::system_category(), "socket");
      conns_[i].fd = fd;
      if (to.family() != AF_UNIX) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      }
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
      ev.data.u32 = static_cast<std::uint32_t>(i);
      ::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
      if (::connect(fd, to.data(), to.size()) == 0) {
        conns_[i].connected = true;
        ++result_.connected;
      } else if (errno == EINPROGRESS || errno == EAGAIN) {
        ++connecting;  // a Unix socket whose backlog is full says EAGAIN
      } else {
        fail(i);
      }
    }
    const clock::time_point give_up = std::min(
        hard_deadline_, clock::now() + std::chrono::duration_cast<clock::duration>(
                                           std::chrono::duration<double>(o_.connect_timeout)));
    while (connecting > 0) {
      const auto now = clock::now();
      if (now >= give_up) throw std::runtime_error("timed out connecting");
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(give_up - now);
      const int n = ::epoll_wait(ep_, events_.data(), static_cast<int>(events_.size()),
                                 static_cast<int>(left.count()));
      if (n < 0 && errno != EINTR)
        throw std::system_error(errno, std::system_category(), "epoll_wait");
      for (int k = 0; k < n; ++k) {
        const std::size_t i = events_[static_cast<std::size_t>(k)].data.u32;
        connection& c = conns_[i];
        if (c.fd < 0 || c.connected) continue;
        if (to.family() == AF_UNIX) {
          // A non-blocking Unix connect refused for a full backlog has to be retried.
          if (::connect(c.fd, to.data(), to.size()) == 0 || errno == EISCONN) {
            c.connected = true;
            ++result_.connected;
            --connecting;
          } else if (errno != EAGAIN && errno != EINPROGRESS && errno != EALREADY) {
            fail(i);
            --connecting;
          }
          continue;
        }
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          fail(i);
        } else {
          c.connected = true;
          ++result_.connected;
        }
        --connecting;
      }
    }
  }

  bool keep_going() const noexcept { return o_.messages == 0 || issued_ < o_.messages; }

  void begin_message(std::size_t i) {
    connection& c = conns_[i];
    c.sent = 0;
    c.received = 0;
    c.active = true;
    ++issued_;
    ++busy_;
    send_more(i);
  }

  void send_more(std::size_t i) {
    connection& c = conns_[i];
    while (c.sent < message_.size()) {
      const ssize_t n =
          ::send(c.fd, message_.data() + c.sent, message_.size() - c.sent, MSG_NOSIGNAL);
      if (n > 0) {
        c.sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == EAGAIN) {
        return;  // the EPOLLOUT edge resumes
      } else {
        fail(i);
        return;
      }
    }
  }

  void receive(std::size_t i) {
    connection& c = conns_[i];
    for (;;) {
      const ssize_t n = ::recv(c.fd, scratch_.data(), scratch_.size(), 0);
      if (n > 0) {
        c.received += static_cast<std::size_t>(n);
        if (c.received > c.sent) {  // more came back than was sent: not an echo
          fail(i);
          return;
        }
        if (c.received == message_.size()) {
          ++result_.messages;
          c.active = false;
          --busy_;
          if (keep_going()) begin_message(i);
          if (c.fd < 0) return;
        }
        if (static_cast<std::size_t>(n) < scratch_.size()) return;  // drained for now
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      fail(i);  // closed by the server, or an error
      return;
    }
  }

  void on_events(std::size_t i, std::uint32_t events) {
    connection& c = conns_[i];
    if (c.fd < 0 || !c.active) return;
    if (events & EPOLLERR) {
      fail(i);
      return;
    }
    if ((events & EPOLLOUT) && c.sent < message_.size()) send_more(i);
    if (c.fd >= 0 && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))) receive(i);
  }

  void fail(std::size_t i) {
    connection& c = conns_[i];
    ++result_.errors;
    if (c.active) --busy_;
    c.active = false;
    ::close(c.fd);  // also leaves the epoll set
    c.fd = -1;
  }

  const echo_options& o_;
  const std::string message_;
  std::vector<char> scratch_;
  std::vector<connection> conns_;
  std::vector<epoll_event> events_;
  int ep_ = -1;
  long long issued_ = 0;
  long long busy_ = 0;  // connections with a message in flight
  clock::time_point hard_deadline_;
  echo_result result_;
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
  const echo_result r = load.run(to);
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
  auto* duration = echo->add_option("--duration,-d", o->duration, "seconds to run (default 5)")
                       ->check(CLI::PositiveNumber);
  auto* messages =
      echo->add_option("--messages,-m", o->messages, "stop after this many messages in all instead")
          ->check(CLI::Range(1LL, 1LL << 50));
  duration->excludes(messages);
  unix_opt->excludes(port);
  echo->add_flag("--json", o->json, "one JSON object instead of text");
  echo->add_option("--timeout", o->timeout,
                   "give up after this many seconds (default: duration + 30, or 600 with "
                   "--messages)")
      ->check(CLI::PositiveNumber);
  echo->add_option("--connect-timeout", o->connect_timeout, "seconds to open every connection")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  auto run = [o, echo, port, unix_opt]() {
    if (!echo->parsed()) throw usage_error("which benchmark? (echo)");
    if (unix_opt->count() != 0 && o->unix_path.empty())
      throw usage_error("--unix needs a non-empty PATH");
    if (unix_opt->count() == 0 && port->count() == 0)
      throw usage_error("--port P (or --unix PATH) is required");
    return run_echo(*o);
  };
  return {sub, run};
}

}  // namespace netkit::app
