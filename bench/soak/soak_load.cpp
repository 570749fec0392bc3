// bench_soak_load — the soak's load generator (bench/soak/run.py): mixed echo + HTTP load on
// bench_soak_server for a fixed time, every answer verified, every surprise counted by kind.
//
//   bench_soak_load --echo 127.0.0.1:P --http 127.0.0.1:Q --duration 60
//       --file /f1k.bin:1024:CRC32HEX --file /f1m.bin:1048576:CRC32HEX
//
// What runs, continuously, until the deadline:
// - E echo connections in ping-pong: a message of random size (1 B..64 KiB) of random bytes
//   goes out, and every byte that comes back is compared with what was sent.
// - H keep-alive HTTP connections, each sending batches of requests (one at a time, or 2-4
//   pipelined in one write): GET /hello (the body is known), POST /echo with a random body
//   (sometimes chunked; the answer must be that body), GET of the static files given by --file
//   (checked by length and CRC-32).
// - Churn: every second a share (--churn) of those connections is replaced: closed cleanly
//   after its exchange, reset (SO_LINGER 0) at once, or closed half-way through a request (a
//   prefix of the next request or message is sent, then the socket is closed). A new
//   connection of the same kind takes its place.
// - A trickle (--bad-rate per second) of bad requests on fresh connections: malformed request
//   lines, a field without a colon, no Host, a 9 KiB target, 70 KiB of fields, 120 fields, a
//   bad Content-Length, CL with TE, folding, a bad chunk, binary junk, a path outside the root.
//   Each must be answered with a 4xx or by a close (EOF or reset); anything else is an error.
// Every exchange has a deadline (--timeout): a connection that stops moving is an error too.
//
// Once a second one JSON line on stdout (cumulative counts): {"t", "echoes", "echo_bytes",
// "requests", "http_bytes", "bad", "connects", "churn": {...}, "errors": {kind: n}, "open"};
// the last one has "final": true. Exit status 0 when no error was counted, 1 otherwise, 2 for
// a usage error.
//
// Why a plain epoll loop and not netkit's reactor: the load is the oracle for netkit's server,
// so it shares no code with it (a reactor bug cannot hide itself on both sides), and it needs
// what a protocol does not offer by design: a reset on demand, a request cut in the middle,
// raw malformed bytes. One thread is enough: the server, not the load, is the one under test,
// and on a 2-core machine the server gets the other core (run.py pins them).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

// --- small tools -----------------------------------------------------------------------------

double now_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// xorshift64*: fast, deterministic for a given --seed.
struct rng {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ull;
  }
  // Uniform enough in [lo, hi].
  std::size_t between(std::size_t lo, std::size_t hi) { return lo + next() % (hi - lo + 1); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  void fill(std::string& out, std::size_t n) {
    out.resize(n);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const std::uint64_t v = next();
      std::memcpy(out.data() + i, &v, 8);
    }
    if (i < n) {
      const std::uint64_t v = next();
      std::memcpy(out.data() + i, &v, n - i);
    }
  }
};

// CRC-32 (IEEE, zlib's crc32): what run.py computes for the static files with zlib.crc32.
struct crc32_table {
  std::array<std::uint32_t, 256> t{};
  crc32_table() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
  }
};
const crc32_table crc_table;

