// apps/netkit/echo_loop.cpp — `netkit echo-server --model select|poll|epoll|selectors`.
//
// One thread, one readiness loop. The echo logic (echo_service) is written once against a
// small `backend` interface: interest in EVENT_READ / EVENT_WRITE per descriptor, and a wait
// that hands each ready (fd, events) to the service. Each model is one backend over one API of
// netkit's select layer: netkit::select, netkit::poll, netkit::epoll, netkit::default_selector
// (whose keys carry the callback, as Python's selectors examples do).
//
// Per connection: what was read and not yet sent back waits in an output buffer. A client that
// does not read makes only its own buffer grow, and past max_pending the loop stops reading
// from that client (the kernel's buffers then push back on it) until the buffer drains: memory
// stays bounded and the other clients are served all along. The stop pipe (signals.hpp) is
// watched by the same loop, so SIGINT/SIGTERM end it at the next wakeup.
#include "echo_loop.hpp"

#include <sys/select.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <iostream>
#include <map>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "netkit/inplace_function.hpp"
#include "netkit/select.hpp"
#include "spare_descriptor.hpp"

namespace netkit::app {
namespace {

constexpr std::size_t read_chunk = 65536;
// Unsent bytes past which a client is no longer read from. A read adds at most read_chunk, so
// a connection never holds more than max_pending + read_chunk.
constexpr std::size_t max_pending = std::size_t{1} << 20;
// Work done per wakeup on one descriptor, so that one busy listener or datagram socket does
// not starve the connections (the loops are level-triggered: the rest is reported again).
constexpr int accepts_per_wakeup = 64;
constexpr int datagrams_per_wakeup = 64;

void log(std::string_view what) { std::cerr << "netkit echo-server: " << what << '\n'; }

bool is_would_block(std::error_code ec) { return ec == netkit::errc::would_block; }

// " from HOST:PORT" for a log line; nothing for an unnamed Unix client.
std::string from(const socket_address& peer) {
  std::string where = peer.to_string();
  return where.empty() ? where : " from " + where;
}

// What a backend reports for each ready descriptor: EVENT_READ and/or EVENT_WRITE. Errors and
// hang-ups are reported as both, as Python's selectors do; the service keeps what it asked for.
using ready_handler = inplace_function<void(int fd, unsigned events), 16>;

// --- backends: one readiness API each ------------------------------------------------------

// poll(2) and epoll(7) flags from EVENT_* bits, and back; an error or hang-up is reported as
// both events, so that the next recv or send meets it.
unsigned native_mask(unsigned events, unsigned in, unsigned out) {
  return ((events & EVENT_READ) != 0 ? in : 0U) | ((events & EVENT_WRITE) != 0 ? out : 0U);
}
unsigned ready_events(unsigned got, unsigned in, unsigned out, unsigned trouble) {
  if ((got & trouble) != 0) return EVENT_READ | EVENT_WRITE;
  return ((got & in) != 0 ? EVENT_READ : 0U) | ((got & out) != 0 ? EVENT_WRITE : 0U);
}

class backend {
 public:
  backend() = default;
  backend(const backend&) = delete;
  backend& operator=(const backend&) = delete;
  virtual ~backend() = default;

  virtual void add(int fd, unsigned events) = 0;
  virtual void modify(int fd, unsigned events) = 0;
  virtual void remove(int fd) = 0;
  // Whether the API can watch fd at all (select(2): only below FD_SETSIZE).
  virtual bool can_watch(int fd) const noexcept { return fd >= 0; }
  // Waits (no timeout: the stop pipe wakes it) and calls on_ready for each ready descriptor.
  virtual void wait(const ready_handler& on_ready) = 0;
};

// select(2): the interest set is rebuilt into read and write lists at each wait.
class select_backend final : public backend {
 public:
  void add(int fd, unsigned events) override { interest_[fd] = events; }
  void modify(int fd, unsigned events) override { interest_[fd] = events; }
  void remove(int fd) override { interest_.erase(fd); }
  bool can_watch(int fd) const noexcept override { return fd >= 0 && fd < FD_SETSIZE; }

