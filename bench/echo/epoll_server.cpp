// bench/echo/epoll_server.cpp — bench_echo_epoll: a raw, hand-written edge-triggered epoll echo
// loop, the limit the other servers are measured against (bench/echo/run.py).
//
//   bench_echo_epoll --port 0       # prints "listening on 127.0.0.1:PORT"; SIGTERM stops it
//
// No library, no abstraction: the loop of raw_loop.hpp, one 64 KiB buffer for every read, the
// data written straight back, and only what the socket did not take kept. A short read ends
// the drain (the socket is empty) without the read that would only return EAGAIN.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "raw_loop.hpp"

namespace {

using bench::raw::buffer;

struct connection : bench::raw::connection_base {};

void on_readable(connection* c, bool peer_closed) {
  for (;;) {
    const ssize_t n = ::read(c->fd, buffer, sizeof buffer);
    if (n > 0) {
      const auto got = static_cast<std::size_t>(n);
      ssize_t w = ::send(c->fd, buffer, got, MSG_NOSIGNAL);
      if (w < 0) {
        if (errno != EAGAIN) {
          bench::raw::close_connection(c);
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
    bench::raw::close_connection(c);  // end of stream or an error
    return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return bench::raw::serve<connection>(argc, argv, "bench_echo_epoll", on_readable);
}