// Running form: start with 0, feed pieces, the result is zlib.crc32 of their concatenation.
std::uint32_t crc32_update(std::uint32_t crc, std::string_view data) {
  crc = ~crc;
  for (const char ch : data)
    crc = crc_table.t[(crc ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if (std::tolower(x) != std::tolower(y)) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// --- options ---------------------------------------------------------------------------------

struct static_file {
  std::string path;  // request path, e.g. /f1k.bin
  std::uint64_t size = 0;
  std::uint32_t crc = 0;
};

struct options {
  sockaddr_in echo_addr{};
  sockaddr_in http_addr{};
  double duration = 60;
  int echo_connections = 8;
  int http_connections = 16;
  double churn = 0.1;      // share of the connections replaced every second
  double bad_rate = 20;    // bad requests per second
  double timeout = 10;     // seconds an exchange may take
  std::uint64_t seed = 1;  // 0 is not a valid xorshift state: replaced by 1
  std::vector<static_file> files;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "bench_soak_load: %s\nusage: bench_soak_load --echo HOST:PORT --http HOST:PORT "
               "[--duration S] [--echo-connections E] [--http-connections H] [--churn F] "
               "[--bad-rate R] [--timeout S] [--seed N] [--file PATH:SIZE:CRC32HEX]...\n",
               why.c_str());
  std::exit(2);
}

sockaddr_in parse_address(const std::string& s) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) usage("not HOST:PORT: " + s);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(std::atoi(s.c_str() + colon + 1)));
  if (::inet_pton(AF_INET, s.substr(0, colon).c_str(), &a.sin_addr) != 1)
    usage("not an IPv4 address: " + s);
  return a;
}

options parse(int argc, char** argv) {
  options o;
  bool have_echo = false;
  bool have_http = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage("missing value after " + arg);
    const std::string v = argv[++i];
    if (arg == "--echo") {
      o.echo_addr = parse_address(v);
      have_echo = true;
    } else if (arg == "--http") {
      o.http_addr = parse_address(v);
      have_http = true;
    } else if (arg == "--duration") {
      o.duration = std::atof(v.c_str());
    } else if (arg == "--echo-connections") {
      o.echo_connections = std::atoi(v.c_str());
    } else if (arg == "--http-connections") {
      o.http_connections = std::atoi(v.c_str());
    } else if (arg == "--churn") {
      o.churn = std::atof(v.c_str());
    } else if (arg == "--bad-rate") {
      o.bad_rate = std::atof(v.c_str());
    } else if (arg == "--timeout") {
      o.timeout = std::atof(v.c_str());
    } else if (arg == "--seed") {
      o.seed = std::strtoull(v.c_str(), nullptr, 10);
      if (o.seed == 0) o.seed = 1;
    } else if (arg == "--file") {
      const auto a = v.find(':');
      const auto b = v.rfind(':');
      if (a == std::string::npos || a == b) usage("--file PATH:SIZE:CRC32HEX, not " + v);
      o.files.push_back({v.substr(0, a), std::strtoull(v.c_str() + a + 1, nullptr, 10),
                         static_cast<std::uint32_t>(std::strtoul(v.c_str() + b + 1, nullptr, 16))});
    } else {
      usage("unknown option " + arg);
    }
  }
  if (!have_echo || !have_http) usage("--echo and --http are required");
  // Bounded: the run, the pools and the rates (the loop must stay finite and sane).
  if (!(o.duration > 0 && o.duration <= 7 * 24 * 3600)) usage("--duration: (0, 604800] s");
  if (o.echo_connections < 0 || o.echo_connections > 10000) usage("--echo-connections: 0..10000");
  if (o.http_connections < 0 || o.http_connections > 10000) usage("--http-connections: 0..10000");
  if (!(o.churn >= 0 && o.churn <= 1)) usage("--churn: 0..1");
  if (!(o.bad_rate >= 0 && o.bad_rate <= 10000)) usage("--bad-rate: 0..10000");
  if (!(o.timeout > 0 && o.timeout <= 3600)) usage("--timeout: (0, 3600] s");
  return o;
}

// --- the bad requests ------------------------------------------------------------------------

struct bad_request {
  const char* name;
  std::string bytes;
};

