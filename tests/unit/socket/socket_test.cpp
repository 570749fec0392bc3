// Tests for netkit/socket/socket.hpp: every method of netkit::socket on IPv4, IPv6 and Unix
// (path and abstract) sockets, stream and datagram; blocking, non-blocking and timeouts, with
// Python 3.11's socket module as the reference.
#include "netkit/socket/socket.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "netkit/error.hpp"
#include "netkit/socket/functions.hpp"
#include "unit/socket/helpers.hpp"

namespace {

using netkit_test::connected_pair;
using netkit_test::family_of;
using netkit_test::kIoTimeout;
using netkit_test::make_socket;
using netkit_test::seconds_taken;
using netkit_test::temp_dir;
using netkit_test::where;

// ---------------------------------------------------------------------------------------------
// Construction, descriptor flags, move semantics, close / detach.

TEST(SocketConstruct, DefaultsAreInetStream) {
  netkit::socket s;
  EXPECT_EQ(s.family(), AF_INET);
  EXPECT_EQ(s.type(), SOCK_STREAM);
  EXPECT_EQ(s.proto(), 0);  // Python: socket().proto is the value passed, 0
  EXPECT_GE(s.fileno(), 0);
  EXPECT_TRUE(s.is_open());
}

TEST(SocketConstruct, DatagramProtoIsUdp) {
  netkit::socket s(AF_INET6, SOCK_DGRAM);
  EXPECT_EQ(s.family(), AF_INET6);
  EXPECT_EQ(s.type(), SOCK_DGRAM);
  EXPECT_EQ(s.proto(), 0);
  netkit::socket u(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  EXPECT_EQ(u.proto(), IPPROTO_UDP);
}

TEST(SocketConstruct, CloseOnExecIsAlwaysSet) {
  for (int family : {AF_INET, AF_INET6, AF_UNIX}) {
    for (int type : {SOCK_STREAM, SOCK_DGRAM}) {
      netkit::socket s(family, type);
      EXPECT_TRUE(netkit_test::has_cloexec(s.fileno())) << family << "/" << type;
    }
  }
  auto [a, b] = netkit::socketpair();
  EXPECT_TRUE(netkit_test::has_cloexec(a.fileno()));
  EXPECT_TRUE(netkit_test::has_cloexec(b.fileno()));
}

TEST(SocketConstruct, AcceptedSocketIsCloseOnExec) {
  temp_dir dir;
  auto p = connected_pair(where::ipv4, dir);
  EXPECT_TRUE(netkit_test::has_cloexec(p.server.fileno()));
}

TEST(SocketConstruct, SockNonblockInTypeMeansTimeoutZero) {
  // Python: socket(type=SOCK_STREAM|SOCK_NONBLOCK) -> gettimeout() 0.0, getblocking() False,
  // and .type is plain SOCK_STREAM.
  netkit::socket s(AF_INET, SOCK_STREAM | SOCK_NONBLOCK);
  ASSERT_TRUE(s.gettimeout().has_value());
  EXPECT_EQ(s.gettimeout()->count(), 0.0);
  EXPECT_FALSE(s.getblocking());
  EXPECT_EQ(s.type(), SOCK_STREAM);
  EXPECT_TRUE(netkit_test::has_nonblock(s.fileno()));
}

TEST(SocketConstruct, SockCloexecInTypeIsStripped) {
  netkit::socket s(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC);
  EXPECT_EQ(s.type(), SOCK_DGRAM);
  EXPECT_TRUE(s.getblocking());
}

TEST(SocketConstruct, BadFamilyIsSocketError) {
  try {
    netkit::socket s(12345, SOCK_STREAM);
    FAIL() << "no exception";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(EAFNOSUPPORT, std::system_category()));
  }
}

TEST(SocketConstruct, AdoptReadsFamilyTypeProtoFromKernel) {
  const int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  auto s = netkit::socket::adopt(fd);
  EXPECT_EQ(s.fileno(), fd);
  EXPECT_EQ(s.family(), AF_INET6);
  EXPECT_EQ(s.type(), SOCK_DGRAM);
  EXPECT_EQ(s.proto(), IPPROTO_UDP);
  EXPECT_TRUE(s.getblocking());
}

TEST(SocketConstruct, AdoptNonBlockingFdGivesTimeoutZero) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  auto s = netkit::socket::adopt(fd);
  EXPECT_EQ(s.family(), AF_UNIX);
  EXPECT_EQ(s.type(), SOCK_STREAM);
  EXPECT_FALSE(s.getblocking());
}

TEST(SocketConstruct, AdoptNotASocketIsError) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  EXPECT_THROW(netkit::socket::adopt(fds[0]), netkit::socket_error);
  // The failed adopt must not have taken the descriptor.
  EXPECT_TRUE(netkit_test::fd_is_open(fds[0]));
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_THROW(netkit::socket::adopt(-1), netkit::socket_error);
}

TEST(SocketLifetime, CloseIsIdempotentAndFilenoBecomesMinusOne) {
  netkit::socket s;
  const int fd = s.fileno();
  s.close();
  EXPECT_EQ(s.fileno(), -1);
  EXPECT_FALSE(s.is_open());
  EXPECT_FALSE(netkit_test::fd_is_open(fd));
  EXPECT_NO_THROW(s.close());
  EXPECT_NO_THROW(s.close());
  EXPECT_EQ(s.fileno(), -1);
}

TEST(SocketLifetime, DetachGivesUpTheDescriptor) {
  int fd = -1;
  {
    netkit::socket s(AF_INET, SOCK_DGRAM);
    const int before = s.fileno();
    fd = s.detach();
    EXPECT_EQ(fd, before);
    EXPECT_EQ(s.fileno(), -1);
    EXPECT_FALSE(s.is_open());
    EXPECT_EQ(s.detach(), -1);  // a second detach has nothing to give
    EXPECT_NO_THROW(s.close());
  }
  // The destructor did not close what was detached.
  EXPECT_TRUE(netkit_test::fd_is_open(fd));
  auto again = netkit::socket::adopt(fd);
  EXPECT_EQ(again.type(), SOCK_DGRAM);
}

TEST(SocketLifetime, DestructorCloses) {
  int fd = -1;
  {
    netkit::socket s;
    fd = s.fileno();
  }
  EXPECT_FALSE(netkit_test::fd_is_open(fd));
}

