// reactor_pool: N loops on N threads serving one port, by SO_REUSEPORT or by handing off.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "netkit/reactor/reactor_pool.hpp"
#include "netkit/socket/socket.hpp"

using namespace std::chrono_literals;

namespace {

// Echoes, and counts the connections each thread served.
struct served_by {
  std::mutex mutex;
  std::map<std::thread::id, int> connections;
  std::atomic<int> lost{0};
};

struct counting_echo : netkit::protocol {
  served_by* stats = nullptr;
  void connection_made() override {
    const std::lock_guard lock(stats->mutex);
    ++stats->connections[std::this_thread::get_id()];
  }
  void data_received(netkit::bytes_view d) override { transport().write(d); }
  void connection_lost(std::error_code) override { ++stats->lost; }
};

struct counting_factory : netkit::factory {
  served_by* stats = nullptr;
  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
    auto p = std::make_unique<counting_echo>();
    p->stats = stats;
    return p;
  }
};

std::shared_ptr<netkit::factory> factory_for(served_by& stats) {
  auto f = std::make_shared<counting_factory>();
  f->stats = &stats;
  return f;
}

// Opens n connections, one echo each, keeping them all open until every echo has come back,
// so no connection is accepted while an earlier one is already gone.
void echo_clients(const netkit::endpoint& where, int family, int n) {
  std::vector<netkit::socket> clients;
  for (int i = 0; i < n; ++i) {
    netkit::socket c(family, SOCK_STREAM);
    c.settimeout(10.0);
    c.connect(where);
    c.sendall("ping " + std::to_string(i));
    clients.push_back(std::move(c));
  }
  for (int i = 0; i < n; ++i) {
    const std::string want = "ping " + std::to_string(i);
    std::string got;
    while (got.size() < want.size()) got += clients[i].recv(64);
    ASSERT_EQ(got, want);
  }
}

TEST(ReactorPool, ReuseportSpreadsConnectionsOverEveryLoop) {
  served_by stats;
  {
    netkit::reactor_pool pool(2);
    const int port = pool.listen_tcp(0, factory_for(stats), "127.0.0.1");
    ASSERT_GT(port, 0);
    pool.start();
    EXPECT_THROW(pool.listen_tcp(0, factory_for(stats)), netkit::value_error);
    echo_clients(netkit::endpoint("127.0.0.1", port), AF_INET, 64);
    pool.stop();
    pool.join();
  }
  const std::lock_guard lock(stats.mutex);
  int total = 0;
  for (auto& [id, n] : stats.connections) total += n;
  EXPECT_EQ(total, 64);
  // The kernel hashes each connection to one of two sockets: all 64 on one is a 2^-63 chance.
  EXPECT_EQ(stats.connections.size(), 2U);
  EXPECT_EQ(stats.lost.load(), 64);
}

TEST(ReactorPool, HandoffDealsConnectionsRoundRobin) {
  served_by stats;
  netkit::reactor_pool pool(3);
  const int port = pool.listen_tcp(0, factory_for(stats), "127.0.0.1", 511,
                                   netkit::reactor_pool::distribution::handoff);
  pool.start();
  echo_clients(netkit::endpoint("127.0.0.1", port), AF_INET, 30);
  pool.stop();
  pool.join();
  EXPECT_EQ(pool.handed_off(0), 10U);
  EXPECT_EQ(pool.handed_off(1), 10U);
  EXPECT_EQ(pool.handed_off(2), 10U);
  const std::lock_guard lock(stats.mutex);
  EXPECT_EQ(stats.connections.size(), 3U);
}

TEST(ReactorPool, UnixSocketsAreHandedOffAndTheFileRemoved) {
  served_by stats;
  const std::string path =
      ::testing::TempDir() + "netkit_pool_" + std::to_string(::getpid()) + ".sock";
  ::unlink(path.c_str());
  {
    netkit::reactor_pool pool(2);
    pool.listen_unix(path, factory_for(stats));
    pool.start();
    echo_clients(netkit::endpoint(path), AF_UNIX, 10);
    EXPECT_EQ(pool.handed_off(0) + pool.handed_off(1), 10U);
  }
  struct stat st {};
  EXPECT_NE(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(stats.lost.load(), 10);
}

TEST(ReactorPool, CallFromThreadReachesEachLoopsOwnThread) {
  netkit::reactor_pool pool(2);
  pool.start();
  std::mutex m;
  std::condition_variable arrived;
  std::vector<std::thread::id> ids;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    pool.loop(i).call_from_thread([&] {
      const std::lock_guard lock(m);
      ids.push_back(std::this_thread::get_id());
      arrived.notify_all();
    });
  }
  {
    std::unique_lock lock(m);
    arrived.wait_for(lock, 10s, [&] { return ids.size() == 2; });
  }
  pool.stop();
  pool.join();
  ASSERT_EQ(ids.size(), 2U);
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_NE(ids[0], std::this_thread::get_id());
}

TEST(ReactorPool, ZeroLoopsIsRefused) {
  EXPECT_THROW(netkit::reactor_pool(0), netkit::value_error);
}

}  // namespace
