#include "netkit/testing/fake_clock.hpp"

#include <algorithm>

namespace netkit {

void fake_clock::advance(seconds_f amount) {
  now_ += std::chrono::duration_cast<reactor_time::clock::duration>(std::max(amount, seconds_f(0)));
  run_due(now_, [](callback& fn) { fn(); });
}

void fake_clock::pump(std::initializer_list<seconds_f> amounts) {
  for (const seconds_f amount : amounts) advance(amount);
}

}  // namespace netkit
