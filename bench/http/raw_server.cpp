// bench/http/raw_server.cpp — bench_http_raw: the raw limit for the HTTP benchmark
// (bench/http/run.py), a hand-written edge-triggered epoll loop that answers "Hello, World!".
//
//   bench_http_raw --port 0       # prints "listening on 127.0.0.1:PORT"; SIGTERM stops it
//
// No HTTP parsing: it counts complete requests by their "\r\n\r\n" (the last bytes of a read
// kept, so a terminator split between two reads counts once) and answers each with the same
// precomputed response, in order, so pipelined requests get one answer each. The Date field is
// rewritten in place once a second, as a real server's would be. That is the ceiling a real
// server can approach: what is left is the kernel's loopback path and the event loop.
// Like bench_echo_epoll: every socket registered once (IN|OUT|RDHUP|ET), one static read
// buffer, answers sent straight from the precomputed text, and only what the socket did not
// take is copied and kept (reading pauses until it is gone).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "server_common.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void on_stop_signal(int) { stop_requested = 1; }

struct connection {
  int fd = -1;
  char tail[3] = {};    // the last three bytes read, for a "\r\n\r\n" split between reads
  std::string pending;  // answers the socket has not taken yet
  std::size_t pending_sent = 0;
};

char buffer[bench::read_size];

// "HTTP/1.1 200 OK ... Date: <29 characters> ... Hello, World!"; date_at is where the date is.
std::string response;
std::size_t date_at = 0;
std::time_t date_second = -1;

void format_date(std::time_t now, char* out) {
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  std::strftime(out, 30, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

void build_response() {
  char date[30];
  date_second = std::time(nullptr);
  format_date(date_second, date);
  response = "HTTP/1.1 200 OK\r\nServer: raw\r\nDate: ";
  date_at = response.size();
  response += date;
  response +=
      "\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
      "Hello, World!";
}

void refresh_date() {
  const std::time_t now = std::time(nullptr);
  if (now == date_second) return;
  date_second = now;
  char date[30];
  format_date(now, date);
  response.replace(date_at, 29, date, 29);
}

// Complete requests among `data`: the "\r\n\r\n" that end in it. memchr finds each '\n' (the
// rarest byte of the four); the three bytes before it may lie in the previous read (tail).
std::size_t count_requests(connection* c, const char* data, std::size_t size) {
  std::size_t n = 0;
  const char* const end = data + size;
  for (const char* p = data; (p = static_cast<const char*>(std::memchr(p, '\n', end - p))); ++p) {
    const std::ptrdiff_t i = p - data;
    const auto at = [&](std::ptrdiff_t k) { return k >= 0 ? data[k] : c->tail[3 + k]; };
    if (at(i - 1) == '\r' && at(i - 2) == '\n' && at(i - 3) == '\r') ++n;
  }
  // Keep the last three bytes seen, for a terminator split between this read and the next.
  if (size >= 3) {
    std::memcpy(c->tail, end - 3, 3);
  } else {
    std::memmove(c->tail, c->tail + size, 3 - size);
    std::memcpy(c->tail + 3 - size, data, size);
  }
  return n;
}

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

// Answers `count` requests; false if the connection had to be closed.
bool answer(connection* c, std::size_t count) {
  if (count == 1) {
    // The usual case: one request, one send straight from the precomputed text.
    const ssize_t w = ::send(c->fd, response.data(), response.size(), MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN) {
      close_connection(c);
      return false;
    }
    const std::size_t sent = w < 0 ? 0 : static_cast<std::size_t>(w);
    if (sent < response.size()) c->pending.assign(response, sent);
    return true;
  }
  // Pipelined requests: their answers in one buffer, one send for all.
  c->pending.reserve(count * response.size());
  for (std::size_t i = 0; i < count; ++i) c->pending += response;
  return flush(c);
}

void on_readable(connection* c, bool peer_closed) {
  for (;;) {
    const ssize_t n = ::read(c->fd, buffer, sizeof buffer);
    if (n > 0) {
      const auto got = static_cast<std::size_t>(n);
      const std::size_t count = count_requests(c, buffer, got);
      if (count > 0 && !answer(c, count)) return;
      if (!c->pending.empty()) return;  // the EPOLLOUT edge resumes
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
    auto* c = new connection{fd, {}, {}, 0};  // NOLINT(cppcoreguidelines-owning-memory)
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = c;
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) close_connection(c);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int port = bench::parse_port(argc, argv);
  build_response();

  const sigset_t wait_mask = bench::block_stop_signals(on_stop_signal);
  bench::raw_listener l;
  if (!bench::listen_raw(port, "bench_http_raw", l)) return 1;
  const int listener = l.listener;
  const int ep = l.ep;

  std::vector<epoll_event> events(1024);
  while (stop_requested == 0) {
    const int n = ::epoll_pwait(ep, events.data(), static_cast<int>(events.size()), -1, &wait_mask);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::perror("bench_http_raw: epoll_pwait");
      return 1;
    }
    refresh_date();  // one clock read per wake-up (vDSO), not per request
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
