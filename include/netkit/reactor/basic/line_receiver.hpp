// netkit/reactor/basic/line_receiver.hpp — a protocol that receives lines and, on demand, raw
// data: Twisted's twisted.protocols.basic.LineReceiver (public).
//
//   struct upper : netkit::line_receiver {
//     void line_received(std::string_view line) override { send_line(to_upper(line)); }
//   };
//   loop.listen_tcp(8000, netkit::factory::of<upper>());
//
// Input is split on `delimiter` (default "\r\n") and each line, without it, goes to
// line_received(); after set_raw_mode() everything goes to raw_data_received() until
// set_line_mode(extra) switches back (extra: the bytes raw_data_received did not use, parsed
// as lines). A mode switch made inside a callback applies to the very next byte. The result
// does not depend on how the input is split into reads.
//
// Differences from Twisted, each so that the outcome does not depend on read boundaries:
// - A line of exactly `max_length` bytes is accepted even when it arrives byte by byte (Twisted
//   calls lineLengthExceeded on it when the delimiter's first byte arrives in a later read).
//   A partial line is declared too long only once it cannot end in a line of max_length.
// - After line_length_exceeded() the receiver ignores all further input (Twisted resumes
//   parsing in the middle of the too-long line); the default hook loses the connection.
// Like Twisted's, it stops delivering lines once the transport is disconnecting (a handler
// called lose_connection()).
//
// line_received() gets a view into the receiver's buffer, valid until it returns; the buffer is
// one string reused for the connection's life (no allocation per line).
// Thread safety: the reactor's thread only, like every protocol.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "netkit/bytes.hpp"
#include "netkit/reactor/basic/receive_buffer.hpp"
#include "netkit/reactor/protocol.hpp"

namespace netkit {

class line_receiver : public protocol {
 public:
  // Twisted's delimiter and MAX_LENGTH; set them before data arrives (in the constructor).
  std::string delimiter = "\r\n";
  std::size_t max_length = 16384;

  void data_received(bytes_view data) override;

  // A complete line, without the delimiter.
  virtual void line_received(std::string_view line) = 0;
  // Data received in raw mode. Default: ignored.
  virtual void raw_data_received(bytes_view /*data*/) {}
  // A line longer than max_length: `rest` is everything buffered from its start (possibly only
  // part of it, possibly more lines). Default: lose the connection.
  virtual void line_length_exceeded(bytes_view /*rest*/) { transport().lose_connection(); }

  // Writes line + delimiter in one write_sequence (no copy).
  bool send_line(std::string_view line);

  void set_raw_mode() noexcept { line_mode_ = false; }
  // Back to lines; `extra` (bytes raw_data_received had but did not use) is parsed first. Do not
  // pass extra from inside line_received(): the rest of the buffer follows anyway.
  void set_line_mode(bytes_view extra = {});
  bool line_mode() const noexcept { return line_mode_; }

  // Drops and returns whatever is buffered and not yet delivered (Twisted's clearLineBuffer).
  bytes clear_line_buffer() { return buf_.take_all(); }

  // Stops delivering (buffering instead) and stops the transport reading; resume_producing()
  // delivers what was buffered. Twisted's _PauseableMixin.
  void pause_producing();
  void resume_producing();
  bool paused() const noexcept { return paused_; }

 private:
  detail::receive_buffer buf_;
  bool line_mode_ = true;
  bool paused_ = false;
  bool exceeded_ = false;
};

}  // namespace netkit
