#include "netkit/reactor/basic/netstring_receiver.hpp"

#include <array>
#include <charconv>
#include <cstdint>

namespace netkit {

void netstring_receiver::data_received(bytes_view data) {
  if (broken_peer_ || !buf_.add(data)) return;
  detail::receive_buffer::delivery running(buf_);
  while (!broken_peer_ && !buf_.empty()) {
    const bytes_view rest = buf_.unread();
    // The length is re-read from the start on every pass: it has at most as many digits as
    // max_length, so there is no state to keep between reads.
    std::size_t i = 0;
    std::size_t length = 0;
    for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; ++i) {
      if (i == 1 && rest[0] == '0') return parse_error();  // a leading zero
      const auto digit = static_cast<std::size_t>(rest[i] - '0');
      if (digit > max_length || length > (max_length - digit) / 10) {
        return parse_error();  // too long: said as soon as the digits show it
      }
      length = length * 10 + digit;
    }
    if (i == rest.size()) return;  // the length may go on in the next read
    if (i == 0 || rest[i] != ':') return parse_error();
    const std::size_t start = i + 1;
    if (rest.size() - start < length + 1) return;  // payload and comma not all here yet
    if (rest[start + length] != ',') return parse_error();
    buf_.consume(start + length + 1);
    string_received(rest.substr(start, length));
    buf_.merge_pending();
  }
}

bool netstring_receiver::send_string(bytes_view data) {
  std::array<char, 24> digits{};
  const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), data.size());
  (void)ec;  // 24 characters hold any size_t
  std::array<char, 25> head{};
  const auto n = static_cast<std::size_t>(end - digits.data());
  for (std::size_t k = 0; k < n; ++k) head[k] = digits[k];
  head[n] = ':';
  const std::array<bytes_view, 3> parts{bytes_view(head.data(), n + 1), data, bytes_view(",")};
  return transport().write_sequence(parts);
}

void netstring_receiver::parse_error() {
  broken_peer_ = true;
  buf_.discard();
  transport().lose_connection();
}

}  // namespace netkit
