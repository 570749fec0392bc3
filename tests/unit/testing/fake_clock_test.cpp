// fake_clock and memory_reactor: time moved by hand, connections played by the test.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "netkit/reactor/basic/line_receiver.hpp"
#include "netkit/reactor/reconnecting_client_factory.hpp"
#include "netkit/testing/fake_clock.hpp"
#include "netkit/testing/memory_reactor.hpp"
#include "netkit/testing/string_transport.hpp"

using namespace std::chrono_literals;

namespace {

TEST(FakeClock, RunsCallsOnlyWhenAdvancedInTimeThenSchedulingOrder) {
  netkit::fake_clock clock;
  EXPECT_EQ(clock.seconds(), 0.0);
  std::vector<std::string> log;
  auto b = clock.call_later(2s, [&] { log.emplace_back("b"); });
  auto a = clock.call_later(1s, [&] { log.emplace_back("a"); });
  auto c = clock.call_later(2s, [&] { log.emplace_back("c"); });
  clock.advance(0.999s);
  EXPECT_TRUE(log.empty());
  clock.advance(1ms);
  EXPECT_EQ(log, (std::vector<std::string>{"a"}));
  EXPECT_DOUBLE_EQ(b.get_time(), 2.0);
  clock.advance(5s);
  EXPECT_EQ(log, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_DOUBLE_EQ(clock.seconds(), 6.0);
  EXPECT_THROW(a.cancel(), netkit::already_called);
}

TEST(FakeClock, CallsScheduledDuringAnAdvanceCountFromTheNewTimeAsInTwisted) {
  netkit::fake_clock clock;
  int ticks = 0;
  std::function<void()> tick;
  netkit::delayed_call next;
  tick = [&] {
    ++ticks;
    next = clock.call_later(1s, [&] { tick(); });
  };
  next = clock.call_later(1s, [&] { tick(); });
  clock.advance(10s);  // time jumps to 10 first: the next tick is due at 11
  EXPECT_EQ(ticks, 1);
  EXPECT_DOUBLE_EQ(next.get_time(), 11.0);
  clock.pump({0.5s, 0.5s, 0.5s});
  EXPECT_EQ(ticks, 2);
}

TEST(FakeClock, ResetAndDelayUseTheFakeTime) {
  netkit::fake_clock clock;
  int fired = 0;
  auto t = clock.call_later(1s, [&] { ++fired; });
  clock.advance(0.5s);
  t.reset(1s);  // due at 1.5
  EXPECT_DOUBLE_EQ(t.get_time(), 1.5);
  t.delay(1s);  // due at 2.5
  clock.advance(1.9s);
  EXPECT_EQ(fired, 0);
  clock.advance(0.1s);
  EXPECT_EQ(fired, 1);
}

// A client that sends a greeting line; its factory reconnects when the connection goes.
struct greeter : netkit::line_receiver {
  void connection_made() override { send_line("hello"); }
  void line_received(netkit::bytes_view) override {}
};

struct greeter_factory : netkit::reconnecting_client_factory {
  int built = 0;
  std::unique_ptr<netkit::protocol> build_protocol(const netkit::socket_address&) override {
    ++built;
    reset_delay();
    return std::make_unique<greeter>();
  }
};

TEST(MemoryReactor, DrivesAReconnectingClientThroughFailuresInFakeTime) {
  netkit::memory_reactor r;
  auto f = std::make_shared<greeter_factory>();
  f->jitter = 0;
  netkit::reactor_tcp& net = r;  // what production code would be handed
  net.connect_tcp("198.51.100.7", 4242, f);
  ASSERT_EQ(r.tcp_clients.size(), 1U);
  auto& rec = r.tcp_clients[0];
  EXPECT_EQ(rec.host, "198.51.100.7");
  EXPECT_EQ(rec.port_number, 4242);
  EXPECT_EQ(rec.connector->get_destination().port(), 4242);
  EXPECT_EQ(rec.connector->connect_calls, 1);

  rec.connector->fail(std::make_error_code(std::errc::connection_refused));
  EXPECT_TRUE(rec.connector->retry_pending());
  EXPECT_NEAR(f->delay(), 2.718281828, 1e-6);  // initial_delay * e
  r.advance(2.7s);
  EXPECT_EQ(rec.connector->connect_calls, 1);
  r.advance(0.1s);
  EXPECT_EQ(rec.connector->connect_calls, 2);

  // This attempt succeeds: the test plays the network with a string_transport.
  netkit::string_transport t;
  auto proto = f->build_protocol(t.get_peer());
  proto->make_connection(t, f.get());
  EXPECT_EQ(t.value(), "hello\r\n");
  EXPECT_EQ(f->retries(), 0);

  // Then the connection is lost: the retry starts from initial_delay again.
  rec.connector->lose(std::make_error_code(std::errc::connection_reset));
  r.advance(3s);
  EXPECT_EQ(rec.connector->connect_calls, 3);
  f->stop_trying();
  EXPECT_EQ(rec.connector->stop_connecting_calls, 1);
  r.advance(1h);
  EXPECT_EQ(rec.connector->connect_calls, 3);
}

TEST(MemoryReactor, RecordsServersAndPorts) {
  netkit::memory_reactor r;
  auto& p = r.listen_tcp(8080, netkit::factory::of<netkit::protocol>(), "127.0.0.1", 5);
  EXPECT_EQ(p.get_host().port(), 8080);
  EXPECT_TRUE(p.listening());
  p.stop_listening();
  EXPECT_FALSE(p.listening());
  r.listen_unix("/tmp/x.sock", netkit::factory::of<netkit::protocol>());
  r.listen_udp(53, std::make_shared<netkit::datagram_protocol>());
  ASSERT_EQ(r.tcp_servers.size(), 1U);
  EXPECT_EQ(r.tcp_servers[0].backlog, 5);
  EXPECT_EQ(r.tcp_servers[0].interface, "127.0.0.1");
  EXPECT_EQ(r.unix_servers.at(0).path, "/tmp/x.sock");
  EXPECT_EQ(r.udp_ports.at(0).port_number, 53);
  EXPECT_THROW(r.listen_tcp(1, nullptr), netkit::value_error);
}

}  // namespace
