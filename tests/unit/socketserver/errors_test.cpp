// Failures the server must survive, serving the next client each time: a handler that throws,
// a client that disconnects mid-request, a client that never sends (handler timeout), a full
// pool, an oversized datagram, verify_request saying no; and handle_request's timeout.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>

#include "unit/socketserver/helpers.hpp"

namespace {

using namespace netkit_test;
using strings = std::vector<std::string>;

template <class Policy>
class errors : public ::testing::Test {};
using policies = ::testing::Types<plain_policy, threading_policy, forking_policy, pool_policy>;
struct policy_names {
  template <class Policy>
  static std::string GetName(int) {
    return Policy::name;
  }
};
TYPED_TEST_SUITE(errors, policies, policy_names);

template <class Policy>
using server_of = logged_server<typename Policy::template apply<netkit::tcp_server>>;

// handle_error's reports: in memory, or for a forked child only the hook's name in the log.
template <class Policy>
std::size_t reported_errors(test_context& ctx) {
  if constexpr (std::is_same_v<Policy, forking_policy>) {
    return ctx.log.count("handle_error");
  } else {
    const std::lock_guard lock(ctx.errors_mutex);
    return ctx.errors.size();
  }
}

std::string first_error(test_context& ctx) {
  const std::lock_guard lock(ctx.errors_mutex);
  return ctx.errors.empty() ? std::string() : ctx.errors.front();
}

// --- a handler that throws -------------------------------------------------------------------

TYPED_TEST(errors, a_handler_that_throws_is_reported_and_the_next_client_is_served) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  ctx.on_handle = [](netkit::base_request_handler& h) {
    auto& s = dynamic_cast<netkit::stream_request_handler&>(h);
    const bytes line = s.rfile().readline();
    if (line == "boom\n") throw std::runtime_error("boom");
    s.wfile().write(line);
  };
  {
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
    serving running(server);
    EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "boom\n", dir), "");
    EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "next\n", dir), "next\n");
    running.stop();
    server.server_close();
  }
  EXPECT_EQ(reported_errors<TypeParam>(ctx), 1u);
  if constexpr (!std::is_same_v<TypeParam, forking_policy>) {
    EXPECT_EQ(first_error(ctx), "exception: boom");
  }
  EXPECT_EQ(ctx.log.count("finish"), 2u) << "finish() must run even when handle() throws";
  EXPECT_EQ(ctx.log.count("shutdown_request"), 2u);
}

// Python's order when handle() raises: finish(), then handle_error(), then shutdown_request().
TEST(errors_order, finish_then_handle_error_then_shutdown_request) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  ctx.on_handle = [](netkit::base_request_handler&) { throw std::runtime_error("boom"); };
  {
    server_of<plain_policy> server({"127.0.0.1", 0}, &ctx);
    server.timeout = 10.0;
    std::thread client([&] { exchange(server.server_address, SOCK_STREAM, "x\n", dir); });
    server.handle_request();
    client.join();
    server.server_close();
  }
  const strings want = {
      "server_bind",      "server_activate", "get_request", "verify_request", "process_request",
      "finish_request",   "setup",           "handle",      "finish",         "handle_error",
      "shutdown_request", "close_request",   "server_close"};
  EXPECT_EQ(ctx.log.main(), want);
}

// Without an override, handle_error prints Python's report to stderr and the server goes on.
TEST(errors_default, handle_error_prints_the_report_to_stderr) {
  watchdog dog;
  temp_dir dir;
  struct thrower : netkit::base_request_handler {
    void handle() override { throw std::runtime_error("boom"); }
  };
  netkit::tcp_server server({"127.0.0.1", 0}, netkit::handler<thrower>());
  server.timeout = 10.0;
  netkit::socket_address client_address;
  std::thread client([&] {
    auto c = make_socket(AF_INET, SOCK_STREAM);
    c.connect(server.server_address);
    client_address = c.getsockname();
    read_all(c);
  });
  ::testing::internal::CaptureStderr();
  server.handle_request();
  const std::string err = ::testing::internal::GetCapturedStderr();
  client.join();
  server.server_close();
  const std::string rule(40, '-');
  EXPECT_EQ(err, rule + "\nException occurred during processing of request from " +
                     netkit::repr(client_address) + "\nstd::runtime_error: boom\n" + rule + "\n");
}

// --- a client that disconnects mid-request ---------------------------------------------------

