// fault_proxy — a TCP proxy that injects faults between a client and a server, for the fault
// tests (tests/faults/proxy.py). A test tool, not part of the library; built on netkit's reactor.
//
// Usage: fault_proxy --target HOST:PORT [--listen HOST:PORT] [options]
//   --listen HOST:PORT   where to accept clients (default 127.0.0.1:0, a free port)
//   --delay-ms N         hold every piece read from either side N ms before forwarding it
//   --fragment           forward as 1-byte writes, each its own send(2)
//   --truncate-up N      after N bytes client->server: FIN toward the server, drop the rest
//   --truncate-down N    after N bytes server->client: FIN toward the client, drop the rest
//   --reset-up N         after N bytes client->server: reset both connections (RST)
//   --reset-down N       after N bytes server->client: reset both connections (RST)
//   --refuse             accept, then reset every client at once (the server is never contacted)
// One fault per direction (a truncation or a reset); the options combine otherwise.
// It prints "listening on HOST:PORT" (the real port) on stdout, flushed, and serves until
// SIGINT or SIGTERM, then exits 0 (2: a bad command line, 1: it could not listen).
//
// Each client gets its own connection to the target. Bytes go through in order, with the
// reactor's flow control: when one side's transport has too much queued (pause_writing) the
// proxy stops reading the other side until it drains, so memory stays bounded whatever the
// transfer's size. A half-close is forwarded (FIN after the bytes before it); when one side goes
// away the other is closed once what was bound for it is written; a client whose target cannot
// be reached is reset.
//
// Fault counting is per connection and exact: a fault "after N" fires once N bytes have passed
// that way (at once for N = 0). The first N bytes are forwarded, nothing after them is. For a
// truncation the FIN follows those N bytes; for a reset the proxy waits until the kernel has
// taken those N bytes (its transport's queue is empty), then closes both sockets with
// SO_LINGER 0. Bytes the kernel holds unsent at that moment (a peer that does not read) are
// dropped by the reset itself, as RST semantics demand.
//
// The pieces: proxy accepts clients and owns a session per client; a session pairs the client's
// connection with its own connection to the target and runs two directions (up: client->server,
// down: server->client), each forwarding one way with its delay, fragmenting and fault;
// side_protocol hands each connection's events to its session.
//
// SIGPIPE keeps its default action on purpose: netkit's sockets promise never to raise it, and a
// proxy killed by one fails its test (which expects exit status 0 after SIGTERM).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <iostream>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "netkit/error.hpp"
#include "netkit/reactor.hpp"

namespace {

using namespace std::chrono_literals;
using netkit::bytes_view;
using netkit::transport;

// --- the command line --------------------------------------------------------------------------

struct host_port {
  std::string host;
  int port = 0;
  std::string to_string() const {
    return host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port)
                                               : host + ":" + std::to_string(port);
  }
};

// A fault on one direction: what happens once `after` bytes have passed that way.
struct fault {
  enum class kind { none, truncate, reset };
  kind what = kind::none;
  std::uint64_t after = 0;
};

struct options {
  host_port target;
  host_port listen{"127.0.0.1", 0};
  std::chrono::milliseconds delay{0};
  bool fragment = false;
  bool refuse = false;
  fault up;    // client -> server
  fault down;  // server -> client
};

