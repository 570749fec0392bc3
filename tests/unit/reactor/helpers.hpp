// tests/unit/reactor/helpers.hpp — shared by the reactor tests.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "netkit/reactor/reactor.hpp"

namespace netkit_test {

// Stops the loop after `limit` even if the test's own stop never comes, and records that it
// had to: every loop run in a test is bounded by one.
struct loop_guard {
  loop_guard(netkit::reactor& loop, netkit::seconds_f limit)
      : timer(loop.call_later(limit, [&loop, this] {
          fired = true;
          loop.stop();
        })) {}
  netkit::delayed_call timer;
  bool fired = false;
};

// Makes the loop's handle_error collect each error's what() into `errors`.
inline void collect_errors(netkit::reactor& loop, std::vector<std::string>& errors) {
  loop.handle_error = [&errors](std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      errors.emplace_back(x.what());
    }
  };
}

}  // namespace netkit_test
