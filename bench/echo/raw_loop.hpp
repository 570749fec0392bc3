// bench/echo/raw_loop.hpp — the hand-written edge-triggered epoll loop under the two raw limits
// (bench code, private to bench/): bench_echo_epoll and bench_http_raw differ only in what
// they do with a read.
//
//   struct connection : bench::raw::connection_base {};
//   void on_readable(connection* c, bool peer_closed);   // drains c->fd, answers, or closes c
//   int main(int argc, char** argv) {
//     return bench::raw::serve<connection>(argc, argv, "bench_echo_epoll", on_readable);
//   }
//
// Each socket is registered once, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, so no epoll_ctl is
// needed per message. Output the socket did not take waits in `pending`, and reading pauses
// until it is gone, so a client that does not read cannot grow the server's memory.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "server_common.hpp"

namespace bench::raw {

struct connection_base {
  int fd = -1;
  std::string pending;  // output the socket has not taken yet
  std::size_t pending_sent = 0;
};

// For the hand-written epoll loops (the raw limits). SIGINT/SIGTERM run `handler` (which sets
// the loop's stop flag) and are blocked except inside epoll_pwait with the mask returned, so a
// signal can never slip in between the check of the flag and the wait.
inline sigset_t block_stop_signals(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  sigset_t stop_signals;
  sigset_t wait_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &stop_signals, &wait_mask);
  return wait_mask;
}

// A non-blocking listener on 127.0.0.1:port (0: any free port) in a new epoll instance
// (level-triggered, data.ptr null: accept_all may stop early on EMFILE), and the port it got;
// "listening on ..." is printed. False (with perror naming `who`) when bind or listen fails.
struct raw_listener {
  int listener = -1;
  int ep = -1;
};
inline bool listen_raw(int port, const char* who, raw_listener& out) {
  out.listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(out.listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(out.listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
      ::listen(out.listener, bench::backlog) < 0 ||
      ::getsockname(out.listener, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    std::perror((std::string(who) + ": bind/listen").c_str());
    return false;
  }
  out.ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event lev{};
  lev.events = EPOLLIN;
  lev.data.ptr = nullptr;
  ::epoll_ctl(out.ep, EPOLL_CTL_ADD, out.listener, &lev);
  bench::print_listening(ntohs(addr.sin_port));
  return true;
}

// The one read buffer of the loop.
inline char buffer[read_size];

inline volatile std::sig_atomic_t stop_requested = 0;
inline void on_stop_signal(int /*signal*/) { stop_requested = 1; }

template <class Connection>
void close_connection(Connection* c) {
  ::close(c->fd);  // also removes it from the epoll set
  delete c;        // NOLINT(cppcoreguidelines-owning-memory): epoll's data.ptr owns it
}

// Sends what is pending; false if the connection had to be closed.
template <class Connection>
bool flush(Connection* c) {
  while (c->pending_sent < c->pending.size()) {
    const ssize_t n = ::send(c->fd, c->pending.data() + c->pending_sent,
                             c->pending.size() - c->pending_sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return true;
      close_connection(c);
      return false;
    }
    c->pending_sent += static_cast<std::size_t>(n);
  }
  c->pending.clear();
  c->pending_sent = 0;
  return true;
}

template <class Connection>
void accept_all(int listener, int ep) {
  for (;;) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors: the next edge retries
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto* c = new Connection{};  // NOLINT(cppcoreguidelines-owning-memory)
    c->fd = fd;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = c;
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) close_connection(c);
  }
}

inline void no_wake_work() {}

// Parses --port, listens on 127.0.0.1, prints "listening on ...", and runs the loop until
// SIGINT/SIGTERM: on_wake() once per wake-up, on_readable(c, peer_closed) for each readable
// connection. The exit status.
template <class Connection, class OnReadable, class OnWake = void (*)()>
int serve(int argc, char** argv, const char* who, OnReadable on_readable,
          OnWake on_wake = no_wake_work) {
  const int port = parse_port(argc, argv);
  const sigset_t wait_mask = block_stop_signals(on_stop_signal);
  raw_listener l;
  if (!listen_raw(port, who, l)) return 1;

  std::vector<epoll_event> events(1024);
  while (stop_requested == 0) {
    const int n =
        ::epoll_pwait(l.ep, events.data(), static_cast<int>(events.size()), -1, &wait_mask);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::perror((std::string(who) + ": epoll_pwait").c_str());
      return 1;
    }
    on_wake();
    for (int i = 0; i < n; ++i) {
      const std::uint32_t ev = events[static_cast<std::size_t>(i)].events;
      auto* c = static_cast<Connection*>(events[static_cast<std::size_t>(i)].data.ptr);
      if (c == nullptr) {
        accept_all<Connection>(l.listener, l.ep);
        continue;
      }
      if (ev & EPOLLERR) {
        close_connection(c);
        continue;
      }
      if (!c->pending.empty()) {
        if (!(ev & EPOLLOUT) || !flush(c) || !c->pending.empty()) continue;
        // Drained: read what arrived while reading was paused (its edge was consumed).
        on_readable(c, true);
        continue;
      }
      if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))
        on_readable(c, (ev & (EPOLLRDHUP | EPOLLHUP)) != 0);
    }
  }
  ::close(l.ep);
  ::close(l.listener);
  return 0;
}

}  // namespace bench::raw
