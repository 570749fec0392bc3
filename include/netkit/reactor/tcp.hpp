// netkit/reactor/tcp.hpp — TCP on the reactor: the connection transport and the listening
// port (public; you get them from reactor::listen_tcp / connect_tcp, not by constructing them).
//
//   auto& port = loop.listen_tcp(0, netkit::factory::of<echo>(), "127.0.0.1");
//   port.get_host().port();   // the port the kernel chose
//   port.stop_listening();
//
// A connection is edge-triggered in epoll and registered once: reads drain the socket into the
// reactor's shared buffer (no allocation per read); writes go straight to the socket and only
// what it does not take is queued, then sent with writev when it becomes writable.
//
// Thread safety: the reactor's thread only.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "netkit/file_descriptor.hpp"
#include "netkit/inplace_function.hpp"
#include "netkit/reactor/connector.hpp"
#include "netkit/reactor/delayed_call.hpp"
#include "netkit/reactor/factory.hpp"
#include "netkit/reactor/io_handler.hpp"
#include "netkit/reactor/port.hpp"
#include "netkit/reactor/protocol.hpp"
#include "netkit/reactor/transport.hpp"
#include "netkit/socket/endpoint.hpp"
#include "netkit/socket/socket.hpp"

namespace netkit {

class reactor;
class tcp_connector;

// io_handler first: the reactor's call to on_events, once per event, then needs no this-adjusting
// thunk (transport's virtual calls, all off the steady path since write() is not one, get it).
class tcp_connection final : public io_handler, public transport {
 public:
  tcp_connection(reactor& loop, socket sock, std::unique_ptr<protocol> proto,
                 std::shared_ptr<factory> f);
  tcp_connection(const tcp_connection&) = delete;
  tcp_connection& operator=(const tcp_connection&) = delete;
  ~tcp_connection();

  // transport
  bool write_sequence(std::span<const bytes_view> data) override;
  // sendfile(2), straight away while nothing is queued, else in turn from the queue.
  bool send_file(file_descriptor file, std::uint64_t offset, std::uint64_t count) override;
  void lose_connection() override;
  void abort_connection() override;
  void write_eof() override;
  socket_address get_peer() const override;
  socket_address get_host() const override;
  void pause_producing() override;
  void resume_producing() override;
  bool disconnecting() const noexcept override { return state_ != state::open; }
  std::size_t buffered() const noexcept override { return queued_; }
  void set_write_buffer_limits(std::size_t high, std::size_t low) override;
  reactor_time* clock() noexcept override;

  void on_events(std::uint32_t events) override;
  // Registers with the reactor and calls connection_made().
  void start();
  // Ends the connection now; the protocol's connection_lost(reason) follows when the reactor
  // finishes the current phase, then the reactor frees the connection.
  void close(std::error_code reason) noexcept;
  bool closed() const noexcept { return state_ == state::closed; }

 private:
  friend class reactor;
  friend class tcp_connector;
  enum class state { open, disconnecting, closed };

  [[gnu::always_inline]] inline void read_ready(bool peer_closed);
  // recv returned n <= 0: end of stream or an error (true), or EINTR (false: read again).
  [[gnu::noinline]] bool read_ended(ssize_t n);
  // transport's write() slow paths: output already queued or writes refused (no direct
  // socket), or the socket did not take everything at once (n: what send returned).
  bool write_queued(bytes_view data) override;
  bool write_rest(bytes_view data, ssize_t n) override;
  // Publishes the socket to transport::write() while nothing is queued and writes are allowed.
  void update_direct_socket() noexcept {
    set_direct_socket(!writes_refused_ && queued_ == 0 ? sock_.fileno() : -1);
  }
  void refuse_writes() noexcept {
    writes_refused_ = true;
    set_direct_socket(-1);
  }
  // An edge with EPOLLERR: what is left to read, then the socket's error.
  [[gnu::noinline]] void on_error_events(std::uint32_t events);
  void write_ready();
  // Sends what is queued; false if an error closed the connection.
  bool flush();
  void queue(bytes_view data);
  void queue_file(file_descriptor file, std::uint64_t offset, std::uint64_t count);
  ssize_t send_file_part(int file, std::uint64_t offset, std::uint64_t count);
  void pop_front_chunk() noexcept;
  void after_write();  // flow control and a pending close once the queue drains
  void deliver_connection_lost() noexcept;
  // Runs a protocol callback; if it throws, reports it (handle_error) and closes the
  // connection. False then.
  template <class Fn>
  [[gnu::always_inline]] inline bool call_protocol(Fn&& fn);
  // A protocol callback threw (inside call_protocol's catch): report it, close.
  [[gnu::cold, gnu::noinline]] void protocol_failed() noexcept;