class usage_error : public std::exception {
 public:
  explicit usage_error(std::string what) : what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

constexpr std::string_view usage_text =
    "usage: fault_proxy --target HOST:PORT [--listen HOST:PORT] [--delay-ms N] [--fragment]\n"
    "                   [--truncate-up N] [--truncate-down N] [--reset-up N] [--reset-down N]\n"
    "                   [--refuse]\n";

std::uint64_t parse_count(std::string_view option, std::string_view text) {
  std::uint64_t n = 0;
  if (text.empty() || text.size() > 15) throw usage_error(std::string(option) + ": not a count");
  for (const char c : text) {
    if (c < '0' || c > '9')
      throw usage_error(std::string(option) + ": not a count: '" + std::string(text) + "'");
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

// "HOST:PORT", "[V6]:PORT" or "V6:PORT" (the last colon separates the port).
host_port parse_host_port(std::string_view option, std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    throw usage_error(std::string(option) + ": expected HOST:PORT, got '" + std::string(text) +
                      "'");
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::uint64_t port = parse_count(option, text.substr(colon + 1));
  if (port > 65535) throw usage_error(std::string(option) + ": port out of range");
  return {std::string(host), static_cast<int>(port)};
}

options parse_options(int argc, char** argv) {
  options o;
  bool have_target = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw usage_error(std::string(arg) + ": missing value");
      return argv[++i];
    };
    const auto set_fault = [&](fault& f, fault::kind k) {
      if (f.what != fault::kind::none)
        throw usage_error(std::string(arg) + ": one fault per direction");
      f = {k, parse_count(arg, value())};
    };
    if (arg == "--target") {
      o.target = parse_host_port(arg, value());
      have_target = true;
    } else if (arg == "--listen") {
      o.listen = parse_host_port(arg, value());
    } else if (arg == "--delay-ms") {
      o.delay = std::chrono::milliseconds(parse_count(arg, value()));
    } else if (arg == "--fragment") {
      o.fragment = true;
    } else if (arg == "--refuse") {
      o.refuse = true;
    } else if (arg == "--truncate-up") {
      set_fault(o.up, fault::kind::truncate);
    } else if (arg == "--truncate-down") {
      set_fault(o.down, fault::kind::truncate);
    } else if (arg == "--reset-up") {
      set_fault(o.up, fault::kind::reset);
    } else if (arg == "--reset-down") {
      set_fault(o.down, fault::kind::reset);
    } else {
      throw usage_error("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (!have_target) throw usage_error("--target is required");
  return o;
}

// --- one direction -----------------------------------------------------------------------------

class session;

// How a direction ends. fin: its source half-closed, or a truncation: the FIN is forwarded after
// the bytes before it. close: its source is gone: the destination is closed after them. reset:
// a reset fault: both connections are reset once those bytes are out.
enum class ending { none, fin, close, reset };

// One direction of a session: reads from its source, holds what cannot go yet (a delay, a
// destination that pushes back, a target still connecting), writes to its destination. The
// transports are null until connected and again once gone.
class direction {
 public:
  direction(session& owner, netkit::reactor& loop, const options& o, fault f)
      : owner_(owner), loop_(loop), options_(o), fault_(f) {
    if (fault_.what != fault::kind::none && fault_.after == 0) end(fault_ending());
  }

  void source_connected(transport& t) {
    source_ = &t;
    update_source();
  }
  void destination_connected(transport& t) {
    destination_ = &t;
    pump();
  }

  void received(bytes_view data) {
    if (end_ != ending::none || destination_gone_) return;  // no longer forwarded: dropped
    bool fires = false;
    if (fault_.what != fault::kind::none) {
      const std::uint64_t left = fault_.after - passed_;
      if (data.size() >= left) {
        data = data.substr(0, static_cast<std::size_t>(left));
        fires = true;
      }
      passed_ += data.size();
    }
    if (!data.empty()) {
      if (pieces_.empty() && can_write() && options_.delay.count() == 0 && !options_.fragment) {
        destination_->write(data);  // the steady path: straight through, no copy
      } else {
        pieces_.push_back({netkit::bytes(data), 0, loop_.now() + options_.delay});
        pending_ += data.size();
      }
    }
    if (fires) end(fault_ending());
    pump();
  }

  // The source sent its FIN (fin) or went away (close).
  void source_ended(ending e) {
    if (e == ending::close) {
      source_ = nullptr;
      source_paused_ = false;
    }
    if (end_ == ending::reset || end_ == ending::close) return;
    if (e == ending::fin && end_ != ending::none) return;
    // A source gone after its FIN (or a truncation) was forwarded: now the destination closes.
    if (e == ending::close) finished_ = false;
    end(e);
    pump();
  }

  void destination_paused(bool paused) {
    destination_paused_ = paused;
    if (!paused) pump();
    update_source();
  }

  void destination_lost() {
    destination_ = nullptr;
    destination_gone_ = true;
    pieces_.clear();
    pending_ = 0;
    timer_ = netkit::delayed_call();
    update_source();
  }

  // After a reset: nothing more is forwarded or done.
  void stop() {
    end_ = ending::reset;
    finished_ = true;
    pieces_.clear();
    pending_ = 0;
    timer_ = netkit::delayed_call();
  }

  // The FIN was handed to the destination (write_eof).
  bool fin_sent() const noexcept { return fin_sent_; }

 private:
  struct piece {
    netkit::bytes data;
    std::size_t offset = 0;  // bytes of it already written
    netkit::reactor::clock::time_point due;
  };
  // More held than this: stop reading the source until it is down to the low mark (the same
  // marks as a transport's defaults).
  static constexpr std::size_t high_water = 64 * 1024;
  static constexpr std::size_t low_water = 16 * 1024;

  ending fault_ending() const {
    return fault_.what == fault::kind::reset ? ending::reset : ending::fin;
  }
  // Nothing after the end is forwarded: a source paused for space is let go, and what it
  // still sends is dropped as it comes.
  void end(ending e) {
    end_ = e;
    update_source();
  }

  bool can_write() const noexcept { return destination_ != nullptr && !destination_paused_; }

  // Writes what may go now, then the ending once everything before it is out. Re-entered from a
  // write (the destination's flow control calls back): the outer call's loop carries on.
  void pump() {
    if (pumping_) return;
    pumping_ = true;
    write_due();
    pumping_ = false;
    update_source();
    if (pieces_.empty()) finish();
  }

  void write_due() {
    while (!pieces_.empty() && can_write()) {
      piece& p = pieces_.front();
      const auto now = loop_.now();
      if (p.due > now) {
        if (!timer_.active())
          timer_ = loop_.call_later(netkit::seconds_f(p.due - now), [this] { pump(); });
        return;
      }
      const bytes_view rest = bytes_view(p.data).substr(p.offset);
      if (options_.fragment) {
        // One byte per send: the destination's limits are (0, 0), so anything the socket does
        // not take at once pauses it (pause_writing) until the queue is empty again.
        std::size_t i = 0;
        while (i < rest.size() && can_write()) destination_->write(rest.substr(i++, 1));
        p.offset += i;
        pending_ -= i;
      } else {
        destination_->write(rest);
        p.offset += rest.size();
        pending_ -= rest.size();
      }
      if (p.offset < p.data.size()) return;
      pieces_.pop_front();
    }
  }

  void finish();

  void update_source() {
    const bool want =
        source_ != nullptr && end_ == ending::none && !destination_gone_ &&
        (destination_paused_ || pending_ > high_water || (source_paused_ && pending_ > low_water));
    if (want == source_paused_ || source_ == nullptr) return;
    source_paused_ = want;
    if (want)
      source_->pause_producing();
    else
      source_->resume_producing();
  }

  session& owner_;
  netkit::reactor& loop_;
  const options& options_;
  fault fault_;
  std::uint64_t passed_ = 0;  // bytes let through so far, for fault_
  transport* source_ = nullptr;
  transport* destination_ = nullptr;
  bool destination_gone_ = false;
  bool destination_paused_ = false;
  bool source_paused_ = false;
  bool pumping_ = false;
  ending end_ = ending::none;
  bool finished_ = false;  // the ending was carried out
  bool fin_sent_ = false;
  bool awaiting_drain_ = false;  // a reset waits for the destination's queue to empty
  std::deque<piece> pieces_;
  std::size_t pending_ = 0;  // bytes in pieces_ not written yet
  netkit::delayed_call timer_;
};

// --- a session: one client, its connection to the target ---------------------------------------

enum class side { client = 0, server = 1 };

class proxy;

// One side's protocol: hands every event to its session, while the session lives.
class side_protocol final : public netkit::protocol {
 public:
  side_protocol(session& s, side which) : session_(&s), side_(which) {}
  void detach() noexcept { session_ = nullptr; }

  void connection_made() override;
  void data_received(bytes_view data) override;
  bool eof_received() override;
  void connection_lost(std::error_code reason) override;
  // Not the default (pause this transport's own reading): the session pauses the other side.
  void pause_writing() override;
  void resume_writing() override;

 private:
  session* session_;
  side side_;
};

// The target connection's factory; outlives its session (the connector shares it), so it holds
// the session weakly.
class upstream_factory final : public netkit::client_factory {
 public:
  explicit upstream_factory(session& s) : session_(&s) {}
  void detach() noexcept { session_ = nullptr; }
  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override;
  void client_connection_failed(netkit::connector&, std::error_code reason) override;

 private:
  session* session_;
};

class session {
 public:
  session(proxy& owner, netkit::reactor& loop, const options& o)
      : owner_(owner),
        loop_(loop),
        options_(o),
        up_(*this, loop, o, o.up),
        down_(*this, loop, o, o.down) {}
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  // Late callbacks (the reactor closing connections as it is destroyed) find no session.
  ~session() {
    for (side_protocol* p : protocols_)
      if (p != nullptr) p->detach();
    if (upstream_) upstream_->detach();
  }

  std::unique_ptr<netkit::protocol> make_protocol(side s) {
    auto p = std::make_unique<side_protocol>(*this, s);
    protocols_[index(s)] = p.get();
    return p;
  }

  void connection_made(side s, transport& t) {
    if (reset_) {  // the target connected after a reset ended the session
      t.abort_connection();
      return;
    }
    transports_[index(s)] = &t;
    // 1-byte writes: a transport that pauses as soon as anything is queued tells the direction
    // the socket is full, so that no byte is ever written behind another in the same send.
    if (options_.fragment) t.set_write_buffer_limits(0, 0);
    from(s).source_connected(t);
    toward(s).destination_connected(t);
    if (s == side::client) {
      upstream_ = std::make_shared<upstream_factory>(*this);
      try {
        loop_.connect_tcp(options_.target.host, options_.target.port, upstream_, 10s);
      } catch (const std::system_error& e) {
        // connect_tcp throws when it cannot even make its socket (out of descriptors): the
        // same end as a failed connect, so that the client is reset and the session freed.
        upstream_failed(e.code());
      }
    }
  }

  void data_received(side s, bytes_view data) { from(s).received(data); }

  // Keeps the connection open for what still goes toward this side; once its own FIN has been
  // forwarded to it too, nothing is left: it closes after its queue.
  bool eof_received(side s) {
    from(s).source_ended(ending::fin);
    if (toward(s).fin_sent() && transports_[index(s)] != nullptr)
      transports_[index(s)]->lose_connection();
    return true;
  }

  void connection_lost(side s) {
    transports_[index(s)] = nullptr;
    protocols_[index(s)] = nullptr;
    lost_[index(s)] = true;
    from(s).source_ended(ending::close);
    toward(s).destination_lost();
    maybe_done();
  }

  void writing_paused(side s, bool paused) { toward(s).destination_paused(paused); }

  std::unique_ptr<netkit::protocol> upstream_connected() { return make_protocol(side::server); }

  void upstream_failed(std::error_code reason) {
    std::cerr << "fault_proxy: connect " << options_.target.to_string() << ": " << reason.message()
              << '\n';
    upstream_failed_ = true;
    up_.destination_lost();
    if (transport* client = transports_[index(side::client)]) client->abort_connection();
    maybe_done();
  }

  // A reset fault fired: both connections end with RST, nothing more goes either way.
  void reset_both() {
    reset_ = true;
    up_.stop();
    down_.stop();
    for (transport* t : transports_)
      if (t != nullptr) t->abort_connection();
  }

  std::list<std::unique_ptr<session>>::iterator self;

 private:
  static std::size_t index(side s) { return static_cast<std::size_t>(s); }
  direction& from(side s) { return s == side::client ? up_ : down_; }
  direction& toward(side s) { return s == side::client ? down_ : up_; }
  void maybe_done();

  proxy& owner_;
  netkit::reactor& loop_;
  const options& options_;
  direction up_;    // client -> server
  direction down_;  // server -> client
  side_protocol* protocols_[2] = {};
  transport* transports_[2] = {};
  bool lost_[2] = {};
  bool upstream_failed_ = false;
  bool reset_ = false;
  bool done_ = false;
  std::shared_ptr<upstream_factory> upstream_;
};

void direction::finish() {
  if (end_ == ending::none || finished_ || destination_ == nullptr) return;
  switch (end_) {
    case ending::fin:
      finished_ = true;
      fin_sent_ = true;
      destination_->write_eof();
      break;
    case ending::close:
      finished_ = true;
      destination_->lose_connection();
      break;
    case ending::reset:
      if (destination_->buffered() != 0) {
        // Wait until the kernel has the first N bytes: limits (0, 0) make the transport call
        // resume_writing (and so pump) once its queue is empty.
        if (!awaiting_drain_) {
          awaiting_drain_ = true;
          destination_->set_write_buffer_limits(0, 0);
        }
        return;
      }
      finished_ = true;
      owner_.reset_both();
      break;
    case ending::none: break;
  }
}

// --- the proxy ---------------------------------------------------------------------------------

// A client to reset at once (--refuse).
class refusing_protocol final : public netkit::protocol {
 public:
  void connection_made() override { transport().abort_connection(); }
};

class listener;

// Accepts clients and owns their sessions. Destroy it before its reactor: its sessions detach
// from the protocols the reactor then closes.
class proxy {
 public:
  proxy(netkit::reactor& loop, options o);
  proxy(const proxy&) = delete;
  proxy& operator=(const proxy&) = delete;
  ~proxy();

  netkit::socket_address address() const { return port_->get_host(); }
  std::unique_ptr<netkit::protocol> accept();
  // A session whose connections are both gone: freed on the next turn, outside its callbacks.
  void finished(session& s) {
    loop_.call_soon([this, it = s.self] { sessions_.erase(it); });
  }

 private:
  netkit::reactor& loop_;
  options options_;
  std::shared_ptr<listener> listener_;
  netkit::listening_port* port_ = nullptr;
  std::list<std::unique_ptr<session>> sessions_;
};

// The listening port's factory; the port keeps it until the reactor goes, so it holds the proxy
// weakly.
class listener final : public netkit::factory {
 public:
  explicit listener(proxy& p) : proxy_(&p) {}
  void detach() noexcept { proxy_ = nullptr; }
  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
    return proxy_ != nullptr ? proxy_->accept() : nullptr;
  }

 private:
  proxy* proxy_;
};

proxy::proxy(netkit::reactor& loop, options o)
    : loop_(loop), options_(std::move(o)), listener_(std::make_shared<listener>(*this)) {
  port_ = &loop_.listen_tcp(options_.listen.port, listener_, options_.listen.host);
}

proxy::~proxy() {
  listener_->detach();
  port_->stop_listening();
}

std::unique_ptr<netkit::protocol> proxy::accept() {
  if (options_.refuse) return std::make_unique<refusing_protocol>();
  sessions_.push_back(std::make_unique<session>(*this, loop_, options_));
  sessions_.back()->self = std::prev(sessions_.end());
  return sessions_.back()->make_protocol(side::client);
}

void session::maybe_done() {
  if (done_ || !lost_[index(side::client)]) return;
  if (!lost_[index(side::server)] && !upstream_failed_) return;
  done_ = true;
  owner_.finished(*this);
}

void side_protocol::connection_made() {
  if (session_ != nullptr) session_->connection_made(side_, transport());
}
void side_protocol::data_received(bytes_view data) {
  if (session_ != nullptr) session_->data_received(side_, data);
}
bool side_protocol::eof_received() {
  return session_ != nullptr ? session_->eof_received(side_) : false;
}
void side_protocol::connection_lost(std::error_code /*reason*/) {
  if (session_ != nullptr) session_->connection_lost(side_);
  session_ = nullptr;
}
void side_protocol::pause_writing() {
  if (session_ != nullptr) session_->writing_paused(side_, true);
}
void side_protocol::resume_writing() {
  if (session_ != nullptr) session_->writing_paused(side_, false);
}

std::unique_ptr<netkit::protocol> upstream_factory::build_protocol(const netkit::socket_address&) {
  return session_ != nullptr ? session_->upstream_connected() : nullptr;
}
void upstream_factory::client_connection_failed(netkit::connector&, std::error_code reason) {
  if (session_ != nullptr) session_->upstream_failed(reason);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  try {
    o = parse_options(argc, argv);
  } catch (const usage_error& e) {
    std::cerr << "fault_proxy: " << e.what() << '\n' << usage_text;
    return 2;
  }
  try {
    netkit::reactor loop;  // declared first: destroyed after the proxy
    loop.handle_error = [](std::exception_ptr error) {
      try {
        std::rethrow_exception(std::move(error));
      } catch (const std::exception& e) {
        std::cerr << "fault_proxy: " << e.what() << '\n';
      } catch (...) {
        std::cerr << "fault_proxy: unknown error in a callback\n";
      }
    };
    loop.install_signal_handlers();
    proxy p(loop, std::move(o));
    std::cout << "listening on " << p.address().to_string() << '\n' << std::flush;
    loop.run();
  } catch (const std::exception& e) {
    std::cerr << "fault_proxy: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
