// listen_udp and datagram_protocol over loopback, against plain netkit sockets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "helpers.hpp"
#include "netkit/reactor/udp.hpp"
#include "netkit/socket/socket.hpp"

using namespace std::chrono_literals;
using netkit::bytes_view;
using netkit::socket_address;
using netkit_test::loop_guard;

namespace {

struct udp_echo : netkit::datagram_protocol {
  std::vector<std::string> log;
  netkit::reactor* loop = nullptr;
  std::size_t stop_after = 1;
  void start_protocol() override { log.emplace_back("start"); }
  void stop_protocol() override { log.emplace_back("stop"); }
  void datagram_received(bytes_view data, const socket_address& from) override {
    log.emplace_back("got " + std::string(data));
    transport().write(data, from);
    if (--stop_after == 0) loop->stop();
  }
};

netkit::socket udp_client() {
  netkit::socket s(AF_INET, SOCK_DGRAM);
  s.bind({"127.0.0.1", 0});
  s.settimeout(10.0);
  return s;
}

TEST(ReactorUdp, EchoesEachDatagramWholeToItsSender) {
  netkit::reactor loop;
  loop_guard g(loop, 10s);
  auto proto = std::make_shared<udp_echo>();
  proto->loop = &loop;
  proto->stop_after = 3;
  auto& port = loop.listen_udp(0, proto, "127.0.0.1");
  EXPECT_TRUE(port.listening());
  const socket_address server = port.get_host();
  auto a = udp_client();
  auto b = udp_client();
  a.sendto("one", server);
  b.sendto("two", server);
  a.sendto(std::string(60000, 'x'), server);  // whole, not cut to Twisted's 8192
  loop.run();
  EXPECT_FALSE(g.fired);
  EXPECT_EQ(a.recvfrom(65536).first, "one");
  EXPECT_EQ(b.recvfrom(65536).first, "two");
  EXPECT_EQ(a.recvfrom(65536).first.size(), 60000U);
  ASSERT_EQ(proto->log.size(), 4U);
  EXPECT_EQ(proto->log[0], "start");
  port.stop_listening();
  EXPECT_FALSE(port.listening());
  EXPECT_FALSE(proto->listening());
  EXPECT_EQ(proto->log.back(), "stop");
  port.stop_listening();  // idempotent
  EXPECT_EQ(proto->log.back(), "stop");
  EXPECT_EQ(proto->log.size(), 5U);
}

TEST(ReactorUdp, MaxPacketSizeCutsLongerDatagrams) {
  netkit::reactor loop;
  loop_guard g(loop, 10s);
  auto proto = std::make_shared<udp_echo>();
  proto->loop = &loop;
  auto& port = loop.listen_udp(0, proto, "127.0.0.1", 4);
  auto a = udp_client();
  a.sendto("abcdefgh", port.get_host());
  loop.run();
  EXPECT_EQ(a.recvfrom(100).first, "abcd");
}

struct connected_sender : netkit::datagram_protocol {
  int refused = 0;
  netkit::reactor* loop = nullptr;
  void connection_refused() override {
    ++refused;
    loop->stop();
  }
};

TEST(ReactorUdp, AConnectedPortHearsConnectionRefused) {
  netkit::reactor loop;
  loop_guard g(loop, 10s);
  auto proto = std::make_shared<connected_sender>();
  proto->loop = &loop;
  auto& port = loop.listen_udp(0, proto, "127.0.0.1");
  int closed_port = 0;
  {
    auto gone = udp_client();
    closed_port = gone.getsockname().port();
  }  // nothing listens there now: the kernel answers ICMP port unreachable
  port.connect("127.0.0.1", closed_port);
  EXPECT_THROW(port.write("x", port.get_host()), netkit::value_error);
  EXPECT_TRUE(port.write("hello"));
  loop.run();
  EXPECT_FALSE(g.fired);
  EXPECT_GE(proto->refused, 1);
}

TEST(ReactorUdp, WriteWithoutAnAddressNeedsConnectAndOversizeThrows) {
  netkit::reactor loop;
  auto proto = std::make_shared<netkit::datagram_protocol>();
  auto& port = loop.listen_udp(0, proto, "127.0.0.1");
  EXPECT_THROW(proto->transport().write("x"), netkit::value_error);
  EXPECT_THROW(proto->transport().write(std::string(70000, 'x'), port.get_host()),
               netkit::socket_error);
  EXPECT_THROW(loop.listen_udp(0, nullptr), netkit::value_error);
}

TEST(ReactorUdp, Ipv6AndTheReactorStopsThePortOnDestruction) {
  auto proto = std::make_shared<udp_echo>();
  {
    netkit::reactor loop;
    loop_guard g(loop, 10s);
    proto->loop = &loop;
    netkit::udp_port* port = nullptr;
    try {
      port = &loop.listen_udp(0, proto, "::1");
    } catch (const netkit::socket_error& e) {
      GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
    }
    netkit::socket c(AF_INET6, SOCK_DGRAM);
    c.settimeout(10.0);
    c.sendto("six", port->get_host());
    loop.run();
    EXPECT_EQ(c.recvfrom(100).first, "six");
  }
  EXPECT_EQ(proto->log.back(), "stop");
}

}  // namespace