TEST(SocketLifetime, MoveConstructTransfersOwnership) {
  netkit::socket a(AF_INET6, SOCK_DGRAM);
  a.settimeout(1.5);
  const int fd = a.fileno();
  netkit::socket b(std::move(a));
  EXPECT_EQ(b.fileno(), fd);
  EXPECT_EQ(b.family(), AF_INET6);
  EXPECT_EQ(b.type(), SOCK_DGRAM);
  ASSERT_TRUE(b.gettimeout());
  EXPECT_DOUBLE_EQ(b.gettimeout()->count(), 1.5);
  EXPECT_EQ(a.fileno(), -1);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_FALSE(a.is_open());
  EXPECT_NO_THROW(a.close());
}

TEST(SocketLifetime, MoveAssignClosesTheOldDescriptor) {
  netkit::socket a(AF_INET, SOCK_STREAM);
  netkit::socket b(AF_UNIX, SOCK_DGRAM);
  const int afd = a.fileno();
  const int bfd = b.fileno();
  b = std::move(a);
  EXPECT_EQ(b.fileno(), afd);
  EXPECT_EQ(b.family(), AF_INET);
  EXPECT_FALSE(netkit_test::fd_is_open(bfd));
  EXPECT_EQ(a.fileno(), -1);  // NOLINT(bugprone-use-after-move)
}

TEST(SocketLifetime, SelfMoveAssignKeepsTheSocket) {
  netkit::socket a;
  const int fd = a.fileno();
  netkit::socket& alias = a;
  a = std::move(alias);
  EXPECT_EQ(a.fileno(), fd);
  EXPECT_TRUE(netkit_test::fd_is_open(fd));
}

TEST(SocketLifetime, ClosedSocketCallsFailWithEbadf) {
  // Python: OSError: [Errno 9] Bad file descriptor.
  netkit::socket s;
  s.close();
  const std::error_code ebadf(EBADF, std::system_category());
  auto expect_ebadf = [&](auto&& call, const char* what) {
    try {
      call();
      ADD_FAILURE() << what << ": no exception";
    } catch (const netkit::socket_error& e) {
      EXPECT_EQ(e.code(), ebadf) << what << ": " << e.what();
    }
  };
  expect_ebadf([&] { s.send("x"); }, "send");
  expect_ebadf([&] { s.sendall("x"); }, "sendall");
  expect_ebadf([&] { s.recv(10); }, "recv");
  expect_ebadf([&] { s.bind({"127.0.0.1", 0}); }, "bind");
  expect_ebadf([&] { s.listen(); }, "listen");
  expect_ebadf([&] { s.connect({"127.0.0.1", 9}); }, "connect");
  expect_ebadf([&] { s.accept(); }, "accept");
  expect_ebadf([&] { s.getsockname(); }, "getsockname");
  expect_ebadf([&] { s.getpeername(); }, "getpeername");
  expect_ebadf([&] { s.shutdown(SHUT_RDWR); }, "shutdown");
  expect_ebadf([&] { s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1); }, "setsockopt");
  expect_ebadf([&] { s.getsockopt(SOL_SOCKET, SO_TYPE); }, "getsockopt");
  expect_ebadf([&] { s.sendto("x", netkit::endpoint("127.0.0.1", 9)); }, "sendto");
  expect_ebadf([&] { s.recvfrom(10); }, "recvfrom");
  std::error_code ec;
  EXPECT_EQ(s.send("x", ec), 0u);
  EXPECT_EQ(ec, ebadf);
  EXPECT_EQ(s.connect_ex({"127.0.0.1", 9}), EBADF);
}

// ---------------------------------------------------------------------------------------------
// Timeout and blocking flags: exactly Python's semantics.

TEST(SocketTimeout, FlagsFollowPython) {
  netkit::socket s;
  // A fresh socket with no default timeout: blocking, gettimeout() None.
  EXPECT_FALSE(s.gettimeout().has_value());
  EXPECT_TRUE(s.getblocking());
  EXPECT_FALSE(netkit_test::has_nonblock(s.fileno()));

  s.settimeout(0);  // Python: getblocking() False, gettimeout() 0.0
  ASSERT_TRUE(s.gettimeout());
  EXPECT_EQ(s.gettimeout()->count(), 0.0);
  EXPECT_FALSE(s.getblocking());
  EXPECT_TRUE(netkit_test::has_nonblock(s.fileno()));

  s.setblocking(true);  // Python: getblocking() True, gettimeout() None
  EXPECT_FALSE(s.gettimeout().has_value());
  EXPECT_TRUE(s.getblocking());
  EXPECT_FALSE(netkit_test::has_nonblock(s.fileno()));

  s.settimeout(2);  // Python: getblocking() True, gettimeout() 2.0
  ASSERT_TRUE(s.gettimeout());
  EXPECT_EQ(s.gettimeout()->count(), 2.0);
  EXPECT_TRUE(s.getblocking());

  s.setblocking(false);  // Python: getblocking() False, gettimeout() 0.0
  ASSERT_TRUE(s.gettimeout());
  EXPECT_EQ(s.gettimeout()->count(), 0.0);
  EXPECT_FALSE(s.getblocking());

  s.settimeout(std::nullopt);  // Python: getblocking() True, gettimeout() None
  EXPECT_FALSE(s.gettimeout().has_value());
  EXPECT_TRUE(s.getblocking());

  s.settimeout(netkit::timeout_t(netkit::seconds_f(0.25)));
  ASSERT_TRUE(s.gettimeout());
  EXPECT_DOUBLE_EQ(s.gettimeout()->count(), 0.25);
}

TEST(SocketTimeout, NegativeTimeoutIsValueErrorAndChangesNothing) {
  // Python: ValueError: Timeout value out of range.
  netkit::socket s;
  s.settimeout(3);
  EXPECT_THROW(s.settimeout(-1), netkit::value_error);
  EXPECT_THROW(s.settimeout(netkit::timeout_t(netkit::seconds_f(-0.5))), netkit::value_error);
  ASSERT_TRUE(s.gettimeout());
  EXPECT_EQ(s.gettimeout()->count(), 3.0);
}

TEST(SocketTimeout, DefaultTimeoutAppliesToNewSockets) {
  netkit_test::default_timeout_guard guard;
  netkit::setdefaulttimeout(netkit::timeout_t(netkit::seconds_f(1.5)));
  ASSERT_TRUE(netkit::getdefaulttimeout());
  EXPECT_DOUBLE_EQ(netkit::getdefaulttimeout()->count(), 1.5);
  netkit::socket s;
  ASSERT_TRUE(s.gettimeout());
  EXPECT_DOUBLE_EQ(s.gettimeout()->count(), 1.5);
  EXPECT_TRUE(s.getblocking());

  netkit::setdefaulttimeout(netkit::timeout_t(netkit::seconds_f(0)));
  netkit::socket t;
  EXPECT_FALSE(t.getblocking());

  netkit::setdefaulttimeout(std::nullopt);
  netkit::socket u;
  EXPECT_FALSE(u.gettimeout().has_value());
  // An existing socket keeps the timeout it was made with.
  ASSERT_TRUE(s.gettimeout());
  EXPECT_DOUBLE_EQ(s.gettimeout()->count(), 1.5);
}

