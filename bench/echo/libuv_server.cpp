// bench/echo/libuv_server.cpp — bench_echo_libuv: the pingpong echo server in libuv (Debian's
// libuv1-dev), written for speed the way libuv allows: reads land in one 64 KiB buffer (the
// loop is single-threaded and read_cb consumes it before returning), the echo goes out with
// uv_try_write, and only a remainder the socket did not take is copied into a uv_write request,
// with reading stopped until it completes (bench/echo/run.py).
//
//   bench_echo_libuv --port 0       # prints "listening on 127.0.0.1:PORT"; SIGTERM stops it
#include <uv.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "server_common.hpp"

namespace {

char buffer[bench::read_size];

// A uv_write of the part uv_try_write left; the bytes live right after the struct.
struct write_request {
  uv_write_t req;
  std::size_t size;
  char data[1];
};

void on_close(uv_handle_t* h) { std::free(h); }  // NOLINT: allocated with malloc below

void on_alloc(uv_handle_t*, std::size_t, uv_buf_t* buf) {
  *buf = uv_buf_init(buffer, sizeof buffer);
}

void on_read(uv_stream_t* client, ssize_t n, const uv_buf_t* buf);

void on_written(uv_write_t* req, int status) {
  auto* stream = req->handle;
  std::free(req);  // NOLINT
  if (status < 0) {
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(stream)))
      uv_close(reinterpret_cast<uv_handle_t*>(stream), on_close);
    return;
  }
  uv_read_start(stream, on_alloc, on_read);
}

void on_read(uv_stream_t* client, ssize_t n, const uv_buf_t* buf) {
  if (n < 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(client), on_close);
    return;
  }
  if (n == 0) return;  // EAGAIN
  uv_buf_t out = uv_buf_init(buf->base, static_cast<unsigned>(n));
  int sent = uv_try_write(client, &out, 1);
  if (sent == n) return;
  if (sent < 0) {
    if (sent != UV_EAGAIN) {
      uv_close(reinterpret_cast<uv_handle_t*>(client), on_close);
      return;
    }
    sent = 0;
  }
  const auto rest = static_cast<std::size_t>(n - sent);
  auto* w = static_cast<write_request*>(std::malloc(sizeof(write_request) + rest));  // NOLINT
  w->size = rest;
  std::memcpy(w->data, buf->base + sent, rest);
  uv_buf_t pending = uv_buf_init(w->data, static_cast<unsigned>(rest));
  uv_read_stop(client);  // resumed by on_written: bounded memory for a client that does not read
  uv_write(&w->req, client, &pending, 1, on_written);
}

void on_connection(uv_stream_t* server, int status) {
  if (status < 0) return;
  auto* client = static_cast<uv_tcp_t*>(std::malloc(sizeof(uv_tcp_t)));  // NOLINT
  uv_tcp_init(server->loop, client);
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(client)) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(client), on_close);
    return;
  }
  uv_tcp_nodelay(client, 1);
  uv_read_start(reinterpret_cast<uv_stream_t*>(client), on_alloc, on_read);
}

void on_signal(uv_signal_t* handle, int) { uv_stop(handle->loop); }

}  // namespace

int main(int argc, char** argv) {
  const int port = bench::parse_port(argc, argv);
  uv_loop_t* loop = uv_default_loop();
  uv_tcp_t server;
  uv_tcp_init(loop, &server);
  sockaddr_in addr{};
  uv_ip4_addr("127.0.0.1", port, &addr);
  int rc = uv_tcp_bind(&server, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0)
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&server), bench::backlog, on_connection);
  if (rc != 0) {
    std::fprintf(stderr, "bench_echo_libuv: %s\n", uv_strerror(rc));
    return 1;
  }
  int len = sizeof addr;
  uv_tcp_getsockname(&server, reinterpret_cast<sockaddr*>(&addr), &len);
  uv_signal_t sigint;
  uv_signal_t sigterm;
  uv_signal_init(loop, &sigint);
  uv_signal_init(loop, &sigterm);
  uv_signal_start(&sigint, on_signal, SIGINT);
  uv_signal_start(&sigterm, on_signal, SIGTERM);
  bench::print_listening(ntohs(addr.sin_port));
  uv_run(loop, UV_RUN_DEFAULT);
  return 0;
}
