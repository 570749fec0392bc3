// src/reactor/sigpipe.hpp — keeping SIGPIPE from killing a process whose peer went away
// (private to src/reactor). send() and sendmsg() take MSG_NOSIGNAL; sendfile(2) has no such
// flag, so while a reactor runs, its thread keeps SIGPIPE blocked (Python ignores SIGPIPE in
// the whole process at startup for the same reason) and a sendfile to a reset peer fails with
// EPIPE. Outside a running reactor, sendfile_without_sigpipe blocks it around the one call.
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace netkit::detail {

// Blocks SIGPIPE on this thread for the guard's life (reactor::run); on the way out, a SIGPIPE
// raised meanwhile is taken back before the old mask returns. Nested guards do nothing.
class sigpipe_blocked_scope {
 public:
  sigpipe_blocked_scope() noexcept;
  ~sigpipe_blocked_scope();
  sigpipe_blocked_scope(const sigpipe_blocked_scope&) = delete;
  sigpipe_blocked_scope& operator=(const sigpipe_blocked_scope&) = delete;

 private:
  bool active_ = false;   // this guard blocked it (it was not blocked already)
  bool blocked_ = false;  // SIGPIPE is blocked on this thread by this guard or an outer one
};

// sendfile(2), EINTR not retried, that never raises SIGPIPE on this thread: with a
// sigpipe_blocked_scope alive, one system call; otherwise the mask is set around the call.
ssize_t sendfile_without_sigpipe(int sock, int file, off_t* offset, std::size_t count);

}  // namespace netkit::detail
