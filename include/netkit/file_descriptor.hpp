// netkit/file_descriptor.hpp — a move-only owner of one open file descriptor (public): closed
// when the owner goes. For files handed to a transport to send (transport::send_file).
//
//   netkit::file_descriptor f(::open("index.html", O_RDONLY | O_CLOEXEC));
//   if (!f) throw ...;
//   transport().send_file(std::move(f), 0, size);
//
// Thread safety: none; one owner.
#pragma once

#include <unistd.h>

#include <utility>

namespace netkit {

class file_descriptor {
 public:
  file_descriptor() noexcept = default;
  explicit file_descriptor(int fd) noexcept : fd_(fd) {}
  file_descriptor(file_descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  file_descriptor& operator=(file_descriptor&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  file_descriptor(const file_descriptor&) = delete;
  file_descriptor& operator=(const file_descriptor&) = delete;
  ~file_descriptor() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  // Gives the descriptor up: the caller closes it.
  int release() noexcept { return std::exchange(fd_, -1); }
  // Closes the descriptor held (close(2)'s error is of no use here: nothing was written
  // through it) and holds fd instead.
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace netkit
