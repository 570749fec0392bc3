// apps/netkit/bench_http.cpp — `netkit bench http`: keep-alive load on an HTTP server, as wrk
// gives it, with pipelining.
//
//   netkit bench http http://127.0.0.1:8000/ --connections 16 --duration 5 [--pipeline 8]
//   netkit bench http http://127.0.0.1:8000/index.html -c 1 --requests 10000 --json
//
// Every connection writes PIPELINE requests (GET, HTTP/1.1, keep-alive) in one send, reads
// their responses, then writes the next batch. A server that ends a connection (Connection:
// close, or a response read until the close) gets a new one; the requests it left unanswered
// are not counted. Reported: responses, responses/s, MiB/s received, the status classes,
// latency percentiles (a request's latency: from its batch's send to its response's last byte)
// and errors (connections lost to a failure or a malformed response).
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "command.hpp"
#include "load_loop.hpp"
#include "netkit/http/body_decoder.hpp"
#include "netkit/http/parser.hpp"
#include "netkit/socket.hpp"
#include "netkit/url/parse.hpp"

namespace netkit::app {
namespace {

struct http_load_options {
  std::string url;
  int connections = 16;
  double duration = 5.0;
  long long requests = 0;
  int pipeline = 1;
  std::vector<std::string> headers;
  bool json = false;
  double timeout = 0;
  double connect_timeout = 10.0;
};

// Latencies in microseconds, log-linear buckets (32 per power of two: under 3% error), so a
// run of any length keeps a fixed few KiB.
class latency_histogram {
 public:
  void record(std::uint64_t us) noexcept {
    ++counts_[index(us)];
    ++total_;
    max_ = std::max(max_, us);
  }
  std::uint64_t total() const noexcept { return total_; }
  std::uint64_t max() const noexcept { return max_; }
  // The smallest recorded value at or above fraction q of the samples (bucket's lower bound).
  std::uint64_t percentile(double q) const noexcept {
    if (total_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total_ - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < counts_.size(); ++b) {
      seen += counts_[b];
      if (seen >= rank) return std::min(lower_bound(b), max_);
    }
    return max_;
  }

 private:
  static constexpr std::size_t linear = 64;
  static constexpr std::size_t per_octave = 32;
  static std::size_t index(std::uint64_t v) noexcept {
    if (v < linear) return static_cast<std::size_t>(v);
    const int msb = std::bit_width(v) - 1;  // >= 6
    const auto sub = static_cast<std::size_t>((v >> (msb - 5)) & (per_octave - 1));
    return linear + static_cast<std::size_t>(msb - 6) * per_octave + sub;
  }
  static std::uint64_t lower_bound(std::size_t b) noexcept {
    if (b < linear) return b;
    const std::size_t octave = (b - linear) / per_octave;
    const std::size_t sub = (b - linear) % per_octave;
    return (std::uint64_t{per_octave} + sub) << (octave + 1);
  }
  std::array<std::uint64_t, linear + 58 * per_octave> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
};

struct http_result {
  double elapsed = 0;
  long long responses = 0;
  long long status_2xx = 0;
  long long status_other = 0;
  long long bad_responses = 0;
  long long unanswered = 0;  // connections the server closed with requests outstanding
  std::uint64_t bytes = 0;
};

class http_load : public load_loop {
 public:
  http_load(const http_load_options& o, std::string request, http_result& result)
      : load_loop(static_cast<std::size_t>(o.connections),
                  {o.duration, o.requests > 0, o.timeout, o.connect_timeout}),
        o_(o),
        request_size_(request.size()),
        conns_(static_cast<std::size_t>(o.connections)),
        r_(result) {
    for (int k = 0; k < o.pipeline; ++k) batch_ += request;
  }

  const latency_histogram& latency() const noexcept { return latency_; }

 private:
  struct state {
    std::size_t to_send = 0;  // bytes of this batch
    std::size_t sent = 0;
    int outstanding = 0;                     // requests of this batch still unanswered
    std::string head;                        // a response head cut by a read
    std::optional<http::body_decoder> body;  // set while a body is being read
    bool keep_alive = true;                  // the response being read lets the connection go on
    clock::time_point sent_at;
  };

