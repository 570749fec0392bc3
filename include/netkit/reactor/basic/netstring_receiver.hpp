// netkit/reactor/basic/netstring_receiver.hpp — a protocol that sends and receives netstrings
// ("5:hello,", http://cr.yp.to/proto/netstrings.txt): Twisted's
// twisted.protocols.basic.NetstringReceiver (public).
//
//   struct echo : netkit::netstring_receiver {
//     void string_received(netkit::bytes_view s) override { send_string(s); }
//   };
//
// The rules are Twisted's: the length is decimal digits without leading zeros ("0:," is the
// empty string, "007:" is malformed), at most max_length (Twisted's MAX_LENGTH, default 99999;
// a partial length already above it is rejected at once), then ':', the bytes, ','. Malformed
// input (no digits, a leading zero, a non-digit before ':', a length too long, a missing comma)
// loses the connection and sets broken_peer(); all further input is ignored (Twisted keeps the
// bad bytes and would parse them again on the next read). string_received() gets a view into
// the receiver's reused buffer, valid until it returns.
// Thread safety: the reactor's thread only, like every protocol.
#pragma once

#include <cstddef>

#include "netkit/bytes.hpp"
#include "netkit/reactor/basic/receive_buffer.hpp"
#include "netkit/reactor/protocol.hpp"

namespace netkit {

class netstring_receiver : public protocol {
 public:
  std::size_t max_length = 99999;  // Twisted's MAX_LENGTH

  void data_received(bytes_view data) override;

  // One complete netstring's payload.
  virtual void string_received(bytes_view data) = 0;

  // Writes "<length>:<data>," in one write_sequence.
  bool send_string(bytes_view data);

  // Malformed input arrived and the connection was told to close (Twisted's brokenPeer).
  bool broken_peer() const noexcept { return broken_peer_; }

 private:
  void parse_error();

  detail::receive_buffer buf_;
  bool broken_peer_ = false;
};

}  // namespace netkit
