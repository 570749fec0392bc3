#include "netkit/socket/socket_file.hpp"

#include <algorithm>

#include "netkit/error.hpp"
#include "netkit/socket/socket.hpp"

namespace netkit {

socket_file::socket_file(socket& sock, std::string_view mode, std::size_t buffer_size)
    : sock_(&sock), buffer_size_(std::max<std::size_t>(buffer_size, 1)) {
  for (const char c : mode) {
    if (c == 'r')
      readable_ = true;
    else if (c == 'w')
      writable_ = true;
    else if (c != 'b')
      throw value_error("makefile: invalid mode " + std::string(mode) +
                        " (only r, w, b supported)");
  }
  if (!readable_ && !writable_) throw value_error("makefile: mode must contain r or w");
}

socket_file::~socket_file() {
  try {
    if (sock_ != nullptr && writable_) flush();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void socket_file::require_open(const char* call) const {
  if (sock_ == nullptr) throw value_error(std::string(call) + ": I/O operation on closed file");
}

bool socket_file::fill() {
  if (rpos_ == rbuf_.size()) {
    rbuf_.clear();
    rpos_ = 0;
  }
  const std::size_t old = rbuf_.size();
  rbuf_.resize(old + buffer_size_);
  std::size_t n = 0;
  try {
    n = sock_->recv_into(mutable_buffer(rbuf_.data() + old, buffer_size_));
  } catch (...) {
    rbuf_.resize(old);  // keep what was buffered; a later call may go on
    throw;
  }
  rbuf_.resize(old + n);
  return n != 0;
}

bytes socket_file::read(std::optional<std::size_t> n) {
  require_open("read");
  if (!readable_) throw value_error("read: file not open for reading");
  if (!n) {
    while (fill()) {
    }
  } else {
    while (rbuf_.size() - rpos_ < *n && fill()) {
    }
  }
  const std::size_t take = std::min(n.value_or(rbuf_.size() - rpos_), rbuf_.size() - rpos_);
  bytes out = rbuf_.substr(rpos_, take);
  rpos_ += take;
  return out;
}

bytes socket_file::read1(std::size_t n) {
  require_open("read1");
  if (!readable_) throw value_error("read1: file not open for reading");
  if (rpos_ == rbuf_.size()) fill();
  const std::size_t take = std::min(n, rbuf_.size() - rpos_);
  bytes out = rbuf_.substr(rpos_, take);
  rpos_ += take;
  return out;
}

bytes socket_file::readline(std::optional<std::size_t> limit) {
  require_open("readline");
  if (!readable_) throw value_error("readline: file not open for reading");
  const auto take = [this](std::size_t len) {
    bytes out = rbuf_.substr(rpos_, len);
    rpos_ += len;
    return out;
  };
  std::size_t scanned = 0;  // bytes after rpos_ known to hold no newline
  for (;;) {
    const std::size_t avail = rbuf_.size() - rpos_;
    const std::size_t nl = rbuf_.find('\n', rpos_ + scanned);
    if (nl != std::string::npos && (!limit || nl + 1 - rpos_ <= *limit))
      return take(nl + 1 - rpos_);
    if (limit && avail >= *limit) return take(*limit);
    scanned = avail;
    if (!fill()) return take(rbuf_.size() - rpos_);  // end of stream: the rest is the last line
  }
}

std::vector<bytes> socket_file::readlines() {
  std::vector<bytes> lines;
  for (bytes line; !(line = readline()).empty();) lines.push_back(std::move(line));
  return lines;
}

std::size_t socket_file::write(bytes_view data) {
  require_open("write");
  if (!writable_) throw value_error("write: file not open for writing");
  wbuf_.append(data);
  if (wbuf_.size() >= buffer_size_) flush();
  return data.size();
}

void socket_file::flush() {
  require_open("flush");
  if (wbuf_.empty()) return;
  std::string pending;
  pending.swap(wbuf_);
  sock_->sendall(pending);
}

void socket_file::close() {
  if (sock_ == nullptr) return;
  if (writable_) flush();
  sock_ = nullptr;
}

}  // namespace netkit
