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
// The loop is bench_echo_epoll's (bench/echo/raw_loop.hpp): answers are sent straight from the
// precomputed text, and only what the socket did not take is copied and kept.
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include "raw_loop.hpp"

namespace {

using bench::raw::buffer;

struct connection : bench::raw::connection_base {
  char tail[3] = {};  // the last three bytes read, for a "\r\n\r\n" split between reads
};

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

// Answers `count` requests; false if the connection had to be closed.
bool answer(connection* c, std::size_t count) {
  if (count == 1) {
    // The usual case: one request, one send straight from the precomputed text.
    const ssize_t w = ::send(c->fd, response.data(), response.size(), MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN) {
      bench::raw::close_connection(c);
      return false;
    }
    const std::size_t sent = w < 0 ? 0 : static_cast<std::size_t>(w);
    if (sent < response.size()) c->pending.assign(response, sent);
    return true;
  }
  // Pipelined requests: their answers in one buffer, one send for all.
  c->pending.reserve(count * response.size());
  for (std::size_t i = 0; i < count; ++i) c->pending += response;
  return bench::raw::flush(c);
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
    bench::raw::close_connection(c);  // end of stream or an error
    return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  build_response();
  // One clock read per wake-up (vDSO), not per request.
  return bench::raw::serve<connection>(argc, argv, "bench_http_raw", on_readable, refresh_date);
}