  void start(std::size_t i) override {
    state& s = conns_[i];
    s.head.clear();
    s.body.reset();
    long long n = o_.pipeline;
    if (o_.requests > 0) n = std::min(n, o_.requests - issued_);
    if (n <= 0) return;
    issued_ += n;
    s.outstanding = static_cast<int>(n);
    s.to_send = static_cast<std::size_t>(n) * request_size_;
    s.sent = 0;
    s.sent_at = now();
    begin(i);
    send_more(i);
  }

  void writable(std::size_t i) override { send_more(i); }

  void send_more(std::size_t i) {
    state& s = conns_[i];
    send_rest(i, batch_.data(), s.to_send, s.sent);
  }

  void readable(std::size_t i) override {
    const read_end how = read_all(i, [&](std::string_view got) {
      r_.bytes += got.size();
      return consume(i, got);
    });
    if (how == read_end::closed) closed(i);
  }

  // The server closed the connection.
  void closed(std::size_t i) {
    state& s = conns_[i];
    if (s.body) {
      http::parse_error err;
      s.body->finish(err);
      if (err.status == 0) {  // a body read until the close
        s.body.reset();
        answered(i);
        reopen(i);
        return;
      }
    }
    if (s.body || !s.head.empty()) {
      ++r_.bad_responses;  // cut short
    } else {
      ++r_.unanswered;
    }
    reopen(i);
  }

  // Feeds received bytes to the response being read. Returns false once the connection was
  // closed or reopened (the rest of `data` belongs to nobody).
  bool consume(std::size_t i, std::string_view data) {
    state& s = conns_[i];
    if (!s.head.empty()) {  // a head cut by a read: parse it joined with what follows
      work_.swap(s.head);
      s.head.clear();
      work_.append(data);
      data = work_;
    }
    while (!data.empty()) {
      if (s.body) {
        http::parse_error err;
        const auto step = s.body->feed(data, err);
        if (err.status != 0) return bad(i);
        data.remove_prefix(step.consumed);
        if (!step.done) continue;
        s.body.reset();
        if (!answered(i)) return false;
        continue;
      }
      http::parse_error err;
      switch (http::parse_response_head(data, "GET", limits_, head_, err)) {
        case http::parse_status::incomplete: s.head.assign(data); return true;
        case http::parse_status::error: return bad(i);
        case http::parse_status::complete: break;
      }
      data.remove_prefix(head_.size);
      if (head_.status < 200) continue;  // an interim answer (100 Continue): the real one follows
      ++(head_.status < 300 ? r_.status_2xx : r_.status_other);
      s.keep_alive = head_.keep_alive;
      s.body.emplace(http::body_decoder::for_response(head_, limits_));
      if (s.body->done()) {  // no body (204, 304, Content-Length: 0)
        s.body.reset();
        if (!answered(i)) return false;
      }
    }
    return true;
  }

  // A whole response arrived. Returns false once the connection was reopened.
  bool answered(std::size_t i) {
    state& s = conns_[i];
    ++r_.responses;
    latency_.record(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now() - s.sent_at).count()));
    --s.outstanding;
    if (!s.keep_alive) {
      if (s.outstanding > 0) ++r_.unanswered;
      reopen(i);
      return false;
    }
    if (s.outstanding <= 0) {
      end(i);
      start(i);
      return busy(i);  // not busy: a counted run issued its last request
    }
    return true;
  }

  bool bad(std::size_t i) {
    ++r_.bad_responses;
    fail(i);
    return false;
  }

  const http_load_options& o_;
  std::string batch_;
  std::size_t request_size_;
  std::vector<state> conns_;
  http_result& r_;
  http::parser_limits limits_{};
  http::response_head head_;  // reused: its field vector keeps its capacity
  std::string work_;          // a cut head joined with the next read
  latency_histogram latency_;
  long long issued_ = 0;
};