  reactor& loop_;
  socket sock_;
  std::unique_ptr<protocol> proto_;
  std::shared_ptr<factory> factory_;
  // Queued output, in order, from out_[out_head_]; out_offset_ bytes of that one are sent. A
  // vector with a head index rather than a deque: nothing is allocated until something is
  // queued (a deque allocates 624 bytes up front: two thirds of an idle connection's cost).
  // One piece of queued output: bytes, or (file set) file_left bytes of a file from file_offset.
  struct out_chunk {
    bytes data;
    file_descriptor file;
    std::uint64_t file_offset = 0;
    std::uint64_t file_left = 0;
  };
  std::vector<out_chunk> out_;
  std::size_t out_head_ = 0;
  std::size_t out_offset_ = 0;
  std::size_t queued_ = 0;
  std::size_t high_water_ = 64 * 1024;
  std::size_t low_water_ = 16 * 1024;
  state state_ = state::open;
  bool writing_paused_ = false;  // pause_writing() sent to the protocol
  bool eof_pending_ = false;     // write_eof() waiting for the queue to drain
  bool write_closed_ = false;
  // Set, never cleared, once lose_connection, write_eof or close was called (refuse_writes()).
  bool writes_refused_ = false;
  // Why reading stops, as bits: zero is the one test read_ready's loop makes per pass.
  static constexpr std::uint8_t stop_not_open = 1;  // disconnecting or closed
  static constexpr std::uint8_t stop_paused = 2;    // pause_producing()
  static constexpr std::uint8_t stop_eof = 4;       // the peer half-closed
  std::uint8_t read_stops_ = 0;
  std::error_code lost_reason_;
  delayed_call resume_read_;            // the read resume_producing() defers to the next turn
  tcp_connector* connector_ = nullptr;  // set for connect_tcp's connections
  std::list<std::unique_ptr<tcp_connection>>::iterator self_;
};

class listening_port final : public port, public io_handler {
 public:
  listening_port(reactor& loop, socket sock, std::shared_ptr<factory> f);
  listening_port(const listening_port&) = delete;
  listening_port& operator=(const listening_port&) = delete;
  ~listening_port();

  // port
  socket_address get_host() const override { return sock_.getsockname(); }
  void stop_listening() noexcept override;
  bool listening() const noexcept override { return sock_.is_open(); }
  // Connections refused because the process ran out of descriptors (EMFILE/ENFILE).
  // Readable from any thread (reactor_pool sums them).
  std::size_t refused() const noexcept { return refused_.load(std::memory_order_relaxed); }
  // A Unix socket file to remove when the port stops listening (listen_unix).
  void remove_on_stop(std::string path) { unlink_path_ = std::move(path); }
  // Gives each accepted socket to `to` instead of making a connection here (reactor_pool hands
  // connections to other loops this way).
  using handoff = inplace_function<void(socket&), 32>;
  void hand_off_to(handoff to) { handoff_ = std::move(to); }

  void on_events(std::uint32_t events) override;

 private:
  // Out of descriptors: give back the spare, take the connection and close it, so the
  // listener stops being readable instead of spinning the loop (muduo's trick). `stuck`: the
  // spare could not be had back (in a pool another thread may take the descriptor it freed),
  // and only waiting will help.
  enum class shed_result { shed, empty, stuck };
  shed_result shed_one();
  // Stops watching the listener for a while (50 ms, doubling up to 1 s while it keeps
  // failing): a listener that stays readable must not spin the loop.
  void back_off();

  reactor& loop_;
  socket sock_;
  std::shared_ptr<factory> factory_;
  int spare_fd_ = -1;
  std::atomic<std::size_t> refused_{0};
  seconds_f backoff_{0.05};
  delayed_call retry_accept_;
  std::string unlink_path_;
  handoff handoff_;
};

// An outgoing connection (reactor::connect_tcp / connect_unix, Twisted's Connector): each
// connect() is an attempt with a socket of its own; the attempt becomes a tcp_connection or
// tells the factory why not.
class tcp_connector final : public connector, public io_handler {
 public:
  tcp_connector(reactor& loop, int family, endpoint to, std::shared_ptr<client_factory> f,
                seconds_f timeout);
  tcp_connector(const tcp_connector&) = delete;
  tcp_connector& operator=(const tcp_connector&) = delete;
  ~tcp_connector();

  // connector
  void connect() override;
  void connect_after(seconds_f delay) override;
  void stop_connecting() override;
  void disconnect() override;
  socket_address get_destination() const override { return destination_; }

  void on_events(std::uint32_t events) override;
  // Ends the attempt under way: the factory hears client_connection_failed(reason).
  void fail(std::error_code reason) noexcept;

 private:
  friend class reactor;
  friend class tcp_connection;
  enum class state { idle, connecting, connected };

  // Called by the connection it made once that connection's protocol has heard connection_lost.
  void connection_lost(std::error_code reason) noexcept;
  // Nothing under way and nothing pending: the reactor may free this connector.
  void release_if_idle() noexcept;
  void end_attempt() noexcept;

  reactor& loop_;
  int family_;
  endpoint to_;
  socket_address destination_;
  std::shared_ptr<client_factory> factory_;
  seconds_f timeout_;
  socket sock_ = socket::unopened();  // the attempt under way
  delayed_call attempt_timeout_;
  delayed_call retry_;
  tcp_connection* connection_ = nullptr;
  state state_ = state::idle;
  bool released_ = false;
  std::list<std::unique_ptr<tcp_connector>>::iterator self_;
};

}  // namespace netkit
