// apps/netkit/spare_descriptor.hpp — one descriptor held in reserve so that a server whose
// descriptor table is full (EMFILE/ENFILE) can still take a waiting connection off its
// listener and close it (private to apps/).
//
//   spare_descriptor spare;
//   if (accept failed with EMFILE) spare.shed_one(listener.fileno());   // the client sees a close
//
// Without it the listener stays readable and a loop that polls it spins on accept, logging
// each failure. shed_one closes the spare, accepts and closes the waiting connection at once,
// and reopens the spare (muduo's Acceptor does the same).
//
// Thread safety: none; a server whose threads share one listener guards it with a mutex.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace netkit::app {

class spare_descriptor {
 public:
  spare_descriptor() : fd_(open_spare()) {}
  ~spare_descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  spare_descriptor(const spare_descriptor&) = delete;
  spare_descriptor& operator=(const spare_descriptor&) = delete;

  // True when a connection was taken off the listener's queue and closed. A spare lost
  // earlier (another thread took its slot) is reopened first, if there is room by now.
  bool shed_one(int listener_fd) {
    if (fd_ < 0) fd_ = open_spare();
    if (fd_ < 0) return false;
    ::close(fd_);
    const int conn = ::accept4(listener_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn >= 0) ::close(conn);
    fd_ = open_spare();
    return conn >= 0;
  }

 private:
  static int open_spare() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }
  int fd_;
};

}  // namespace netkit::app
