// Descriptor exhaustion on the reactor (issue 6, "fd exhaustion"): with RLIMIT_NOFILE lowered so
// that the process is out of descriptors, a listening port whose accept() fails with EMFILE
// must neither spin the loop (its listener would stay readable) nor stop serving: it sheds the
// waiting connections (listening_port's spare descriptor), keeps echoing on the connections it
// has, and accepts again once descriptors free up.
//
// The loop runs in the test's thread, the clients in another. Every client socket is created
// before the limit is lowered, so only the server is short of descriptors; the limit leaves
// exactly `room` free slots. Each test (TCP, Unix) runs in a process of its own under ctest,
// and the limit is restored before the test returns in any case. Bounded: every socket has a
// timeout and the loop a guard timer.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "netkit/reactor.hpp"
#include "netkit/socket.hpp"

namespace {

using namespace std::chrono_literals;
using netkit::bytes_view;

constexpr double socket_timeout = 5.0;
constexpr int room = 3;             // descriptors left to the server under the lowered limit
constexpr int window_clients = 50;  // clients that come while the server is out of descriptors
constexpr auto window_pace = 20ms;  // one every 20 ms: about a second in all

// How many echo connections the server holds; the client thread waits on it.
struct server_state {
  std::mutex mutex;
  std::condition_variable changed;
  int open = 0;

  void add(int n) {
    {
      std::lock_guard lock(mutex);
      open += n;
    }
    changed.notify_all();
  }
  bool wait_for_open(int n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return open == n; });
  }
};

struct echo final : netkit::protocol {
  server_state* state = nullptr;
  void connection_made() override { state->add(1); }
  void data_received(bytes_view data) override { transport().write(data); }
  void connection_lost(std::error_code) override { state->add(-1); }
};

struct echo_factory final : netkit::factory {
  explicit echo_factory(server_state& s) : state(s) {}
  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
    auto p = std::make_unique<echo>();
    p->state = &state;
    return p;
  }
  server_state& state;
};

// Lowers the soft RLIMIT_NOFILE so that exactly `free_slots` descriptors can still be opened;
// restores the old limit on destruction.
class descriptor_limit {
 public:
  explicit descriptor_limit(int free_slots) {
    if (::getrlimit(RLIMIT_NOFILE, &saved_) != 0) throw std::runtime_error("getrlimit");
    int found = 0;
    int fd = 0;
    for (;; ++fd) {
      if (::fcntl(fd, F_GETFD) < 0 && errno == EBADF && ++found == free_slots) break;
    }
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(fd) + 1;
    if (::setrlimit(RLIMIT_NOFILE, &lowered) != 0) throw std::runtime_error("setrlimit");
  }
  ~descriptor_limit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  descriptor_limit(const descriptor_limit&) = delete;
  descriptor_limit& operator=(const descriptor_limit&) = delete;

 private:
  rlimit saved_{};
};

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// True if the server closed the connection without a word: shed (EOF, or a reset when it
// closed with our data unread).
bool was_shed(netkit::socket& s) {
  try {
    return s.recv(64).empty();
  } catch (const netkit::socket_error& e) {
    return e.code() == std::errc::connection_reset;
  }
}

// Sends `data` and reads the echo back; what came (shorter if the server closed).
std::string echo_through(netkit::socket& s, bytes_view data) {
  s.sendall(data);
  std::string got;
  while (got.size() < data.size()) {
    std::string chunk = s.recv(data.size() - got.size());
    if (chunk.empty()) break;
    got += chunk;
  }
  return got;
}

class ReactorEmfile : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (GetParam() == AF_UNIX) {
      std::string pattern =
          (std::filesystem::temp_directory_path() / "netkit-emfile-XXXXXX").string();
      ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
      dir_ = pattern;
    }
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  netkit::socket client() {
    netkit::socket s(GetParam(), SOCK_STREAM);
    s.settimeout(socket_timeout);
    return s;
  }

  std::filesystem::path dir_;
};

TEST_P(ReactorEmfile, ShedsWithoutSpinningAndRecovers) {
  const int family = GetParam();
  server_state state;  // before the loop: its connections report to it until the loop is gone
  netkit::reactor loop;
  netkit::endpoint address = netkit::socket_address();
  netkit::listening_port* port = nullptr;
  if (family == AF_UNIX) {
    const std::string path = (dir_ / "echo.sock").string();
    port = &loop.listen_unix(path, std::make_shared<echo_factory>(state));
    address = path;
  } else {
    port = &loop.listen_tcp(0, std::make_shared<echo_factory>(state), "127.0.0.1");
    address = port->get_host();
  }
  bool guard_fired = false;
  auto guard = loop.call_later(30s, [&] {
    guard_fired = true;
    loop.stop();
  });

  // Every client socket now: under the lowered limit the client could not open them.
  std::vector<netkit::socket> held, probes, recovered;
  for (int i = 0; i < room; ++i) held.push_back(client());
  for (int i = 0; i < window_clients + 1; ++i) probes.push_back(client());
  for (int i = 0; i < room; ++i) recovered.push_back(client());

  double cpu_used = -1;
  double window = 0;
  int shed = 0;
  {
    descriptor_limit limit(room);
    std::thread clients([&] {
      // The loop stops however this thread ends.
      struct stopper {
        netkit::reactor& loop;
        ~stopper() { loop.stop(); }
      } stop_loop{loop};
      try {
        // The server's `room` free descriptors go to these connections, each echoing.
        for (auto& s : held) {
          s.connect(address);
          EXPECT_EQ(echo_through(s, "ping"), "ping");
        }
        // Out of descriptors: the next one is shed, and so is each that comes meanwhile, at a
        // modest pace, while the process's CPU time is measured: a spinning loop would take
        // a whole CPU.
        probes.front().connect(address);
        EXPECT_TRUE(was_shed(probes.front()));
        const auto started = std::chrono::steady_clock::now();
        const double cpu_before = cpu_seconds();
        for (int i = 1; i <= window_clients; ++i) {
          probes[i].connect(address);
          shed += was_shed(probes[i]) ? 1 : 0;
          std::this_thread::sleep_until(started + i * window_pace);  // pacing the load
        }
        cpu_used = cpu_seconds() - cpu_before;
        window = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        // Not stopped serving: the connections it has still echo.
        for (auto& s : held) EXPECT_EQ(echo_through(s, "still here"), "still here");
        // Descriptors free up: close ours, wait until the server has closed its ends; then
        // it accepts and echoes again.
        for (auto& s : held) s.close();
        EXPECT_TRUE(state.wait_for_open(0)) << "the server did not see its clients go";
        for (auto& s : recovered) {
          s.connect(address);
          EXPECT_EQ(echo_through(s, "again"), "again");
        }
        EXPECT_TRUE(state.wait_for_open(room));
      } catch (const std::exception& e) {
        ADD_FAILURE() << "client: " << e.what();
      }
    });
    loop.run();
    clients.join();
  }
  EXPECT_FALSE(guard_fired);
  EXPECT_EQ(shed, window_clients);
  EXPECT_GE(port->refused(), static_cast<std::size_t>(window_clients + 1));
  ASSERT_GT(window, 0.5);
  EXPECT_LT(cpu_used, 0.3 * window)
      << "the loop spins: " << cpu_used << " s of CPU in " << window << " s";
}

INSTANTIATE_TEST_SUITE_P(Families, ReactorEmfile, ::testing::Values(AF_INET, AF_UNIX),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return std::string(p.param == AF_UNIX ? "Unix" : "Tcp");
                         });

}  // namespace