TEST(SocketTimeout, NegativeDefaultTimeoutIsValueError) {
  netkit_test::default_timeout_guard guard;
  EXPECT_THROW(netkit::setdefaulttimeout(netkit::timeout_t(netkit::seconds_f(-1))),
               netkit::value_error);
  EXPECT_FALSE(netkit::getdefaulttimeout().has_value());
}

// ---------------------------------------------------------------------------------------------
// Stream sockets, parameterised over IPv4, IPv6, Unix path and Unix abstract.

class StreamTest : public ::testing::TestWithParam<where> {
 protected:
  temp_dir dir_;
};

TEST_P(StreamTest, SendRecvBothWays) {
  auto p = connected_pair(GetParam(), dir_);
  EXPECT_EQ(p.client.send("hello"), 5u);
  EXPECT_EQ(p.server.recv(1024), "hello");
  p.server.sendall(netkit::bytes("a\0b", 3));
  EXPECT_EQ(p.client.recv(1024), netkit::bytes("a\0b", 3));
}

TEST_P(StreamTest, AddressesAgree) {
  auto l = netkit_test::listener(GetParam(), dir_);
  const auto where_listening = l.getsockname();
  EXPECT_EQ(where_listening.family(), family_of(GetParam()));
  auto c = make_socket(family_of(GetParam()), SOCK_STREAM);
  c.connect(where_listening);
  auto [conn, peer] = l.accept();
  EXPECT_EQ(c.getpeername(), where_listening);
  EXPECT_EQ(conn.getsockname(), where_listening);
  EXPECT_EQ(conn.getpeername(), peer);
  switch (GetParam()) {
    case where::ipv4:
      EXPECT_EQ(where_listening.host(), "127.0.0.1");
      EXPECT_NE(where_listening.port(), 0);
      EXPECT_EQ(peer, c.getsockname());
      break;
    case where::ipv6:
      EXPECT_EQ(where_listening.host(), "::1");
      EXPECT_NE(where_listening.port(), 0);
      EXPECT_EQ(peer, c.getsockname());
      break;
    case where::unix_path:
      EXPECT_EQ(where_listening.path(), dir_.path("listener.sock"));
      EXPECT_FALSE(where_listening.is_abstract());
      // The client never bound: Python gives '' for its address.
      EXPECT_EQ(peer.path(), "");
      EXPECT_EQ(netkit::repr(peer), "''");
      break;
    case where::unix_abstract:
      EXPECT_TRUE(where_listening.is_abstract());
      EXPECT_EQ(where_listening.path().substr(0, 1), std::string(1, '\0'));
      EXPECT_EQ(peer.path(), "");
      break;
  }
  EXPECT_EQ(conn.family(), family_of(GetParam()));
  EXPECT_EQ(conn.type(), SOCK_STREAM);
}

TEST_P(StreamTest, ConnectByEndpointText) {
  auto l = netkit_test::listener(GetParam(), dir_);
  const auto a = l.getsockname();
  auto c = make_socket(family_of(GetParam()), SOCK_STREAM);
  if (a.is_inet())
    c.connect({a.host(), a.port()});
  else
    c.connect(netkit::endpoint(a.path()));
  auto [conn, peer] = l.accept();
  c.sendall("x");
  conn.settimeout(kIoTimeout);
  EXPECT_EQ(conn.recv(1), "x");
}

TEST_P(StreamTest, RecvIntoFillsTheBuffer) {
  auto p = connected_pair(GetParam(), dir_);
  p.client.sendall("abcdef");
  std::array<char, 4> buf{};
  EXPECT_EQ(p.server.recv_into(buf), 4u);
  EXPECT_EQ(std::string(buf.data(), 4), "abcd");
  // nbytes limits the read to the front of the buffer.
  buf.fill('.');
  EXPECT_EQ(p.server.recv_into(buf, 1), 1u);
  EXPECT_EQ(std::string(buf.data(), 4), "e...");
  std::error_code ec;
  EXPECT_EQ(p.server.recv_into(buf, ec), 1u);
  EXPECT_FALSE(ec);
  EXPECT_EQ(buf[0], 'f');
}

TEST_P(StreamTest, RecvIntoNbytesLargerThanBufferIsValueError) {
  // Python: ValueError: buffer too small for requested bytes.
  auto p = connected_pair(GetParam(), dir_);
  std::array<char, 4> buf{};
  EXPECT_THROW(p.server.recv_into(buf, 5), netkit::value_error);
}

TEST_P(StreamTest, RecvZeroBytesReturnsEmptyAndKeepsTheData) {
  // Python: recv(0) returns b'' at once; the pending data stays for the next call.
  auto p = connected_pair(GetParam(), dir_);
  p.client.sendall("data");
  EXPECT_EQ(p.server.recv(0), "");
  std::array<char, 1> none{};
  EXPECT_EQ(p.server.recv_into(std::span<char>(none.data(), 0)), 0u);
  EXPECT_EQ(p.server.recv(100), "data");
}

TEST_P(StreamTest, PeerCloseGivesEmptyRecv) {
  auto p = connected_pair(GetParam(), dir_);
  p.client.sendall("last");
  p.client.close();
  EXPECT_EQ(p.server.recv(100), "last");
  EXPECT_EQ(p.server.recv(100), "");
  EXPECT_EQ(p.server.recv(100), "");
}

TEST_P(StreamTest, ShutdownWriteHalfCloses) {
  auto p = connected_pair(GetParam(), dir_);
  p.client.sendall("req");
  p.client.shutdown(SHUT_WR);
  EXPECT_EQ(p.server.recv(100), "req");
  EXPECT_EQ(p.server.recv(100), "");  // end of stream from the client
  p.server.sendall("reply");          // the other direction still works
  EXPECT_EQ(p.client.recv(100), "reply");
}

TEST_P(StreamTest, ShutdownBadHowIsError) {
  auto p = connected_pair(GetParam(), dir_);
  EXPECT_THROW(p.client.shutdown(42), netkit::socket_error);
  p.client.sendall("still");  // nothing changed
  EXPECT_EQ(p.server.recv(100), "still");
}