// Connects to `server`, sends half a line and closes (with `reset`, abortively) from a forked
// process, killed by SIGALRM if it overruns; returns its exit status. A process of its own: a
// forked request child would otherwise inherit the client's descriptor, and the client's
// close would then send neither the FIN nor the RST. Raw system calls only: netkit::socket's
// constructor takes a process-wide lock (the default timeout) that another thread may have
// held at the fork.
int in_client_process(const netkit::socket_address& server, bool reset) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(20);
    const int fd = ::socket(server.family(), SOCK_STREAM, 0);
    if (fd < 0 || ::connect(fd, server.data(), server.size()) != 0) ::_exit(1);
    constexpr char half[] = "half a li";
    if (::send(fd, half, sizeof half - 1, MSG_NOSIGNAL) != sizeof half - 1) ::_exit(2);
    if (reset) {
      const ::linger l{1, 0};  // close() sends RST instead of FIN
      if (::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l) != 0) ::_exit(3);
    }
    ::close(fd);
    ::_exit(0);
  }
  int status = -1;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TYPED_TEST(errors, a_client_that_disconnects_mid_request_does_not_stop_the_server) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  event first_in;
  ctx.on_handle = [&first_in](netkit::base_request_handler& h) {
    auto& s = dynamic_cast<netkit::stream_request_handler&>(h);
    bytes line = s.rfile().readline();  // the client leaves without the end of the line
    if (line.empty() || line.back() != '\n') {
      // Writing to a peer that has gone must not kill the server (SIGPIPE) either.
      for (int i = 0; i < 20; ++i) s.wfile().write(bytes(4096, 'x'));
    }
    s.wfile().write(line);
  };
  {
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
    serving running(server);
    // The clients run in a process of their own: a forked request child would otherwise
    // inherit the client's descriptor, and the client's close would then send neither the FIN
    // nor the RST (the child would wait for its own end of the line).
    EXPECT_EQ(in_client_process(server.server_address, true), 0);   // half a line, then a reset
    EXPECT_EQ(in_client_process(server.server_address, false), 0);  // half a line, then FIN
    EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "whole line\n", dir), "whole line\n");
    running.stop();
    server.server_close();
  }
  EXPECT_EQ(ctx.log.count("finish"), 3u);
  EXPECT_EQ(ctx.log.count("shutdown_request"), 3u);
}

// --- a client that never sends ---------------------------------------------------------------

TYPED_TEST(errors, a_client_that_never_sends_times_out_and_the_server_goes_on) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  ctx.handler_timeout = 0.2;  // stream_request_handler::timeout: readline raises timeout_error
  {
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
    serving running(server);
    auto silent = make_socket(AF_INET, SOCK_STREAM);
    silent.connect(server.server_address);
    EXPECT_EQ(read_all(silent), "");  // the server gave up on it and closed
    EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "prompt\n", dir), "prompt\n");
    running.stop();
    server.server_close();
  }
  EXPECT_EQ(reported_errors<TypeParam>(ctx), 1u);
  if constexpr (!std::is_same_v<TypeParam, forking_policy>) {
    EXPECT_EQ(first_error(ctx).rfind("timeout_error: ", 0), 0u) << first_error(ctx);
  }
  EXPECT_EQ(ctx.log.count("finish"), 2u);
}

// --- a full pool -----------------------------------------------------------------------------

TEST(errors_pool, a_full_pool_refuses_cleanly_and_counts_it) {
  watchdog dog;
  temp_dir dir;
  const std::size_t threads_before = thread_baseline();
  test_context ctx;
  event inside, release;
  ctx.on_handle = [&](netkit::base_request_handler& h) {
    auto& s = dynamic_cast<netkit::stream_request_handler&>(h);
    const bytes line = s.rfile().readline();
    if (line == "1\n") {  // the only worker stays busy until the test lets it go
      inside.set();
      EXPECT_TRUE(release.wait());
    }
    s.wfile().write(line);
  };
  {
    server_of<pool_policy> server({"127.0.0.1", 0}, &ctx);
    server.pool_workers = 1;
    server.pool_queue_size = 1;
    serving running(server);
    auto c1 = make_socket(AF_INET, SOCK_STREAM);
    c1.connect(server.server_address);
    c1.sendall("1\n");
    ASSERT_TRUE(inside.wait());
    auto c2 = make_socket(AF_INET, SOCK_STREAM);  // queued: the queue is now full
    c2.connect(server.server_address);
    c2.sendall("2\n");
    auto c3 = make_socket(AF_INET, SOCK_STREAM);  // refused
    c3.connect(server.server_address);
    bytes refused_answer;
    try {
      refused_answer = read_all(c3);
    } catch (const netkit::timeout_error&) {
      ADD_FAILURE() << "the refused client was left waiting";
    } catch (const netkit::socket_error&) {
      // a reset is a clean refusal too
    }
    EXPECT_EQ(refused_answer, "");
    EXPECT_EQ(server.refused(), 1u);
    release.set();
    EXPECT_EQ(read_all(c1), "1\n");
    EXPECT_EQ(read_all(c2), "2\n");
    // Still serving after the overload.
    EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "4\n", dir), "4\n");
    running.stop();
    server.server_close();
    EXPECT_EQ(server.refused(), 1u);
  }
  EXPECT_EQ(ctx.log.count("get_request"), 4u);
  EXPECT_EQ(ctx.log.count("setup"), 3u) << "a refused request never reaches a handler";
  EXPECT_EQ(ctx.log.count("shutdown_request"), 4u);
  EXPECT_EQ(settled_thread_count(threads_before), threads_before);
}

// --- an oversized datagram -------------------------------------------------------------------

