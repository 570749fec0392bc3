// netkit/reactor/basic/receive_buffer.hpp — the reassembly buffer shared by the basic receivers
// (internal: use line_receiver, int32_string_receiver, netstring_receiver).
//
// One string that keeps its capacity, plus a read offset: a message is handed to the user as a
// view into it (no allocation per message), and what was consumed is dropped in one move at the
// end of each data_received. Bytes that arrive while a callback runs (a callback that re-feeds
// data, like set_line_mode(extra) from raw_data_received) go to a side buffer and are appended
// after the callback returns, so the view that callback holds stays valid for its whole run.
#pragma once

#include <cstddef>

#include "netkit/bytes.hpp"

namespace netkit::detail {

class receive_buffer {
 public:
  // Appends data, or defers it when a delivery is running (returns false: that delivery will
  // parse it once its current callback returns).
  bool add(bytes_view data) {
    if (busy_) {
      pending_.append(data);
      return false;
    }
    buf_.append(data);
    return true;
  }

  // Marks a delivery as running for its lifetime; at its end the consumed prefix is dropped.
  class delivery {
   public:
    explicit delivery(receive_buffer& b) noexcept : b_(b) { b_.busy_ = true; }
    delivery(const delivery&) = delete;
    delivery& operator=(const delivery&) = delete;
    ~delivery() {
      b_.busy_ = false;
      b_.merge_pending();
      b_.buf_.erase(0, b_.pos_);  // keeps the capacity
      b_.pos_ = 0;
    }

   private:
    receive_buffer& b_;
  };

  bytes_view unread() const noexcept { return bytes_view(buf_).substr(pos_); }
  bool empty() const noexcept { return pos_ == buf_.size(); }
  void consume(std::size_t n) noexcept { pos_ += n; }
  // After a callback: appends what arrived during it.
  void merge_pending() {
    if (!pending_.empty()) {
      buf_.append(pending_);
      pending_.clear();
    }
  }
  // Drops everything unread, deferred bytes included; returns it.
  bytes take_all() {
    bytes out(unread());
    out += pending_;
    pos_ = buf_.size();
    pending_.clear();
    return out;
  }
  // Drops everything unread without copying it out; views into it stay valid until the next add.
  void discard() noexcept {
    pos_ = buf_.size();
    pending_.clear();
  }

 private:
  bytes buf_;
  bytes pending_;
  std::size_t pos_ = 0;
  bool busy_ = false;
};

}  // namespace netkit::detail
