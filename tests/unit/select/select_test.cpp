// Tests for netkit/select/select.hpp: netkit::select over ints, socket pointers and
// reference_wrappers, sockets and pipes (stdin too), timeouts, FD_SETSIZE, bad arguments and
// EINTR, with Python 3.11's select.select as the reference.
#include "netkit/select/select.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "netkit/error.hpp"
#include "netkit/socket.hpp"
#include "unit/select/helpers.hpp"

namespace {

using namespace std::chrono_literals;
using netkit_select_test::make_pipe;
using netkit_select_test::unique_fd;
using netkit_test::seconds_taken;

using int_list = std::vector<int>;

// ---------------------------------------------------------------------------------------------
// Element types: the result holds the elements that were passed in.

TEST(Select, IntsReadableWritable) {
  auto [a, b] = netkit::socketpair();
  const int fa = a.fileno();
  const int fb = b.fileno();
  auto r = netkit::select(int_list{fa, fb}, int_list{fa}, int_list{fa, fb}, 0s);
  EXPECT_TRUE(r.readable.empty());
  EXPECT_EQ(r.writable, int_list{fa});
  EXPECT_TRUE(r.exceptional.empty());

  b.sendall("x");
  r = netkit::select(int_list{fa, fb}, int_list{}, int_list{}, 5s);
  EXPECT_EQ(r.readable, int_list{fa});
  EXPECT_EQ(a.recv(1), "x");
}

TEST(Select, SocketPointersComeBackAsTheSamePointers) {
  auto [a, b] = netkit::socketpair();
  auto [c, d] = netkit::socketpair();
  b.sendall("1");
  using ptr_list = std::vector<netkit::socket*>;
  const auto r = netkit::select(ptr_list{&a, &c}, ptr_list{&d}, ptr_list{}, 5s);
  EXPECT_EQ(r.readable, ptr_list{&a});
  EXPECT_EQ(r.writable, ptr_list{&d});
  EXPECT_TRUE(r.exceptional.empty());
  // const pointers too.
  using cptr_list = std::vector<const netkit::socket*>;
  const auto rc = netkit::select(cptr_list{&a, &c}, cptr_list{}, cptr_list{}, 0s);
  EXPECT_EQ(rc.readable, cptr_list{&a});
}

TEST(Select, ReferenceWrappersReferToTheSameSockets) {
  auto [a, b] = netkit::socketpair();
  auto [c, d] = netkit::socketpair();
  d.sendall("2");
  using ref_list = std::vector<std::reference_wrapper<netkit::socket>>;
  const ref_list all{a, c};
  const auto r = netkit::select(all, ref_list{b}, ref_list{}, 5s);
  ASSERT_EQ(r.readable.size(), 1U);
  EXPECT_EQ(&r.readable[0].get(), &c);
  ASSERT_EQ(r.writable.size(), 1U);
  EXPECT_EQ(&r.writable[0].get(), &b);
  EXPECT_EQ(r.readable[0].get().recv(1), "2");
}

TEST(Select, DuplicatesAreKeptAsPython) {
  // Python: select([a, a], [a, a], [], 0) returns both copies in both lists.
  auto [a, b] = netkit::socketpair();
  b.sendall("x");
  const int fa = a.fileno();
  const auto r = netkit::select(int_list{fa, fa}, int_list{fa, fa}, int_list{}, 0s);
  EXPECT_EQ(r.readable, (int_list{fa, fa}));
  EXPECT_EQ(r.writable, (int_list{fa, fa}));
}

TEST(Select, PipesAndTheirHangUp) {
  auto p = make_pipe();
  const int r_end = p.read_end.get();
  const int w_end = p.write_end.get();
  auto r = netkit::select(int_list{r_end}, int_list{w_end}, int_list{}, 0s);
  EXPECT_TRUE(r.readable.empty());
  EXPECT_EQ(r.writable, int_list{w_end});
  netkit_select_test::write_all(w_end, "line\n");
  r = netkit::select(int_list{r_end}, int_list{}, int_list{}, 5s);
  EXPECT_EQ(r.readable, int_list{r_end});
  EXPECT_EQ(netkit_select_test::read_some(r_end), "line\n");
  p.write_end.reset();
  r = netkit::select(int_list{r_end}, int_list{}, int_list{}, 5s);
  EXPECT_EQ(r.readable, int_list{r_end}) << "end of file is readable";
  EXPECT_EQ(netkit_select_test::read_some(r_end), "");
}

// Puts a pipe's read end on descriptor 0 for the test's duration and restores stdin after.
class stdin_from_pipe {
 public:
  stdin_from_pipe() : saved_(::fcntl(0, F_DUPFD_CLOEXEC, 3)), pipe_(make_pipe()) {
    if (::dup2(pipe_.read_end.get(), 0) < 0) throw std::system_error(errno, std::system_category());
  }
  stdin_from_pipe(const stdin_from_pipe&) = delete;
  stdin_from_pipe& operator=(const stdin_from_pipe&) = delete;
  ~stdin_from_pipe() {
    if (saved_.get() >= 0)
      ::dup2(saved_.get(), 0);
    else
      ::close(0);
  }
  int writer() const { return pipe_.write_end.get(); }
  void close_writer() { pipe_.write_end.reset(); }

