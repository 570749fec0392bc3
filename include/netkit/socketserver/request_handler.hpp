// netkit/socketserver/request_handler.hpp — Python's socketserver request handlers (public):
// write handle(), get a working server.
//
//   struct echo : netkit::stream_request_handler {
//     void handle() override {
//       for (netkit::bytes line; !(line = rfile().readline()).empty();) wfile().write(line);
//     }
//   };
//   netkit::tcp_server server({"127.0.0.1", 0}, netkit::handler<echo>());
//
// A new handler object serves each request: setup(), handle(), then finish() — finish() even
// when handle() throws; the exception then goes on to the server's handle_error().
// Methods you may override: setup, handle, finish. Attributes: request(), client_address(),
// server(), valid from setup() to the end of finish().
//
// Thread safety: a handler belongs to the thread serving its request.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "netkit/bytes.hpp"
#include "netkit/socket/socket.hpp"
#include "netkit/socket/socket_address.hpp"
#include "netkit/socket/socket_file.hpp"

namespace netkit {

class base_server;

// What a server hands its handler: for stream servers the accepted connection; for datagram
// servers the datagram and the server's socket to answer through (Python's (data, socket)).
struct server_request {
  socket connection;
  bytes packet;
  socket* reply_socket = nullptr;
  // Python's handler.request for stream servers, and request[1] for datagram servers.
  socket& sock() noexcept { return reply_socket != nullptr ? *reply_socket : connection; }
};

class base_request_handler {
 public:
  base_request_handler() = default;
  base_request_handler(const base_request_handler&) = delete;
  base_request_handler& operator=(const base_request_handler&) = delete;
  virtual ~base_request_handler() = default;

  virtual void setup() {}
  virtual void handle() {}
  virtual void finish() {}

  // The stream connection, or for datagram servers the server's socket.
  socket& request() noexcept { return req_->sock(); }
  server_request& raw_request() noexcept { return *req_; }
  const socket_address& client_address() const noexcept { return *client_address_; }
  base_server& server() noexcept { return *server_; }

  // Called by the server: setup(), handle(), finish() with Python's guarantees.
  void run(server_request& request, const socket_address& client_address, base_server& server);

 private:
  server_request* req_ = nullptr;
  const socket_address* client_address_ = nullptr;
  base_server* server_ = nullptr;
};

// Python's StreamRequestHandler: rfile (buffered reads, readline) and wfile (unbuffered
// writes, as Python's wbufsize = 0) over the connection.
class stream_request_handler : public base_request_handler {
 public:
  void setup() override;
  void finish() override;

  socket_file& rfile() { return *rfile_; }
  socket_file& wfile() { return *wfile_; }

 protected:
  // Python's class attributes; set them in the derived class's constructor.
  std::optional<seconds_f> timeout;      // applied to the connection in setup()
  bool disable_nagle_algorithm = false;  // TCP_NODELAY in setup()
  std::size_t rbufsize = 8192;

 private:
  std::optional<socket_file> rfile_;
  std::optional<socket_file> wfile_;
};

// An in-memory byte stream, Python's io.BytesIO, for datagram handlers.
class bytes_io {
 public:
  explicit bytes_io(bytes initial = {}) : data_(std::move(initial)) {}
  bytes read(std::optional<std::size_t> n = std::nullopt);
  bytes readline();
  std::size_t write(bytes_view data) {
    data_.append(data);
    return data.size();
  }
  const bytes& getvalue() const noexcept { return data_; }

 private:
  bytes data_;
  std::size_t pos_ = 0;
};

// Python's DatagramRequestHandler: rfile reads the datagram, and what is written to wfile is
// sent back to the client in one datagram by finish().
class datagram_request_handler : public base_request_handler {
 public:
  void setup() override;
  void finish() override;

  const bytes& packet() { return raw_request().packet; }
  bytes_io& rfile() { return rfile_; }
  bytes_io& wfile() { return wfile_; }

 private:
  bytes_io rfile_;
  bytes_io wfile_;
};

// Makes the handler objects: Python passes the handler class, netkit a factory.
using handler_factory = std::function<std::unique_ptr<base_request_handler>()>;

template <class Handler, class... Args>
handler_factory handler(Args... args) {
  return [args...] { return std::make_unique<Handler>(args...); };
}

}  // namespace netkit