std::vector<bad_request> make_bad_requests() {
  std::string many_fields = "GET /hello HTTP/1.1\r\nHost: soak\r\n";
  for (int i = 0; i < 120; ++i) many_fields += "X-F" + std::to_string(i) + ": v\r\n";
  many_fields += "\r\n";
  return {
      {"no_space", "GET/hello HTTP/1.1\r\nHost: soak\r\n\r\n"},
      {"bad_method", "G(T /hello HTTP/1.1\r\nHost: soak\r\n\r\n"},
      {"no_colon", "GET /hello HTTP/1.1\r\nHost: soak\r\nNoColonHere\r\n\r\n"},
      {"no_host", "GET /hello HTTP/1.1\r\n\r\n"},
      {"long_target", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: soak\r\n\r\n"},
      {"big_fields",
       "GET /hello HTTP/1.1\r\nHost: soak\r\nX-Big: " + std::string(70000, 'b') + "\r\n\r\n"},
      {"many_fields", many_fields},
      {"bad_length", "POST /echo HTTP/1.1\r\nHost: soak\r\nContent-Length: 12x\r\n\r\n"},
      {"cl_and_te",
       "POST /echo HTTP/1.1\r\nHost: soak\r\nContent-Length: 5\r\nTransfer-Encoding: "
       "chunked\r\n\r\n0\r\n\r\n"},
      {"folding", "GET /hello HTTP/1.1\r\nHost: soak\r\nX-A: a\r\n  folded\r\n\r\n"},
      {"bad_chunk",
       "POST /echo HTTP/1.1\r\nHost: soak\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n"},
      {"junk", std::string("\x01\x02\x03junk\x7f\r\n\r\n", 12)},
      {"traversal", "GET /../../../../etc/passwd HTTP/1.1\r\nHost: soak\r\n\r\n"},
      {"bare_cr", "GET /hello HTTP/1.1\r\nHost: soak\rX: y\r\n\r\n"},
  };
}

// --- connections -----------------------------------------------------------------------------

enum class kind { echo, http, bad };
enum class churn_mode { none, graceful, midway };

// One expected HTTP answer, in request order.
struct expected {
  enum class what { hello, echo, file } w = what::hello;
  const char* status = "200";
  bool no_body = false;  // HEAD, or a 304: the answer ends with its head
  std::string body;      // hello / echo: the exact body
  const static_file* file = nullptr;
  // Filled while the answer arrives.
  bool head_done = false;
  std::uint64_t remaining = 0;  // body bytes still to come
  std::uint64_t got = 0;
  std::uint32_t crc = 0;
};

struct conn {
  int fd = -1;
  std::uint32_t generation = 0;
  kind k = kind::echo;
  bool connecting = false;
  bool in_use = false;
  std::uint32_t interest = 0;  // what epoll has
  std::string out;             // bytes not yet sent
  std::size_t out_off = 0;
  double deadline = 0;  // the current exchange must end before; 0: none
  churn_mode churn = churn_mode::none;
  bool close_when_sent = false;  // midway: the prefix is out, then close
  // echo
  std::string msg;
  std::size_t verified = 0;
  // http
  std::deque<expected> pending;
  std::string head;
  // bad
  const bad_request* bad = nullptr;
};

const char* const hello_body = "Hello, soak!\n";

class load {
 public:
  explicit load(options o) : o_(std::move(o)), rng_{o_.seed * 0x9E3779B97F4A7C15ull | 1} {
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epfd_ < 0) {
      std::perror("bench_soak_load: epoll_create1");
      std::exit(1);
    }
    bad_ = make_bad_requests();
  }
  ~load() { ::close(epfd_); }

  int run() {
    start_ = now_s();
    const double end = start_ + o_.duration;
    for (int i = 0; i < o_.echo_connections; ++i) open(kind::echo);
    for (int i = 0; i < o_.http_connections; ++i) open(kind::http);
    double next_tick = start_ + 0.1;
    double next_second = start_ + 1.0;
    double bad_credit = 0;
    std::array<epoll_event, 256> events{};
    // Bounded: ends at the deadline whatever happens (every wait is at most 100 ms).
    for (;;) {
      const double t = now_s();
      if (t >= end) break;
      if (t >= next_tick) {
        next_tick += 0.1;
        bad_credit += o_.bad_rate * 0.1;
        for (; bad_credit >= 1; bad_credit -= 1) open(kind::bad);
        check_deadlines(t);
        reopen_failed();
      }
      if (t >= next_second) {
        next_second += 1.0;
        churn();
        report(t - start_, false);
      }
      const double until = std::min({next_tick, next_second, end});
      const int wait_ms = std::max(0, static_cast<int>((until - t) * 1000) + 1);
      const int n = ::epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), wait_ms);
      if (n < 0) {
        if (errno == EINTR) continue;
        std::perror("bench_soak_load: epoll_wait");
        count("epoll_wait");
        break;
      }
      for (int i = 0; i < n; ++i) dispatch(events[static_cast<std::size_t>(i)]);
    }
    for (std::size_t i = 0; i < conns_.size(); ++i)
      if (conns_[i]->in_use) close_conn(i, false);
    report(now_s() - start_, true);
    return total_errors() == 0 ? 0 : 1;
  }

 private:
  // --- bookkeeping ---
  void count(const std::string& error_kind) { ++errors_[error_kind]; }
  std::uint64_t total_errors() const {
    std::uint64_t n = 0;
    for (const auto& [k, v] : errors_) n += v;
    return n;
  }

  void report(double elapsed, bool final) {
    std::string line = "{\"t\": " + std::to_string(elapsed);
    auto field = [&line](const char* name, std::uint64_t v) {
      line += ", \"";
      line += name;
      line += "\": " + std::to_string(v);
    };
    field("echoes", echoes_);
    field("echo_bytes", echo_bytes_);
    field("requests", requests_);
    field("http_bytes", http_bytes_);
    field("bad", bad_done_);
    field("connects", connects_);
    line += ", \"churn\": {\"graceful\": " + std::to_string(churn_graceful_) +
            ", \"reset\": " + std::to_string(churn_reset_) +
            ", \"midway\": " + std::to_string(churn_midway_) + "}";
    line += ", \"errors\": {";
    bool first = true;
    for (const auto& [k, v] : errors_) {
      if (!first) line += ", ";
      first = false;
      line += "\"" + k + "\": " + std::to_string(v);
    }
    line += "}";
    field("open", open_);
    if (final) line += ", \"final\": true";
    line += "}\n";
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
  }

  static std::uint64_t key(std::size_t slot, std::uint32_t generation) {
    return (static_cast<std::uint64_t>(slot) << 32) | generation;
  }

  // --- opening and closing ---
  std::size_t free_slot() {
    for (std::size_t i = first_free_; i < conns_.size(); ++i)
      if (!conns_[i]->in_use) {
        first_free_ = i + 1;
        return i;
      }
    conns_.push_back(std::make_unique<conn>());
    first_free_ = conns_.size();
    return conns_.size() - 1;
  }

  void open(kind k) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      count("socket");
      if (k != kind::bad) ++reopen_[static_cast<int>(k)];
      return;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const sockaddr_in& to = k == kind::echo ? o_.echo_addr : o_.http_addr;
    const int r = ::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    if (r < 0 && errno != EINPROGRESS) {
      count("connect");
      ::close(fd);
      if (k != kind::bad) ++reopen_[static_cast<int>(k)];
      return;
    }
    const std::size_t slot = free_slot();
    conn& c = *conns_[slot];
    const std::uint32_t generation = c.generation + 1;
    c = conn{};
    c.generation = generation;
    c.fd = fd;
    c.k = k;
    c.in_use = true;
    c.connecting = r < 0;
    c.deadline = now_s() + o_.timeout;
    ++open_;
    ++connects_;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = key(slot, generation);
    c.interest = ev.events;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
      count("epoll_ctl");
      close_conn(slot, false);
      return;
    }
    if (!c.connecting) connected(slot);
  }

  // Closes slot's socket; reset: with SO_LINGER 0, so the peer gets an RST. Replaces echo and
  // HTTP connections (not bad ones: they are a rate).
  void close_conn(std::size_t slot, bool reset, bool replace = false) {
    conn& c = *conns_[slot];
    if (!c.in_use) return;
    if (reset) {
      const linger l{1, 0};
      ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    ::close(c.fd);  // also takes it out of the epoll set
    c.fd = -1;
    c.in_use = false;
    ++c.generation;  // events already fetched for it are ignored
    c.msg.clear();
    c.msg.shrink_to_fit();
    c.pending.clear();
    c.out.clear();
    c.out.shrink_to_fit();
    --open_;
    if (slot < first_free_) first_free_ = slot;
    if (replace && c.k != kind::bad) open(c.k);
  }

  // Connections whose reopening failed (socket/connect errors) get another try each tick.
  void reopen_failed() {
    for (int k = 0; k < 2; ++k) {
      const int n = reopen_[k];
      reopen_[k] = 0;
      for (int i = 0; i < n; ++i) open(static_cast<kind>(k));
    }
  }

  // An error on a load connection: counted, closed, and replaced on the next tick (not at
  // once: a server that fails every connection must not turn the load into a busy loop).
  void fail(std::size_t slot, const std::string& error_kind) {
    count(error_kind);
    const kind k = conns_[slot]->k;
    close_conn(slot, false);
    if (k != kind::bad) ++reopen_[static_cast<int>(k)];
  }

  void check_deadlines(double t) {
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      conn& c = *conns_[i];
      if (!c.in_use || c.deadline == 0 || t < c.deadline) continue;
      static const char* const names[] = {"timeout_echo", "timeout_http", "timeout_bad"};
      fail(i, names[static_cast<int>(c.k)]);
    }
  }

  void churn() {
    if (o_.churn <= 0) return;
    const std::size_t n = conns_.size();  // new connections opened below are not looked at
    for (std::size_t i = 0; i < n; ++i) {
      conn& c = *conns_[i];
      if (!c.in_use || c.k == kind::bad || c.churn != churn_mode::none || c.connecting) continue;
      if (!rng_.chance(o_.churn)) continue;
      const auto mode = rng_.between(0, 2);
      if (mode == 0) {
        c.churn = churn_mode::graceful;  // after the exchange in progress
        ++churn_graceful_;
      } else if (mode == 1) {
        ++churn_reset_;
        close_conn(i, true, true);  // now, whatever is in flight
      } else {
        c.churn = churn_mode::midway;  // the next request or message is cut
        ++churn_midway_;
      }
    }
  }

  // --- I/O ---
  void set_interest(std::size_t slot) {
    conn& c = *conns_[slot];
    const std::uint32_t want = EPOLLIN | (c.out_off < c.out.size() ? EPOLLOUT : 0u);
    if (want == c.interest) return;
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = key(slot, c.generation);
    if (::epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev) < 0) count("epoll_ctl");
    c.interest = want;
  }

  void dispatch(const epoll_event& ev) {
    const auto slot = static_cast<std::size_t>(ev.data.u64 >> 32);
    const auto generation = static_cast<std::uint32_t>(ev.data.u64);
    if (slot >= conns_.size()) return;
    conn& c = *conns_[slot];
    if (!c.in_use || c.generation != generation) return;  // closed since the wait
    if (c.connecting) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        // Counted; an echo or HTTP connection is tried again on the next tick, not at once (a
        // server that is gone must not turn the load into a connect loop).
        count("connect");
        const kind k = c.k;
        close_conn(slot, false);
        if (k != kind::bad) ++reopen_[static_cast<int>(k)];
        return;
      }
      c.connecting = false;
      connected(slot);
      return;
    }
    if (ev.events & EPOLLOUT) {
      if (!flush(slot)) return;
    }
    if (ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_some(slot);
  }

  // Sends what is queued. False if the connection was closed on the way.
  bool flush(std::size_t slot) {
    conn& c = *conns_[slot];
    // Bounded: each pass sends something or stops.
    while (c.out_off < c.out.size()) {
      const ssize_t n =
          ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) break;
        if (c.k == kind::bad) {  // the server refused the rest and closed: a close is fine
          ++bad_done_;
          close_conn(slot, false);
        } else {
          fail(slot, c.k == kind::echo ? "echo_send" : "http_send");
        }
        return false;
      }
      c.out_off += static_cast<std::size_t>(n);
    }
    if (c.out_off == c.out.size()) {
      c.out.clear();
      c.out_off = 0;
      if (c.close_when_sent) {
        close_conn(slot, false, true);
        return false;
      }
    }
    set_interest(slot);
    return true;
  }

  void queue(std::size_t slot, std::string_view data) {
    conn& c = *conns_[slot];
    c.out.append(data);
  }

  void read_some(std::size_t slot) {
    static char buffer[64 * 1024];
    const std::uint32_t generation = conns_[slot]->generation;
    // Bounded: at most 16 reads per event, then other connections get their turn.
    for (int round = 0; round < 16; ++round) {
      conn& c = *conns_[slot];
      if (!c.in_use || c.generation != generation) return;
      const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        peer_closed(slot, errno);
        return;
      }
      if (n == 0) {
        peer_closed(slot, 0);
        return;
      }
      const std::string_view data(buffer, static_cast<std::size_t>(n));
      switch (c.k) {
        case kind::echo: echo_data(slot, data); break;
        case kind::http: http_data(slot, data); break;
        case kind::bad: bad_data(slot, data); break;
      }
      if (static_cast<std::size_t>(n) < sizeof buffer) return;
    }
  }

  void peer_closed(std::size_t slot, int error) {
    conn& c = *conns_[slot];
    if (c.k == kind::bad) {  // an answer by closing: accepted
      ++bad_done_;
      close_conn(slot, false);
      return;
    }
    const bool reset = error == ECONNRESET;
    if (c.k == kind::echo) {
      fail(slot, reset ? "echo_reset" : error != 0 ? "echo_recv" : "echo_eof");
    } else {
      fail(slot, reset ? "http_reset" : error != 0 ? "http_recv" : "http_eof");
    }
  }

  void connected(std::size_t slot) {
    switch (conns_[slot]->k) {
      case kind::echo: next_echo(slot); break;
      case kind::http: next_http(slot); break;
      case kind::bad: {
        conn& c = *conns_[slot];
        c.bad = &bad_[rng_.between(0, bad_.size() - 1)];
        queue(slot, c.bad->bytes);
        flush(slot);
        break;
      }
    }
  }

  // The exchange in progress is over: close if churn asked, else the next is armed.
  bool exchange_done(std::size_t slot) {
    conn& c = *conns_[slot];
    if (c.churn == churn_mode::graceful) {
      close_conn(slot, false, true);
      return false;
    }
    c.deadline = now_s() + o_.timeout;
    return true;
  }

  // --- echo ---
  void next_echo(std::size_t slot) {
    conn& c = *conns_[slot];
    rng_.fill(c.msg, rng_.between(1, 64 * 1024));
    c.verified = 0;
    c.deadline = now_s() + o_.timeout;
    if (c.churn == churn_mode::midway) {
      queue(slot, std::string_view(c.msg).substr(0, rng_.between(0, c.msg.size() - 1)));
      c.close_when_sent = true;
    } else {
      queue(slot, c.msg);
    }
    flush(slot);
  }

  void echo_data(std::size_t slot, std::string_view data) {
    conn& c = *conns_[slot];
    if (c.close_when_sent) return;  // a cut message: what comes back does not matter
    if (data.size() > c.msg.size() - c.verified) {
      fail(slot, "echo_extra_bytes");
      return;
    }
    if (std::memcmp(data.data(), c.msg.data() + c.verified, data.size()) != 0) {
      fail(slot, "echo_mismatch");
      return;
    }
    c.verified += data.size();
    if (c.verified < c.msg.size()) return;
    ++echoes_;
    echo_bytes_ += c.msg.size();
    if (exchange_done(slot)) next_echo(slot);
  }

  // --- HTTP ---
  void add_request(std::size_t slot, std::string& out) {
    conn& c = *conns_[slot];
    expected e;
    const auto roll = rng_.between(0, 99);
    if (roll < 35 || (o_.files.empty() && roll >= 70)) {
      e.w = expected::what::hello;
      e.body = hello_body;
      out += "GET /hello HTTP/1.1\r\nHost: soak\r\n\r\n";
    } else if (roll < 70) {
      e.w = expected::what::echo;
      rng_.fill(e.body, rng_.between(0, 32 * 1024));
      if (rng_.chance(0.125) && !e.body.empty()) {
        out += "POST /echo HTTP/1.1\r\nHost: soak\r\nTransfer-Encoding: chunked\r\n\r\n";
        std::size_t at = 0;
        while (at < e.body.size()) {  // bounded: every chunk is at least 1 byte
          const std::size_t n = rng_.between(1, e.body.size() - at);
          char size_line[32];
          std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
          out += size_line;
          out.append(e.body, at, n);
          out += "\r\n";
          at += n;
        }
        out += "0\r\n\r\n";
      } else {
        out +=
            "POST /echo HTTP/1.1\r\nHost: soak\r\nContent-Type: application/octet-stream\r\n"
            "Content-Length: " +
            std::to_string(e.body.size()) + "\r\n\r\n";
        out += e.body;
      }
    } else {
      // The big file one time in six of the file requests: it is 1000 times the small one.
      const bool big = o_.files.size() > 1 && roll >= 95;
      e.w = expected::what::file;
      e.file = big ? &o_.files.back() : &o_.files.front();
      const auto variant = rng_.between(0, 9);
      if (variant == 0) {  // the head only: the file is opened and must be closed all the same
        e.no_body = true;
        out += "HEAD " + e.file->path + " HTTP/1.1\r\nHost: soak\r\n\r\n";
      } else if (variant == 1) {  // not modified since: 304, no body
        e.status = "304";
        e.no_body = true;
        out +=
            "GET " + e.file->path +
            " HTTP/1.1\r\nHost: soak\r\nIf-Modified-Since: Thu, 01 Jan 2099 00:00:00 GMT\r\n\r\n";
      } else {
        out += "GET " + e.file->path + " HTTP/1.1\r\nHost: soak\r\n\r\n";
      }
    }
    c.pending.push_back(std::move(e));
  }

  void next_http(std::size_t slot) {
    conn& c = *conns_[slot];
    const std::size_t batch = rng_.chance(0.25) ? rng_.between(2, 4) : 1;
    std::string out;
    for (std::size_t i = 0; i < batch; ++i) add_request(slot, out);
    c.deadline = now_s() + o_.timeout;
    c.head.clear();
    if (c.churn == churn_mode::midway) {
      out.resize(rng_.between(1, out.size() - 1));  // at least one byte: the server has begun
      c.close_when_sent = true;
    }
    queue(slot, out);
    flush(slot);
  }

  // One answer's head is whole in c.head[0, size): checks it against what is expected.
  // False (after fail()) when it is wrong.
  bool http_head(std::size_t slot, std::string_view head) {
    conn& c = *conns_[slot];
    expected& e = c.pending.front();
    const auto line_end = head.find("\r\n");
    const std::string_view status_line = head.substr(0, line_end);
    if (status_line.size() < 12 || status_line.substr(0, 9) != "HTTP/1.1 ") {
      fail(slot, "http_bad_status_line");
      return false;
    }
    if (status_line.substr(9, 3) != e.status) {
      fail(slot, "http_status_" + std::string(status_line.substr(9, 3)));
      return false;
    }
    bool have_length = false;
    std::uint64_t length = 0;
    std::size_t at = line_end + 2;
    // Bounded: every pass moves past one line of the head.
    while (at < head.size()) {
      const auto end = head.find("\r\n", at);
      if (end == std::string_view::npos || end == at) break;
      const std::string_view line = head.substr(at, end - at);
      at = end + 2;
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) {
        fail(slot, "http_bad_field");
        return false;
      }
      const std::string_view name = line.substr(0, colon);
      const std::string_view value = trim(line.substr(colon + 1));
      if (iequals(name, "content-length")) {
        have_length = true;
        length = std::strtoull(std::string(value).c_str(), nullptr, 10);
      } else if (iequals(name, "connection") && iequals(value, "close")) {
        fail(slot, "http_connection_close");
        return false;
      } else if (iequals(name, "transfer-encoding")) {
        fail(slot, "http_unexpected_chunked");
        return false;
      }
    }
    e.head_done = true;
    if (e.status[0] == '3') return true;  // a 304 has no body, whatever it declares
    if (!have_length) {
      fail(slot, "http_no_length");
      return false;
    }
    const std::uint64_t want = e.w == expected::what::file ? e.file->size : e.body.size();
    if (length != want) {
      fail(slot, "http_length");
      return false;
    }
    e.remaining = e.no_body ? 0 : length;  // HEAD: the length of what GET would send
    return true;
  }

  // The front answer has come whole.
  bool http_answer_done(std::size_t slot) {
    conn& c = *conns_[slot];
    expected& e = c.pending.front();
    if (e.w == expected::what::file && !e.no_body && e.crc != e.file->crc) {
      fail(slot, "http_file_checksum");
      return false;
    }
    ++requests_;
    http_bytes_ += e.got;
    c.pending.pop_front();
    if (!c.pending.empty()) return true;
    if (!exchange_done(slot)) return false;
    next_http(slot);
    return true;
  }

  void http_data(std::size_t slot, std::string_view data) {
    conn& c = *conns_[slot];
    if (c.close_when_sent) return;
    const std::uint32_t generation = c.generation;
    // Bounded: every pass consumes data or returns.
    while (!data.empty()) {
      if (!c.in_use || c.generation != generation || c.close_when_sent) return;
      if (c.pending.empty()) {
        fail(slot, "http_unsolicited_bytes");
        return;
      }
      expected& e = c.pending.front();
      if (!e.head_done) {
        const std::size_t old = c.head.size();
        c.head.append(data);
        const auto end = c.head.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
        if (end == std::string::npos) {
          if (c.head.size() > 16 * 1024) fail(slot, "http_head_too_long");
          return;
        }
        const std::size_t head_size = end + 4;
        data.remove_prefix(head_size - old);
        const std::string head = c.head.substr(0, head_size);
        c.head.clear();
        if (!http_head(slot, head)) return;
        if (e.remaining == 0 && !http_answer_done(slot)) return;
        continue;
      }
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(e.remaining, data.size()));
      const std::string_view piece = data.substr(0, take);
      if (e.w == expected::what::file) {
        e.crc = crc32_update(e.crc, piece);
      } else if (std::memcmp(piece.data(), e.body.data() + e.got, take) != 0) {
        fail(slot, e.w == expected::what::echo ? "http_echo_mismatch" : "http_hello_mismatch");
        return;
      }
      e.got += take;
      e.remaining -= take;
      data.remove_prefix(take);
      if (e.remaining == 0 && !http_answer_done(slot)) return;
    }
  }

  // --- bad requests ---
  void bad_data(std::size_t slot, std::string_view data) {
    conn& c = *conns_[slot];
    c.head.append(data);
    if (c.head.size() < 12) return;
    // "HTTP/1.x 4dd": a refusal, as it should be. Anything else: the server took it.
    if (c.head.compare(0, 5, "HTTP/") == 0 && c.head[9] == '4') {
      ++bad_done_;
      close_conn(slot, false);
      return;
    }
    count(std::string("bad_accepted_") + c.bad->name + "_" + c.head.substr(9, 3));
    close_conn(slot, false);
  }

  options o_;
  rng rng_;
  int epfd_ = -1;
  std::vector<bad_request> bad_;
  std::vector<std::unique_ptr<conn>> conns_;
  std::size_t first_free_ = 0;
  int reopen_[2] = {0, 0};
  double start_ = 0;
  std::uint64_t echoes_ = 0, echo_bytes_ = 0, requests_ = 0, http_bytes_ = 0, bad_done_ = 0;
  std::uint64_t connects_ = 0, open_ = 0;
  std::uint64_t churn_graceful_ = 0, churn_reset_ = 0, churn_midway_ = 0;
  std::map<std::string, std::uint64_t> errors_;
};

}  // namespace

int main(int argc, char** argv) {
  options o = parse(argc, argv);
  load l(std::move(o));
  return l.run();
}