 private:
  unique_fd saved_;
  netkit_select_test::pipe_pair pipe_;
};

TEST(Select, StdinLikeDescriptorZero) {
  // The seeds select over [server, sys.stdin]; fd 0 is just another descriptor.
  stdin_from_pipe in;
  auto r = netkit::select(int_list{0}, int_list{}, int_list{}, 0s);
  EXPECT_TRUE(r.readable.empty());
  netkit_select_test::write_all(in.writer(), "typed\n");
  r = netkit::select(int_list{0}, int_list{}, int_list{}, 5s);
  EXPECT_EQ(r.readable, int_list{0});
  EXPECT_EQ(netkit_select_test::read_some(0), "typed\n");
  in.close_writer();  // Ctrl-D
  r = netkit::select(int_list{0}, int_list{}, int_list{}, 5s);
  EXPECT_EQ(r.readable, int_list{0});
  EXPECT_EQ(netkit_select_test::read_some(0), "");
}

TEST(Select, OutOfBandDataIsExceptional) {
  auto [server, client] = netkit_select_test::tcp_pair();
  client.send("!", MSG_OOB);
  const auto r = netkit::select(int_list{}, int_list{}, int_list{server.fileno()}, 5s);
  EXPECT_EQ(r.exceptional, int_list{server.fileno()});
}

TEST(Select, PeerResetIsReadable) {
  auto [server, client] = netkit_select_test::tcp_pair();
  const linger lg{1, 0};
  client.setsockopt(SOL_SOCKET, SO_LINGER,
                    netkit::bytes_view(reinterpret_cast<const char*>(&lg), sizeof lg));
  client.close();
  const auto r = netkit::select(int_list{server.fileno()}, int_list{}, int_list{}, 5s);
  EXPECT_EQ(r.readable, int_list{server.fileno()});
  try {
    server.recv(1);
    FAIL() << "recv after a reset succeeded";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(ECONNRESET, std::system_category())) << e.what();
  }
}

TEST(Select, ManyDescriptorsBelowFdSetsize) {
  netkit_select_test::raise_nofile_limit();
  std::vector<std::pair<netkit::socket, netkit::socket>> pairs;
  int_list readers;
  for (int i = 0; i < 300; ++i) {
    pairs.push_back(netkit::socketpair());
    readers.push_back(pairs.back().first.fileno());
  }
  ASSERT_LT(pairs.back().second.fileno(), FD_SETSIZE);
  int_list odd;
  for (std::size_t i = 1; i < pairs.size(); i += 2) {
    pairs[i].second.sendall("o");
    odd.push_back(readers[i]);
  }
  const auto r = netkit::select(readers, int_list{}, int_list{}, 5s);
  EXPECT_EQ(r.readable, odd);  // in the order given
}

// ---------------------------------------------------------------------------------------------
// Timeouts.

TEST(Select, EmptyListsWithATimeoutSleep) {
  // Python: select([], [], [], 0.05) sleeps 0.05 s.
  netkit::select_result<int> r;
  const double took = seconds_taken([&] { r = netkit::select(int_list{}, {}, {}, 0.05s); });
  EXPECT_GE(took, 0.05);
  EXPECT_LT(took, 2.05);
  EXPECT_TRUE(r.readable.empty() && r.writable.empty() && r.exceptional.empty());

  const double zero = seconds_taken([&] { r = netkit::select(int_list{}, {}, {}, 0s); });
  EXPECT_LT(zero, 0.5);
}

