// tests/unit/http/helpers.hpp — shared by the HTTP tests: netkit's server on a reactor thread,
// and a blocking reader that parses its answers with netkit's own response parser.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "netkit/http/body_decoder.hpp"
#include "netkit/http/header_fields.hpp"
#include "netkit/http/parser.hpp"
#include "netkit/http/server.hpp"
#include "netkit/reactor/port.hpp"
#include "netkit/reactor/reactor.hpp"
#include "netkit/socket/socket.hpp"

namespace netkit_test {

// server_options with the access log off: tests keep stderr for their own failures.
inline netkit::http::server_options quiet() {
  netkit::http::server_options o;
  o.access_log = false;
  return o;
}

// A netkit::http::server listening on a free loopback port, on a reactor of its own thread.
// `setup` adds the routes before the loop starts; stopped and joined on destruction.
class server_thread {
 public:
  explicit server_thread(const std::function<void(netkit::http::server&)>& setup,
                         netkit::http::server_options opt = quiet())
      : srv_(loop_, std::move(opt)) {
    setup(srv_);
    port_ = srv_.listen(0).get_host().port();
    thread_ = std::thread([this] { loop_.run(); });
  }
  server_thread(const server_thread&) = delete;
  server_thread& operator=(const server_thread&) = delete;
  ~server_thread() {
    loop_.call_from_thread([this] { loop_.stop(); });
    thread_.join();
  }

  int port() const { return port_; }

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  // A blocking client socket connected to the server; a positive `rcvbuf` is set before the
  // connect, since that is what sizes the TCP window.
  netkit::socket connect(int rcvbuf = 0) const {
    netkit::socket s(AF_INET, SOCK_STREAM);
    if (rcvbuf > 0) s.setsockopt(SOL_SOCKET, SO_RCVBUF, rcvbuf);
    s.settimeout(std::chrono::seconds(10));
    s.connect({"127.0.0.1", port_});
    return s;
  }

 private:
  netkit::reactor loop_;
  netkit::http::server srv_;
  int port_ = 0;
  std::thread thread_;
};

// One answer as a client sees it.
struct answer {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string body;

  std::string get(std::string_view name) const {
    for (const auto& [n, v] : fields)
      if (netkit::http::iequals(n, name)) return v;
    return {};
  }
  bool has(std::string_view name) const {
    for (const auto& f : fields)
      if (netkit::http::iequals(f.first, name)) return true;
    return false;
  }
};

// Reads answers off a socket, `chunk` bytes per recv, keeping what follows one for the next.
class reader {
 public:
  explicit reader(netkit::socket& s, std::size_t chunk = 65536) : s_(s), chunk_(chunk) {}

  // The next answer, to a request made with `method`; throws on EOF or a bad head or body.
  answer next(std::string_view method = "GET") {
    namespace http = netkit::http;
    http::response_head head;
    http::parse_error err;
    for (;;) {
      const auto st = http::parse_response_head(buf_, method, {}, head, err);
      if (st == http::parse_status::complete) break;
      if (st == http::parse_status::error) throw std::runtime_error("bad answer: " + err.message);
      if (!more()) throw std::runtime_error("EOF before an answer's head: " + buf_);
    }
    answer a;
    a.status = head.status;
    a.reason = head.reason;
    for (const auto& f : head.fields) a.fields.emplace_back(f.name, f.value);
    std::size_t used = head.size;
    http::body_decoder d = http::body_decoder::for_response(head, {});
    while (!d.done()) {
      const auto step = d.feed(std::string_view(buf_).substr(used), err);
      if (err.status != 0) throw std::runtime_error("bad body: " + err.message);
      used += step.consumed;
      a.body.append(step.data);
      if (d.done() || step.consumed != 0) continue;
      buf_.erase(0, used);  // the body may be big: keep only what is not parsed yet
      used = 0;
      if (!more()) {
        d.finish(err);
        if (err.status != 0) throw std::runtime_error("body cut short");
        break;
      }
    }
    buf_.erase(0, used);
    return a;
  }

  // True when the server closed the connection with nothing more to say.
  bool closed() {
    if (!buf_.empty()) return false;
    return !more();
  }

 private:
  bool more() {
    const netkit::bytes b = s_.recv(chunk_);
    if (b.empty()) return false;
    buf_ += b;
    return true;
  }
  netkit::socket& s_;
  std::size_t chunk_;
  std::string buf_;
};

}  // namespace netkit_test
