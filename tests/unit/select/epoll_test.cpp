// Tests for netkit/select/epoll.hpp: netkit::epoll with Python 3.11's select.epoll semantics
// (FileExistsError / FileNotFoundError as socket_error EEXIST / ENOENT), the Linux flags
// (EPOLLET, EPOLLONESHOT, EPOLLRDHUP, EPOLLEXCLUSIVE), maxevents, the non-allocating poll,
// close, move and close-on-exec.
#include "netkit/select/epoll.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "netkit/error.hpp"
#include "netkit/socket.hpp"
#include "unit/select/helpers.hpp"

namespace {

using namespace std::chrono_literals;
using netkit_select_test::make_pipe;
using netkit_test::seconds_taken;

// poll() as a map fd -> events, failing on a descriptor reported twice.
std::map<int, std::uint32_t> ready(netkit::epoll& ep, netkit::timeout_t timeout,
                                   int maxevents = -1) {
  std::map<int, std::uint32_t> out;
  for (const auto& [fd, events] : ep.poll(timeout, maxevents))
    EXPECT_TRUE(out.emplace(fd, events).second) << "fd " << fd << " reported twice";
  return out;
}

void expect_errno(const std::function<void()>& call, int expected) {
  try {
    call();
    ADD_FAILURE() << "no error, expected errno " << expected;
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(expected, std::system_category())) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a socket_error: " << e.what();
  }
}

// ---------------------------------------------------------------------------------------------
// Registration.

TEST(Epoll, ReadableAndWritable) {
  netkit::epoll ep;
  auto [a, b] = netkit::socketpair();
  ep.register_(a, EPOLLIN);
  EXPECT_TRUE(ready(ep, 0s).empty());
  b.sendall("x");
  auto r = ready(ep, 5s);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r.at(a.fileno()), std::uint32_t{EPOLLIN});
  // The default mask is EPOLLIN | EPOLLPRI | EPOLLOUT, as Python's.
  ep.register_(&b);
  r = ready(ep, 0s);
  EXPECT_EQ(r.at(b.fileno()), std::uint32_t{EPOLLOUT});
}

TEST(Epoll, DoubleRegisterIsEexist) {
  // Python: FileExistsError [Errno 17].
  netkit::epoll ep;
  auto [a, b] = netkit::socketpair();
  ep.register_(a, EPOLLIN);
  expect_errno([&] { ep.register_(a, EPOLLOUT); }, EEXIST);
  // The first registration is unchanged.
  b.sendall("x");
  EXPECT_EQ(ready(ep, 5s).at(a.fileno()), std::uint32_t{EPOLLIN});
}

TEST(Epoll, ModifyOrUnregisterUnknownIsEnoent) {
  // Python: FileNotFoundError [Errno 2] for both.
  netkit::epoll ep;
  auto [a, b] = netkit::socketpair();
  expect_errno([&] { ep.modify(a, EPOLLIN); }, ENOENT);
  expect_errno([&] { ep.unregister(a); }, ENOENT);
  ep.register_(a, EPOLLIN);
  ep.unregister(a);
  expect_errno([&] { ep.unregister(a.fileno()); }, ENOENT);
}

TEST(Epoll, ModifyChangesTheMask) {
  netkit::epoll ep;
  auto [a, b] = netkit::socketpair();
  ep.register_(a, EPOLLIN);
  EXPECT_TRUE(ready(ep, 0s).empty());
  ep.modify(a, EPOLLOUT);
  EXPECT_EQ(ready(ep, 0s).at(a.fileno()), std::uint32_t{EPOLLOUT});
  b.sendall("x");
  ep.modify(a, EPOLLIN | EPOLLOUT);
  EXPECT_EQ(ready(ep, 0s).at(a.fileno()), std::uint32_t{EPOLLIN | EPOLLOUT});
}

TEST(Epoll, ClosedOrNegativeDescriptor) {
  netkit::epoll ep;
  // A closed descriptor: EBADF, as Python's OSError.
  expect_errno([&] { ep.register_(netkit_select_test::closed_fd_number(), EPOLLIN); }, EBADF);
  // A negative one: Python raises ValueError("file descriptor cannot be a negative integer
  // (-1)"), as select() and poll do here.
  EXPECT_THROW(ep.register_(-1, EPOLLIN), netkit::value_error);
}

