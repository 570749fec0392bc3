// netkit/testing/string_transport.hpp — a transport that records instead of sending, Twisted's
// twisted.internet.testing.StringTransport (public). Drive a protocol by hand, byte by byte:
//
//   netkit::string_transport t;
//   my_protocol p;
//   p.make_connection(t, nullptr);
//   for (char c : std::string_view("HELLO\r\n")) p.data_received({&c, 1});
//   EXPECT_EQ(t.value(), "hello\r\n");
//
// Nothing is ever sent: writes accumulate in value(), and every control call (lose, abort,
// write_eof, pause, resume, the buffer limits) is recorded for the test to inspect. Like every
// transport, it refuses writes once lose_connection() or abort_connection() was called. It never
// calls the protocol back (no connection_lost): the test decides when the connection ends.
//
// Thread safety: none; one thread.
#pragma once

#include <cstddef>
#include <span>
#include <utility>

#include "netkit/bytes.hpp"
#include "netkit/reactor/transport.hpp"
#include "netkit/socket/socket_address.hpp"

namespace netkit {

class string_transport final : public transport {
 public:
  // Twisted's defaults: host 10.0.0.1:12345, peer 192.168.1.1:54321.
  string_transport();
  string_transport(socket_address host, socket_address peer);

  // transport
  bool write_sequence(std::span<const bytes_view> data) override;
  void lose_connection() override { ++lose_connection_calls_; }
  void abort_connection() override { ++abort_connection_calls_; }
  void write_eof() override { ++write_eof_calls_; }
  socket_address get_peer() const override { return peer_; }
  socket_address get_host() const override { return host_; }
  void pause_producing() override;
  void resume_producing() override;
  std::size_t buffered() const noexcept override { return 0; }
  void set_write_buffer_limits(std::size_t high, std::size_t low) override;
  // The clock set by set_clock (a fake_clock, typically), or null.
  reactor_time* clock() noexcept override { return clock_; }
  void set_clock(reactor_time* c) noexcept { clock_ = c; }

  // Everything written so far (Twisted's value()), and clear() to start afresh (it forgets
  // only the bytes, not the recorded calls).
  const bytes& value() const noexcept { return written_; }
  void clear() noexcept { written_.clear(); }

  // lose_connection() was called (Twisted's disconnecting); abort_connection() was called.
  bool disconnecting() const noexcept override {
    return lose_connection_calls_ > 0 || abort_connection_calls_ > 0;
  }
  bool aborted() const noexcept { return abort_connection_calls_ > 0; }
  bool eof_written() const noexcept { return write_eof_calls_ > 0; }
  // pause_producing() was the last of pause/resume (Twisted's producerState == 'paused').
  bool paused() const noexcept { return paused_; }
  int lose_connection_calls() const noexcept { return lose_connection_calls_; }
  int abort_connection_calls() const noexcept { return abort_connection_calls_; }
  int write_eof_calls() const noexcept { return write_eof_calls_; }
  int pause_calls() const noexcept { return pause_calls_; }
  int resume_calls() const noexcept { return resume_calls_; }
  // Writes refused because they came after lose_connection() or abort_connection().
  int refused_writes() const noexcept { return refused_writes_; }
  // Writes accepted (each a send(2) on a real socket transport with nothing queued).
  int write_calls() const noexcept { return write_calls_; }
  std::size_t high_water_mark() const noexcept { return high_; }
  std::size_t low_water_mark() const noexcept { return low_; }

  void set_peer(socket_address peer) { peer_ = std::move(peer); }
  void set_host(socket_address host) { host_ = std::move(host); }

 protected:
  // No direct socket: every write() lands in write_queued.
  bool write_queued(bytes_view data) override;
  bool write_rest(bytes_view data, ssize_t n) override;

 private:
  bool closing() const noexcept {
    return lose_connection_calls_ > 0 || abort_connection_calls_ > 0;
  }

  bytes written_;
  reactor_time* clock_ = nullptr;
  socket_address host_;
  socket_address peer_;
  int lose_connection_calls_ = 0;
  int abort_connection_calls_ = 0;
  int write_eof_calls_ = 0;
  int pause_calls_ = 0;
  int resume_calls_ = 0;
  int refused_writes_ = 0;
  int write_calls_ = 0;
  bool paused_ = false;
  std::size_t high_ = 64 * 1024;
  std::size_t low_ = 16 * 1024;
};

}  // namespace netkit