TEST_P(StreamTest, SendallLargePayloadWithConcurrentReader) {
  auto p = connected_pair(GetParam(), dir_);
  std::string payload(4 << 20, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 7 + i / 251);
  std::string received;
  std::thread reader([&] {
    try {
      while (received.size() < payload.size()) {
        auto chunk = p.server.recv(65536);
        if (chunk.empty()) break;
        received += chunk;
      }
    } catch (const std::exception&) {
    }
  });
  p.client.sendall(payload);
  reader.join();
  EXPECT_EQ(received.size(), payload.size());
  EXPECT_TRUE(received == payload);
}

TEST_P(StreamTest, SendallErrorCodeOverload) {
  auto p = connected_pair(GetParam(), dir_);
  std::error_code ec;
  EXPECT_EQ(p.client.sendall("12345", ec), 5u);
  EXPECT_FALSE(ec);
  EXPECT_EQ(p.server.recv(10), "12345");
}

TEST_P(StreamTest, NonBlockingRecvWouldBlock) {
  auto p = connected_pair(GetParam(), dir_);
  p.server.settimeout(0);
  EXPECT_THROW(p.server.recv(10), netkit::blocking_io_error);
  try {
    p.server.recv(10);
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), netkit::errc::would_block);
    EXPECT_NE(std::string(e.what()).find("Resource temporarily unavailable"), std::string::npos)
        << e.what();
  }
  std::array<char, 8> buf{};
  std::error_code ec;
  EXPECT_EQ(p.server.recv_into(buf, ec), 0u);
  EXPECT_EQ(ec, netkit::errc::would_block);
  // The socket still works once data arrives.
  p.client.sendall("now");
  p.server.settimeout(kIoTimeout);
  EXPECT_EQ(p.server.recv(10), "now");
}

TEST_P(StreamTest, NonBlockingAcceptWouldBlock) {
  auto l = netkit_test::listener(GetParam(), dir_);
  l.setblocking(false);
  EXPECT_THROW(l.accept(), netkit::blocking_io_error);
  std::error_code ec;
  auto [conn, peer] = l.accept(ec);
  EXPECT_EQ(ec, netkit::errc::would_block);
  EXPECT_FALSE(conn.is_open());
}

TEST_P(StreamTest, NonBlockingSendFillsUpThenWouldBlock) {
  auto p = connected_pair(GetParam(), dir_);
  p.client.setblocking(false);
  const std::string chunk(65536, 'z');
  std::error_code ec;
  std::size_t total = 0;
  // The kernel buffers are finite: sooner or later a send finds no room.
  for (int i = 0; i < 100000 && !ec; ++i) total += p.client.send(chunk, ec);
  EXPECT_EQ(ec, netkit::errc::would_block);
  EXPECT_GT(total, 0u);
  EXPECT_THROW(p.client.send(chunk), netkit::blocking_io_error);
}

TEST_P(StreamTest, RecvTimeoutFires) {
  auto p = connected_pair(GetParam(), dir_);
  p.server.settimeout(0.2);
  bool fired = false;
  const double took = seconds_taken([&] {
    try {
      p.server.recv(10);
    } catch (const netkit::timeout_error& e) {
      fired = true;
      EXPECT_EQ(e.code(), netkit::errc::timed_out);
      EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
    }
  });
  EXPECT_TRUE(fired);
  EXPECT_GE(took, 0.2);
  EXPECT_LT(took, 5.0);
  // A timeout is not fatal: the socket still receives.
  p.client.sendall("late");
  EXPECT_EQ(p.server.recv(10), "late");
}

TEST_P(StreamTest, RecvTimeoutErrorCodeOverload) {
  auto p = connected_pair(GetParam(), dir_);
  p.server.settimeout(0.2);
  std::array<char, 8> buf{};
  std::error_code ec;
  const double took = seconds_taken([&] { EXPECT_EQ(p.server.recv_into(buf, ec), 0u); });
  EXPECT_EQ(ec, netkit::errc::timed_out);
  EXPECT_EQ(ec, netkit::timeout_code());
  EXPECT_GE(took, 0.2);
  EXPECT_LT(took, 5.0);
}

TEST_P(StreamTest, AcceptTimeoutFires) {
  auto l = netkit_test::listener(GetParam(), dir_);
  l.settimeout(0.2);
  const double took = seconds_taken([&] { EXPECT_THROW(l.accept(), netkit::timeout_error); });
  EXPECT_GE(took, 0.2);
  EXPECT_LT(took, 5.0);
}

TEST_P(StreamTest, AcceptedSocketIsBlockingWithoutDefaultTimeout) {
  // Python: an accepted socket is blocking when there is no default timeout, even when the
  // listener has a timeout (or is non-blocking).
  auto l = netkit_test::listener(GetParam(), dir_);
  auto c = make_socket(family_of(GetParam()), SOCK_STREAM);
  c.connect(l.getsockname());
  auto [conn, peer] = l.accept();
  EXPECT_TRUE(conn.getblocking());
  EXPECT_FALSE(conn.gettimeout().has_value());
  EXPECT_FALSE(netkit_test::has_nonblock(conn.fileno()));
}

TEST_P(StreamTest, GetpeernameOnUnconnectedIsEnotconn) {
  netkit::socket s(family_of(GetParam()), SOCK_STREAM);
  try {
    s.getpeername();
    FAIL() << "no exception";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(ENOTCONN, std::system_category()));
  }
}

TEST_P(StreamTest, BindTwiceToTheSameAddressIsEaddrinuse) {
  auto l = netkit_test::listener(GetParam(), dir_);
  netkit::socket s(family_of(GetParam()), SOCK_STREAM);
  try {
    s.bind(l.getsockname());
    FAIL() << "no exception";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(EADDRINUSE, std::system_category()));
    EXPECT_NE(std::string(e.what()).find("Address already in use"), std::string::npos);
  }
  // Nothing changed: s can still bind elsewhere.
  std::error_code ec;
  s.bind(netkit_test::bind_point(GetParam(), dir_, "second"), ec);
  EXPECT_FALSE(ec) << ec.message();
}

std::string where_param_name(const ::testing::TestParamInfo<where>& info) {
  return netkit_test::where_name(info.param);
}

INSTANTIATE_TEST_SUITE_P(AllFamilies, StreamTest,
                         ::testing::Values(where::ipv4, where::ipv6, where::unix_path,
                                           where::unix_abstract),
                         where_param_name);

// ---------------------------------------------------------------------------------------------
// Datagram sockets.

