// netkit/socket/deadline.hpp — the moment a Python-style timeout runs out (public). Every call
// that waits (socket operations, select, poll, epoll, selectors, serve_forever) retries after
// EINTR with what is left, as PEP 475 asks, by asking its deadline how long that is.
//
//   netkit::deadline until(1.5);                 // seconds; std::nullopt = never
//   while (poll(&p, 1, until.poll_ms()) < 0 && errno == EINTR) {}
//
// Thread safety: a value type.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

namespace netkit {

using seconds_f = std::chrono::duration<double>;

class deadline {
 public:
  using clock = std::chrono::steady_clock;

  // Never: wait as long as it takes.
  deadline() noexcept = default;
  // `timeout` from now. None, NaN, infinity and anything of 1e9 s (31 years) or more never end
  // (steady_clock's nanoseconds would overflow); a negative timeout has already passed.
  explicit deadline(const std::optional<seconds_f>& timeout) noexcept {
    if (!timeout || std::isnan(timeout->count()) || timeout->count() >= 1e9) return;
    at_ = clock::now() +
          std::chrono::duration_cast<clock::duration>(std::max(*timeout, seconds_f(0)));
  }

  bool never() const noexcept { return at_ == clock::time_point::max(); }
  bool passed() const noexcept { return !never() && clock::now() >= at_; }

  // Time left, zero once passed; clock::duration::max() when it never ends.
  clock::duration left() const noexcept {
    if (never()) return clock::duration::max();
    return std::max(at_ - clock::now(), clock::duration::zero());
  }

  // Milliseconds left for poll(2) and epoll_wait(2): rounded up, so that a wait never ends a
  // hair early and spins; -1 when it never ends.
  int poll_ms() const noexcept {
    if (never()) return -1;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left()).count();
    return static_cast<int>(std::min<long long>(ms, 1 << 30));
  }

 private:
  clock::time_point at_ = clock::time_point::max();
};

}  // namespace netkit