TEST(Select, ZeroAndShortTimeouts) {
  auto [a, b] = netkit::socketpair();
  const int_list rl{a.fileno()};
  netkit::select_result<int> r;
  EXPECT_LT(seconds_taken([&] { r = netkit::select(rl, {}, {}, 0s); }), 0.5);
  EXPECT_TRUE(r.readable.empty());
  const double took = seconds_taken([&] { r = netkit::select(rl, {}, {}, 0.05s); });
  EXPECT_TRUE(r.readable.empty());
  EXPECT_GE(took, 0.05);
  EXPECT_LT(took, 2.05);
}

TEST(Select, NoTimeoutBlocksUntilAThreadWrites) {
  auto [a, b] = netkit::socketpair();
  netkit_select_test::watchdog dog;
  netkit_select_test::when_blocked writer([&b] { b.sendall("go"); });
  const auto r = netkit::select(int_list{a.fileno(), dog.fd()}, {}, {}, std::nullopt);
  writer.join();
  dog.cancel();
  EXPECT_EQ(r.readable, int_list{a.fileno()});
}

TEST(Select, HugeTimeoutWaitsInsteadOfOverflowing) {
  // 1e10 s in nanoseconds does not fit in int64. Python raises OverflowError; netkit may
  // refuse it with value_error or wait, but must not treat it as expired (nor overflow: the
  // asan preset's UBSan catches a signed overflow in the deadline arithmetic).
  for (const double t : {1e7, 1e10, std::numeric_limits<double>::infinity()}) {
    SCOPED_TRACE(t);
    auto [a, b] = netkit::socketpair();
    netkit_select_test::watchdog dog;
    netkit::select_result<int> r;
    try {
      netkit_select_test::when_blocked writer([&b] { b.sendall("x"); });
      r = netkit::select(int_list{a.fileno(), dog.fd()}, {}, {}, netkit::seconds_f(t));
    } catch (const netkit::value_error&) {
      continue;
    }
    dog.cancel();
    EXPECT_EQ(r.readable, int_list{a.fileno()});
  }
}

// ---------------------------------------------------------------------------------------------
// Bad arguments.

TEST(Select, NegativeTimeoutIsValueError) {
  // Python: ValueError("timeout must be non-negative"); NaN: ValueError too.
  auto [a, b] = netkit::socketpair();
  EXPECT_THROW(netkit::select(int_list{a.fileno()}, {}, {}, -1s), netkit::value_error);
  EXPECT_THROW(netkit::select(int_list{a.fileno()}, {}, {}, netkit::seconds_f(-0.001)),
               netkit::value_error);
  EXPECT_THROW(netkit::select(int_list{}, {}, {},
                              netkit::seconds_f(std::numeric_limits<double>::quiet_NaN())),
               netkit::value_error);
}

TEST(Select, NegativeDescriptorIsValueError) {
  // Python: ValueError("file descriptor cannot be a negative integer (-1)").
  EXPECT_THROW(netkit::select(int_list{-1}, {}, {}, 0s), netkit::value_error);
  EXPECT_THROW(netkit::select(int_list{}, int_list{-5}, {}, 0s), netkit::value_error);
  netkit::socket closed(AF_INET, SOCK_STREAM);
  closed.close();
  using ptr_list = std::vector<netkit::socket*>;
  EXPECT_THROW(netkit::select(ptr_list{}, ptr_list{}, ptr_list{&closed}, 0s), netkit::value_error);
}

TEST(Select, ClosedDescriptorIsEbadf) {
  // Python: OSError(EBADF).
  const int fd = netkit_select_test::closed_fd_number();
  try {
    netkit::select(int_list{fd}, {}, {}, 0s);
    FAIL() << "select on a closed descriptor succeeded";
  } catch (const netkit::value_error& e) {
    FAIL() << "value_error: " << e.what();
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(EBADF, std::system_category())) << e.what();
  }
}

