// Tests for netkit/select/poll.hpp: netkit::poll() / poll_object with Python 3.11's
// select.poll semantics: register replaces the mask, modify of an unknown descriptor is
// FileNotFoundError (ENOENT), unregister of one is KeyError, POLLHUP and POLLNVAL are reported,
// timeouts are in milliseconds, and a thousand descriptors are fine.
#include "netkit/select/poll.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "netkit/error.hpp"
#include "netkit/socket.hpp"
#include "unit/select/helpers.hpp"

namespace {

using namespace std::chrono_literals;
using netkit_select_test::make_pipe;
using netkit_test::seconds_taken;

// poll() as a map fd -> revents, failing on a descriptor reported twice.
std::map<int, short> ready(netkit::poll_object& p, std::optional<int> timeout_ms) {
  std::map<int, short> out;
  for (const auto& [fd, events] : p.poll(timeout_ms))
    EXPECT_TRUE(out.emplace(fd, events).second) << "fd " << fd << " reported twice";
  return out;
}

TEST(Poll, FactoryGivesAnEmptyPollObject) {
  auto p = netkit::poll();  // select.poll()
  EXPECT_EQ(p.size(), 0U);
  EXPECT_TRUE(p.poll(0).empty());
}

TEST(Poll, ReadableAndWritable) {
  auto p = netkit::poll();
  auto [a, b] = netkit::socketpair();
  p.register_(a, POLLIN);
  EXPECT_TRUE(ready(p, 0).empty());
  b.sendall("x");
  auto r = ready(p, 5000);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[a.fileno()], POLLIN);
  // The default mask is POLLIN | POLLPRI | POLLOUT, as Python's.
  p.register_(b);
  r = ready(p, 0);
  EXPECT_EQ(r[b.fileno()], POLLOUT);
  EXPECT_EQ(p.size(), 2U);
}

TEST(Poll, RegisterTwiceReplacesTheMask) {
  // Python: register(a, POLLIN); register(a, POLLOUT) -> poll() gives [(a, POLLOUT)].
  auto p = netkit::poll();
  auto [a, b] = netkit::socketpair();
  b.sendall("x");
  p.register_(a, POLLIN);
  p.register_(a.fileno(), POLLOUT);
  EXPECT_EQ(p.size(), 1U);
  const auto r = ready(p, 0);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r.at(a.fileno()), POLLOUT);
}

TEST(Poll, ModifyKnownAndUnknown) {
  auto p = netkit::poll();
  auto [a, b] = netkit::socketpair();
  p.register_(a, POLLIN);
  p.modify(a, POLLOUT);
  EXPECT_EQ(ready(p, 0).at(a.fileno()), POLLOUT);
  // Python: FileNotFoundError [Errno 2].
  try {
    p.modify(b, POLLIN);
    FAIL() << "modify of an unregistered descriptor succeeded";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(ENOENT, std::system_category())) << e.what();
  }
  EXPECT_EQ(p.size(), 1U);
}

TEST(Poll, UnregisterKnownAndUnknown) {
  auto p = netkit::poll();
  auto [a, b] = netkit::socketpair();
  p.register_(a, POLLOUT);
  p.register_(&b, POLLOUT);
  p.unregister(&b);
  EXPECT_EQ(p.size(), 1U);
  EXPECT_EQ(ready(p, 0).count(b.fileno()), 0U);
  // Python: KeyError.
  EXPECT_THROW(p.unregister(b), netkit::key_error);
  EXPECT_THROW(p.unregister(12345), netkit::key_error);
  p.unregister(a.fileno());
  EXPECT_EQ(p.size(), 0U);
  EXPECT_THROW(p.unregister(a), netkit::key_error);
}

TEST(Poll, NegativeDescriptorIsValueError) {
  // Python: ValueError("file descriptor cannot be a negative integer (-1)").
  auto p = netkit::poll();
  EXPECT_THROW(p.register_(-1, POLLIN), netkit::value_error);
  EXPECT_EQ(p.size(), 0U);
}

TEST(Poll, HangUpIsReported) {
  // Python: a socketpair whose peer closed polls as POLLIN | POLLHUP (17).
  auto p = netkit::poll();
  auto [a, b] = netkit::socketpair();
  p.register_(a, POLLIN);
  b.close();
  const auto r = ready(p, 5000);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r.at(a.fileno()), POLLIN | POLLHUP);

  // Python: a pipe's read end after the writer closed polls as POLLHUP alone (16).
  auto pipe = make_pipe();
  auto q = netkit::poll();
  q.register_(pipe.read_end.get(), POLLIN);
  pipe.write_end.reset();
  const auto rq = ready(q, 5000);
  ASSERT_EQ(rq.size(), 1U);
  EXPECT_EQ(rq.at(pipe.read_end.get()), POLLHUP);
}

