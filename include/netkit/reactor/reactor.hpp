// netkit/reactor/reactor.hpp — the event loop, Twisted's reactor (public). No global instance:
// create one and pass it around.
//
//   netkit::reactor loop;
//   auto t = loop.call_later(100ms, [&] { loop.stop(); });
//   loop.call_soon([] { std::puts("first"); });
//   loop.add_reader(pipe_fd, [&] { drain(pipe_fd); });
//   loop.run();                          // until stop()
//
// One iteration (see docs/design.md): run the due timers, then the call_soon queue, then wait
// in epoll for I/O (no longer than the next timer, not at all when call_soon work is pending)
// and dispatch readers and writers; calls from other threads arrive through an eventfd and
// join the call_soon queue. A callback that throws is reported by handle_error (stderr by
// default) and the loop goes on.
//
// Thread safety: a reactor and everything registered on it belong to the thread that runs it.
// Only call_from_thread() and stop() may be called from other threads.
#pragma once

#include <signal.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "netkit/inplace_function.hpp"
#include "netkit/reactor/delayed_call.hpp"
#include "netkit/reactor/io_handler.hpp"
#include "netkit/reactor/reactor_interfaces.hpp"
#include "netkit/reactor/reactor_time.hpp"
#include "netkit/reactor/tcp.hpp"
#include "netkit/reactor/udp.hpp"
#include "netkit/select/epoll.hpp"
#include "netkit/socket/deadline.hpp"

