// netkit/reactor/delayed_call.hpp — the handle of a call scheduled with call_later on a reactor
// or any other reactor_time (a testing::clock), Twisted's IDelayedCall (public).
//
//   auto t = loop.call_later(250ms, [] { std::puts("later"); });
//   t.reset(1s);          // from now
//   t.delay(500ms);       // pushed back
//   t.cancel();           // or let `t` go out of scope: a handle cancels on destruction
//   loop.call_later(1s, fn).release();   // fire and forget
//
// cancel() on a call that already ran or was cancelled throws already_called /
// already_cancelled (Twisted's AlreadyCalled / AlreadyCancelled); the destructor never throws.
//
// Thread safety: the handle belongs to its reactor's thread.
#pragma once

#include <cstdint>

#include "netkit/error.hpp"
#include "netkit/socket/deadline.hpp"

namespace netkit {

class reactor_time;

class already_called : public value_error {
 public:
  using value_error::value_error;
};
class already_cancelled : public value_error {
 public:
  using value_error::value_error;
};

class delayed_call {
 public:
  delayed_call() noexcept = default;
  delayed_call(delayed_call&& other) noexcept;
  delayed_call& operator=(delayed_call&& other) noexcept;
  delayed_call(const delayed_call&) = delete;
  delayed_call& operator=(const delayed_call&) = delete;
  ~delayed_call();

  // True until the call has run or been cancelled.
  bool active() const noexcept;
  void cancel();
  // Runs `delay` from now instead.
  void reset(seconds_f delay);
  // Runs `by` later than it would have.
  void delay(seconds_f by);
  // When it will run, in its reactor_time's seconds().
  double get_time() const;
  // Lets the call run even after this handle is gone; the handle becomes empty.
  void release() noexcept;

 private:
  friend class reactor_time;
  delayed_call(reactor_time* owner, std::uint32_t slot, std::uint32_t generation) noexcept
      : owner_(owner), slot_(slot), generation_(generation) {}
  void require_active(const char* call) const;

  reactor_time* owner_ = nullptr;
  std::uint32_t slot_ = 0;
  std::uint32_t generation_ = 0;
  // A call can only be cancelled through its one handle, so an inactive call this handle did
  // not cancel has run.
  bool cancelled_ = false;
};

}  // namespace netkit