TEST(Poll, ErrorIsReportedOnReset) {
  auto p = netkit::poll();
  auto [server, client] = netkit_select_test::tcp_pair();
  p.register_(server, POLLIN);
  const linger lg{1, 0};
  client.setsockopt(SOL_SOCKET, SO_LINGER,
                    netkit::bytes_view(reinterpret_cast<const char*>(&lg), sizeof lg));
  client.close();
  const auto r = ready(p, 5000);
  ASSERT_EQ(r.size(), 1U);
  // Python: a reset TCP socket polls as POLLIN | POLLERR | POLLHUP (25); POLLERR and POLLHUP
  // are reported without being asked for.
  EXPECT_EQ(r.at(server.fileno()), POLLIN | POLLERR | POLLHUP);
}

TEST(Poll, ClosedDescriptorIsPollnval) {
  // Python's poll accepts any non-negative number and reports POLLNVAL (32) for a closed one.
  auto p = netkit::poll();
  const int fd = netkit_select_test::closed_fd_number();
  p.register_(fd, POLLIN);
  const auto r = ready(p, 0);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r.at(fd), POLLNVAL);
}

TEST(Poll, PriorityDataIsPollpri) {
  auto p = netkit::poll();
  auto [server, client] = netkit_select_test::tcp_pair();
  p.register_(server, POLLPRI);
  client.send("!", MSG_OOB);
  const auto r = ready(p, 5000);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_TRUE(r.at(server.fileno()) & POLLPRI);
}

TEST(Poll, TimeoutIsInMilliseconds) {
  auto p = netkit::poll();
  auto [a, b] = netkit::socketpair();
  p.register_(a, POLLIN);
  std::size_t n = 99;
  EXPECT_LT(seconds_taken([&] { n = p.poll(0).size(); }), 0.5);
  EXPECT_EQ(n, 0U);
  const double took = seconds_taken([&] { n = p.poll(50).size(); });
  EXPECT_EQ(n, 0U);
  EXPECT_GE(took, 0.05);
  EXPECT_LT(took, 2.05);  // 50 ms, not 50 s
}

TEST(Poll, EmptyPollObjectSleepsForTheTimeout) {
  auto p = netkit::poll();
  const double took = seconds_taken([&] { EXPECT_TRUE(p.poll(50).empty()); });
  EXPECT_GE(took, 0.05);
  EXPECT_LT(took, 2.05);
}

TEST(Poll, NoneAndNegativeTimeoutsBlockUntilReady) {
  // Python: poll(None) and poll(-1) (any negative) wait forever.
  for (const std::optional<int> t :
       {std::optional<int>(), std::optional<int>(-1), std::optional<int>(-5)}) {
    SCOPED_TRACE(t ? *t : 999);
    auto [a, b] = netkit::socketpair();
    netkit_select_test::watchdog dog;
    auto p = netkit::poll();
    p.register_(a, POLLIN);
    p.register_(dog.fd(), POLLIN);
    netkit_select_test::when_blocked writer([&b] { b.sendall("!"); });
    const auto r = ready(p, t);
    writer.join();
    dog.cancel();
    ASSERT_EQ(r.size(), 1U);
    EXPECT_EQ(r.begin()->first, a.fileno()) << "only the watchdog woke poll";
  }
}

TEST(Poll, AThousandDescriptors) {
  const rlim_t limit = netkit_select_test::raise_nofile_limit();
  if (limit < 2200) GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << limit << " < 2200";
  auto p = netkit::poll();
  std::vector<std::pair<netkit::socket, netkit::socket>> pairs;
  pairs.reserve(1000);
  std::set<int> expected;
  for (int i = 0; i < 1000; ++i) {
    pairs.push_back(netkit::socketpair());
    p.register_(pairs.back().first, POLLIN);
    expected.insert(pairs.back().first.fileno());
  }
  EXPECT_GE(pairs.back().second.fileno(), FD_SETSIZE);  // beyond select's reach
  EXPECT_EQ(p.size(), 1000U);
  EXPECT_TRUE(p.poll(0).empty());
  for (auto& [reader, writer] : pairs) writer.sendall("k");
  std::set<int> got;
  for (const auto& [fd, ev] : ready(p, 5000)) {
    got.insert(fd);
    EXPECT_EQ(ev, POLLIN);
  }
  EXPECT_EQ(got, expected);
  // Unregister every other one (erasing from the middle of the array) and poll again.
  std::set<int> kept;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i % 2 == 0)
      p.unregister(pairs[i].first);
    else
      kept.insert(pairs[i].first.fileno());
  }
  got.clear();
  for (const auto& [fd, ev] : ready(p, 5000)) got.insert(fd);
  EXPECT_EQ(got, kept);
}

}  // namespace