class DatagramTest : public ::testing::TestWithParam<where> {
 protected:
  netkit::socket bound(const std::string& tag) {
    auto s = make_socket(family_of(GetParam()), SOCK_DGRAM);
    s.bind(netkit_test::bind_point(GetParam(), dir_, tag));
    return s;
  }
  temp_dir dir_;
};

TEST_P(DatagramTest, SendtoRecvfromGivesTheSendersAddress) {
  auto a = bound("a");
  auto b = bound("b");
  EXPECT_EQ(a.sendto("ping", b.getsockname()), 4u);
  auto [data, from] = b.recvfrom(100);
  EXPECT_EQ(data, "ping");
  EXPECT_EQ(from, a.getsockname());
  // And back, with the error_code overload.
  std::error_code ec;
  EXPECT_EQ(b.sendto("pong", from, ec), 4u);
  EXPECT_FALSE(ec);
  auto [data2, from2] = a.recvfrom(100);
  EXPECT_EQ(data2, "pong");
  EXPECT_EQ(from2, b.getsockname());
}

TEST_P(DatagramTest, RecvfromIntoGivesSizeAndAddress) {
  auto a = bound("a");
  auto b = bound("b");
  a.sendto("12345678", b.getsockname());
  std::array<char, 16> buf{};
  auto [n, from] = b.recvfrom_into(buf);
  EXPECT_EQ(n, 8u);
  EXPECT_EQ(std::string(buf.data(), n), "12345678");
  EXPECT_EQ(from, a.getsockname());
  a.sendto("xyz", b.getsockname());
  std::error_code ec;
  auto [n2, from2] = b.recvfrom_into(buf, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(n2, 3u);
  EXPECT_EQ(from2, a.getsockname());
}

TEST_P(DatagramTest, ConnectedDatagramSendRecv) {
  auto a = bound("a");
  auto b = bound("b");
  a.connect(b.getsockname());
  b.connect(a.getsockname());
  EXPECT_EQ(a.getpeername(), b.getsockname());
  a.send("one");
  a.send("two");
  // Message boundaries are kept.
  EXPECT_EQ(b.recv(100), "one");
  EXPECT_EQ(b.recv(100), "two");
}

TEST_P(DatagramTest, EmptyDatagram) {
  auto a = bound("a");
  auto b = bound("b");
  EXPECT_EQ(a.sendto("", b.getsockname()), 0u);
  auto [data, from] = b.recvfrom(100);
  EXPECT_EQ(data, "");
  EXPECT_EQ(from, a.getsockname());
}

TEST_P(DatagramTest, SmallBufferTruncatesTheDatagram) {
  // Python: recvfrom(4) on a 100-byte datagram gives the first 4 bytes; the rest is lost.
  auto a = bound("a");
  auto b = bound("b");
  const std::string big(100, 'x');
  a.sendto(big, b.getsockname());
  a.sendto("next", b.getsockname());
  auto [data, from] = b.recvfrom(4);
  EXPECT_EQ(data, "xxxx");
  auto [data2, from2] = b.recvfrom(100);
  EXPECT_EQ(data2, "next");  // the tail of the first datagram is gone
}

TEST_P(DatagramTest, RecvmsgShowsMsgTruncAndAddress) {
  auto a = bound("a");
  auto b = bound("b");
  a.sendto(std::string(100, 'y'), b.getsockname());
  auto m = b.recvmsg(10);
  EXPECT_EQ(m.data, std::string(10, 'y'));
  EXPECT_TRUE(m.msg_flags & MSG_TRUNC) << m.msg_flags;
  EXPECT_EQ(m.address, a.getsockname());
  EXPECT_TRUE(m.ancdata.empty());
  a.sendto("fits", b.getsockname());
  auto m2 = b.recvmsg(10);
  EXPECT_EQ(m2.data, "fits");
  EXPECT_FALSE(m2.msg_flags & MSG_TRUNC);
  EXPECT_EQ(m2.address, a.getsockname());
}

TEST_P(DatagramTest, SendmsgGathersBuffersToAnAddress) {
  auto a = bound("a");
  auto b = bound("b");
  const std::array<netkit::bytes_view, 3> parts{"ab", "", "cde"};
  EXPECT_EQ(a.sendmsg(parts, {}, 0, netkit::endpoint(b.getsockname())), 5u);
  auto [data, from] = b.recvfrom(100);
  EXPECT_EQ(data, "abcde");
  EXPECT_EQ(from, a.getsockname());
}

TEST_P(DatagramTest, RecvfromTimeoutFires) {
  auto b = bound("b");
  b.settimeout(0.2);
  const double took = seconds_taken([&] { EXPECT_THROW(b.recvfrom(10), netkit::timeout_error); });
  EXPECT_GE(took, 0.2);
  EXPECT_LT(took, 5.0);
}

TEST_P(DatagramTest, NonBlockingRecvfromWouldBlock) {
  auto b = bound("b");
  b.setblocking(false);
  EXPECT_THROW(b.recvfrom(10), netkit::blocking_io_error);
  std::array<char, 8> buf{};
  std::error_code ec;
  b.recvfrom_into(buf, ec);
  EXPECT_EQ(ec, netkit::errc::would_block);
}

TEST_P(DatagramTest, UnboundSenderAddress) {
  auto b = bound("b");
  auto a = make_socket(family_of(GetParam()), SOCK_DGRAM);
  a.sendto("anon", b.getsockname());
  auto [data, from] = b.recvfrom(100);
  EXPECT_EQ(data, "anon");
  if (GetParam() == where::ipv4 || GetParam() == where::ipv6) {
    // The kernel bound the sender implicitly (to the wildcard address, so compare ports).
    EXPECT_EQ(from.port(), a.getsockname().port());
    EXPECT_NE(from.port(), 0);
  } else {
    // An unbound Unix datagram sender has no address: Python gives None here; netkit an
    // empty address.
    EXPECT_EQ(from.family() == AF_UNIX ? from.path() : std::string(), "");
  }
}

INSTANTIATE_TEST_SUITE_P(AllFamilies, DatagramTest,
                         ::testing::Values(where::ipv4, where::ipv6, where::unix_path,
                                           where::unix_abstract),
                         where_param_name);

// ---------------------------------------------------------------------------------------------
// connect / connect_ex failures.

// A loopback port nobody listens on: bound (so nobody else can take it) but not listening.
struct closed_port {
  netkit::socket holder;
  std::uint16_t port;
};

closed_port closed_tcp_port(int family) {
  netkit::socket s(family, SOCK_STREAM);
  s.bind({family == AF_INET6 ? "::1" : "127.0.0.1", 0});
  const auto port = s.getsockname().port();
  return {std::move(s), port};
}

TEST(SocketConnect, RefusedIsSocketErrorNamingTheAddress) {
  auto closed = closed_tcp_port(AF_INET);
  netkit::socket s;
  s.settimeout(kIoTimeout);
  try {
    s.connect({"127.0.0.1", closed.port});
    FAIL() << "no exception";
  } catch (const netkit::timeout_error& e) {
    FAIL() << "refusal reported as a timeout: " << e.what();
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(ECONNREFUSED, std::system_category()));
    const std::string what = e.what();
    EXPECT_NE(what.find("127.0.0.1:" + std::to_string(closed.port)), std::string::npos) << what;
    EXPECT_NE(what.find("[Errno 111] Connection refused"), std::string::npos) << what;
    EXPECT_EQ(what.rfind("connect", 0), 0u) << what;
  }
}