  void wait(const ready_handler& on_ready) override {
    rlist_.clear();
    wlist_.clear();
    for (auto [fd, events] : interest_) {
      if ((events & EVENT_READ) != 0) rlist_.push_back(fd);
      if ((events & EVENT_WRITE) != 0) wlist_.push_back(fd);
    }
    auto [readable, writable, unused] = netkit::select(rlist_, wlist_, no_fds_);
    // Both lists come back in interest_'s (ascending) order: merge them into one (fd, events)
    // per descriptor, so that a connection closed on its read is not touched again.
    std::size_t r = 0;
    std::size_t w = 0;
    while (r < readable.size() || w < writable.size()) {
      if (w == writable.size() || (r < readable.size() && readable[r] < writable[w])) {
        on_ready(readable[r++], EVENT_READ);
      } else if (r == readable.size() || writable[w] < readable[r]) {
        on_ready(writable[w++], EVENT_WRITE);
      } else {
        on_ready(readable[r++], EVENT_READ | EVENT_WRITE);
        ++w;
      }
    }
  }

 private:
  std::map<int, unsigned> interest_;
  std::vector<int> rlist_;
  std::vector<int> wlist_;
  const std::vector<int> no_fds_;
};

// poll(2) through netkit::poll.
class poll_backend final : public backend {
 public:
  void add(int fd, unsigned events) override { poll_.register_(fd, mask(events)); }
  void modify(int fd, unsigned events) override { poll_.modify(fd, mask(events)); }
  void remove(int fd) override { poll_.unregister(fd); }

  void wait(const ready_handler& on_ready) override {
    for (auto [fd, revents] : poll_.poll())
      on_ready(fd, ready_events(static_cast<unsigned short>(revents), POLLIN, POLLOUT,
                                POLLERR | POLLHUP | POLLNVAL));
  }

 private:
  static short mask(unsigned events) {
    return static_cast<short>(native_mask(events, POLLIN, POLLOUT));
  }
  netkit::poll_object poll_;
};

// epoll(7) through netkit::epoll, level-triggered, with the non-allocating wait.
class epoll_backend final : public backend {
 public:
  void add(int fd, unsigned events) override { epoll_.register_(fd, mask(events)); }
  void modify(int fd, unsigned events) override { epoll_.modify(fd, mask(events)); }
  void remove(int fd) override { epoll_.unregister(fd); }

  void wait(const ready_handler& on_ready) override {
    std::error_code ec;
    const std::size_t n = epoll_.poll(buffer_, std::nullopt, ec);
    if (ec) throw std::system_error(ec, "epoll_wait");
    for (std::size_t i = 0; i < n; ++i)
      on_ready(buffer_[i].data.fd,
               ready_events(buffer_[i].events, EPOLLIN, EPOLLOUT, EPOLLERR | EPOLLHUP));
  }

 private:
  static std::uint32_t mask(unsigned events) { return native_mask(events, EPOLLIN, EPOLLOUT); }
  netkit::epoll epoll_;
  std::array<epoll_event, 256> buffer_{};
};

// Python's selectors way: each key's data is the callback, and the loop calls key.data.
class selectors_backend final : public backend {
 public:
  void add(int fd, unsigned events) override {
    selector_.register_(fd, events, [this](const selector_key& key, unsigned ready) {
      (*on_ready_)(key.fd, ready);
    });
  }
  void modify(int fd, unsigned events) override { selector_.modify(fd, events); }
  void remove(int fd) override { selector_.unregister(fd); }

  void wait(const ready_handler& on_ready) override {
    on_ready_ = &on_ready;
    for (const auto& [key, events] : selector_.select()) key.data(key, events);
  }

