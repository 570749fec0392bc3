// Tests for netkit/reactor/reactor.hpp and delayed_call.hpp: the loop's phases, timers,
// call_soon, call_from_thread, readers and writers, and error isolation. Every loop run is
// bounded by a guard timer that stops it.
#include "netkit/reactor/reactor.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "netkit/socket/functions.hpp"
#include "unit/reactor/helpers.hpp"

namespace {

using namespace std::chrono_literals;
using netkit::delayed_call;
using netkit::reactor;

using guard = netkit_test::loop_guard;

TEST(Reactor, StopBeforeRunReturnsAtOnce) {
  reactor loop;
  loop.stop();
  loop.run();
  EXPECT_FALSE(loop.running());
}

TEST(Reactor, TimersRunInTimeOrderThenSchedulingOrder) {
  reactor loop;
  guard g(loop, 5s);
  std::vector<int> order;
  std::vector<delayed_call> calls;
  calls.push_back(loop.call_later(30ms, [&] { order.push_back(3); }));
  calls.push_back(loop.call_later(10ms, [&] { order.push_back(1); }));
  calls.push_back(loop.call_later(20ms, [&] { order.push_back(2); }));
  calls.push_back(loop.call_later(20ms, [&] { order.push_back(22); }));  // same time: FIFO
  calls.push_back(loop.call_later(40ms, [&] { loop.stop(); }));
  loop.run();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 22, 3}));
  for (auto& c : calls) EXPECT_FALSE(c.active());
}

TEST(Reactor, CancelResetDelayAndTheirErrors) {
  reactor loop;
  guard g(loop, 5s);
  std::vector<std::string> seen;
  auto a = loop.call_later(10ms, [&] { seen.push_back("a"); });
  auto b = loop.call_later(20ms, [&] { seen.push_back("b"); });
  auto c = loop.call_later(30ms, [&] { seen.push_back("c"); });
  auto stopper = loop.call_later(80ms, [&] { loop.stop(); });
  a.cancel();
  EXPECT_FALSE(a.active());
  EXPECT_THROW(a.cancel(), netkit::already_cancelled);
  b.reset(60ms);  // now after c
  const double before = c.get_time();
  c.delay(5ms);
  EXPECT_NEAR(c.get_time() - before, 0.005, 1e-6);
  loop.run();
  EXPECT_EQ(seen, (std::vector<std::string>{"c", "b"}));
  EXPECT_THROW(b.cancel(), netkit::already_called);
  EXPECT_THROW(b.reset(1s), netkit::already_called);
  EXPECT_FALSE(g.fired);
}

TEST(Reactor, HandleCancelsOnDestructionUnlessReleased) {
  reactor loop;
  guard g(loop, 5s);
  bool dropped_ran = false;
  bool released_ran = false;
  {
    auto t = loop.call_later(1ms, [&] { dropped_ran = true; });
  }
  loop.call_later(1ms, [&] { released_ran = true; }).release();
  auto stopper = loop.call_later(20ms, [&] { loop.stop(); });
  loop.run();
  EXPECT_FALSE(dropped_ran);
  EXPECT_TRUE(released_ran);
}

TEST(Reactor, ATimerCancellingAnotherDueInTheSameTurn) {
  reactor loop;
  guard g(loop, 5s);
  bool second_ran = false;
  delayed_call second;
  auto first = loop.call_later(5ms, [&] { second.cancel(); });
  second = loop.call_later(5ms, [&] { second_ran = true; });
  auto stopper = loop.call_later(30ms, [&] { loop.stop(); });
  loop.run();
  EXPECT_FALSE(second_ran);
}

