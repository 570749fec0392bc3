// apps/netkit/signals.cpp — the self-pipe behind stop_signal and child_signal.
#include "signals.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <system_error>

namespace netkit::app {
namespace {

// Read by the handlers, which may run on any thread: plain atomics of lock-free ints.
std::atomic<int> stop_write_fd{-1};
std::atomic<int> child_write_fd{-1};

void write_byte(int fd) noexcept {
  if (fd < 0) return;
  const int saved = errno;
  const char byte = 1;
  // A full pipe already says "signalled"; the result does not matter.
  [[maybe_unused]] auto n = ::write(fd, &byte, 1);
  errno = saved;
}

extern "C" void on_stop(int) { write_byte(stop_write_fd.load()); }
extern "C" void on_child(int) { write_byte(child_write_fd.load()); }

void make_pipe(int& read_fd, int& write_fd) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::system_error(errno, std::system_category(), "pipe2");
  read_fd = fds[0];
  write_fd = fds[1];
}

void install(int signo, void (*handler)(int), struct sigaction& old) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  // SA_RESTART keeps unrelated blocking calls (a std::thread join, a write to stdout) out of
  // EINTR; the servers never block outside poll(), which the pipe wakes.
  sa.sa_flags = SA_RESTART | (signo == SIGCHLD ? SA_NOCLDSTOP : 0);
  if (::sigaction(signo, &sa, &old) != 0)
    throw std::system_error(errno, std::system_category(), "sigaction");
}

}  // namespace

stop_signal::stop_signal() {
  make_pipe(read_fd_, write_fd_);
  stop_write_fd.store(write_fd_);
  install(SIGINT, on_stop, old_int_);
  install(SIGTERM, on_stop, old_term_);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  if (::sigaction(SIGPIPE, &ignore, &old_pipe_) != 0)
    throw std::system_error(errno, std::system_category(), "sigaction");
}

stop_signal::~stop_signal() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
  ::sigaction(SIGPIPE, &old_pipe_, nullptr);
  stop_write_fd.store(-1);
  ::close(read_fd_);
  ::close(write_fd_);
}

bool stop_signal::stopped() const noexcept {
  pollfd p{read_fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

child_signal::child_signal() {
  make_pipe(read_fd_, write_fd_);
  child_write_fd.store(write_fd_);
  install(SIGCHLD, on_child, old_chld_);
}

child_signal::~child_signal() {
  ::sigaction(SIGCHLD, &old_chld_, nullptr);
  child_write_fd.store(-1);
  ::close(read_fd_);
  ::close(write_fd_);
}

void child_signal::drain() const noexcept {
  char buf[64];
  while (::read(read_fd_, buf, sizeof buf) > 0) {
  }
}

void reset_signals_in_child() noexcept {
  stop_write_fd.store(-1);
  child_write_fd.store(-1);
  for (int signo : {SIGINT, SIGTERM, SIGCHLD}) ::signal(signo, SIG_DFL);
}

bool wait_ready(int fd, short events, const stop_signal& stop) {
  pollfd fds[2] = {{fd, events, 0}, {stop.fd(), POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::system_category(), "poll");
    }
    if (fds[1].revents != 0) return false;
    if (fds[0].revents != 0) return true;
  }
}

bool wait_readable(int fd, const stop_signal& stop) { return wait_ready(fd, POLLIN, stop); }

}  // namespace netkit::app