template <class Kind>
class datagram_errors : public ::testing::Test {};
using datagram_kinds = ::testing::Types<udp_kind, unix_datagram_kind>;
struct kind_names {
  template <class Kind>
  static std::string GetName(int) {
    return Kind::name;
  }
};
TYPED_TEST_SUITE(datagram_errors, datagram_kinds, kind_names);

TYPED_TEST(datagram_errors, an_oversized_datagram_is_truncated_and_the_server_goes_on) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  logged_server<typename TypeParam::server> server(TypeParam::address(dir), &ctx);
  server.max_packet_size = 16;  // Python: recvfrom(max_packet_size) truncates the rest
  {
    serving running(server);
    EXPECT_EQ(exchange(server.server_address, SOCK_DGRAM, bytes(100, 'x'), dir), bytes(16, 'x'));
    EXPECT_EQ(exchange(server.server_address, SOCK_DGRAM, "next", dir), "next");
  }
  server.server_close();
  EXPECT_EQ(ctx.log.count("handle"), 2u);
}

TYPED_TEST(datagram_errors, verify_request_false_drops_the_datagram_unhandled) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  ctx.verify = [](std::size_t n) { return n != 0; };
  logged_server<typename TypeParam::server> server(TypeParam::address(dir), &ctx);
  {
    serving running(server);
    auto c = make_socket(server.server_address.family(), SOCK_DGRAM);
    if (server.server_address.family() == AF_UNIX) c.bind(netkit::endpoint(dir.path("client")));
    c.sendto("first", server.server_address);
    c.sendto("second", server.server_address);
    // The plain server takes them in order: the first answer is the second datagram's.
    EXPECT_EQ(c.recvfrom(100).first, "second");
  }
  server.server_close();
  EXPECT_EQ(ctx.log.count("verify_request"), 2u);
  EXPECT_EQ(ctx.log.count("setup"), 1u);
  EXPECT_EQ(ctx.log.count("shutdown_request"), 2u);
}

// --- verify_request false --------------------------------------------------------------------

TYPED_TEST(errors, verify_request_false_closes_the_request_unhandled) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  ctx.verify = [](std::size_t n) { return n != 0; };
  {
    server_of<TypeParam> server({"127.0.0.1", 0}, &ctx);
    serving running(server);
    EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "refused\n", dir), "");
    EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "welcome\n", dir), "welcome\n");
    running.stop();
    server.server_close();
  }
  EXPECT_EQ(ctx.log.count("setup"), 1u);
  EXPECT_EQ(ctx.log.count("process_request"), 1u);
  EXPECT_EQ(ctx.log.count("shutdown_request"), 2u);
}

TEST(errors_order, verify_request_false_goes_straight_to_shutdown_request) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  ctx.verify = [](std::size_t) { return false; };
  {
    server_of<plain_policy> server({"127.0.0.1", 0}, &ctx);
    server.timeout = 10.0;
    std::thread client(
        [&] { EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "x\n", dir), ""); });
    server.handle_request();
    client.join();
    server.server_close();
  }
  const strings want = {"server_bind",      "server_activate", "get_request", "verify_request",
                        "shutdown_request", "close_request",   "server_close"};
  EXPECT_EQ(ctx.log.main(), want);
}

// --- handle_request's timeout ----------------------------------------------------------------

TEST(handle_request_timeout, no_request_within_timeout_calls_handle_timeout) {
  watchdog dog;
  test_context ctx;
  server_of<plain_policy> server({"127.0.0.1", 0}, &ctx);
  server.timeout = 0.05;
  server.handle_request();
  EXPECT_EQ(ctx.timeouts.load(), 1u);
  EXPECT_EQ(ctx.log.count("get_request"), 0u);
  server.server_close();
}

TEST(handle_request_timeout, the_socket_timeout_counts_too) {
  watchdog dog;
  test_context ctx;
  server_of<plain_policy> server({"127.0.0.1", 0}, &ctx);
  ASSERT_FALSE(server.timeout.has_value());  // Python's default: None
  server.server_socket().settimeout(0.05);
  server.handle_request();
  EXPECT_EQ(ctx.timeouts.load(), 1u);
  server.server_close();
}

TEST(handle_request_timeout, a_waiting_request_is_handled_without_handle_timeout) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  server_of<plain_policy> server({"127.0.0.1", 0}, &ctx);
  server.timeout = 10.0;
  std::thread client(
      [&] { EXPECT_EQ(exchange(server.server_address, SOCK_STREAM, "here\n", dir), "here\n"); });
  server.handle_request();
  client.join();
  EXPECT_EQ(ctx.timeouts.load(), 0u);
  server.timeout = 0.05;
  server.handle_request();  // nobody else: times out
  EXPECT_EQ(ctx.timeouts.load(), 1u);
  server.server_close();
}

TEST(handle_request_timeout, udp_server_times_out_too) {
  watchdog dog;
  test_context ctx;
  logged_server<netkit::udp_server> server({"127.0.0.1", 0}, &ctx);
  server.timeout = 0.05;
  server.handle_request();
  EXPECT_EQ(ctx.timeouts.load(), 1u);
  server.server_close();
}

}  // namespace