TEST(Reactor, ThousandsOfTimersWithRandomCancels) {
  reactor loop;
  guard g(loop, 10s);
  constexpr int count = 5000;
  std::mt19937 rng(12345);
  std::vector<delayed_call> calls;
  std::vector<int> fired_at;  // the index of each call as it runs
  std::vector<double> when(count);
  for (int i = 0; i < count; ++i) {
    const auto delay = std::chrono::microseconds(rng() % 50000);
    calls.push_back(loop.call_later(delay, [&fired_at, i] { fired_at.push_back(i); }));
    when[static_cast<std::size_t>(i)] = calls.back().get_time();
  }
  std::vector<bool> cancelled(count, false);
  for (int i = 0; i < count; i += 3) {
    calls[static_cast<std::size_t>(i)].cancel();
    cancelled[static_cast<std::size_t>(i)] = true;
  }
  auto stopper = loop.call_later(100ms, [&] { loop.stop(); });
  loop.run();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(fired_at.size(), static_cast<std::size_t>(count - (count + 2) / 3));
  for (std::size_t k = 0; k < fired_at.size(); ++k) {
    EXPECT_FALSE(cancelled[static_cast<std::size_t>(fired_at[k])]);
    if (k > 0) {
      EXPECT_LE(when[static_cast<std::size_t>(fired_at[k - 1])],
                when[static_cast<std::size_t>(fired_at[k])]);
    }
  }
  EXPECT_EQ(loop.pending_timers(), 1U);  // only the guard is left
}

TEST(Reactor, CallSoonRunsInOrderAndDefersWhatItSchedules) {
  reactor loop;
  guard g(loop, 5s);
  std::vector<int> order;
  loop.call_soon([&] {
    order.push_back(1);
    loop.call_soon([&] {
      order.push_back(3);
      loop.stop();
    });
  });
  loop.call_soon([&] { order.push_back(2); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Reactor, CallFromManyThreads) {
  reactor loop;
  guard g(loop, 10s);
  constexpr int threads = 8;
  constexpr int per_thread = 2000;
  int received = 0;  // touched only on the loop's thread
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i)
        loop.call_from_thread([&] {
          if (++received == threads * per_thread) loop.stop();
        });
    });
  loop.run();
  for (auto& t : pool) t.join();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(received, threads * per_thread);
}

TEST(Reactor, StopFromAnotherThreadWakesTheLoop) {
  reactor loop;
  guard g(loop, 10s);
  std::thread stopper([&] { loop.call_from_thread([&] { loop.stop(); }); });
  loop.run();
  stopper.join();
  EXPECT_FALSE(g.fired);
}

TEST(Reactor, ReadersAndWritersOnASocketPair) {
  reactor loop;
  guard g(loop, 5s);
  auto [a, b] = netkit::socketpair();
  a.setblocking(false);
  b.setblocking(false);
  std::string got;
  int writes = 0;
  loop.add_writer(a.fileno(), [&] {
    a.sendall("ping");
    if (++writes == 3) loop.remove_writer(a.fileno());
  });
  loop.add_reader(b.fileno(), [&] {
    got += b.recv(64);
    if (got.size() == 12) {
      loop.remove_reader(b.fileno());
      loop.stop();
    }
  });
  loop.run();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(got, "pingpingping");
  EXPECT_EQ(writes, 3);
}

TEST(Reactor, HangUpWakesTheReader) {
  reactor loop;
  guard g(loop, 5s);
  auto [a, b] = netkit::socketpair();
  bool eof = false;
  loop.add_reader(b.fileno(), [&] {
    eof = b.recv(16).empty();
    loop.remove_reader(b.fileno());
    loop.stop();
  });
  a.close();
  loop.run();
  EXPECT_TRUE(eof);
}

TEST(Reactor, ACallbackThatThrowsIsReportedAndTheLoopGoesOn) {
  reactor loop;
  guard g(loop, 5s);
  std::vector<std::string> errors;
  netkit_test::collect_errors(loop, errors);
  bool after = false;
  loop.call_soon([] { throw std::runtime_error("soon"); });
  loop.call_later(1ms, [] { throw std::runtime_error("timer"); }).release();
  loop.call_later(10ms,
                  [&] {
                    after = true;
                    loop.stop();
                  })
      .release();
  loop.run();
  EXPECT_TRUE(after);
  EXPECT_EQ(errors, (std::vector<std::string>{"soon", "timer"}));
}

TEST(Reactor, BadDescriptorsAreRefused) {
  reactor loop;
  EXPECT_THROW(loop.add_reader(-1, [] {}), netkit::value_error);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_THROW(loop.add_reader(fds[0], [] {}), netkit::socket_error);
  loop.remove_reader(fds[0]);  // harmless
}

}  // namespace