TEST(Select, DescriptorAtOrAboveFdSetsizeIsValueErrorWithoutCorruption) {
  const rlim_t limit = netkit_select_test::raise_nofile_limit();
  if (limit <= FD_SETSIZE + 70)
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << limit << " leaves no descriptor >= FD_SETSIZE";
  auto [a, b] = netkit::socketpair();
  b.sendall("x");
  // Exactly FD_SETSIZE (the first one out of range) and one far beyond it, in each list.
  const unique_fd at(::fcntl(a.fileno(), F_DUPFD_CLOEXEC, FD_SETSIZE));
  const unique_fd far(::fcntl(a.fileno(), F_DUPFD_CLOEXEC, FD_SETSIZE + 64));
  ASSERT_EQ(at.get(), FD_SETSIZE) << "descriptor " << FD_SETSIZE << " already in use";
  ASSERT_GE(far.get(), FD_SETSIZE + 64);
  // Canaries around the call: writing an fd_set bit for 1088 would land past the sets on the
  // stack; ASan (asan preset) reports it, and the values here must survive in any build.
  volatile std::uint64_t canary_before = 0x5a5a5a5a5a5a5a5aULL;
  for (const int high : {at.get(), far.get()}) {
    SCOPED_TRACE(high);
    const int ok = a.fileno();
    try {
      netkit::select(int_list{ok, high}, {}, {}, 0s);
      FAIL() << "select accepted fd " << high;
    } catch (const netkit::value_error& e) {
      // Python's text: "filedescriptor out of range in select()".
      EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << e.what();
    }
    EXPECT_THROW(netkit::select(int_list{}, int_list{high}, {}, 0s), netkit::value_error);
    EXPECT_THROW(netkit::select(int_list{}, {}, int_list{ok, high}, 0s), netkit::value_error);
  }
  volatile std::uint64_t canary_after = 0xa5a5a5a5a5a5a5a5ULL;
  EXPECT_EQ(canary_before, 0x5a5a5a5a5a5a5a5aULL);
  EXPECT_EQ(canary_after, 0xa5a5a5a5a5a5a5a5ULL);
  // The in-range descriptor still works afterwards.
  EXPECT_EQ(netkit::select(int_list{a.fileno()}, {}, {}, 5s).readable, int_list{a.fileno()});
}

// ---------------------------------------------------------------------------------------------
// EINTR (PEP 475): a signal whose handler does not ask for SA_RESTART interrupts select(2);
// netkit retries with the time that is left.

std::atomic<int> g_signals{0};
extern "C" void count_signal(int) { g_signals.fetch_add(1); }

// Installs count_signal for SIGUSR1 without SA_RESTART; restores the old action after.
class sigusr1_without_restart {
 public:
  sigusr1_without_restart() {
    struct sigaction sa {};
    sa.sa_handler = count_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: select(2) fails with EINTR
    ::sigaction(SIGUSR1, &sa, &old_);
    g_signals = 0;
  }
  sigusr1_without_restart(const sigusr1_without_restart&) = delete;
  sigusr1_without_restart& operator=(const sigusr1_without_restart&) = delete;
  ~sigusr1_without_restart() { ::sigaction(SIGUSR1, &old_, nullptr); }

 private:
  struct sigaction old_ {};
};

