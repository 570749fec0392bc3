// netkit/socketserver/server.hpp — Python's socketserver servers (public): tcp_server,
// udp_server, unix_stream_server, unix_datagram_server; threading, forking and pool variants
// are in netkit/socketserver/mixins.hpp.
//
//   netkit::tcp_server server({"127.0.0.1", 0}, netkit::handler<echo>());
//   std::thread t([&] { server.serve_forever(); });
//   ...                                   // server.server_address has the real port
//   server.shutdown();                    // returns once serve_forever has returned
//   t.join();
//   server.server_close();
//
// Methods for the caller: serve_forever, shutdown, handle_request, server_close, fileno (all
// but fileno may be overridden too, as in Python).
// Methods you may override: server_bind, server_activate, get_request, verify_request,
// process_request, finish_request, shutdown_request, close_request, handle_error,
// handle_timeout, service_actions. C++ calls no override from a constructor, so a server
// class that overrides server_bind or server_activate passes bind_and_activate = false in its
// options and calls bind_and_activate() at the end of its own constructor.
//
// Unlike CPython, serve_forever does not poll for shutdown: shutdown() wakes it at once
// (poll_interval still paces service_actions). shutdown() before serve_forever runs returns at
// once and makes the next serve_forever return as soon as it starts.
//
// A server class that overrides anything its request threads call (finish_request,
// handle_error, ...) must call server_close() in its own destructor: the mixins join their
// threads in theirs, when the derived part is already gone.
//
// Thread safety: shutdown() may be called from any thread; everything else belongs to the
// thread running the server.
#pragma once

#include <sys/stat.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>

#include "netkit/socket/endpoint.hpp"
#include "netkit/socket/socket.hpp"
#include "netkit/socketserver/request_handler.hpp"

namespace netkit {

// What Python sets as class attributes before the server binds.
struct server_options {
  bool allow_reuse_address = false;
  bool allow_reuse_port = false;
  int request_queue_size = 5;
  bool bind_and_activate = true;
};

class base_server {
 public:
  base_server(const base_server&) = delete;
  base_server& operator=(const base_server&) = delete;
  virtual ~base_server();

  // --- methods for the caller ---
  // Handles requests until shutdown(); poll_interval paces service_actions().
  virtual void serve_forever(double poll_interval = 0.5);
  // Asks serve_forever to return and waits until it has (from another thread).
  virtual void shutdown();
  // Waits for one request (at most `timeout` / the socket's timeout) and handles it, or calls
  // handle_timeout().
  virtual void handle_request();
  virtual void server_close();
  int fileno() const noexcept { return socket_.fileno(); }
  socket& server_socket() noexcept { return socket_; }

  // --- attributes ---
  socket_address server_address;  // after bind: the real address (port 0 resolved)
  server_options options;
  timeout_t timeout;                    // handle_request's timeout; std::nullopt = wait forever
  handler_factory RequestHandlerClass;  // NOLINT: Python's name

  // --- methods you may override ---
  virtual void server_bind();
  virtual void server_activate() {}
  // One request; std::nullopt when there was none after all (a would-block, a failed accept).
  virtual std::optional<std::pair<server_request, socket_address>> get_request() = 0;
  virtual bool verify_request(server_request&, const socket_address&) { return true; }
  virtual void process_request(server_request request, const socket_address& client_address);
  virtual void finish_request(server_request& request, const socket_address& client_address);
  virtual void shutdown_request(server_request& request) { close_request(request); }
  virtual void close_request(server_request&) {}
  // Called with the handler's exception current; prints Python's report to stderr.
  virtual void handle_error(server_request& request, const socket_address& client_address);
  virtual void handle_timeout() {}
  virtual void service_actions() {}

 protected:
  base_server(const endpoint& address, handler_factory factory, int family, int type,
              server_options options);
  // server_bind() then server_activate(); server_close() and rethrow if either fails.
  void bind_and_activate();
  // The address given to the constructor, before any binding.
  const endpoint& requested_address() const noexcept { return requested_address_; }

 private:
  void handle_request_noblock();
  // Waits until the listening socket is readable, the timeout ends, or (or_shutdown)
  // shutdown() is called; true when the socket is readable.
  bool wait_readable(timeout_t limit, bool or_shutdown);

  socket socket_;
  endpoint requested_address_;
  // shutdown() wakes a sleeping serve_forever through this pipe (an eventfd).
  int wakeup_fd_ = -1;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool running_ = false;
  bool shutdown_request_ = false;
};

class tcp_server : public base_server {
 public:
  tcp_server(const endpoint& address, handler_factory factory, server_options opts = {})
      : tcp_server(address, std::move(factory), AF_INET, opts) {}
  void server_activate() override;
  std::optional<std::pair<server_request, socket_address>> get_request() override;
  void shutdown_request(server_request& request) override;
  void close_request(server_request& request) override;

 protected:
  tcp_server(const endpoint& address, handler_factory factory, int family, server_options opts);
};

class udp_server : public base_server {
 public:
  udp_server(const endpoint& address, handler_factory factory, server_options opts = {})
      : udp_server(address, std::move(factory), AF_INET, opts) {}
  std::optional<std::pair<server_request, socket_address>> get_request() override;

  std::size_t max_packet_size = 8192;

 protected:
  udp_server(const endpoint& address, handler_factory factory, int family, server_options opts);
};

// Unix servers bind a path; they remove, on server_close, only the socket file they created,
// and name a stale socket file left by another process when bind finds the path taken.
class unix_stream_server : public tcp_server {
 public:
  unix_stream_server(const endpoint& path, handler_factory factory, server_options opts = {});
  ~unix_stream_server() override;
  void server_bind() override;
  void server_close() override;

 private:
  std::optional<ino_t> created_;  // the inode of the socket file we made
};

class unix_datagram_server : public udp_server {
 public:
  unix_datagram_server(const endpoint& path, handler_factory factory, server_options opts = {});
  ~unix_datagram_server() override;
  void server_bind() override;
  void server_close() override;

 private:
  std::optional<ino_t> created_;
};

}  // namespace netkit
