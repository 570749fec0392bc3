// PEP 475 across netkit (issue 8): a system call interrupted by a signal whose handler returns
// is retried, and a call with a timeout keeps its deadline (the wait is recomputed, not
// restarted). A no-op SIGUSR1 handler is installed WITHOUT SA_RESTART, so every blocking call
// of the test thread returns EINTR to netkit while a helper thread sends SIGUSR1 to it
// (pthread_kill) every millisecond for 200 ms; then the helper does what completes the call
// (connects, sends, reads). Each call must complete normally: an EINTR surfaced as an error (an
// exception or an error code) is a bug. Times are only checked from below (a timeout honoured,
// not cut short), never from above.
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "netkit/http/client.hpp"
#include "netkit/reactor.hpp"
#include "netkit/select.hpp"
#include "netkit/socket.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr int signal_count = 200;  // one a millisecond: about 200 ms of interruptions
constexpr auto signal_period = 1ms;

std::atomic<int> handled{0};

extern "C" void on_sigusr1(int /*signo*/) { handled.fetch_add(1, std::memory_order_relaxed); }

// Runs `blocked` on this thread while a helper interrupts it signal_count times (calling
// `between` after each signal: a slow reader reads a little there), then runs `complete`,
// which lets the blocked call finish. Returns how long `blocked` took.
clock_type::duration interrupted(const std::function<void()>& blocked,
                                 const std::function<void()>& complete,
                                 const std::function<void()>& between = {}) {
  const pthread_t target = ::pthread_self();
  std::atomic<bool> done{false};
  std::thread helper([&] {
    for (int i = 0; i < signal_count && !done.load(); ++i) {
      ::pthread_kill(target, SIGUSR1);
      if (between) between();
      std::this_thread::sleep_for(signal_period);
    }
    if (complete) complete();
  });
  const auto start = clock_type::now();
  try {
    blocked();
  } catch (...) {
    done.store(true);
    helper.join();
    throw;
  }
  const auto took = clock_type::now() - start;
  done.store(true);
  helper.join();
  EXPECT_GT(handled.load(), 0) << "no SIGUSR1 was handled: the test did not interrupt anything";
  return took;
}

// Installs the no-op handler without SA_RESTART for the test's lifetime.
class eintr : public ::testing::Test {
 protected:
  void SetUp() override {
    struct sigaction sa {};
    sa.sa_handler = on_sigusr1;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: the kernel hands EINTR to netkit
    ASSERT_EQ(::sigaction(SIGUSR1, &sa, &old_), 0);
    handled.store(0);
  }
  void TearDown() override { ::sigaction(SIGUSR1, &old_, nullptr); }

  struct sigaction old_ {};
};

netkit::socket listener(int backlog = 8) {
  netkit::socket s(AF_INET, SOCK_STREAM);
  s.bind({"127.0.0.1", 0});
  s.listen(backlog);
  return s;
}

std::pair<netkit::socket, netkit::socket> tcp_pair() {
  netkit::socket l = listener();
  netkit::socket c(AF_INET, SOCK_STREAM);
  c.connect(l.getsockname());
  auto [a, peer] = l.accept();
  return {std::move(c), std::move(a)};
}

// The harness itself: a raw recv(2) on the same kind of socket does see EINTR, so the calls
// below are interrupted for real and it is netkit that retries them.
TEST_F(eintr, a_raw_recv_sees_eintr) {
  auto [a, b] = netkit::socketpair();
  ssize_t n = 0;
  int e = 0;
  interrupted(
      [&] {
        char c = 0;
        n = ::recv(a.fileno(), &c, 1, 0);
        e = errno;
      },
      [&] { b.sendall("x"); });
  EXPECT_EQ(n, -1);
  EXPECT_EQ(e, EINTR);
}

TEST_F(eintr, blocking_accept_is_retried) {
  netkit::socket l = listener();
  const auto where = l.getsockname();
  netkit::socket client(AF_INET, SOCK_STREAM);
  std::optional<netkit::socket> accepted;
  interrupted([&] { accepted.emplace(l.accept().first); }, [&] { client.connect(where); });
  ASSERT_TRUE(accepted);
  EXPECT_GE(accepted->fileno(), 0);
}

TEST_F(eintr, accept_with_a_timeout_is_retried) {
  netkit::socket l = listener();
  l.settimeout(10.0);
  const auto where = l.getsockname();
  netkit::socket client(AF_INET, SOCK_STREAM);
  std::error_code ec;
  std::optional<netkit::socket> accepted;
  interrupted([&] { accepted.emplace(l.accept(ec).first); }, [&] { client.connect(where); });
  EXPECT_FALSE(ec) << ec.message();
  ASSERT_TRUE(accepted);
  EXPECT_GE(accepted->fileno(), 0);
}

