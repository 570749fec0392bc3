#include "netkit/select/select.hpp"

#include <signal.h>
#include <sys/select.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <string>

#include "netkit/error.hpp"

// ThreadSanitizer runs a signal handler late: the signal interrupts a call, and the handler
// runs when the thread next enters a call the runtime intercepts. GCC 12's libtsan does not
// intercept select(2), so the retry below would go straight back to sleep with the handler not
// yet run: a server whose SIGTERM handler writes to a self-pipe it selects on never woke.
#if defined(__SANITIZE_THREAD__)
#define NETKIT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NETKIT_TSAN 1
#endif
#endif

namespace netkit {
namespace {

// Under TSan, lets the runtime run the handlers of the signals that interrupted select, as the
// kernel runs them natively before select returns EINTR (PEP 475: handler first, then retry).
void run_deferred_signal_handlers() noexcept {
#if defined(NETKIT_TSAN)
  sigset_t current;
  ::pthread_sigmask(SIG_BLOCK, nullptr, &current);  // intercepted: pending handlers run on exit
#endif
}

void check_fd(int fd) {
  // fd_set is a fixed bitmap: writing past FD_SETSIZE would corrupt the stack.
  if (fd < 0)
    throw value_error("select: file descriptor cannot be a negative integer (" +
                      std::to_string(fd) + ")");
  if (fd >= FD_SETSIZE)
    throw value_error("select: filedescriptor out of range in select() (fd " + std::to_string(fd) +
                      " >= FD_SETSIZE " + std::to_string(FD_SETSIZE) + "; use poll or epoll)");
}

}  // namespace

namespace detail {

void select_fds(std::span<const int> r, std::span<const int> w, std::span<const int> x,
                timeout_t timeout, std::vector<bool>& ready) {
  if (timeout && (std::isnan(timeout->count()) || timeout->count() < 0))
    throw value_error("select: timeout must be non-negative");
  fd_set sets[3];
  const std::span<const int> lists[3] = {r, w, x};
  int max_fd = -1;
  for (const auto& list : lists)
    for (const int fd : list) {
      check_fd(fd);
      max_fd = std::max(max_fd, fd);
    }
  const deadline until(timeout);
  for (;;) {
    for (int i = 0; i < 3; ++i) {
      FD_ZERO(&sets[i]);
      for (const int fd : lists[i]) FD_SET(fd, &sets[i]);
    }
    timeval tv{};
    timeval* tvp = nullptr;
    if (!until.never()) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(until.left()).count();
      tv.tv_sec = static_cast<time_t>(us / 1000000);
      tv.tv_usec = static_cast<suseconds_t>(us % 1000000);
      tvp = &tv;
    }
    const int rc = ::select(max_fd + 1, &sets[0], &sets[1], &sets[2], tvp);
    if (rc >= 0) break;
    if (errno != EINTR) throw_error(last_error(), "select");
    // PEP 475: retried with what is left of the timeout, after the handler.
    run_deferred_signal_handlers();
  }
  ready.assign(r.size() + w.size() + x.size(), false);
  std::size_t i = 0;
  for (int k = 0; k < 3; ++k)
    for (const int fd : lists[k]) ready[i++] = FD_ISSET(fd, &sets[k]) != 0;
}

}  // namespace detail
}  // namespace netkit
