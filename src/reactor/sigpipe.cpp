// src/reactor/sigpipe.cpp — see sigpipe.hpp.
#include "sigpipe.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/sendfile.h>

#include <cerrno>
#include <ctime>

namespace netkit::detail {
namespace {

// True while a sigpipe_blocked_scope on this thread keeps SIGPIPE blocked.
thread_local bool sigpipe_blocked = false;

sigset_t pipe_set() noexcept {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGPIPE);
  return s;
}

// Takes back a SIGPIPE pending on this thread (it is blocked), so it is never delivered later.
void discard_pending_sigpipe() noexcept {
  const sigset_t s = pipe_set();
  const timespec now{};
  while (::sigtimedwait(&s, nullptr, &now) < 0 && errno == EINTR) {
  }
}

}  // namespace

sigpipe_blocked_scope::sigpipe_blocked_scope() noexcept {
  if (sigpipe_blocked) return;
  const sigset_t s = pipe_set();
  sigset_t old;
  if (::pthread_sigmask(SIG_BLOCK, &s, &old) != 0) return;
  // A thread that blocks SIGPIPE already is left as it is: what is pending there is its own.
  active_ = !sigismember(&old, SIGPIPE);
  blocked_ = true;
  sigpipe_blocked = true;
}

sigpipe_blocked_scope::~sigpipe_blocked_scope() {
  if (!blocked_) return;
  sigpipe_blocked = false;
  if (!active_) return;
  const int saved = errno;
  discard_pending_sigpipe();
  const sigset_t s = pipe_set();
  ::pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
  errno = saved;
}

ssize_t sendfile_without_sigpipe(int sock, int file, off_t* offset, std::size_t count) {
  if (sigpipe_blocked) {
    const ssize_t n = ::sendfile(sock, file, offset, count);
    if (n < 0 && errno == EPIPE) {
      discard_pending_sigpipe();
      errno = EPIPE;
    }
    return n;
  }
  const sigpipe_blocked_scope scope;
  return ::sendfile(sock, file, offset, count);
}

}  // namespace netkit::detail
