// shutdown(): from another thread while idle, while a request is in progress (it completes),
// twice, and before serve_forever started; never a deadlock, never a leaked thread or child.
// serve_forever runs with a poll interval of an hour: only shutdown()'s wake-up can end it
// before the watchdog does.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "unit/socketserver/helpers.hpp"

namespace {

using namespace netkit_test;

constexpr double kForever = 3600.0;

template <class Policy>
class shutdown : public ::testing::Test {};
using policies = ::testing::Types<plain_policy, threading_policy, forking_policy, pool_policy>;
struct policy_names {
  template <class Policy>
  static std::string GetName(int) {
    return Policy::name;
  }
};
TYPED_TEST_SUITE(shutdown, policies, policy_names);

template <class Policy>
using server_of = logged_server<typename Policy::template apply<netkit::tcp_server>>;

// Reads one line from a raw socket (the server writes each line in one send).
bytes read_line(netkit::socket& s) {
  bytes out;
  while (out.empty() || out.back() != '\n') {
    bytes chunk = s.recv(1);
    if (chunk.empty()) break;
    out += chunk;
  }
  return out;
}

// Counts taken before a test's server exists and checked once it is closed.
struct leak_check {
  std::size_t threads = thread_baseline();
  void expect_none() const {
    EXPECT_EQ(settled_thread_count(threads), threads) << "a thread outlived the server";
    EXPECT_EQ(child_count(), 0u) << "a child was not reaped";
  }
};

TYPED_TEST(shutdown, from_another_thread_while_idle) {
  watchdog dog;
  temp_dir dir;
  const leak_check leaks;
  {
    test_context ctx;
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
    std::thread serve([&] { server.serve_forever(kForever); });
    // One request proves the loop runs; then it sleeps in poll() until shutdown() wakes it.
    EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "ping\n", dir), "ping\n");
    server.shutdown();
    serve.join();
    server.server_close();
  }
  leaks.expect_none();
}

TYPED_TEST(shutdown, while_a_request_is_in_progress_the_request_completes) {
  watchdog dog;
  temp_dir dir;
  const leak_check leaks;
  {
    test_context ctx;
    // The client drives the handler: it is inside handle() from "in" until the second line.
    ctx.on_handle = [](netkit::base_request_handler& h) {
      auto& s = dynamic_cast<netkit::stream_request_handler&>(h);
      s.rfile().readline();
      s.wfile().write("in\n");
      s.wfile().write("got " + s.rfile().readline());
    };
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
    std::thread serve([&] { server.serve_forever(kForever); });
    auto c = make_socket(AF_INET, SOCK_STREAM);
    c.connect(server.server_address);
    c.sendall("1\n");
    ASSERT_EQ(read_line(c), "in\n");
    std::atomic<bool> shut{false};
    std::thread stopper([&] {
      server.shutdown();
      shut = true;
    });
    c.sendall("2\n");
    EXPECT_EQ(read_all(c), "got 2\n");
    stopper.join();
    EXPECT_TRUE(shut.load());
    serve.join();
    server.server_close();  // waits for request threads / children still finishing
    EXPECT_EQ(ctx.log.count("finish"), 1u);
    const std::size_t closes = std::is_same_v<TypeParam, forking_policy> ? 2 : 1;  // + the parent's
    EXPECT_EQ(ctx.log.count("close_request"), closes);
  }
  leaks.expect_none();
}

// The plain server is inside the handler: shutdown() can only return once the request is
// done and serve_forever has returned.
TEST(shutdown_plain, waits_for_the_request_in_progress) {
  watchdog dog;
  const leak_check leaks;
  {
    test_context ctx;
    event inside, release;
    std::atomic<bool> handler_done{false};
    ctx.on_handle = [&](netkit::base_request_handler& h) {
      auto& s = dynamic_cast<netkit::stream_request_handler&>(h);
      inside.set();
      EXPECT_TRUE(release.wait());
      s.wfile().write("done\n");
      handler_done = true;
    };
    server_of<plain_policy> server({"127.0.0.1", 0}, &ctx);
    std::thread serve([&] { server.serve_forever(kForever); });
    auto c = make_socket(AF_INET, SOCK_STREAM);
    c.connect(server.server_address);
    ASSERT_TRUE(inside.wait());
    std::atomic<bool> handler_done_when_shut{false};
    std::thread stopper([&] {
      server.shutdown();
      handler_done_when_shut = handler_done.load();
    });
    release.set();
    EXPECT_EQ(read_all(c), "done\n");
    stopper.join();
    serve.join();
    EXPECT_TRUE(handler_done_when_shut.load()) << "shutdown() returned before the request ended";
    server.server_close();
  }
  leaks.expect_none();
}

TYPED_TEST(shutdown, twice_at_once_and_again_after) {
  watchdog dog;
  temp_dir dir;
  const leak_check leaks;
  {
    test_context ctx;
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
    std::thread serve([&] { server.serve_forever(kForever); });
    EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "ping\n", dir), "ping\n");
    std::thread a([&] { server.shutdown(); });
    std::thread b([&] { server.shutdown(); });
    a.join();
    b.join();
    serve.join();
    server.shutdown();  // nothing runs: returns at once
    server.shutdown();
    server.server_close();
  }
  leaks.expect_none();
}

TYPED_TEST(shutdown, before_serve_forever_makes_it_return_at_once_then_serving_works_again) {
  watchdog dog;
  temp_dir dir;
  const leak_check leaks;
  {
    test_context ctx;
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
    server.shutdown();               // no serve_forever yet: must not wait for one
    server.serve_forever(kForever);  // returns at once: the shutdown is pending
    // The request was consumed: the next serve_forever serves until the next shutdown().
    std::thread serve([&] { server.serve_forever(kForever); });
    EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "again\n", dir), "again\n");
    server.shutdown();
    serve.join();
    server.server_close();
  }
  leaks.expect_none();
}

TYPED_TEST(shutdown, repeated_serve_and_shutdown_cycles) {
  watchdog dog;
  temp_dir dir;
  const leak_check leaks;
  {
    test_context ctx;
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
    for (int round = 0; round < 20; ++round) {
      std::thread serve([&] { server.serve_forever(kForever); });
      const std::string line = "round " + std::to_string(round) + "\n";
      EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, line, dir), line);
      server.shutdown();
      serve.join();
    }
    server.server_close();
    EXPECT_EQ(ctx.log.count("handle"), 20u);
  }
  leaks.expect_none();
}

// server_close without any serve_forever, and a server destroyed without server_close.
TYPED_TEST(shutdown, close_and_destroy_without_serving) {
  watchdog dog;
  const leak_check leaks;
  {
    test_context ctx;
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
    server.server_close();
  }
  {
    test_context ctx;
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
  }
  leaks.expect_none();
}

}  // namespace