TEST_F(eintr, blocking_recv_is_retried) {
  auto [a, b] = tcp_pair();
  netkit::bytes got;
  interrupted([&] { got = a.recv(100); }, [&] { b.sendall("x"); });
  EXPECT_EQ(got, "x");
}

TEST_F(eintr, recv_with_a_timeout_is_retried) {
  auto [a, b] = netkit::socketpair();
  a.settimeout(10.0);
  std::error_code ec;
  char buf[16];
  std::size_t n = 0;
  interrupted([&] { n = a.recv_into(netkit::mutable_buffer(buf, sizeof buf), ec); },
              [&] { b.sendall("yz"); });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(std::string(buf, n), "yz");
}

// sendall of a buffer far larger than the socket buffers to a reader that takes a little after
// each signal: the send is interrupted both before and after it has moved bytes.
void sendall_to_a_slow_reader(bool with_timeout) {
  auto [a, b] = tcp_pair();
  a.setsockopt(SOL_SOCKET, SO_SNDBUF, 64 * 1024);
  b.setsockopt(SOL_SOCKET, SO_RCVBUF, 64 * 1024);
  if (with_timeout) a.settimeout(30.0);
  std::string data(32 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 4096);
  std::string received;
  received.reserve(data.size());
  char buf[64 * 1024];
  auto read_some = [&](int flags) {
    const ssize_t n = ::recv(b.fileno(), buf, sizeof buf, flags);
    if (n > 0) received.append(buf, static_cast<std::size_t>(n));
    return n;
  };
  std::error_code ec;
  std::size_t sent = 0;
  interrupted([&] { sent = a.sendall(data, ec); },
              [&] {
                while (received.size() < data.size())
                  if (read_some(0) <= 0) break;
              },
              [&] { read_some(MSG_DONTWAIT); });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(sent, data.size());
  EXPECT_TRUE(received == data) << "received " << received.size() << " bytes";
}

TEST_F(eintr, blocking_sendall_is_retried) { sendall_to_a_slow_reader(false); }

TEST_F(eintr, sendall_with_a_timeout_is_retried) { sendall_to_a_slow_reader(true); }

// A connect that blocks on loopback: the listener's backlog (0: one connection) is full and
// nothing accepts, so the kernel drops our SYN; after the signals the helper accepts, and the
// SYN's retransmission (about a second later) gets in.
void connect_to_a_full_backlog(bool with_timeout) {
  netkit::socket l = listener(0);
  const auto where = l.getsockname();
  netkit::socket first(AF_INET, SOCK_STREAM);
  first.connect(where);  // fills the accept queue
  netkit::socket client(AF_INET, SOCK_STREAM);
  if (with_timeout) client.settimeout(30.0);
  std::error_code ec;
  std::vector<netkit::socket> accepted;
  interrupted([&] { client.connect(where, ec); },
              [&] {
                l.settimeout(10.0);
                for (int i = 0; i < 2; ++i) {
                  std::error_code aec;
                  auto [s, peer] = l.accept(aec);
                  if (aec) break;
                  accepted.push_back(std::move(s));
                }
              },
              {});
  EXPECT_FALSE(ec) << ec.message();
  client.sendall("ok");
}

TEST_F(eintr, blocking_connect_completes) { connect_to_a_full_backlog(false); }

TEST_F(eintr, connect_with_a_timeout_completes) { connect_to_a_full_backlog(true); }

// The waits with a timeout: nothing becomes ready, so each returns empty-handed, and not before
// its timeout (a wait restarted after each signal would only be longer: not checked).
constexpr auto wait_timeout = 300ms;
constexpr double wait_timeout_s = 0.3;

TEST_F(eintr, select_keeps_its_timeout) {
  auto [a, b] = netkit::socketpair();
  const std::vector<int> fds{a.fileno()};
  netkit::select_result<int> r;
  const auto took = interrupted([&] { r = netkit::select(fds, {}, {}, wait_timeout_s); }, {});
  EXPECT_TRUE(r.readable.empty());
  EXPECT_GE(took, wait_timeout);
}

TEST_F(eintr, select_without_a_timeout_waits_for_the_descriptor) {
  auto [a, b] = netkit::socketpair();
  const std::vector<int> fds{a.fileno()};
  netkit::select_result<int> r;
  interrupted([&] { r = netkit::select(fds, {}, {}); }, [&] { b.sendall("x"); });
  EXPECT_EQ(r.readable, fds);
}

