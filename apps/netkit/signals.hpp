// apps/netkit/signals.hpp — signals turned into readable descriptors, for servers that wait in
// poll() (private to apps/).
//
//   netkit::app::stop_signal stop;               // SIGINT and SIGTERM from now on
//   pollfd fds[] = {{listener.fileno(), POLLIN, 0}, {stop.fd(), POLLIN, 0}};
//   poll(fds, 2, -1);                            // wakes on a client or on the signal
//
// The self-pipe trick: the handler only writes one byte to a non-blocking pipe. stop_signal's
// pipe is never drained, so once a stop signal has arrived its fd stays readable for good and
// every thread polling it sees the stop, without a shared flag. child_signal's pipe (SIGCHLD)
// is drained by whoever reaps.
//
// stop_signal also ignores SIGPIPE while it lives, as Python does at startup: the sockets never
// raise it (MSG_NOSIGNAL), and a SIGPIPE sent to the server (kill -PIPE) must not end it.
//
// Thread safety: construct on the main thread before starting threads; fd() and stopped() may
// be called from any thread. One instance of each class at a time.
#pragma once

#include <csignal>

namespace netkit::app {

class stop_signal {
 public:
  stop_signal();
  ~stop_signal();
  stop_signal(const stop_signal&) = delete;
  stop_signal& operator=(const stop_signal&) = delete;

  int fd() const noexcept { return read_fd_; }
  bool stopped() const noexcept;

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  struct sigaction old_pipe_ {};
};

class child_signal {
 public:
  child_signal();
  ~child_signal();
  child_signal(const child_signal&) = delete;
  child_signal& operator=(const child_signal&) = delete;

  int fd() const noexcept { return read_fd_; }
  // Empties the pipe; call before reaping so that no SIGCHLD is lost.
  void drain() const noexcept;

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
  struct sigaction old_chld_ {};
};

// In a freshly forked child: default dispositions for the signals above, so that SIGTERM kills
// it outright, and the parent's pipes closed. Async-signal-safe.
void reset_signals_in_child() noexcept;

// Waits until fd is ready for `events` (POLLIN, POLLOUT, ...) or stop is signalled; true when
// fd is ready. EINTR retried.
bool wait_ready(int fd, short events, const stop_signal& stop);

// wait_ready for POLLIN.
bool wait_readable(int fd, const stop_signal& stop);

}  // namespace netkit::app