 private:
  netkit::default_selector selector_;
  const ready_handler* on_ready_ = nullptr;
};

// --- the echo logic, shared by every backend -----------------------------------------------

class echo_service {
 public:
  echo_service(backend& b, netkit::socket& sock, int stop_fd)
      : backend_(b), sock_(sock), stop_fd_(stop_fd), buffer_(read_chunk) {
    backend_.add(stop_fd_, EVENT_READ);
    backend_.add(sock_.fileno(), EVENT_READ);
    datagram_ = sock_.type() == SOCK_DGRAM;
  }

  void run() {
    const ready_handler on_ready = [this](int fd, unsigned events) { dispatch(fd, events); };
    while (!stopping_) backend_.wait(on_ready);
  }

 private:
  struct connection {
    netkit::socket sock;
    bytes pending;         // read, not yet echoed: pending[sent, size())
    std::size_t sent = 0;  // prefix of pending already written
    bool eof = false;      // the client has shut down its side
    unsigned events = 0;   // what the backend watches for it
    std::size_t unsent() const noexcept { return pending.size() - sent; }
  };

  // A datagram waiting for the socket to become writable again.
  struct datagram {
    bytes data;
    socket_address peer;
  };

  void dispatch(int fd, unsigned events) {
    if (fd == stop_fd_) {
      stopping_ = true;
    } else if (fd == sock_.fileno()) {
      if (datagram_)
        serve_datagrams(events);
      else
        accept_some();
    } else if (auto it = connections_.find(fd); it != connections_.end()) {
      // Keep only what was asked for: an error or hang-up shows up through it. A failure
      // while serving one connection (the kernel refusing a new interest mask) closes that
      // connection only.
      bool keep = false;
      try {
        keep = serve(it->second, events & it->second.events);
      } catch (const std::exception& e) {
        log(std::string("closing a connection: ") + e.what());
      }
      if (!keep) close(it);
    }
  }

  // Out of descriptors, waiting connections are closed through the spare; a line says so at
  // most once a second, however many clients come.
  void accept_some() {
    for (int i = 0; i < accepts_per_wakeup; ++i) {
      std::error_code ec;
      auto [conn, peer] = sock_.accept(ec);
      if (ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_shed_line_) {
          log("accept: " + python_message(ec) +
              ": closing new connections until descriptors are freed");
          next_shed_line_ = now + std::chrono::seconds(1);
        }
        if (!spare_.shed_one(sock_.fileno())) break;
        continue;
      }
      if (is_would_block(ec)) break;
      if (ec == std::errc::connection_aborted || ec == std::errc::protocol_error) continue;
      if (ec) {
        log("accept: " + python_message(ec));
        break;
      }
      add_connection(std::move(conn), peer);
    }
  }

  void add_connection(netkit::socket conn, const socket_address& peer) {
    const int fd = conn.fileno();
    if (!backend_.can_watch(fd)) {
      // select(2) cannot watch it; the connection closes as `conn` goes.
      log("descriptor " + std::to_string(fd) + " >= FD_SETSIZE (" + std::to_string(FD_SETSIZE) +
          "): select cannot watch it; closing the connection" + from(peer));
      return;
    }
    conn.setblocking(false);
    try {
      backend_.add(fd, EVENT_READ);
    } catch (const std::exception& e) {
      log(std::string("watching a new connection: ") + e.what());
      return;
    }
    connections_.emplace(fd, connection{std::move(conn), {}, 0, false, EVENT_READ});
  }