TEST(SocketConnect, RefusedWithoutTimeoutToo) {
  auto closed = closed_tcp_port(AF_INET6);
  netkit::socket s(AF_INET6);
  EXPECT_THROW(s.connect({"::1", closed.port}), netkit::socket_error);
  std::error_code ec;
  netkit::socket t(AF_INET6);
  t.connect(netkit::socket_address::ipv6("::1", closed.port), ec);
  EXPECT_EQ(ec, std::error_code(ECONNREFUSED, std::system_category()));
}

TEST(SocketConnect, ConnectExReturnsErrno) {
  auto closed = closed_tcp_port(AF_INET);
  netkit::socket s;
  s.settimeout(kIoTimeout);
  EXPECT_EQ(s.connect_ex({"127.0.0.1", closed.port}), ECONNREFUSED);
  netkit::socket s6(AF_INET6);
  auto closed6 = closed_tcp_port(AF_INET6);
  EXPECT_EQ(s6.connect_ex({"::1", closed6.port}), ECONNREFUSED);
}

TEST(SocketConnect, ConnectExSuccessIsZero) {
  temp_dir dir;
  auto l = netkit_test::listener(where::ipv4, dir);
  netkit::socket s;
  EXPECT_EQ(s.connect_ex(l.getsockname()), 0);
  // Python: connecting a blocking socket again gives EISCONN...
  EXPECT_EQ(s.connect_ex(l.getsockname()), EISCONN);
  // ...and with a timeout 0 (CPython treats EISCONN after its wait as success).
  netkit::socket t;
  t.settimeout(kIoTimeout);
  EXPECT_EQ(t.connect_ex(l.getsockname()), 0);
  EXPECT_EQ(t.connect_ex(l.getsockname()), 0);
}

TEST(SocketConnect, ConnectExNonBlockingIsEinprogressOrSuccess) {
  // Python: connect_ex on a non-blocking socket returns EINPROGRESS (or 0 on a fast loopback).
  temp_dir dir;
  auto l = netkit_test::listener(where::ipv4, dir);
  netkit::socket s;
  s.setblocking(false);
  const int rc = s.connect_ex(l.getsockname());
  EXPECT_TRUE(rc == 0 || rc == EINPROGRESS) << rc;
}

TEST(SocketConnect, NonBlockingConnectThrowsBlockingIoErrorOrConnects) {
  temp_dir dir;
  auto l = netkit_test::listener(where::ipv4, dir);
  netkit::socket s;
  s.setblocking(false);
  try {
    s.connect(l.getsockname());
  } catch (const netkit::blocking_io_error& e) {
    EXPECT_EQ(e.code(), netkit::errc::would_block);
  }
}

TEST(SocketConnect, UnixPathThatDoesNotExist) {
  temp_dir dir;
  netkit::socket s(AF_UNIX, SOCK_STREAM);
  const auto path = dir.path("missing.sock");
  try {
    s.connect(netkit::endpoint(path));
    FAIL() << "no exception";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(ENOENT, std::system_category()));
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  netkit::socket t(AF_UNIX, SOCK_STREAM);
  EXPECT_EQ(t.connect_ex(netkit::endpoint(path)), ENOENT);
  netkit::socket u(AF_UNIX, SOCK_STREAM);
  EXPECT_EQ(u.connect_ex(netkit::endpoint(netkit_test::abstract_name("missing"))), ECONNREFUSED);
}

TEST(SocketConnect, UnixPathTooLongIsError) {
  // Python: OSError: AF_UNIX path too long.
  netkit::socket s(AF_UNIX, SOCK_STREAM);
  const std::string path = "/tmp/" + std::string(200, 'p');
  EXPECT_ANY_THROW(s.bind(netkit::endpoint(path)));
  EXPECT_TRUE(s.is_open());
}

TEST(SocketBadInput, PortOutOfRangeIsValueError) {
  // Python: OverflowError: bind(): port must be 0-65535.
  EXPECT_THROW(netkit::endpoint("127.0.0.1", 70000), netkit::value_error);
  EXPECT_THROW(netkit::endpoint("127.0.0.1", -1), netkit::value_error);
  EXPECT_THROW(netkit::endpoint("127.0.0.1", 65536), netkit::value_error);
  EXPECT_NO_THROW(netkit::endpoint("127.0.0.1", 65535));
}

TEST(SocketBadInput, BadAddressTextIsGaiErrorAndChangesNothing) {
  // Python: s.connect(('1.2.3.4.5', 80)) -> gaierror [Errno -2] Name or service not known.
  netkit::socket s;
  s.settimeout(kIoTimeout);
  try {
    s.connect({"1.2.3.4.5", 80});
    FAIL() << "no exception";
  } catch (const netkit::gai_error& e) {
    EXPECT_EQ(e.code(), std::error_code(EAI_NONAME, netkit::gai_category()));
    EXPECT_NE(std::string(e.what()).find("Name or service not known"), std::string::npos);
  }
  // The socket is untouched and still usable.
  EXPECT_TRUE(s.is_open());
  s.bind({"127.0.0.1", 0});
  EXPECT_EQ(s.getsockname().host(), "127.0.0.1");
}

