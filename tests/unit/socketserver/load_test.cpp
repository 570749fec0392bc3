// The load proof: the threading server and the pool server each serve 1,000 short
// requests from 100 concurrent client threads, with no error and no leaked thread.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "unit/socketserver/helpers.hpp"

namespace {

using namespace netkit_test;

constexpr int kClientThreads = 100;
constexpr int kRequestsEach = 10;  // 1,000 requests in all, each on its own connection

class counting_echo : public netkit::stream_request_handler {
 public:
  explicit counting_echo(std::atomic<std::size_t>* served) : served_(served) {}
  void handle() override {
    wfile().write(rfile().readline());
    ++*served_;
  }

 private:
  std::atomic<std::size_t>* served_;
};

struct load_result {
  std::size_t ok = 0;
  std::vector<std::string> failures;  // the first few, for the report
};

load_result hammer(const netkit::socket_address& address) {
  std::mutex mutex;
  load_result result;
  std::vector<std::thread> clients;
  for (int t = 0; t < kClientThreads; ++t) {
    clients.emplace_back([&, t] {
      for (int r = 0; r < kRequestsEach; ++r) {
        const std::string line = "client " + std::to_string(t) + " request " + std::to_string(r);
        std::string failure;
        try {
          auto c = make_socket(AF_INET, SOCK_STREAM);
          c.connect(address);
          c.sendall(line + "\n");
          const bytes answer = read_all(c);
          if (answer != line + "\n") failure = line + ": answered " + netkit::repr(answer);
        } catch (const std::exception& e) {
          failure = line + ": " + e.what();
        }
        const std::lock_guard lock(mutex);
        if (failure.empty())
          ++result.ok;
        else if (result.failures.size() < 5)
          result.failures.push_back(failure);
      }
    });
  }
  for (auto& c : clients) c.join();
  return result;
}

netkit::server_options deep_backlog() {
  netkit::server_options o;
  o.request_queue_size = 256;  // 100 clients connect at once: no SYN waits for a retry
  return o;
}

template <class Server>
void expect_serves_the_load(Server& server, std::atomic<std::size_t>& served) {
  load_result result;
  {
    serving running(server);
    result = hammer(server.server_address);
  }
  server.server_close();
  EXPECT_EQ(result.ok, std::size_t{kClientThreads * kRequestsEach});
  for (const auto& f : result.failures) ADD_FAILURE() << f;
  EXPECT_EQ(served.load(), std::size_t{kClientThreads * kRequestsEach});
}

TEST(load, threading_server_serves_1000_requests_from_100_concurrent_clients) {
  watchdog dog(55);
  const std::size_t threads_before = thread_baseline();
  {
    std::atomic<std::size_t> served{0};
    netkit::threading_tcp_server server({"127.0.0.1", 0}, netkit::handler<counting_echo>(&served),
                                        deep_backlog());
    expect_serves_the_load(server, served);
    EXPECT_EQ(server.active_threads(), 0u);
  }
  EXPECT_EQ(settled_thread_count(threads_before), threads_before) << "leaked threads";
}

TEST(load, pool_server_serves_1000_requests_from_100_concurrent_clients) {
  watchdog dog(55);
  const std::size_t threads_before = thread_baseline();
  {
    std::atomic<std::size_t> served{0};
    netkit::pool_tcp_server server({"127.0.0.1", 0}, netkit::handler<counting_echo>(&served),
                                   deep_backlog());
    server.pool_workers = 8;
    server.pool_queue_size = 128;  // more than the clients in flight: nothing is refused
    expect_serves_the_load(server, served);
    EXPECT_EQ(server.refused(), 0u);
  }
  EXPECT_EQ(settled_thread_count(threads_before), threads_before) << "leaked threads";
}

}  // namespace
