// Tests for netkit/testing/string_transport.hpp: what it records and that it refuses writes
// after the connection was told to close, as every transport does.
#include "netkit/testing/string_transport.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <string>

#include "netkit/error.hpp"
#include "netkit/reactor/protocol.hpp"

namespace {

struct echo : netkit::protocol {
  int made = 0;
  void connection_made() override { ++made; }
  void data_received(netkit::bytes_view d) override { transport().write(d); }
};

TEST(StringTransport, RecordsWritesInOrder) {
  netkit::string_transport t;
  echo p;
  p.make_connection(t, nullptr);
  EXPECT_EQ(p.made, 1);
  for (char c : std::string("hello")) p.data_received(netkit::bytes_view(&c, 1));
  EXPECT_EQ(t.value(), "hello");
  const std::array<netkit::bytes_view, 3> parts{"a", "", "bc"};
  EXPECT_TRUE(t.write_sequence(parts));
  EXPECT_EQ(t.value(), "helloabc");
  t.clear();
  EXPECT_EQ(t.value(), "");
  EXPECT_TRUE(t.write(std::string("x\0y", 3)));
  EXPECT_EQ(t.value(), std::string("x\0y", 3));
  EXPECT_EQ(t.buffered(), 0u);
}

TEST(StringTransport, SendFileRecordsTheFilesBytesThroughTheDefaultPath) {
  char name[] = "/tmp/netkit_st_XXXXXX";
  const int fd = ::mkstemp(name);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "0123456789", 10), 10);
  ::close(fd);
  netkit::string_transport t;
  EXPECT_TRUE(t.write("<"));
  EXPECT_TRUE(t.send_file(netkit::file_descriptor(::open(name, O_RDONLY | O_CLOEXEC)), 2, 5));
  EXPECT_TRUE(t.write(">"));
  EXPECT_EQ(t.value(), "<23456>");
  // A file shorter than the count asked for: refused, as the peer's framing would be wrong.
  EXPECT_FALSE(t.send_file(netkit::file_descriptor(::open(name, O_RDONLY | O_CLOEXEC)), 8, 5));
  ::unlink(name);
}

TEST(StringTransport, RecordsControlCalls) {
  netkit::string_transport t;
  EXPECT_FALSE(t.disconnecting());
  EXPECT_FALSE(t.paused());
  t.pause_producing();
  EXPECT_TRUE(t.paused());
  t.resume_producing();
  EXPECT_FALSE(t.paused());
  EXPECT_EQ(t.pause_calls(), 1);
  EXPECT_EQ(t.resume_calls(), 1);
  t.write_eof();
  EXPECT_TRUE(t.eof_written());
  t.set_write_buffer_limits(100, 10);
  EXPECT_EQ(t.high_water_mark(), 100u);
  EXPECT_EQ(t.low_water_mark(), 10u);
  EXPECT_THROW(t.set_write_buffer_limits(10, 100), netkit::value_error);
  t.lose_connection();
  t.lose_connection();
  EXPECT_TRUE(t.disconnecting());
  EXPECT_EQ(t.lose_connection_calls(), 2);
  EXPECT_FALSE(t.aborted());
  t.abort_connection();
  EXPECT_TRUE(t.aborted());
}

TEST(StringTransport, RefusesWritesAfterLoseOrAbort) {
  netkit::string_transport t;
  EXPECT_TRUE(t.write("before"));
  t.lose_connection();
  EXPECT_FALSE(t.write("after"));
  const std::array<netkit::bytes_view, 1> parts{"after"};
  EXPECT_FALSE(t.write_sequence(parts));
  EXPECT_EQ(t.value(), "before");
  EXPECT_EQ(t.refused_writes(), 2);

  netkit::string_transport u;
  u.abort_connection();
  EXPECT_FALSE(u.write("x"));
  EXPECT_EQ(u.value(), "");
}

TEST(StringTransport, AddressesDefaultToTwistedsAndAreSettable) {
  netkit::string_transport t;
  EXPECT_EQ(t.get_host().to_string(), "10.0.0.1:12345");
  EXPECT_EQ(t.get_peer().to_string(), "192.168.1.1:54321");
  t.set_peer(netkit::socket_address::ipv6("::1", 80));
  t.set_host(netkit::socket_address::unix_path("/tmp/x.sock"));
  EXPECT_EQ(t.get_peer().to_string(), "[::1]:80");
  EXPECT_EQ(t.get_host().to_string(), "/tmp/x.sock");
  netkit::string_transport u(netkit::socket_address::ipv4("127.0.0.1", 1),
                             netkit::socket_address::ipv4("127.0.0.1", 2));
  EXPECT_EQ(u.get_host().port(), 1);
  EXPECT_EQ(u.get_peer().port(), 2);
}

}  // namespace
