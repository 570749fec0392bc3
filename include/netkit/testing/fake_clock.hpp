// netkit/testing/fake_clock.hpp — a reactor_time whose time moves only when a test says so,
// Twisted's twisted.internet.task.Clock (public).
//
//   netkit::fake_clock clock;
//   int fired = 0;
//   auto t = clock.call_later(5s, [&] { ++fired; });
//   clock.advance(4.9s);   // nothing yet
//   clock.advance(0.1s);   // fired == 1
//
// Time starts at 0 seconds. advance() moves time first, then runs every call that came due, in
// time order then scheduling order; a call scheduled by one of them counts its delay from the new
// time (as in Twisted). Exceptions from a call propagate to the test (there is no loop to report
// them to).
//
// Thread safety: none; one thread.
#pragma once

#include <initializer_list>

#include "netkit/reactor/reactor_time.hpp"

namespace netkit {

class fake_clock : public reactor_time {
 public:
  reactor_time::clock::time_point now() const noexcept override { return now_; }
  // Moves time forward by `amount` (not below zero) and runs what became due.
  void advance(seconds_f amount);
  // advance() by each amount in turn (Twisted's pump).
  void pump(std::initializer_list<seconds_f> amounts);

 private:
  reactor_time::clock::time_point now_{};
};

}  // namespace netkit
