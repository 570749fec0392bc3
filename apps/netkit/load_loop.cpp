// apps/netkit/load_loop.cpp — see load_loop.hpp.
#include "load_loop.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace netkit::app {

void add_run_options(CLI::App& cmd, double& duration, long long& count, const char* count_flags,
                     const char* count_help, bool& json, double& timeout, double& connect_timeout) {
  auto* d = cmd.add_option("--duration,-d", duration, "seconds to run (default 5)")
                ->check(CLI::PositiveNumber);
  auto* n = cmd.add_option(count_flags, count, count_help)->check(CLI::Range(1LL, 1LL << 50));
  d->excludes(n);
  cmd.add_flag("--json", json, "one JSON object instead of text");
  cmd.add_option("--timeout", timeout,
                 std::string("give up after this many seconds (default: duration + 30, or 600 "
                             "with ") +
                     std::string(count_flags).substr(0, std::string(count_flags).find(',')) + ")")
      ->check(CLI::PositiveNumber);
  cmd.add_option("--connect-timeout", connect_timeout, "seconds to open every connection")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void raise_fd_limit(rlim_t wanted) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= wanted) return;
  lim.rlim_cur = std::min(wanted, lim.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &lim);
}

namespace {

std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(s));
}

}  // namespace

load_loop::load_loop(std::size_t connections, const load_limits& limits)
    : conns_(connections), limits_(limits) {
  ep_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (ep_ < 0) throw std::system_error(errno, std::system_category(), "epoll_create1");
  events_.resize(std::clamp<std::size_t>(connections, 1, 1024));
}

load_loop::~load_loop() {
  for (auto& c : conns_)
    if (c.fd >= 0) ::close(c.fd);
  ::close(ep_);
}

double load_loop::run(const socket_address& to) {
  to_ = to;
  const double limit = limits_.timeout > 0 ? limits_.timeout
                       : limits_.counted   ? 600.0
                                           : limits_.duration + 30.0;
  const clock::time_point hard_deadline = clock::now() + seconds(limit);
  connect_all();
  if (connected_ == 0)
    throw std::runtime_error("no connection to " + to_.to_string() + " could be established" +
                             (connect_errno_ != 0
                                  ? ": " + std::system_category().message(connect_errno_)
                                  : std::string()));

  const clock::time_point began = clock::now();
  const clock::time_point end = limits_.counted ? hard_deadline : began + seconds(limits_.duration);
  now_ = began;
  for (std::size_t i = 0; i < conns_.size(); ++i)
    if (conns_[i].fd >= 0) start(i);
  while (busy_ > 0 && now_ < end) {
    const int n = wait(end);
    for (int k = 0; k < n; ++k) {
      const epoll_event& ev = events_[static_cast<std::size_t>(k)];
      const std::size_t i = ev.data.u32;
      if (conns_[i].fd < 0) continue;
      if (conns_[i].connecting) {
        finish_connect(i);
      } else {
        dispatch(i, ev.events);
      }
    }
  }
  if (limits_.counted && busy_ > 0) throw std::runtime_error("timed out");
  return std::chrono::duration<double>(clock::now() - began).count();
}

void load_loop::dispatch(std::size_t i, std::uint32_t events) {
  if (!conns_[i].busy) return;
  if (events & EPOLLERR) {
    fail(i);
    return;
  }
  if (events & EPOLLOUT) writable(i);
  if (conns_[i].fd >= 0 && conns_[i].busy && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)))
    readable(i);
}

void load_loop::begin(std::size_t i) noexcept {
  if (conns_[i].busy) return;
  conns_[i].busy = true;
  ++busy_;
}

void load_loop::end(std::size_t i) noexcept {
  if (!conns_[i].busy) return;
  conns_[i].busy = false;
  --busy_;
}

void load_loop::fail(std::size_t i) noexcept {
  connection& c = conns_[i];
  ++errors_;
  end(i);
  if (c.connecting) --connecting_;
  c.connecting = false;
  ::close(c.fd);  // also leaves the epoll set
  c.fd = -1;
}

void load_loop::send_rest(std::size_t i, const char* data, std::size_t size, std::size_t& sent) {
  while (sent < size) {
    const ssize_t n = ::send(conns_[i].fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return;
    } else {
      fail(i);
      return;
    }
  }
}

void load_loop::reopen(std::size_t i) {
  connection& c = conns_[i];
  ::close(c.fd);
  c.fd = -1;
  ++reconnects_;
  begin(i);  // busy until it is open again and start(i) has run
  open(i);
}

// Starts a non-blocking connect; finish_connect completes it on the socket's first readiness.
void load_loop::open(std::size_t i) {
  connection& c = conns_[i];
  const int fd = ::socket(to_.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::system_category(), "socket");
  c.fd = fd;
  c.connecting = true;
  ++connecting_;
  if (to_.family() != AF_UNIX) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u32 = static_cast<std::uint32_t>(i);
  ::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  // A Unix socket whose backlog is full says EAGAIN: finish_connect retries it.
  if (::connect(fd, to_.data(), to_.size()) != 0 && errno != EINPROGRESS && errno != EAGAIN) {
    connect_errno_ = errno;
    fail(i);
  }
}

void load_loop::finish_connect(std::size_t i) {
  connection& c = conns_[i];
  if (to_.family() == AF_UNIX) {
    if (::connect(c.fd, to_.data(), to_.size()) != 0 && errno != EISCONN) {
      if (errno != EAGAIN && errno != EINPROGRESS && errno != EALREADY) {
        connect_errno_ = errno;
        fail(i);
      }
      return;  // still waiting for room in the backlog
    }
  } else {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      connect_errno_ = err;
      fail(i);
      return;
    }
  }
  c.connecting = false;
  --connecting_;
  if (c.busy) {  // a reconnection during the run
    end(i);
    start(i);
  } else {
    ++connected_;
  }
}

void load_loop::connect_all() {
  for (std::size_t i = 0; i < conns_.size(); ++i) open(i);
  const clock::time_point give_up = clock::now() + seconds(limits_.connect_timeout);
  while (connecting_ > 0) {
    if (clock::now() >= give_up) throw std::runtime_error("timed out connecting");
    const int n = wait(give_up);
    for (int k = 0; k < n; ++k) {
      const std::size_t i = events_[static_cast<std::size_t>(k)].data.u32;
      if (conns_[i].fd >= 0 && conns_[i].connecting) finish_connect(i);
    }
  }
}

int load_loop::wait(clock::time_point until) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - clock::now());
  const int n = ::epoll_wait(ep_, events_.data(), static_cast<int>(events_.size()),
                             static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
  now_ = clock::now();
  if (n < 0 && errno != EINTR) throw std::system_error(errno, std::system_category(), "epoll_wait");
  return std::max(n, 0);
}

}  // namespace netkit::app
