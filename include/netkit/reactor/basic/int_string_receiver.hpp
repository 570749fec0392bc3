// netkit/reactor/basic/int_string_receiver.hpp — protocols for strings framed by a big-endian
// length prefix: Twisted's Int32StringReceiver, Int16StringReceiver and Int8StringReceiver
// (twisted.protocols.basic.IntNStringReceiver) (public).
//
//   struct echo : netkit::int32_string_receiver {
//     void string_received(netkit::bytes_view s) override { send_string(s); }
//   };
//   // "\0\0\0\5hello" arrives -> string_received("hello") -> "\0\0\0\5hello" is sent
//
// A prefix above max_length (Twisted's MAX_LENGTH, default 99999) calls
// length_limit_exceeded(length), which loses the connection by default; the framing is lost
// then, so all further input is ignored (Twisted would call the hook again on every read, a
// count that depends on how the input is split). send_string() of a string too long for the
// prefix throws value_error (Twisted's StringTooLongError). string_received() gets a view into
// the receiver's reused buffer, valid until it returns.
// Thread safety: the reactor's thread only, like every protocol.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "netkit/bytes.hpp"
#include "netkit/error.hpp"
#include "netkit/reactor/basic/receive_buffer.hpp"
#include "netkit/reactor/protocol.hpp"

namespace netkit {

template <std::size_t PrefixLength>
class int_n_string_receiver : public protocol {
  static_assert(PrefixLength == 1 || PrefixLength == 2 || PrefixLength == 4);

 public:
  static constexpr std::size_t prefix_length = PrefixLength;
  // The largest length the prefix can carry.
  static constexpr std::uint64_t max_prefix_value = (std::uint64_t{1} << (8 * PrefixLength)) - 1;

  std::size_t max_length = 99999;  // Twisted's MAX_LENGTH

  void data_received(bytes_view data) override {
    if (exceeded_ || !buf_.add(data)) return;
    detail::receive_buffer::delivery running(buf_);
    while (!paused_ && !exceeded_) {
      const bytes_view rest = buf_.unread();
      if (rest.size() < PrefixLength) return;
      std::uint64_t length = 0;
      for (std::size_t i = 0; i < PrefixLength; ++i) {
        length = (length << 8) | static_cast<unsigned char>(rest[i]);
      }
      if (length > max_length) {
        exceeded_ = true;
        buf_.discard();
        length_limit_exceeded(length);
        return;
      }
      if (rest.size() - PrefixLength < length) return;
      buf_.consume(PrefixLength + length);
      string_received(rest.substr(PrefixLength, length));
      buf_.merge_pending();
    }
  }

  // One complete string, without its prefix.
  virtual void string_received(bytes_view data) = 0;
  // A prefix announced more than max_length bytes. Default: lose the connection.
  virtual void length_limit_exceeded(std::uint64_t /*length*/) { transport().lose_connection(); }

  // Writes the prefix and the string in one write_sequence; throws value_error if the string
  // is longer than the prefix can say.
  bool send_string(bytes_view data) {
    if (data.size() > max_prefix_value) {
      throw value_error("send_string: " + std::to_string(data.size()) +
                        " bytes whereas the maximum is " + std::to_string(max_prefix_value));
    }
    std::array<char, PrefixLength> prefix{};
    std::uint64_t length = data.size();
    for (std::size_t i = PrefixLength; i-- > 0; length >>= 8) {
      prefix[i] = static_cast<char>(length & 0xff);
    }
    const std::array<bytes_view, 2> parts{bytes_view(prefix.data(), prefix.size()), data};
    return transport().write_sequence(parts);
  }

  // Stops delivering (buffering instead) and stops the transport reading; resume_producing()
  // delivers what was buffered. Twisted's _PauseableMixin.
  void pause_producing() {
    paused_ = true;
    transport().pause_producing();
  }
  void resume_producing() {
    paused_ = false;
    transport().resume_producing();
    data_received({});
  }
  bool paused() const noexcept { return paused_; }

 private:
  detail::receive_buffer buf_;
  bool paused_ = false;
  bool exceeded_ = false;
};

using int32_string_receiver = int_n_string_receiver<4>;
using int16_string_receiver = int_n_string_receiver<2>;
using int8_string_receiver = int_n_string_receiver<1>;

}  // namespace netkit