// Waits (bounded) until count_signal has run `n` times in total.
bool wait_for_signals(int n) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (g_signals.load() < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(SelectEintr, SignalDuringSelectThenDataArrives) {
  sigusr1_without_restart handler;
  auto [a, b] = netkit::socketpair();
  const pthread_t self = ::pthread_self();
  const pid_t tid = netkit_select_test::this_tid();
  bool signalled_while_blocked = false;
  std::thread helper([&] {
    // Interrupt the select while it sleeps, twice, then send the data it waits for.
    for (int i = 1; i <= 2; ++i) {
      signalled_while_blocked = netkit_select_test::wait_until_sleeping(tid);
      ::pthread_kill(self, SIGUSR1);
      wait_for_signals(i);
    }
    netkit_select_test::wait_until_sleeping(tid);
    b.sendall("after the signal");
  });
  netkit::select_result<int> r;
  const double took = seconds_taken([&] { r = netkit::select(int_list{a.fileno()}, {}, {}, 20s); });
  helper.join();
  EXPECT_TRUE(signalled_while_blocked);
  EXPECT_EQ(g_signals.load(), 2);
  EXPECT_EQ(r.readable, int_list{a.fileno()}) << "select returned (EINTR?) without the data";
  EXPECT_LT(took, 15.0);
  EXPECT_EQ(a.recv(64), "after the signal");
}

TEST(SelectEintr, SignalsDoNotExtendTheTimeout) {
  // A stream of signals during a 0.5 s select: with the remaining time respected it returns
  // after about 0.5 s; restarting with the full timeout on each EINTR would keep it waiting
  // for as long as the signals come (here up to 4 s).
  sigusr1_without_restart handler;
  auto [a, b] = netkit::socketpair();
  const pthread_t self = ::pthread_self();
  const pid_t tid = netkit_select_test::this_tid();
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread helper([&] {
    const auto stop_at = std::chrono::steady_clock::now() + 4s;
    std::unique_lock lock(m);
    int sent = 0;
    while (!done && std::chrono::steady_clock::now() < stop_at) {
      lock.unlock();
      if (netkit_select_test::wait_until_sleeping(tid, 1s)) {
        ::pthread_kill(self, SIGUSR1);
        wait_for_signals(++sent);
      }
      lock.lock();
      // Paces the signals (one every 20 ms); not a synchronisation: `done` ends the loop.
      cv.wait_for(lock, 20ms, [&] { return done; });
    }
  });
  netkit::select_result<int> r;
  const double took =
      seconds_taken([&] { r = netkit::select(int_list{a.fileno()}, {}, {}, 0.5s); });
  {
    std::lock_guard lock(m);
    done = true;
  }
  cv.notify_all();
  helper.join();
  EXPECT_TRUE(r.readable.empty());
  EXPECT_GE(g_signals.load(), 1) << "no signal arrived during the select";
  EXPECT_GE(took, 0.5) << "returned early on EINTR";
  EXPECT_LT(took, 2.0) << "the timeout restarted on EINTR";
}

// The self-pipe trick the servers stop by: a handler that writes to a pipe select waits on,
// with no timeout, wakes it. Under ThreadSanitizer a handler runs only when its thread enters a
// call the runtime intercepts, and GCC 12's libtsan does not intercept select(2): the retry
// after EINTR slept on with the handler not yet run (`netkit echo-server --model select` ignored
// SIGTERM under TSan). A timeout hid it: computing what is left reads an intercepted clock.
int g_self_pipe = -1;
extern "C" void write_self_pipe(int) {
  const int saved = errno;
  const char byte = 's';
  [[maybe_unused]] const auto n = ::write(g_self_pipe, &byte, 1);
  g_signals.fetch_add(1);
  errno = saved;
}

TEST(SelectEintr, HandlerWritingToAWatchedPipeWakesSelectWithoutTimeout) {
  auto self_pipe = netkit_select_test::make_pipe(O_NONBLOCK);
  auto watchdog = netkit_select_test::make_pipe();
  g_self_pipe = self_pipe.write_end.get();
  struct sigaction sa {};
  struct sigaction old {};
  sa.sa_handler = write_self_pipe;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART, as netkit's servers install theirs
  ::sigaction(SIGUSR2, &sa, &old);
  g_signals = 0;
  const pthread_t self = ::pthread_self();
  const pid_t tid = netkit_select_test::this_tid();
  bool signalled_while_blocked = false;
  bool handled = false;
  std::thread helper([&] {
    signalled_while_blocked = netkit_select_test::wait_until_sleeping(tid);
    ::pthread_kill(self, SIGUSR2);
    handled = wait_for_signals(1);
    // Wakes a select that slept on (the bug), so that the test ends either way.
    const char byte = 'w';
    [[maybe_unused]] const auto n = ::write(watchdog.write_end.get(), &byte, 1);
  });
  const int self_fd = self_pipe.read_end.get();
  const auto r = netkit::select(int_list{self_fd, watchdog.read_end.get()}, {}, {});
  helper.join();
  ::sigaction(SIGUSR2, &old, nullptr);
  EXPECT_TRUE(signalled_while_blocked);
  EXPECT_TRUE(handled);
  ASSERT_FALSE(r.readable.empty());
  EXPECT_EQ(r.readable.front(), self_fd) << "select slept on after the handler was due";
}

}  // namespace
