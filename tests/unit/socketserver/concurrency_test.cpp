// Concurrency without timing: N slow clients are served in parallel by the threading, pool
// and forking servers (every handler must reach a barrier that only opens once all N are in),
// and one after another by the plain server (never two handlers at once).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "unit/socketserver/helpers.hpp"

namespace {

using namespace netkit_test;

constexpr std::size_t kClients = 8;

netkit::server_options deep_backlog() {
  netkit::server_options o;
  o.request_queue_size = 64;  // every client is accepted at once, none waits for a SYN retry
  return o;
}

// Runs kClients clients at once against `address`; returns their answers.
std::vector<bytes> run_clients(const netkit::socket_address& address, const temp_dir& dir,
                               int type = SOCK_STREAM) {
  std::vector<bytes> answers(kClients);
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      try {
        answers[i] = exchange(address, type, "client " + std::to_string(i) + "\n", dir);
      } catch (const std::exception& e) {
        answers[i] = std::string("error: ") + e.what();
      }
    });
  }
  for (auto& t : clients) t.join();
  return answers;
}

// Every handler waits at the barrier: only a server running all kClients at once gets past.
template <class Server>
void expect_all_at_once(Server& server, test_context& ctx, const temp_dir& dir) {
  const std::vector<bytes> answers = [&] {
    serving<Server> running(server);
    return run_clients(server.server_address, dir, type_of<Server>());
  }();
  server.server_close();
  for (const auto& a : answers) EXPECT_EQ(a, "together\n");
  EXPECT_EQ(ctx.log.count("handle"), kClients);
}

template <class Kind>
class parallel : public ::testing::Test {};
using stream_kinds = ::testing::Types<tcp_kind, unix_stream_kind>;
struct kind_names {
  template <class Kind>
  static std::string GetName(int) {
    return Kind::name;
  }
};
TYPED_TEST_SUITE(parallel, stream_kinds, kind_names);

std::function<void(netkit::base_request_handler&)> meet_at(rendezvous& barrier) {
  return [&barrier](netkit::base_request_handler& h) {
    auto& s = dynamic_cast<netkit::stream_request_handler&>(h);
    s.rfile().readline();
    s.wfile().write(barrier.arrive_and_wait() ? "together\n" : "alone\n");
  };
}

TYPED_TEST(parallel, threading_server_runs_every_client_at_once) {
  watchdog dog;
  temp_dir dir;
  const std::size_t threads_before = thread_baseline();
  {
    test_context ctx;
    rendezvous barrier(kClients);
    ctx.on_handle = meet_at(barrier);
    logged_server<netkit::threading_mixin<typename TypeParam::server>> server(
        TypeParam::address(dir), &ctx, deep_backlog());
    expect_all_at_once(server, ctx, dir);
  }
  EXPECT_EQ(settled_thread_count(threads_before), threads_before);
}

TYPED_TEST(parallel, pool_server_with_enough_workers_runs_every_client_at_once) {
  watchdog dog;
  temp_dir dir;
  const std::size_t threads_before = thread_baseline();
  {
    test_context ctx;
    rendezvous barrier(kClients);
    ctx.on_handle = meet_at(barrier);
    logged_server<netkit::pool_mixin<typename TypeParam::server>> server(TypeParam::address(dir),
                                                                         &ctx, deep_backlog());
    server.pool_workers = kClients;
    expect_all_at_once(server, ctx, dir);
    EXPECT_EQ(server.refused(), 0u);
  }
  EXPECT_EQ(settled_thread_count(threads_before), threads_before);
}

// A pool with fewer workers than clients cannot meet: the barrier gives up (bounded), which
// shows the barrier really measures parallelism.
TEST(parallel_control, pool_with_too_few_workers_never_has_everyone_in) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  rendezvous barrier(kClients);
  ctx.on_handle = [&barrier](netkit::base_request_handler& h) {
    auto& s = dynamic_cast<netkit::stream_request_handler&>(h);
    s.rfile().readline();
    s.wfile().write(barrier.arrive_and_wait(std::chrono::milliseconds(200)) ? "together\n"
                                                                            : "alone\n");
  };
  logged_server<netkit::pool_tcp_server> server({"127.0.0.1", 0}, &ctx, deep_backlog());
  server.pool_workers = kClients - 1;
  std::vector<bytes> answers;
  {
    serving running(server);
    answers = run_clients(server.server_address, dir);
  }
  server.server_close();
  EXPECT_GE(std::count(answers.begin(), answers.end(), "alone\n"), 1);
}

