// bench/echo/epoll_server.cpp — bench_echo_epoll: a raw, hand-written edge-triggered epoll echo
// loop, the limit the other servers are measured against (bench/echo/run.py).
//
//   bench_echo_epoll --port 0       # prints "listening on 127.0.0.1:PORT"; SIGTERM stops it
//
// No library, no abstraction: one 64 KiB buffer for every read, the data written straight
// back, and only what the socket did not take kept (reading pauses until it is gone, so a
// client that does not read cannot grow the server's memory). Each socket is registered once,
// EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, so no epoll_ctl is needed per message, and a short
// read ends the drain (the socket is empty) without the read that would only return EAGAIN.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "server_common.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void on_stop_signal(int) { stop_requested = 1; }

struct connection {
  int fd = -1;
  std::string pending;  // echo the socket has not taken yet
  std::size_t pending_sent = 0;
};

char buffer[bench::read_size];

void close_connection(connection* c) {
  ::close(c->fd);  // also removes it from the epoll set
  delete c;        // NOLINT(cppcoreguidelines-owning-memory): epoll's data.ptr owns it
}

// Sends what is pending; false if the connection had to be closed.
bool flush(connection* c) {
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

void on_readable(connection* c, bool peer_closed) {
  for (;;) {
    const ssize_t n = ::read(c->fd, buffer, sizeof buffer);
    if (n > 0) {
      const auto got = static_cast<std::size_t>(n);
      ssize_t w = ::send(c->fd, buffer, got, MSG_NOSIGNAL);
      if (w < 0) {
        if (errno != EAGAIN) {
          close_connection(c);
          return;
        }
        w = 0;
      }
      if (static_cast<std::size_t>(w) < got) {
        c->pending.assign(buffer + w, got - static_cast<std::size_t>(w));
        return;  // the EPOLLOUT edge resumes
      }
      if (got < sizeof buffer && !peer_closed) return;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    close_connection(c);  // end of stream or an error
    return;
  }
}

void accept_all(int listener, int ep) {
  for (;;) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors: the next edge retries
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto* c = new connection{fd, {}, 0};  // NOLINT(cppcoreguidelines-owning-memory)
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = c;
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) close_connection(c);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int port = bench::parse_port(argc, argv);

  const sigset_t wait_mask = bench::block_stop_signals(on_stop_signal);
  bench::raw_listener l;
  if (!bench::listen_raw(port, "bench_echo_epoll", l)) return 1;
  const int listener = l.listener;
  const int ep = l.ep;

  std::vector<epoll_event> events(1024);
  while (stop_requested == 0) {
    const int n = ::epoll_pwait(ep, events.data(), static_cast<int>(events.size()), -1, &wait_mask);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::perror("bench_echo_epoll: epoll_pwait");
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      const std::uint32_t ev = events[static_cast<std::size_t>(i)].events;
      auto* c = static_cast<connection*>(events[static_cast<std::size_t>(i)].data.ptr);
      if (c == nullptr) {
        accept_all(listener, ep);
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
  ::close(ep);
  ::close(listener);
  return 0;
}