namespace netkit {

class factory;
class client_factory;
class connector;
class listening_port;
class tcp_connection;
class tcp_connector;
class udp_port;
class datagram_protocol;

class reactor final : public reactor_time,
                      public reactor_tcp,
                      public reactor_unix,
                      public reactor_udp {
 public:
  reactor();
  reactor(const reactor&) = delete;
  reactor& operator=(const reactor&) = delete;
  ~reactor();

  // Runs until stop(); returns at once if stop() was called before run(). While it runs,
  // SIGPIPE is blocked on this thread, so a write or sendfile to a peer that is gone fails
  // with EPIPE instead of killing the process (Python ignores SIGPIPE for the same reason);
  // one raised meanwhile is discarded and the mask restored when run() returns.
  void run();
  // Makes run() return after the current iteration (any thread).
  void stop() noexcept;
  bool running() const noexcept { return running_; }

  // call_later(delay, fn) and seconds() come from reactor_time.
  // Runs fn on the next iteration, after the due timers, in the order given.
  void call_soon(callback fn);
  // Like call_soon, from any thread: wakes the loop through an eventfd.
  void call_from_thread(callback fn);

  // Calls fn each time fd is readable / writable (level-triggered) until removed.
  void add_reader(int fd, callback fn);
  void add_writer(int fd, callback fn);
  void remove_reader(int fd);
  void remove_writer(int fd);

  // Accepts TCP connections on (interface, port) — '' is every interface, port 0 a free one —
  // and gives each a protocol from `f`. The port belongs to the reactor; stop it with
  // stop_listening(). Twisted's listenTCP.
  listening_port& listen_tcp(int port_number, std::shared_ptr<factory> f,
                             const std::string& interface = "", int backlog = 511) override;
  // Connects to (host, port); on success the factory's protocol gets connection_made(), on
  // failure the factory's client_connection_failed(). Twisted's connectTCP. The connector can
  // disconnect or try again (see connector.hpp).
  connector& connect_tcp(const std::string& host, int port_number,
                         std::shared_ptr<client_factory> f,
                         seconds_f timeout = seconds_f(30)) override;
  // The same over a Unix stream socket (Twisted's listenUNIX / connectUNIX). The port removes
  // its socket file when it stops listening.
  listening_port& listen_unix(const std::string& path, std::shared_ptr<factory> f,
                              int backlog = 511) override;
  connector& connect_unix(const std::string& path, std::shared_ptr<client_factory> f,
                          seconds_f timeout = seconds_f(30)) override;
  // Listens with a socket already bound and listening (Twisted's adoptStreamPort): for options
  // listen_tcp does not set, such as SO_REUSEPORT (reactor_pool uses it).
  listening_port& adopt_port(socket listening, std::shared_ptr<factory> f);
  // Runs a protocol from f on a connected stream socket, e.g. one accepted elsewhere (Twisted's
  // adoptStreamConnection). Returns false if the factory refused it (the socket is closed).
  bool adopt_connection(socket connected, std::shared_ptr<factory> f);
  // Receives and sends datagrams on (interface, port) with one protocol for every peer
  // (Twisted's listenUDP). See udp.hpp.
  udp_port& listen_udp(int port_number, std::shared_ptr<datagram_protocol> proto,
                       const std::string& interface = "",
                       std::size_t max_packet_size = 65535) override;
  // Makes SIGINT and SIGTERM stop this reactor cleanly (Twisted installs such handlers in
  // run()); the previous handlers come back when the reactor is destroyed. One reactor per
  // process at a time.
  void install_signal_handlers();
  // Open connections (accepted and connected) on this reactor.
  std::size_t connection_count() const noexcept { return connections_.size(); }

  // For transports: watch fd for `events` (EPOLLIN, EPOLLOUT, EPOLLET ...) and call h.
  void watch(int fd, std::uint32_t events, io_handler& h);
  void rewatch(int fd, std::uint32_t events, io_handler& h);
  void unwatch(int fd) noexcept;
  // One read buffer for every connection of this loop: data_received views it. Its size is a
  // constant, so that the read loop keeps one register fewer.
  static constexpr std::size_t read_buffer_size = 64 * 1024;
  std::span<char, read_buffer_size> read_buffer() noexcept {
    return std::span<char, read_buffer_size>(read_buffer_.get(), read_buffer_size);
  }

  // The monotonic clock (steady_clock): seconds() counts from an arbitrary epoch.
  clock::time_point now() const noexcept override { return clock::now(); }

  // Called with a callback's exception current; prints it to stderr. Replace to log elsewhere.
  std::function<void(std::exception_ptr)> handle_error;

 private:
  struct io_watch final : io_handler {
    void on_events(std::uint32_t events) override;
    callback reader;
    callback writer;
    std::uint32_t events = 0;  // what epoll has for this fd
  };
  struct wakeup_handler final : io_handler {
    explicit wakeup_handler(reactor& r) : owner(r) {}
    void on_events(std::uint32_t) override { owner.take_cross_thread_calls(); }
    reactor& owner;
  };
  friend class tcp_connection;
  friend class tcp_connector;
  friend class listening_port;
  friend class udp_port;
  // Connections are owned here; a closed one moves to closing_ and is destroyed at the end of
  // the iteration, so an event already fetched for it never finds freed memory.
  void adopt(std::unique_ptr<tcp_connection> c);
  void retire(tcp_connection& c) noexcept;
  // Delivers connection_lost() to the connections closed so far and frees them.
  void finish_closing() noexcept;
  // closing_ or connectors_done_ holds something: one flag, tested twice per turn.
  bool has_closing() const noexcept { return closing_pending_; }
  listening_port& start_listening(socket s, std::shared_ptr<factory> f);
  bool start_connection(socket s, const socket_address& peer, const std::shared_ptr<factory>& f);
  connector& start_connect(int family, endpoint to, std::shared_ptr<client_factory> f,
                           seconds_f timeout);
  void restore_signal_handlers() noexcept;

  // One turn of run()'s loop; inlined there, so a turn costs no call and no frame of its own.
  [[gnu::always_inline]] inline void run_once();
  // run_once's rarer steps, out of line so that an I/O-only turn stays short. run_pending runs
  // due timers, call_soon work and closes; it returns epoll_wait's timeout, or `stopped`.
  static constexpr int stopped = -2;
  [[gnu::noinline]] int run_pending();
  [[gnu::noinline]] int wait_failed();
  [[gnu::noinline]] void grow_events();
  void run_soon_queue();
  void take_cross_thread_calls();
  int wait_ms() const noexcept;
  io_watch& watch_for(int fd);
  void update_watch(int fd);
  // Runs fn; an exception goes to handle_error and no further.
  // Returns false if it threw.
  template <class Fn>
  bool guarded(Fn&& fn) noexcept {
    try {
      fn();
      return true;
    } catch (...) {
      report_current_exception();
      return false;
    }
  }
  // Inside a catch block: hands the exception to handle_error. Out of line, so that a guarded
  // call on a hot path keeps only a call in its landing pad.
  [[gnu::cold]] void report_current_exception() noexcept;

  epoll epoll_;
  int wakeup_fd_ = -1;
  std::atomic<bool> stop_requested_{false};
  bool running_ = false;

  std::vector<callback> soon_;
  std::vector<callback> running_soon_;  // swapped with soon_: reused, no allocation per turn

  std::mutex cross_mutex_;
  std::vector<callback> cross_;
  bool cross_signalled_ = false;

  std::vector<std::unique_ptr<io_watch>> watches_;  // by descriptor number; never moved
  std::vector<epoll_event> events_;
  int events_size_ = 0;  // events_.size(), kept as epoll_wait takes it
  bool closing_pending_ = false;
  wakeup_handler wakeup_{*this};
  std::unique_ptr<char[]> read_buffer_;
  std::list<std::unique_ptr<tcp_connection>> connections_;
  std::list<std::unique_ptr<tcp_connection>> closing_;
  std::list<std::unique_ptr<listening_port>> ports_;
  std::list<std::unique_ptr<udp_port>> udp_ports_;
  std::list<std::unique_ptr<tcp_connector>> connectors_;
  std::list<std::unique_ptr<tcp_connector>> connectors_done_;
  bool signals_installed_ = false;
  bool shutting_down_ = false;  // the destructor runs: connectors no longer connect
  struct sigaction previous_sigint_ {};
  struct sigaction previous_sigterm_ {};
};

}  // namespace netkit
