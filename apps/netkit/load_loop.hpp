// apps/netkit/load_loop.hpp — the engine under `netkit bench echo` and `netkit bench http`
// (private to apps/): N client connections on one epoll set, run for a duration or until a
// count is reached, with a hard deadline whatever happens.
//
//   struct my_load : load_loop {
//     void start(std::size_t i) override { begin(i); send_first_request(i); }
//     void writable(std::size_t i) override { send_rest(i, ...); }
//     void readable(std::size_t i) override { read_all(i, ...); ...; end(i); start(i); }
//   };
//   my_load load(connections, limits);  double seconds = load.run(address);
//
// A generator shares the machine with the server it measures, so the loop is lean: one thread,
// every socket registered once edge-triggered (no epoll_ctl per exchange), the clock read once
// per epoll_wait, every connection open before the clock starts. A connection is "busy" between
// begin(i) and end(i) (an exchange in flight) or while it reconnects; the run ends at the
// deadline, or earlier once nothing is busy (a counted run that has issued its count).
//
// Thread safety: one thread.
#pragma once

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "netkit/socket.hpp"

namespace netkit::app {

// The options every load generator takes: --duration S or COUNT_FLAGS N (one or the other),
// --json, --timeout and --connect-timeout.
void add_run_options(CLI::App& cmd, double& duration, long long& count, const char* count_flags,
                     const char* count_help, bool& json, double& timeout, double& connect_timeout);

// Lets this process hold `wanted` descriptors, up to the hard limit.
void raise_fd_limit(rlim_t wanted);

struct load_limits {
  double duration = 5.0;  // seconds, for a timed run
  bool counted = false;   // true: run until nothing is busy, within `timeout`
  double timeout = 0;     // 0: duration + 30 s, or 600 s for a counted run
  double connect_timeout = 10.0;
};

class load_loop {
 public:
  load_loop(std::size_t connections, const load_limits& limits);
  load_loop(const load_loop&) = delete;
  load_loop& operator=(const load_loop&) = delete;
  virtual ~load_loop();

  // Opens every connection, calls start(i) on each one that connected, and runs. Returns the
  // seconds from the first start to the end. Throws when no connection could be opened, when
  // connecting takes longer than connect_timeout, or when a counted run hits its timeout.
  double run(const socket_address& to);

  int connected() const noexcept { return connected_; }
  long long errors() const noexcept { return errors_; }
  long long reconnects() const noexcept { return reconnects_; }

 protected:
  using clock = std::chrono::steady_clock;

  // Connection i is open: begin its first exchange (or do nothing, to leave it idle).
  virtual void start(std::size_t i) = 0;
  // Connection i, open and busy, can take more bytes (its EPOLLOUT edge).
  virtual void writable(std::size_t i) = 0;
  // Connection i, open and busy, has bytes or its peer's FIN to read.
  virtual void readable(std::size_t i) = 0;

  int fd(std::size_t i) const noexcept { return conns_[i].fd; }
  bool busy(std::size_t i) const noexcept { return conns_[i].busy; }
  void begin(std::size_t i) noexcept;
  void end(std::size_t i) noexcept;
  // Counts an error and closes connection i for good.
  void fail(std::size_t i) noexcept;
  // Closes connection i and opens it again (a server that ends keep-alive connections);
  // start(i) runs once it is open. Failing to reconnect counts as an error.
  void reopen(std::size_t i);
  // Sends data[sent, size) on connection i until all is sent or the socket is full (its
  // EPOLLOUT edge calls ready() again); a send error fails the connection.
  void send_rest(std::size_t i, const char* data, std::size_t size, std::size_t& sent);

  enum class read_end { drained, stopped, closed };
  // Reads what connection i holds, 64 KiB at a time into one shared buffer, handing each read
  // to got(std::string_view), which returns false to stop. drained: nothing more for now;
  // stopped: got said stop, or a read error failed the connection; closed: the peer's FIN
  // (the caller decides what that means).
  template <class Got>
  read_end read_all(std::size_t i, Got&& got) {
    for (;;) {
      const ssize_t n = ::recv(conns_[i].fd, scratch_.data(), scratch_.size(), 0);
      if (n > 0) {
        if (!got(std::string_view(scratch_.data(), static_cast<std::size_t>(n))))
          return read_end::stopped;
        if (static_cast<std::size_t>(n) < scratch_.size()) return read_end::drained;
        continue;
      }
      if (n == 0) return read_end::closed;
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return read_end::drained;
      fail(i);
      return read_end::stopped;
    }
  }

  // The time of the last epoll_wait's return: cheap, and precise enough for latencies.
  clock::time_point now() const noexcept { return now_; }

 private:
  struct connection {
    int fd = -1;
    bool connecting = false;
    bool busy = false;
  };

  void open(std::size_t i);
  void connect_all();
  void finish_connect(std::size_t i);
  void dispatch(std::size_t i, std::uint32_t events);
  int wait(clock::time_point until);

  std::vector<connection> conns_;
  std::vector<epoll_event> events_;
  std::vector<char> scratch_ = std::vector<char>(64 * 1024);
  load_limits limits_;
  socket_address to_;
  int ep_ = -1;
  int connected_ = 0;
  int connecting_ = 0;
  long long busy_ = 0;
  long long errors_ = 0;
  long long reconnects_ = 0;
  int connect_errno_ = 0;  // the last connect's failure, for the message when none succeeded
  clock::time_point now_;
};

}  // namespace netkit::app