TEST(SocketBadInput, NameThatDoesNotExistIsGaiError) {
  netkit::socket s;
  s.settimeout(kIoTimeout);
  try {
    s.connect({"nosuchname.invalid", 80});
    FAIL() << "no exception";
  } catch (const netkit::gai_error& e) {
    EXPECT_EQ(e.code().category(), netkit::gai_category());
    EXPECT_NE(std::string(e.what()).find("nosuchname.invalid"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(s.is_open());
}

TEST(SocketBadInput, WrongFamilyAddressIsGaiError) {
  // Python: bind(('::1', 0)) on AF_INET -> gaierror [Errno -9] Address family for hostname not
  // supported; the same for 127.0.0.1 on AF_INET6.
  netkit::socket s4(AF_INET);
  EXPECT_THROW(s4.bind({"::1", 0}), netkit::gai_error);
  netkit::socket s6(AF_INET6);
  EXPECT_THROW(s6.bind({"127.0.0.1", 0}), netkit::gai_error);
  // A resolved address of the wrong family is rejected by the kernel.
  std::error_code ec;
  s4.bind(netkit::socket_address::ipv6("::1", 0), ec);
  EXPECT_TRUE(ec);
  s4.bind({"127.0.0.1", 0});  // unchanged, still bindable
}

TEST(SocketBadInput, WildcardAndNumericHostsResolve) {
  netkit::socket s;
  s.bind({"", 0});
  EXPECT_EQ(s.getsockname().host(), "0.0.0.0");
  netkit::socket s6(AF_INET6, SOCK_DGRAM);
  s6.bind({"", 0});
  EXPECT_EQ(s6.getsockname().host(), "::");
  netkit::socket l(AF_INET, SOCK_DGRAM);
  l.bind({"localhost", 0});
  EXPECT_EQ(l.getsockname().host(), "127.0.0.1");
}

// ---------------------------------------------------------------------------------------------
// Peer reset and SIGPIPE.

class sigpipe_default {
 public:
  // Puts SIGPIPE back to its default action (terminate) so a missing MSG_NOSIGNAL kills the
  // test program instead of going unnoticed.
  sigpipe_default() {
    struct sigaction sa {};
    sa.sa_handler = SIG_DFL;
    ::sigemptyset(&sa.sa_mask);
    ::sigaction(SIGPIPE, &sa, &old_);
  }
  sigpipe_default(const sigpipe_default&) = delete;
  sigpipe_default& operator=(const sigpipe_default&) = delete;
  ~sigpipe_default() { ::sigaction(SIGPIPE, &old_, nullptr); }

 private:
  struct sigaction old_ {};
};

TEST_P(StreamTest, SendToResetPeerIsErrorNotSigpipe) {
  sigpipe_default guard;
  auto p = connected_pair(GetParam(), dir_);
  if (p.server.family() != AF_UNIX) {
    // SO_LINGER {on, 0}: close sends RST instead of FIN.
    struct linger lg {
      1, 0
    };
    p.server.setsockopt(SOL_SOCKET, SO_LINGER,
                        netkit::bytes_view(reinterpret_cast<const char*>(&lg), sizeof lg));
  }
  p.server.close();
  std::error_code ec;
  for (int i = 0; i < 1000 && !ec; ++i) p.client.send("data after reset", ec);
  ASSERT_TRUE(ec) << "send never failed";
  EXPECT_TRUE(ec == std::error_code(ECONNRESET, std::system_category()) ||
              ec == std::error_code(EPIPE, std::system_category()))
      << ec.message();
  // The throwing form throws socket_error (BrokenPipeError / ConnectionResetError in Python).
  EXPECT_THROW(p.client.sendall("more"), netkit::socket_error);
}

// ---------------------------------------------------------------------------------------------
// EINTR is retried.

std::atomic<int> g_signals{0};
extern "C" void count_signal(int) { g_signals.fetch_add(1); }

// Installs a SIGUSR1 handler WITHOUT SA_RESTART, so a blocking call it interrupts fails with
// EINTR and the library must retry it.
class sigusr1_no_restart {
 public:
  sigusr1_no_restart() {
    struct sigaction sa {};
    sa.sa_handler = count_signal;
    ::sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    ::sigaction(SIGUSR1, &sa, &old_);
  }
  sigusr1_no_restart(const sigusr1_no_restart&) = delete;
  sigusr1_no_restart& operator=(const sigusr1_no_restart&) = delete;
  ~sigusr1_no_restart() { ::sigaction(SIGUSR1, &old_, nullptr); }

 private:
  struct sigaction old_ {};
};

// The receiver announces it is about to block; the main thread then interrupts it with
// SIGUSR1 until the handler has run at least once after that announcement, and only then
// sends the data. A library that gives up on EINTR fails the recv; one that retries returns
// the data.
void check_recv_survives_signal(netkit::timeout_t timeout) {
  sigusr1_no_restart guard;
  auto [a, b] = netkit::socketpair();
  b.settimeout(timeout);
  int ready[2];
  ASSERT_EQ(::pipe2(ready, O_CLOEXEC), 0);
  std::promise<std::string> result;
  auto got = result.get_future();
  std::thread receiver([&] {
    char c = 'r';
    if (::write(ready[1], &c, 1) != 1) return;  // the main thread's read then fails the test
    try {
      result.set_value(b.recv(100));
    } catch (const std::exception& e) {
      result.set_value(std::string("exception: ") + e.what());
    }
  });
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  const int before = g_signals.load();
  const pthread_t tid = receiver.native_handle();
  // Interrupt it many times (bounded: each handler runs within microseconds): the first
  // signals may land before recv is entered, the later ones land while it blocks.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (g_signals.load() < before + 50 && std::chrono::steady_clock::now() < give_up) {
    ::pthread_kill(tid, SIGUSR1);
    std::this_thread::yield();
  }
  EXPECT_GE(g_signals.load(), before + 1);
  a.sendall("after signals");
  const bool done = got.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  if (!done) a.close();  // unblocks the receiver (recv returns EOF) so join cannot hang
  receiver.join();
  ::close(ready[0]);
  ::close(ready[1]);
  ASSERT_TRUE(done);
  EXPECT_EQ(got.get(), "after signals");
}

TEST(SocketEintr, BlockingRecvIsRetried) { check_recv_survives_signal(std::nullopt); }

TEST(SocketEintr, RecvWithTimeoutIsRetried) {
  check_recv_survives_signal(netkit::timeout_t(netkit::seconds_f(20)));
}

// ---------------------------------------------------------------------------------------------
// sendmsg / recvmsg.

TEST(SocketMsg, ScmRightsPassesAPipe) {
  auto [a, b] = netkit::socketpair();
  a.settimeout(kIoTimeout);
  b.settimeout(kIoTimeout);
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  const int wfd = pipe_fds[1];
  const std::array<netkit::bytes_view, 1> data{"fd"};
  const std::array<netkit::ancillary, 1> anc{netkit::ancillary{
      SOL_SOCKET, SCM_RIGHTS, netkit::bytes(reinterpret_cast<const char*>(&wfd), sizeof wfd)}};
  EXPECT_EQ(a.sendmsg(data, anc), 2u);
  auto m = b.recvmsg(100, CMSG_SPACE(sizeof(int)));
  EXPECT_EQ(m.data, "fd");
  ASSERT_EQ(m.ancdata.size(), 1u);
  EXPECT_EQ(m.ancdata[0].level, SOL_SOCKET);
  EXPECT_EQ(m.ancdata[0].type, SCM_RIGHTS);
  ASSERT_EQ(m.ancdata[0].data.size(), sizeof(int));
  EXPECT_FALSE(m.msg_flags & MSG_CTRUNC);
  int received = -1;
  std::memcpy(&received, m.ancdata[0].data.data(), sizeof received);
  ASSERT_GE(received, 0);
  EXPECT_NE(received, wfd);
  // The received descriptor is the pipe's write end: what goes in comes out of our read end.
  ::close(wfd);
  ASSERT_EQ(::write(received, "via fd", 6), 6);
  ::close(received);
  char buf[16] = {};
  EXPECT_EQ(::read(pipe_fds[0], buf, sizeof buf), 6);
  EXPECT_EQ(std::string(buf, 6), "via fd");
  ::close(pipe_fds[0]);
}

TEST(SocketMsg, AncillaryBufferTooSmallSetsCtrunc) {
  auto [a, b] = netkit::socketpair();
  b.settimeout(kIoTimeout);
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  std::array<int, 2> fds{pipe_fds[0], pipe_fds[1]};
  const std::array<netkit::bytes_view, 1> data{"x"};
  const std::array<netkit::ancillary, 1> anc{netkit::ancillary{
      SOL_SOCKET, SCM_RIGHTS, netkit::bytes(reinterpret_cast<const char*>(fds.data()), 8)}};
  a.sendmsg(data, anc);
  auto m = b.recvmsg(10, 0);  // no room for ancillary data at all
  EXPECT_EQ(m.data, "x");
  EXPECT_TRUE(m.msg_flags & MSG_CTRUNC) << m.msg_flags;
  EXPECT_TRUE(m.ancdata.empty());
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST(SocketMsg, ScatterGatherOnAStream) {
  auto [a, b] = netkit::socketpair();
  b.settimeout(kIoTimeout);
  const std::array<netkit::bytes_view, 4> parts{"GET ", "/ ", "", "HTTP/1.0\r\n"};
  EXPECT_EQ(a.sendmsg(parts), 16u);
  auto m = b.recvmsg(100);
  EXPECT_EQ(m.data, "GET / HTTP/1.0\r\n");
  // Python gives 0 here: the MSG_CMSG_CLOEXEC netkit passes in must not leak into msg_flags.
  EXPECT_EQ(m.msg_flags, 0);
}

TEST(SocketMsg, RecvmsgTimeoutFires) {
  auto [a, b] = netkit::socketpair();
  b.settimeout(0.2);
  const double took = seconds_taken([&] { EXPECT_THROW(b.recvmsg(10), netkit::timeout_error); });
  EXPECT_GE(took, 0.2);
  EXPECT_LT(took, 5.0);
}

TEST(SocketMsg, RecvmsgFlagsArePassed) {
  auto [a, b] = netkit::socketpair(AF_UNIX, SOCK_DGRAM);
  b.settimeout(kIoTimeout);
  a.send("peekaboo");
  auto peek = b.recvmsg(100, 0, MSG_PEEK);
  EXPECT_EQ(peek.data, "peekaboo");
  EXPECT_EQ(b.recv(100), "peekaboo");  // MSG_PEEK left it queued
}

TEST(SocketMsg, RecvFlagsPeek) {
  auto [a, b] = netkit::socketpair();
  b.settimeout(kIoTimeout);
  a.sendall("abc");
  EXPECT_EQ(b.recv(100, MSG_PEEK), "abc");
  EXPECT_EQ(b.recv(100), "abc");
}

// ---------------------------------------------------------------------------------------------
// Socket options.

TEST(SocketOptions, IntForm) {
  netkit::socket s;
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_REUSEADDR), 0);
  s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  EXPECT_NE(s.getsockopt(SOL_SOCKET, SO_REUSEADDR), 0);
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_TYPE), SOCK_STREAM);
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_DOMAIN), AF_INET);
  s.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
  EXPECT_NE(s.getsockopt(IPPROTO_TCP, TCP_NODELAY), 0);
}

