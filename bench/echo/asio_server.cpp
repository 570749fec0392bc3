// bench/echo/asio_server.cpp — bench_echo_asio: the pingpong echo server in standalone asio
// (Debian's libasio-dev), the idiomatic fast way: one io_context with a concurrency hint of 1
// (no locking), one session per connection owning its 64 KiB buffer, async_read_some then
// async_write of what was read (bench/echo/run.py).
//
//   bench_echo_asio --port 0        # prints "listening on 127.0.0.1:PORT"; SIGTERM stops it
#include <array>
#include <asio.hpp>
#include <cstdio>
#include <memory>
#include <utility>

#include "server_common.hpp"

namespace {

using asio::ip::tcp;

class session : public std::enable_shared_from_this<session> {
 public:
  explicit session(tcp::socket s) : socket_(std::move(s)) {}
  void start() { read(); }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(data_),
                            [self = shared_from_this()](std::error_code ec, std::size_t n) {
                              if (!ec) self->write(n);
                            });
  }
  void write(std::size_t n) {
    asio::async_write(socket_, asio::buffer(data_, n),
                      [self = shared_from_this()](std::error_code ec, std::size_t) {
                        if (!ec) self->read();
                      });
  }

  tcp::socket socket_;
  std::array<char, bench::read_size> data_{};
};

class server {
 public:
  server(asio::io_context& io, int port)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                    static_cast<unsigned short>(port))) {
    accept();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept() {
    acceptor_.async_accept([this](std::error_code ec, tcp::socket s) {
      if (!ec) {
        s.set_option(tcp::no_delay(true));
        std::make_shared<session>(std::move(s))->start();
      }
      accept();
    });
  }
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  const int port = bench::parse_port(argc, argv);
  try {
    asio::io_context io(1);
    server s(io, port);
    asio::signal_set stop(io, SIGINT, SIGTERM);
    stop.async_wait([&io](std::error_code, int) { io.stop(); });
    bench::print_listening(s.port());
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_echo_asio: %s\n", e.what());
    return 1;
  }
  return 0;
}
