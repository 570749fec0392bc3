// Connectors and reconnecting_client_factory on a real reactor over loopback.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "helpers.hpp"
#include "netkit/reactor/reconnecting_client_factory.hpp"
#include "netkit/reactor/tcp.hpp"
#include "netkit/socket/socket.hpp"

using namespace std::chrono_literals;
using netkit_test::loop_guard;

namespace {

// Binds a port and keeps it closed (nothing listens): connecting there is refused.
netkit::socket reserved_port() {
  netkit::socket s(AF_INET, SOCK_STREAM);
  s.bind({"127.0.0.1", 0});
  return s;
}

struct counting_factory : netkit::reconnecting_client_factory {
  std::vector<std::string> log;
  netkit::reactor* loop = nullptr;
  std::size_t stop_after_failures = 3;
  std::size_t failures = 0;
  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
    log.emplace_back("built");
    reset_delay();
    return std::make_unique<netkit::protocol>();
  }
  void started_connecting(netkit::connector&) override { log.emplace_back("started"); }
  void client_connection_failed(netkit::connector& c, std::error_code r) override {
    log.emplace_back("failed");
    reconnecting_client_factory::client_connection_failed(c, r);
    if (++failures == stop_after_failures) loop->stop();
  }
  void client_connection_lost(netkit::connector& c, std::error_code r) override {
    log.emplace_back("lost");
    reconnecting_client_factory::client_connection_lost(c, r);
  }
};

TEST(ReconnectingClientFactory, RetriesWithGrowingDelaysUntilStopped) {
  netkit::reactor loop;
  loop_guard g(loop, 10s);
  auto closed = reserved_port();
  auto f = std::make_shared<counting_factory>();
  f->loop = &loop;
  f->initial_delay = 0.001;
  f->factor = 2;
  f->jitter = 0;
  loop.connect_tcp("127.0.0.1", closed.getsockname().port(), f);
  loop.run();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(f->log, (std::vector<std::string>{"started", "failed", "started", "failed", "started",
                                              "failed"}));
  EXPECT_EQ(f->retries(), 3);
  EXPECT_DOUBLE_EQ(f->delay(), 0.008);
  f->stop_trying();                      // cancels the retry scheduled after the third failure
  EXPECT_EQ(loop.pending_timers(), 1U);  // only the guard's
  EXPECT_FALSE(f->continue_trying());
}

TEST(ReconnectingClientFactory, DelayIsCappedAndJittered) {
  counting_factory f;
  f.seed(42);
  f.max_delay = 10;
  struct null_connector final : netkit::connector {
    std::vector<double> delays;
    void connect() override {}
    void connect_after(netkit::seconds_f d) override { delays.push_back(d.count()); }
    void stop_connecting() override {}
    void disconnect() override {}
    netkit::socket_address get_destination() const override { return {}; }
  } c;
  for (int i = 0; i < 50; ++i) f.retry(c);
  ASSERT_EQ(c.delays.size(), 50U);
  for (double d : c.delays) {
    EXPECT_GE(d, 0.0);
    EXPECT_LE(d, 10.0);
  }
  EXPECT_GT(c.delays[0], 1.5);  // about e: jitter is ~12% of the delay
  EXPECT_LT(c.delays[0], 4.0);
  EXPECT_NE(c.delays[10], c.delays[11]);  // jitter around the cap
  f.max_retries = 0;
  f.reset_delay();
  f.retry(c);
  EXPECT_EQ(c.delays.size(), 50U);  // over max_retries: no more attempts
}

TEST(ReconnectingClientFactory, ReconnectsAfterTheServerDropsTheConnection) {
  netkit::reactor loop;
  loop_guard g(loop, 10s);
  // A server that closes each connection at once, and stops the loop at the third.
  int accepted = 0;
  struct dropper : netkit::protocol {
    int* accepted = nullptr;
    netkit::reactor* loop = nullptr;
    void connection_made() override {
      if (++*accepted == 3) loop->stop();
      transport().lose_connection();
    }
  };
  struct dropper_factory : netkit::factory {
    int* accepted = nullptr;
    netkit::reactor* loop = nullptr;
    std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
      auto p = std::make_unique<dropper>();
      p->accepted = accepted;
      p->loop = loop;
      return p;
    }
  };
  auto server = std::make_shared<dropper_factory>();
  server->accepted = &accepted;
  server->loop = &loop;
  auto& port = loop.listen_tcp(0, server, "127.0.0.1");
  auto f = std::make_shared<counting_factory>();
  f->loop = &loop;
  f->initial_delay = 0.001;
  f->jitter = 0;
  loop.connect_tcp("127.0.0.1", port.get_host().port(), f);
  loop.run();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(accepted, 3);
  ASSERT_GE(f->log.size(), 6U);
  EXPECT_EQ(std::vector<std::string>(f->log.begin(), f->log.begin() + 6),
            (std::vector<std::string>{"started", "built", "lost", "started", "built", "lost"}));
  EXPECT_EQ(f->failures, 0U);
}

struct plain_client : netkit::client_factory {
  std::vector<std::string> log;
  netkit::connector* seen = nullptr;
  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
    return std::make_unique<netkit::protocol>();
  }
  void client_connection_failed(netkit::connector& c, std::error_code r) override {
    seen = &c;
    log.push_back("failed " + r.message());
  }
};

TEST(Connector, StopConnectingAbandonsTheAttemptAndDestinationIsKnown) {
  netkit::reactor loop;
  loop_guard g(loop, 10s);
  auto closed = reserved_port();
  auto f = std::make_shared<plain_client>();
  netkit::connector& c = loop.connect_tcp("127.0.0.1", closed.getsockname().port(), f);
  EXPECT_EQ(c.get_destination().port(), closed.getsockname().port());
  EXPECT_THROW(c.connect(), netkit::value_error);  // an attempt is under way
  c.stop_connecting();
  ASSERT_EQ(f->log.size(), 1U);
  EXPECT_EQ(f->seen, &c);
  EXPECT_EQ(f->log[0], "failed " + std::make_error_code(std::errc::operation_canceled).message());
  loop.call_later(10ms, [&] { loop.stop(); }).release();
  loop.run();  // the freed connector's timers never fire
  EXPECT_EQ(f->log.size(), 1U);
}

TEST(Connector, AnUnresolvableHostFailsOnTheNextTurn) {
  netkit::reactor loop;
  loop_guard g(loop, 10s);
  auto f = std::make_shared<plain_client>();
  loop.connect_tcp("no-such-host.invalid", 80, f);
  EXPECT_TRUE(f->log.empty());  // never from inside connect_tcp
  loop.call_later(0s, [&] { loop.call_soon([&] { loop.stop(); }); }).release();
  loop.run();
  EXPECT_EQ(f->log.size(), 1U);
}

TEST(Connector, TheReactorsDestructionTellsAReconnectingFactoryAndStopsIt) {
  auto closed = reserved_port();
  auto f = std::make_shared<counting_factory>();
  {
    netkit::reactor loop;
    f->loop = &loop;
    f->initial_delay = 1000;  // the retry is pending when the reactor goes
    f->jitter = 0;
    f->stop_after_failures = 1;
    loop.connect_tcp("127.0.0.1", closed.getsockname().port(), f);
    loop.run();
  }
  EXPECT_EQ(f->log, (std::vector<std::string>{"started", "failed"}));
}

}  // namespace
