// netkit/http/server.hpp — an HTTP/1.1 server on the reactor (public): routes by method and
// path to handlers that fill in a response. Python's http.server.HTTPServer with a
// BaseHTTPRequestHandler, event-driven: keep-alive, pipelining, Expect: 100-continue, HEAD,
// limits (414, 431, 413, 400, 501, 505) and timeouts for slow or idle clients.
//
//   netkit::reactor loop;
//   netkit::http::server srv(loop);
//   srv.route("GET", "/", [](const netkit::http::request&, netkit::http::response& r) {
//     r.body = "Hello, World!";
//   });
//   srv.listen(8000);  // 127.0.0.1
//   loop.run();
//
// Handlers run on the reactor's thread and answer before they return (the response is sent
// as soon as the handler is done, in request order). Routes are set up before serving; with a
// reactor_pool (`pool.listen_tcp(port, srv.factory())`) every loop shares them, so a handler
// must then be safe to call from several threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "netkit/file_descriptor.hpp"
#include "netkit/http/header_fields.hpp"
#include "netkit/http/parser.hpp"
#include "netkit/reactor/factory.hpp"
#include "netkit/socket/socket_address.hpp"

namespace netkit {
class reactor;
class port;
}  // namespace netkit

namespace netkit::http {

// One request, as the handler sees it. Every view is valid until the handler returns.
struct request {
  std::string_view method;
  std::string_view target;  // as sent: "/a%20b?x=1"
  std::string_view path;    // target up to '?' or '#', not unquoted: "/a%20b"
  std::string_view query;   // after '?', without it: "x=1"
  int minor_version = 1;    // HTTP/1.<minor_version>
  std::span<const header_field> fields;
  std::string_view body;
  socket_address client_address;

  // The first field of that name (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const noexcept;
};

// What the handler answers. The server adds Date, Server, Content-Length (or, for a body it
// does not know the length of, nothing: there is none) and Connection.
struct response {
  int status = 200;
  std::string reason;  // empty: the standard phrase (Python's HTTPStatus)
  std::string content_type = "text/plain; charset=utf-8";  // empty: no Content-Type
  http::headers headers;                                   // any others
  std::string body;                                        // not sent for HEAD or 1xx/204/304
  bool close = false;                                      // close the connection after it
  // A line for the access log before the request's own (Python's send_error logs "code 404,
  // message File not found" so); set by set_error.
  std::string error_log;
  // A file to send as the body instead of `body` (through sendfile(2)): file_length bytes
  // from file_offset. Content-Length is file_length.
  file_descriptor file;
  std::uint64_t file_offset = 0;
  std::uint64_t file_length = 0;
  // A body made as it goes out, for answers whose length is not known up front (instead of
  // `body` or `file`): called whenever the connection can take more, it appends the next piece
  // to `out` and returns false with the last one. HTTP/1.1 clients get it chunked
  // (Transfer-Encoding: chunked), HTTP/1.0 ones until the connection closes. It runs after the
  // handler has returned, so it must own what it reads (not the request's views). A client that
  // does not read stops the calls (flow control) until it does.
  std::function<bool(std::string& out)> stream;

  // Python's send_error: the status, its HTML page (status.hpp's error_page), its
  // Content-Type and Connection: close. message, when given, replaces the reason phrase in
  // the page and in the status line; explain the code's description in the page.
  void set_error(int code, std::optional<std::string_view> message = std::nullopt,
                 std::optional<std::string_view> explain = std::nullopt);
};

using handler = std::function<void(const request&, response&)>;

struct server_options {
  parser_limits limits;
  // A request's head must have arrived this long after its first byte (slowloris), else 408
  // and the connection closes. A new connection's first request counts from the accept: one
  // that sends nothing in that time is closed without an answer.
  std::chrono::duration<double> header_timeout{10.0};
  // A connection with no request in progress after its first answer (keep-alive), a body
  // that stops arriving, or an answer the client stops reading is closed after this long (an
  // answer still moving keeps it open).
  std::chrono::duration<double> idle_timeout{60.0};
  // Python's log_request line on stderr per response ("127.0.0.1 - - [date] "GET / HTTP/1.1"
  // 200 -"); off, nothing is logged. access_log_sink, when set, gets the lines instead.
  bool access_log = true;
  std::function<void(std::string_view line)> access_log_sink;
  std::string server_name = "netkit";  // the Server field; empty: none
};

class server {
 public:
  explicit server(reactor& loop, server_options options = {});
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  ~server();

  // Requests for exactly this method and path (the target before '?', not unquoted) go to h.
  // A path that has routes but not for this method answers 405 with Allow; an unknown method
  // 501, as Python does.
  void route(std::string_view method, std::string_view path, handler h);
  // Requests no route matches (default: 404 page; 405 / 501 as above).
  void set_fallback(handler h);

  // Listens on interface:port on this server's reactor; port 0 picks a free one.
  port& listen(int port, std::string_view interface = "127.0.0.1");
  // The factory behind listen(), for reactor::listen_tcp / listen_unix or a reactor_pool.
  std::shared_ptr<netkit::factory> factory();

  const server_options& options() const noexcept;

  struct state;  // shared with every connection (routes, options)

 private:
  reactor& loop_;
  std::shared_ptr<state> state_;
};

}  // namespace netkit::http