// The request line and headers every connection sends, and where to.
std::pair<std::string, socket_address> request_for(const http_load_options& o) {
  const url::split_result u = url::urlsplit(o.url);
  if (u.scheme != "http") throw usage_error("only http:// URLs: " + o.url);
  const std::optional<std::string> host = u.hostname();
  if (!host || host->empty()) throw usage_error("no host in " + o.url);
  const int port = u.port().value_or(80);
  const auto answers = netkit::getaddrinfo(*host, port, 0, SOCK_STREAM);
  if (answers.empty()) throw std::runtime_error("no address for " + *host);
  std::string target = u.path.empty() ? "/" : u.path;
  if (!u.query.empty()) target += "?" + u.query;
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: " + u.netloc + "\r\n";
  for (const std::string& h : o.headers) {
    if (h.find(':') == std::string::npos || h.find_first_of("\r\n") != std::string::npos)
      throw usage_error("--header wants 'Name: value' on one line, not: " + h);
    request += h + "\r\n";
  }
  request += "\r\n";
  return {std::move(request), answers.front().sockaddr};
}

int run_http(const http_load_options& o) {
  raise_fd_limit(static_cast<rlim_t>(o.connections) + 64);
  auto [request, to] = request_for(o);
  http_result r;
  http_load load(o, std::move(request), r);
  r.elapsed = load.run(to);
  const double rate = r.elapsed > 0 ? static_cast<double>(r.responses) / r.elapsed : 0.0;
  const double mib =
      r.elapsed > 0 ? static_cast<double>(r.bytes) / r.elapsed / (1024.0 * 1024.0) : 0.0;
  const latency_histogram& lat = load.latency();
  const long long errors = load.errors();
  if (o.json) {
    nlohmann::ordered_json j = {{"url", o.url},
                                {"target", to.to_string()},
                                {"connections", o.connections},
                                {"connected", load.connected()},
                                {"pipeline", o.pipeline},
                                {"elapsed", r.elapsed},
                                {"responses", r.responses},
                                {"responses_per_s", rate},
                                {"mib_per_s", mib},
                                {"status_2xx", r.status_2xx},
                                {"status_other", r.status_other},
                                {"latency_us",
                                 {{"p50", lat.percentile(0.50)},
                                  {"p90", lat.percentile(0.90)},
                                  {"p99", lat.percentile(0.99)},
                                  {"max", lat.max()}}},
                                {"reconnects", load.reconnects()},
                                {"unanswered", r.unanswered},
                                {"bad_responses", r.bad_responses},
                                {"errors", errors}};
    std::cout << j.dump() << '\n' << std::flush;
  } else {
    std::cout << "http " << o.url << " (" << to.to_string() << "): " << load.connected()
              << " connections, pipeline " << o.pipeline << ", " << r.elapsed << " s\n"
              << r.responses << " responses, " << std::llround(rate) << " responses/s, "
              << std::round(mib * 10) / 10 << " MiB/s received\n"
              << "status 2xx " << r.status_2xx << ", other " << r.status_other << "\n"
              << "latency p50 " << lat.percentile(0.50) << " us, p90 " << lat.percentile(0.90)
              << " us, p99 " << lat.percentile(0.99) << " us, max " << lat.max() << " us\n"
              << errors << " errors (" << r.bad_responses << " malformed or cut responses), "
              << load.reconnects() << " reconnects, " << r.unanswered
              << " connections closed with requests unanswered\n"
              << std::flush;
  }
  return r.responses > 0 && errors == 0 && r.status_other == 0 ? 0 : 1;
}

}  // namespace

command add_bench_http(CLI::App& bench) {
  auto o = std::make_shared<http_load_options>();
  auto* http = bench.add_subcommand("http", "Keep-alive load on an HTTP server, as wrk gives it");
  http->add_option("url", o->url, "http://HOST[:PORT]/PATH")->required();
  http->add_option("--connections,-c", o->connections, "concurrent connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  add_run_options(*http, o->duration, o->requests, "--requests,-n",
                  "stop after this many responses instead", o->json, o->timeout,
                  o->connect_timeout);
  http->add_option("--pipeline,-P", o->pipeline, "requests written at once on each connection")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  http->add_option("--header,-H", o->headers, "an extra request header, 'Name: value'");
  http->footer(
      "Exit status 0 when every response was a 2xx and no connection failed, else 1.\n"
      "A counted run (--requests) issues exactly N requests; a timed one runs --duration s.");
  return {http, [o]() { return run_http(*o); }};
}

}  // namespace netkit::app