TEST(Epoll, RegularFilesAreRefused) {
  // epoll cannot watch a regular file: EPERM (Python: PermissionError).
  netkit_test::temp_dir dir;
  const netkit_select_test::unique_fd file(
      ::open(dir.path("f").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
  ASSERT_GE(file.get(), 0);
  netkit::epoll ep;
  expect_errno([&] { ep.register_(file.get(), EPOLLIN); }, EPERM);
}

// ---------------------------------------------------------------------------------------------
// Flags.

TEST(Epoll, EdgeTriggeredDeliversOncePerEdge) {
  netkit::epoll ep;
  auto [a, b] = netkit::socketpair();
  ep.register_(a, EPOLLIN | EPOLLET);
  b.sendall("one");
  EXPECT_EQ(ready(ep, 5s).size(), 1U);
  EXPECT_TRUE(ready(ep, 0s).empty()) << "edge-triggered reported the same edge twice";
  b.sendall("two");  // a new edge although the first bytes are still unread
  EXPECT_EQ(ready(ep, 5s).size(), 1U);
  EXPECT_TRUE(ready(ep, 0s).empty());
  EXPECT_EQ(a.recv(64), "onetwo");
  EXPECT_TRUE(ready(ep, 0s).empty());
}

TEST(Epoll, OneShotDisarmsUntilModify) {
  netkit::epoll ep;
  auto [a, b] = netkit::socketpair();
  ep.register_(a, EPOLLIN | EPOLLONESHOT);
  b.sendall("x");
  EXPECT_EQ(ready(ep, 5s).size(), 1U);
  EXPECT_TRUE(ready(ep, 0s).empty()) << "still armed";
  b.sendall("y");
  EXPECT_TRUE(ready(ep, 0s).empty()) << "new data re-armed a one-shot descriptor";
  ep.modify(a, EPOLLIN | EPOLLONESHOT);  // re-arm
  EXPECT_EQ(ready(ep, 5s).size(), 1U);
  EXPECT_TRUE(ready(ep, 0s).empty());
  // Still registered while disarmed: registering again is EEXIST.
  expect_errno([&] { ep.register_(a, EPOLLIN); }, EEXIST);
}

TEST(Epoll, RdhupOnPeerShutdownWrite) {
  // Python: EPOLLIN | EPOLLRDHUP (8193) after the peer's shutdown(SHUT_WR).
  netkit::epoll ep;
  for (const bool tcp : {false, true}) {
    SCOPED_TRACE(tcp ? "tcp" : "unix");
    auto [a, b] = tcp ? netkit_select_test::tcp_pair() : netkit::socketpair();
    ep.register_(a, EPOLLIN | EPOLLRDHUP);
    b.shutdown(SHUT_WR);
    const auto r = ready(ep, 5s);
    ASSERT_EQ(r.size(), 1U);
    EXPECT_EQ(r.at(a.fileno()), std::uint32_t{EPOLLIN | EPOLLRDHUP});
    EXPECT_EQ(a.recv(16), "");
    // Half-closed: a can still write to b.
    a.sendall("still open");
    EXPECT_EQ(b.recv(64), "still open");
    ep.unregister(a);
  }
}

TEST(Epoll, HangUpAndErrorAreReported) {
  netkit::epoll ep;
  auto [server, client] = netkit_select_test::tcp_pair();
  ep.register_(server, EPOLLIN);
  const linger lg{1, 0};
  client.setsockopt(SOL_SOCKET, SO_LINGER,
                    netkit::bytes_view(reinterpret_cast<const char*>(&lg), sizeof lg));
  client.close();
  const auto r = ready(ep, 5s);
  ASSERT_EQ(r.size(), 1U);
  // EPOLLERR and EPOLLHUP are reported without being asked for.
  EXPECT_EQ(r.at(server.fileno()), std::uint32_t{EPOLLIN | EPOLLERR | EPOLLHUP});
}

TEST(Epoll, ExclusiveIsAcceptedOnRegister) {
  // Two epolls wait on one listener with EPOLLEXCLUSIVE (the thundering-herd fix); a
  // connection wakes at least one of them. EPOLLEXCLUSIVE cannot be used with modify: the
  // kernel says EINVAL (Python: OSError [Errno 22]).
  netkit::socket l(AF_INET, SOCK_STREAM);
  l.bind({"127.0.0.1", 0});
  l.listen();
  netkit::epoll first, second;
  first.register_(l, EPOLLIN | EPOLLEXCLUSIVE);
  second.register_(l, EPOLLIN | EPOLLEXCLUSIVE);
  netkit::socket c(AF_INET, SOCK_STREAM);
  c.settimeout(5.0);
  c.connect(l.getsockname());
  // Both share one wait queue; level-triggered, so whichever was woken, polling either now
  // sees the pending connection.
  const auto r1 = ready(first, 5s);
  const auto r2 = ready(second, 0s);
  EXPECT_EQ(r1.size(), 1U);
  EXPECT_TRUE(r1.contains(l.fileno()));
  EXPECT_LE(r2.size(), 1U);
  expect_errno([&] { first.modify(l, EPOLLIN | EPOLLEXCLUSIVE); }, EINVAL);
  expect_errno([&] { first.modify(l, EPOLLIN); }, EINVAL);
  first.unregister(l);
  second.unregister(l);
}

// ---------------------------------------------------------------------------------------------
// poll: timeouts, maxevents, the non-allocating overload.

TEST(Epoll, Timeouts) {
  netkit::epoll ep;
  auto [a, b] = netkit::socketpair();
  ep.register_(a, EPOLLIN);
  std::size_t n = 99;
  EXPECT_LT(seconds_taken([&] { n = ep.poll(0s).size(); }), 0.5);
  EXPECT_EQ(n, 0U);
  for (const double t : {0.05, 0.0505, 0.0001}) {
    SCOPED_TRACE(t);
    const double took = seconds_taken([&] { n = ep.poll(netkit::seconds_f(t)).size(); });
    EXPECT_EQ(n, 0U);
    EXPECT_GE(took, t);
    EXPECT_LT(took, t + 2.0);
  }
  // Nothing registered: still sleeps.
  netkit::epoll empty;
  const double took = seconds_taken([&] { n = empty.poll(0.05s).size(); });
  EXPECT_EQ(n, 0U);
  EXPECT_GE(took, 0.05);
}

TEST(Epoll, NoneAndNegativeTimeoutsBlockUntilReady) {
  // Python: poll(None) and poll(-1) wait forever.
  for (const netkit::timeout_t t : {netkit::timeout_t(), netkit::timeout_t(-1s)}) {
    SCOPED_TRACE(t ? "-1 s" : "None");
    netkit::epoll ep;
    auto [a, b] = netkit::socketpair();
    netkit_select_test::watchdog dog;
    ep.register_(a, EPOLLIN);
    ep.register_(dog.fd(), EPOLLIN);
    netkit_select_test::when_blocked writer([&b] { b.sendall("now"); });
    const auto r = ready(ep, t);
    writer.join();
    dog.cancel();
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(r.contains(a.fileno())) << "only the watchdog woke epoll";
  }
}

std::atomic<int> g_signals{0};
extern "C" void count_signal(int) { g_signals.fetch_add(1); }

TEST(Epoll, EintrIsRetried) {
  struct sigaction sa {
  }, old{};
  sa.sa_handler = count_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: epoll_wait fails with EINTR
  ::sigaction(SIGUSR1, &sa, &old);
  g_signals = 0;
  netkit::epoll ep;
  auto [a, b] = netkit::socketpair();
  ep.register_(a, EPOLLIN);
  const pthread_t self = ::pthread_self();
  const pid_t tid = netkit_select_test::this_tid();
  std::thread helper([&] {
    netkit_select_test::wait_until_sleeping(tid);
    ::pthread_kill(self, SIGUSR1);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (g_signals.load() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    netkit_select_test::wait_until_sleeping(tid);
    b.sendall("x");
  });
  std::map<int, std::uint32_t> r;
  try {
    r = ready(ep, 20s);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "poll failed on EINTR: " << e.what();
  }
  helper.join();
  ::sigaction(SIGUSR1, &old, nullptr);
  EXPECT_EQ(g_signals.load(), 1);
  EXPECT_TRUE(r.contains(a.fileno()));
}

TEST(Epoll, MaxeventsLimitsTheBatch) {
  netkit::epoll ep;
  std::vector<std::pair<netkit::socket, netkit::socket>> pairs;
  std::set<int> all;
  for (int i = 0; i < 5; ++i) {
    pairs.push_back(netkit::socketpair());
    pairs.back().second.sendall("m");
    ep.register_(pairs.back().first, EPOLLIN);
    all.insert(pairs.back().first.fileno());
  }
  EXPECT_EQ(ready(ep, 5s, 2).size(), 2U);
  EXPECT_EQ(ready(ep, 5s, 1).size(), 1U);
  // Level-triggered descriptors go to the back of the ready list, so successive small batches
  // see every one of them.
  std::set<int> seen;
  for (int i = 0; i < 3; ++i)
    for (const auto& [fd, ev] : ready(ep, 5s, 2)) seen.insert(fd);
  EXPECT_EQ(seen, all);
  // -1 (the default): as many as are registered.
  EXPECT_EQ(ready(ep, 5s, -1).size(), 5U);
  // Python: ValueError("maxevents must be greater than 0, got 0") for 0 and below -1.
  EXPECT_THROW(ep.poll(0s, 0), netkit::value_error);
  EXPECT_THROW(ep.poll(0s, -2), netkit::value_error);
}

TEST(Epoll, DefaultMaxeventsFollowsRegistrations) {
  // 300 ready descriptors, one call: the default buffer grows with the registrations (and
  // shrinks after unregistering, never below one).
  netkit_select_test::raise_nofile_limit();
  netkit::epoll ep;
  std::vector<std::pair<netkit::socket, netkit::socket>> pairs;
  for (int i = 0; i < 300; ++i) {
    pairs.push_back(netkit::socketpair());
    pairs.back().second.sendall("d");
    ep.register_(pairs.back().first, EPOLLIN);
  }
  EXPECT_EQ(ready(ep, 5s).size(), 300U);
  for (std::size_t i = 0; i < 299; ++i) ep.unregister(pairs[i].first);
  EXPECT_EQ(ready(ep, 5s).size(), 1U);
  ep.unregister(pairs[299].first);
  EXPECT_TRUE(ready(ep, 0s).empty());
}

TEST(Epoll, NonAllocatingPoll) {
  netkit::epoll ep;
  auto [a, b] = netkit::socketpair();
  auto [c, d] = netkit::socketpair();
  ep.register_(a, EPOLLIN);
  ep.register_(c, EPOLLIN);
  std::array<epoll_event, 4> buf{};
  std::error_code ec = std::make_error_code(std::errc::io_error);
  EXPECT_EQ(ep.poll(buf, 0s, ec), 0U);
  EXPECT_FALSE(ec) << ec.message();
  b.sendall("1");
  d.sendall("2");
  const std::size_t n = ep.poll(buf, 5s, ec);
  EXPECT_FALSE(ec);
  ASSERT_EQ(n, 2U);
  std::set<int> fds;
  for (std::size_t i = 0; i < n; ++i) {
    fds.insert(buf[i].data.fd);
    EXPECT_EQ(buf[i].events, std::uint32_t{EPOLLIN});
  }
  EXPECT_EQ(fds, (std::set<int>{a.fileno(), c.fileno()}));
  // A one-entry span gives one at a time.
  EXPECT_EQ(ep.poll(std::span<epoll_event>(buf.data(), 1), 5s, ec), 1U);
  // An empty span cannot hold anything: an error code, not an exception or a hang.
  EXPECT_EQ(ep.poll(std::span<epoll_event>(), 0s, ec), 0U);
  EXPECT_TRUE(ec);
  // The ctl overload reports errors through the code too.
  ep.ctl(EPOLL_CTL_ADD, a.fileno(), EPOLLIN, ec);
  EXPECT_EQ(ec, std::error_code(EEXIST, std::system_category()));
  ep.ctl(EPOLL_CTL_DEL, a.fileno(), 0, ec);
  EXPECT_FALSE(ec);
  // (Converting the arguments may allocate nothing either, but is not part of the call.)
  const std::span<epoll_event> span(buf);
  const netkit::timeout_t zero = 0s;
  static_assert(noexcept(ep.poll(span, zero, ec)));
  static_assert(noexcept(ep.ctl(EPOLL_CTL_DEL, 0, 0, ec)));
}

// ---------------------------------------------------------------------------------------------
// Lifetime: close, move, close-on-exec.

TEST(Epoll, CloseAndClosed) {
  netkit::epoll ep;
  const int fd = ep.fileno();
  EXPECT_GE(fd, 0);
  EXPECT_FALSE(ep.closed());
  auto [a, b] = netkit::socketpair();
  ep.register_(a, EPOLLIN);
  ep.close();
  EXPECT_TRUE(ep.closed());
  EXPECT_EQ(ep.fileno(), -1);
  EXPECT_FALSE(netkit_test::fd_is_open(fd));
  ep.close();  // twice is harmless, as in Python
  EXPECT_TRUE(ep.closed());
  // Python raises ValueError("I/O operation on closed epoll object"); netkit reports the
  // closed descriptor as it reports any other: socket_error EBADF, and the noexcept calls set
  // EBADF in the code.
  expect_errno([&] { ep.poll(0s); }, EBADF);
  expect_errno([&] { ep.register_(b, EPOLLIN); }, EBADF);
  expect_errno([&] { ep.modify(a, EPOLLIN); }, EBADF);
  expect_errno([&] { ep.unregister(a); }, EBADF);
  std::array<epoll_event, 1> buf{};
  std::error_code ec;
  EXPECT_EQ(ep.poll(buf, 0s, ec), 0U);
  EXPECT_EQ(ec, std::error_code(EBADF, std::system_category()));
}

TEST(Epoll, DestructorClosesTheDescriptor) {
  int fd = -1;
  {
    netkit::epoll ep;
    fd = ep.fileno();
    EXPECT_TRUE(netkit_test::fd_is_open(fd));
  }
  EXPECT_FALSE(netkit_test::fd_is_open(fd));
}

TEST(Epoll, MoveConstructAndAssign) {
  auto [a, b] = netkit::socketpair();
  netkit::epoll first;
  const int fd = first.fileno();
  first.register_(a, EPOLLIN);
  netkit::epoll moved(std::move(first));
  EXPECT_TRUE(first.closed());  // NOLINT(bugprone-use-after-move): the state is specified
  EXPECT_EQ(first.fileno(), -1);
  EXPECT_EQ(moved.fileno(), fd);
  b.sendall("x");
  EXPECT_EQ(ready(moved, 5s).size(), 1U) << "the registration moved with the descriptor";

  netkit::epoll target;
  const int old_target_fd = target.fileno();
  target = std::move(moved);
  EXPECT_FALSE(netkit_test::fd_is_open(old_target_fd)) << "move assignment leaked the old fd";
  EXPECT_EQ(target.fileno(), fd);
  EXPECT_TRUE(moved.closed());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(ready(target, 5s).size(), 1U);
  // The default maxevents (sized by the registrations) moved along too.
  auto [c, d] = netkit::socketpair();
  target.register_(c, EPOLLIN);
  d.sendall("y");
  EXPECT_EQ(ready(target, 5s).size(), 2U);

  auto& self = target;
  target = std::move(self);  // self-move keeps it working
  EXPECT_EQ(target.fileno(), fd);
  EXPECT_TRUE(netkit_test::fd_is_open(fd));
}

TEST(Epoll, CloseOnExec) {
  // Python's epoll descriptors are non-inheritable; netkit always adds EPOLL_CLOEXEC.
  netkit::epoll plain;
  EXPECT_TRUE(netkit_test::has_cloexec(plain.fileno()));
  netkit::epoll with_flag(-1, EPOLL_CLOEXEC);
  EXPECT_TRUE(netkit_test::has_cloexec(with_flag.fileno()));
  netkit::epoll with_hint(1000);  // sizehint is ignored, as in Python
  EXPECT_TRUE(netkit_test::has_cloexec(with_hint.fileno()));
}

TEST(Epoll, PipesWork) {
  netkit::epoll ep;
  auto p = make_pipe();
  ep.register_(p.read_end.get(), EPOLLIN);
  ep.register_(p.write_end.get(), EPOLLOUT);
  auto r = ready(ep, 5s);
  EXPECT_EQ(r, (std::map<int, std::uint32_t>{{p.write_end.get(), EPOLLOUT}}));
  netkit_select_test::write_all(p.write_end.get(), "pipe");
  ep.unregister(p.write_end.get());
  p.write_end.reset();
  r = ready(ep, 5s);
  // Data and the writer gone: EPOLLIN | EPOLLHUP.
  EXPECT_EQ(r, (std::map<int, std::uint32_t>{{p.read_end.get(), EPOLLIN | EPOLLHUP}}));
}

}  // namespace
