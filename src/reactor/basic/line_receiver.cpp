#include "netkit/reactor/basic/line_receiver.hpp"

#include <array>

namespace netkit {

void line_receiver::data_received(bytes_view data) {
  if (exceeded_ || !buf_.add(data)) return;
  detail::receive_buffer::delivery running(buf_);
  // Twisted stops at once when a line's handler closes the connection: the rest is not delivered.
  while (!paused_ && !exceeded_ && !buf_.empty() && !transport().disconnecting()) {
    const bytes_view rest = buf_.unread();
    if (!line_mode_) {
      buf_.consume(rest.size());
      raw_data_received(rest);
    } else {
      const std::size_t at = delimiter.empty() ? bytes_view::npos : rest.find(delimiter);
      // Without a delimiter, the buffer may end with all but one byte of one: only beyond that
      // is the line certainly too long, whatever the next read brings.
      const std::size_t partial = delimiter.empty() ? 0 : delimiter.size() - 1;
      const std::size_t limit =
          at != bytes_view::npos ? at : (rest.size() > partial ? rest.size() - partial : 0);
      if (limit > max_length) {
        exceeded_ = true;
        buf_.discard();
        line_length_exceeded(rest);
        return;
      }
      if (at == bytes_view::npos) return;
      buf_.consume(at + delimiter.size());
      line_received(rest.substr(0, at));
    }
    buf_.merge_pending();
  }
}

bool line_receiver::send_line(std::string_view line) {
  const std::array<bytes_view, 2> parts{line, delimiter};
  return transport().write_sequence(parts);
}

void line_receiver::set_line_mode(bytes_view extra) {
  line_mode_ = true;
  if (!extra.empty()) data_received(extra);
}

void line_receiver::pause_producing() {
  paused_ = true;
  transport().pause_producing();
}

void line_receiver::resume_producing() {
  paused_ = false;
  transport().resume_producing();
  data_received({});
}

}  // namespace netkit