TEST(SocketOptions, BytesForm) {
  netkit::socket s;
  struct linger in {
    1, 7
  };
  s.setsockopt(SOL_SOCKET, SO_LINGER,
               netkit::bytes_view(reinterpret_cast<const char*>(&in), sizeof in));
  const auto raw = s.getsockopt(SOL_SOCKET, SO_LINGER, sizeof(struct linger));
  ASSERT_EQ(raw.size(), sizeof(struct linger));
  struct linger out {};
  std::memcpy(&out, raw.data(), sizeof out);
  EXPECT_EQ(out.l_onoff, 1);
  EXPECT_EQ(out.l_linger, 7);
  // An int option read in the bytes form gives the native int.
  const auto type = s.getsockopt(SOL_SOCKET, SO_TYPE, sizeof(int));
  ASSERT_EQ(type.size(), sizeof(int));
  int v = 0;
  std::memcpy(&v, type.data(), sizeof v);
  EXPECT_EQ(v, SOCK_STREAM);
}

TEST(SocketOptions, UnknownOptionIsEnoprotoopt) {
  netkit::socket s;
  try {
    s.setsockopt(SOL_SOCKET, 12345, 1);
    FAIL() << "no exception";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(ENOPROTOOPT, std::system_category()));
  }
  EXPECT_THROW(s.getsockopt(SOL_SOCKET, 12345), netkit::socket_error);
}

TEST(SocketOptions, SoErrorReadsPendingError) {
  netkit::socket s;
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_ERROR), 0);
}

}  // namespace

// Python's socket.dup(): a second socket on a duplicate descriptor, close-on-exec, same kind.
TEST(SocketDup, SharesTheConnectionAndIsCloseOnExec) {
  auto [a, b] = netkit::socketpair();
  b.settimeout(5.0);
  netkit::socket copy = a.dup();
  EXPECT_NE(copy.fileno(), a.fileno());
  EXPECT_EQ(copy.family(), a.family());
  EXPECT_EQ(copy.type(), a.type());
  EXPECT_NE(::fcntl(copy.fileno(), F_GETFD) & FD_CLOEXEC, 0);
  a.close();
  copy.sendall("via dup");
  EXPECT_EQ(b.recv(16), "via dup");
}