TEST_F(eintr, poll_keeps_its_timeout) {
  auto [a, b] = netkit::socketpair();
  auto p = netkit::poll();
  p.register_(a.fileno(), POLLIN);
  std::vector<netkit::poll_event> r;
  const auto took = interrupted([&] { r = p.poll(300); }, {});
  EXPECT_TRUE(r.empty());
  EXPECT_GE(took, wait_timeout);
}

TEST_F(eintr, epoll_keeps_its_timeout) {
  auto [a, b] = netkit::socketpair();
  netkit::epoll ep;
  ep.register_(a.fileno(), EPOLLIN);
  std::vector<netkit::epoll_ready> r;
  const auto took = interrupted([&] { r = ep.poll(wait_timeout_s); }, {});
  EXPECT_TRUE(r.empty());
  EXPECT_GE(took, wait_timeout);
}

TEST_F(eintr, epoll_without_a_timeout_waits_for_the_descriptor) {
  auto [a, b] = netkit::socketpair();
  netkit::epoll ep;
  ep.register_(a.fileno(), EPOLLIN);
  std::vector<netkit::epoll_ready> r;
  interrupted([&] { r = ep.poll(); }, [&] { b.sendall("x"); });
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fd, a.fileno());
}

template <class Selector>
void selector_keeps_its_timeout() {
  auto [a, b] = netkit::socketpair();
  Selector sel;
  sel.register_(a.fileno(), netkit::EVENT_READ);
  std::size_t ready = 99;
  const auto took = interrupted([&] { ready = sel.select(wait_timeout_s).size(); }, {}, {});
  EXPECT_EQ(ready, 0u);
  EXPECT_GE(took, wait_timeout);
  // And without a timeout, until the descriptor is ready.
  interrupted([&] { ready = sel.select().size(); }, [&] { b.sendall("x"); }, {});
  EXPECT_EQ(ready, 1u);
}

#define NETKIT_SELECTOR_TEST(name, type) \
  TEST_F(eintr, name##_keeps_its_timeout) { selector_keeps_its_timeout<type>(); }
NETKIT_SELECTOR_TEST(select_selector, netkit::select_selector)
NETKIT_SELECTOR_TEST(poll_selector, netkit::poll_selector)
NETKIT_SELECTOR_TEST(epoll_selector, netkit::epoll_selector)
#undef NETKIT_SELECTOR_TEST

TEST_F(eintr, reactor_run_keeps_its_timers) {
  netkit::reactor loop;
  std::optional<clock_type::time_point> fired;
  // Measured from the call_later, not from the run: the timer's delay starts there (under
  // ThreadSanitizer, starting the helper thread in between took more than a millisecond).
  const auto scheduled = clock_type::now();
  const auto t = loop.call_later(wait_timeout, [&] {
    fired = clock_type::now();
    loop.stop();
  });
  interrupted([&] { loop.run(); }, {});
  ASSERT_TRUE(fired.has_value());
  EXPECT_GE(*fired - scheduled, wait_timeout);
}

// The reactor blocked with no timer at all wakes for I/O only: a reader added for a socket.
TEST_F(eintr, reactor_run_waits_for_io) {
  netkit::reactor loop;
  auto [a, b] = netkit::socketpair();
  bool read = false;
  loop.add_reader(a.fileno(), [&] {
    read = true;
    loop.stop();
  });
  interrupted([&] { loop.run(); }, [&] { b.sendall("x"); });
  loop.remove_reader(a.fileno());
  EXPECT_TRUE(read);
}

// One layer up: urlopen waits for the answer's head, then for its body, in recv; both waits
// are interrupted (with the default timeout: none, and with one).
void urlopen_waits_for_a_slow_server(netkit::timeout_t timeout) {
  netkit::socket l = listener();
  const std::string url = "http://127.0.0.1:" + std::to_string(l.getsockname().port()) + "/";
  std::optional<netkit::socket> conn;
  std::optional<netkit::http::url_response> r;
  interrupted([&] { r.emplace(netkit::http::urlopen(url, std::nullopt, timeout)); },
              [&] {
                conn.emplace(l.accept().first);
                conn->recv(4096);
                conn->sendall("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe");
              });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), 200);
  netkit::bytes body;
  interrupted([&] { body = r->read(); }, [&] { conn->sendall("llo"); });
  EXPECT_EQ(body, "hello");
}

TEST_F(eintr, urlopen_is_retried) { urlopen_waits_for_a_slow_server(std::nullopt); }

TEST_F(eintr, urlopen_with_a_timeout_is_retried) { urlopen_waits_for_a_slow_server(30.0); }

}  // namespace