  // Reads and writes what the readiness allows; false when the connection is done.
  bool serve(connection& c, unsigned events) {
    if ((events & EVENT_READ) != 0) {
      std::error_code ec;
      const std::size_t n = c.sock.recv_into(buffer_, ec);
      if (ec && !is_would_block(ec)) return false;  // reset: nothing to say for an echo
      if (!ec && n == 0) c.eof = true;
      if (!ec && n > 0) {
        c.pending.append(buffer_.data(), n);
        events |= EVENT_WRITE;  // try to echo at once, most often it all goes
      }
    }
    if ((events & EVENT_WRITE) != 0 && c.unsent() > 0) {
      std::error_code ec;
      const std::size_t n = c.sock.send(bytes_view(c.pending).substr(c.sent), ec);
      if (ec && !is_would_block(ec)) return false;
      if (!ec) c.sent += n;
      if (c.sent == c.pending.size()) {
        c.pending.clear();
        c.sent = 0;
      } else if (c.sent >= c.pending.size() / 2) {
        c.pending.erase(0, c.sent);  // compact: the copy is at most half the buffer
        c.sent = 0;
      }
    }
    if (c.eof && c.unsent() == 0) return false;
    const unsigned want = (c.eof || c.unsent() >= max_pending ? 0U : EVENT_READ) |
                          (c.unsent() > 0 ? EVENT_WRITE : 0U);
    if (want != c.events) {
      backend_.modify(c.sock.fileno(), want);
      c.events = want;
    }
    return true;
  }

  void close(std::unordered_map<int, connection>::iterator it) {
    try {
      backend_.remove(it->first);  // before the close: the descriptor may be reused at once
    } catch (const std::exception& e) {
      log(std::string("unwatching a connection: ") + e.what());
    }
    connections_.erase(it);
  }

  // UDP: echo what arrives; datagrams the socket cannot take now wait in a bounded queue
  // (beyond it they are dropped, as UDP allows) and reading pauses until it drains.
  void serve_datagrams(unsigned events) {
    if ((events & EVENT_WRITE) != 0) {
      while (!queue_.empty()) {
        std::error_code ec;
        sock_.sendto(queue_.front().data, queue_.front().peer, ec);
        if (is_would_block(ec)) break;
        if (ec) log("sendto: " + python_message(ec));
        queued_ -= queue_.front().data.size();
        queue_.pop_front();
      }
    }
    if ((events & EVENT_READ) != 0) {
      for (int i = 0; i < datagrams_per_wakeup && queued_ < max_pending; ++i) {
        std::error_code ec;
        auto [n, peer] = sock_.recvfrom_into(buffer_, ec);
        if (is_would_block(ec)) break;
        if (ec) {
          log("recvfrom: " + python_message(ec));
          continue;
        }
        const bytes_view data(buffer_.data(), n);
        if (queue_.empty()) {
          sock_.sendto(data, peer, ec);
          if (!is_would_block(ec)) {
            if (ec) log("sendto: " + python_message(ec));
            continue;
          }
        }
        queue_.push_back({bytes(data), peer});
        queued_ += n;
      }
    }
    const unsigned want =
        (queued_ < max_pending ? EVENT_READ : 0U) | (queue_.empty() ? 0U : EVENT_WRITE);
    if (want != datagram_events_) {
      backend_.modify(sock_.fileno(), want);
      datagram_events_ = want;
    }
  }

  backend& backend_;
  netkit::socket& sock_;
  const int stop_fd_;
  bool datagram_ = false;
  bool stopping_ = false;
  std::vector<char> buffer_;  // every read lands here first
  std::unordered_map<int, connection> connections_;
  spare_descriptor spare_;
  std::chrono::steady_clock::time_point next_shed_line_;  // out of descriptors: next log line
  std::deque<datagram> queue_;
  std::size_t queued_ = 0;
  unsigned datagram_events_ = EVENT_READ;
};

template <class Backend>
void serve_with(netkit::socket& sock, const stop_signal& stop) {
  Backend b;
  echo_service service(b, sock, stop.fd());
  service.run();
}

}  // namespace

bool is_readiness_model(std::string_view model) noexcept {
  return model == "select" || model == "poll" || model == "epoll" || model == "selectors";
}

void serve_readiness(std::string_view model, netkit::socket& sock, const stop_signal& stop) {
  sock.setblocking(false);
  if (model == "select") serve_with<select_backend>(sock, stop);
  if (model == "poll") serve_with<poll_backend>(sock, stop);
  if (model == "epoll") serve_with<epoll_backend>(sock, stop);
  if (model == "selectors") serve_with<selectors_backend>(sock, stop);
}

}  // namespace netkit::app
