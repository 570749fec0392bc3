// netkit/reactor/reactor_time.hpp — scheduling calls in time, Twisted's IReactorTime (public).
// The reactor is one; netkit::testing::clock is another whose time moves only when a test
// advances it. Code that only needs timers (timeouts, retries) takes a reactor_time& and so
// runs on either.
//
//   void arm(netkit::reactor_time& time) {
//     auto t = time.call_later(5s, [] { std::puts("timed out"); });
//     t.release();                 // or keep the handle: it cancels on destruction
//   }
//
// The calls sit in a binary min-heap of slots, each slot knowing its heap position, so
// scheduling, cancelling and resetting are O(log n) without searching, and a slot is reused
// without allocating once the heap has grown. Due calls run in time order, ties in scheduling
// order.
//
// Thread safety: the owning loop's thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "netkit/inplace_function.hpp"
#include "netkit/reactor/delayed_call.hpp"
#include "netkit/socket/deadline.hpp"

namespace netkit {

class reactor_time {
 public:
  using clock = deadline::clock;
  using callback = inplace_function<void(), 64>;

  reactor_time() = default;
  reactor_time(const reactor_time&) = delete;
  reactor_time& operator=(const reactor_time&) = delete;
  virtual ~reactor_time() = default;

  // Schedules fn `delay` from now; the handle cancels it on destruction (see delayed_call).
  [[nodiscard]] delayed_call call_later(seconds_f delay, callback fn);
  // Now, in seconds (Twisted's seconds()); the reactor's is its monotonic clock.
  double seconds() const noexcept { return to_seconds(now()); }
  // Calls scheduled and neither run nor cancelled.
  std::size_t pending_timers() const noexcept { return heap_.size(); }

  virtual clock::time_point now() const noexcept = 0;

 protected:
  // When the earliest pending call is due, if any.
  std::optional<clock::time_point> next_due() const noexcept;
  // Runs every call due at `when` (calls they schedule for `when` or earlier included), each
  // through run(fn), which may add error handling.
  template <class Run>
  void run_due(clock::time_point when, Run&& run) {
    while (!heap_.empty()) {
      const std::uint32_t slot = heap_.front();
      if (slots_[slot].when > when) break;
      heap_remove(0);
      callback fn = std::move(slots_[slot].fn);
      free_slot(slot);  // before the call: it may schedule (and reuse this slot)
      run(fn);
    }
  }

  static double to_seconds(clock::time_point t) noexcept {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
  }

 private:
  friend class delayed_call;

  struct timer_slot {
    callback fn;
    clock::time_point when;
    std::uint64_t sequence = 0;    // ties broken in scheduling order
    std::uint32_t generation = 0;  // bumped when the call runs or is cancelled
    std::uint32_t heap_index = 0;
    bool active = false;
  };

  bool timer_active(std::uint32_t slot, std::uint32_t generation) const noexcept;
  void timer_cancel(std::uint32_t slot) noexcept;
  void timer_reschedule(std::uint32_t slot, clock::time_point when) noexcept;
  clock::time_point timer_when(std::uint32_t slot) const noexcept { return slots_[slot].when; }
  bool heap_less(std::uint32_t a, std::uint32_t b) const noexcept;
  void heap_swap(std::size_t i, std::size_t j) noexcept;
  void sift_up(std::size_t i) noexcept;
  void sift_down(std::size_t i) noexcept;
  void heap_remove(std::size_t i) noexcept;
  void free_slot(std::uint32_t slot) noexcept;

  std::vector<timer_slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace netkit