// From a forked child: connects back to the coordinator, says "in" and waits (bounded) for
// its "go". Raw system calls: netkit::socket's constructor takes a process-wide lock (the
// default timeout) that a client thread of this test may have held when the server forked,
// which would deadlock the child (reported as a socket-layer bug).
bool meet_the_coordinator(const netkit::socket_address& coordinator) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ::timeval limit{15, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  bool go = false;
  if (::connect(fd, coordinator.data(), coordinator.size()) == 0 &&
      ::send(fd, "in\n", 3, MSG_NOSIGNAL) == 3) {
    std::string got;
    char buf[16];
    for (ssize_t n; got.size() < 3 && (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
      got.append(buf, static_cast<std::size_t>(n));
    go = got == "go\n";
  }
  ::close(fd);
  return go;
}

// Forked handlers cannot share a barrier in memory: each child connects back to a
// coordinator in the test process and waits for its "go", sent once all kClients are in.
TYPED_TEST(parallel, forking_server_runs_every_client_at_once) {
  watchdog dog;
  temp_dir dir;
  auto coordinator = make_socket(AF_INET, SOCK_STREAM);
  coordinator.bind({"127.0.0.1", 0});
  coordinator.listen(64);
  coordinator.settimeout(15.0);
  const netkit::socket_address coordinator_address = coordinator.getsockname();

  std::size_t arrived = 0;
  std::thread coordinate([&] {
    std::vector<netkit::socket> children;
    try {
      while (children.size() < kClients) children.push_back(coordinator.accept().first);
    } catch (const std::exception&) {
      // timed out: not everyone came; the children still get their answer below
    }
    arrived = children.size();
    const bool all = arrived == kClients;
    for (auto& c : children) {
      try {
        c.sendall(all ? "go\n" : "no\n");
      } catch (const std::exception&) {
      }
    }
  });

  test_context ctx;
  ctx.on_handle = [coordinator_address](netkit::base_request_handler& h) {
    auto& s = dynamic_cast<netkit::stream_request_handler&>(h);
    s.rfile().readline();
    s.wfile().write(meet_the_coordinator(coordinator_address) ? "together\n" : "alone\n");
  };
  {
    logged_server<netkit::forking_mixin<typename TypeParam::server>> server(TypeParam::address(dir),
                                                                            &ctx, deep_backlog());
    std::vector<bytes> answers;
    {
      serving running(server);
      answers = run_clients(server.server_address, dir);
    }
    server.server_close();
    for (const auto& a : answers) EXPECT_EQ(a, "together\n");
    EXPECT_EQ(server.active_children(), 0u);
  }
  coordinate.join();
  EXPECT_EQ(arrived, kClients);
  EXPECT_EQ(ctx.log.count("handle"), kClients);
  EXPECT_EQ(child_count(), 0u);
}

// The plain server serves one request at a time: never two handlers inside at once, and the
// hooks of one request end before the next request is taken.
TYPED_TEST(parallel, plain_server_serves_clients_one_after_another) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  ctx.on_handle = [&](netkit::base_request_handler& h) {
    const int now = ++inside;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    auto& s = dynamic_cast<netkit::stream_request_handler&>(h);
    s.wfile().write(s.rfile().readline());
    --inside;
  };
  logged_server<typename TypeParam::server> server(TypeParam::address(dir), &ctx, deep_backlog());
  std::vector<bytes> answers;
  {
    serving running(server);
    answers = run_clients(server.server_address, dir);
  }
  server.server_close();
  for (std::size_t i = 0; i < kClients; ++i)
    EXPECT_EQ(answers[i], "client " + std::to_string(i) + "\n");
  EXPECT_EQ(most.load(), 1);
  // The whole log: get_request ... close_request for one request, then the next.
  std::size_t open = 0;
  for (const auto& e : ctx.log.all()) {
    if (e == "get_request") {
      EXPECT_EQ(open, 0u) << "a request was taken while another was being served";
      open = 1;
    }
    if (e == "close_request") open = 0;
  }
  EXPECT_EQ(ctx.log.count("handle"), kClients);
}

// Datagram servers too: the threading UDP server runs every datagram's handler at once.
TEST(parallel_datagram, threading_udp_server_runs_every_datagram_at_once) {
  watchdog dog;
  temp_dir dir;
  test_context ctx;
  rendezvous barrier(kClients);
  ctx.on_handle = [&barrier](netkit::base_request_handler& h) {
    auto& d = dynamic_cast<netkit::datagram_request_handler&>(h);
    d.wfile().write(barrier.arrive_and_wait() ? "together\n" : "alone\n");
  };
  logged_server<netkit::threading_udp_server> server({"127.0.0.1", 0}, &ctx);
  expect_all_at_once(server, ctx, dir);
}

}  // namespace
