// Tests for netkit/socket/socket_address.hpp: construction, accessors, equality, to_string,
// and repr/str as Python 3.11.7 prints the address tuples and Unix names.
#include "netkit/socket/socket_address.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstring>
#include <string>

#include "netkit/error.hpp"
#include "netkit/socket/socket.hpp"
#include "unit/socket/helpers.hpp"

namespace {

using netkit::socket_address;

TEST(SocketAddress, EmptyIsUnspec) {
  socket_address a;
  EXPECT_EQ(a.family(), AF_UNSPEC);
  EXPECT_FALSE(a.is_inet());
  EXPECT_EQ(a.host(), "");
  EXPECT_EQ(a.port(), 0);
  EXPECT_EQ(a.path(), "");
  EXPECT_EQ(a, socket_address());
}

TEST(SocketAddress, IPv4) {
  auto a = socket_address::ipv4("127.0.0.1", 8080);
  EXPECT_EQ(a.family(), AF_INET);
  EXPECT_TRUE(a.is_inet());
  EXPECT_EQ(a.host(), "127.0.0.1");
  EXPECT_EQ(a.port(), 8080);
  EXPECT_EQ(a.flowinfo(), 0u);
  EXPECT_EQ(a.scope_id(), 0u);
  EXPECT_EQ(a.path(), "");
  EXPECT_EQ(a.size(), sizeof(sockaddr_in));
  EXPECT_EQ(a.to_string(), "127.0.0.1:8080");
  // Python: repr(('127.0.0.1', 8080)) and str() of the same tuple.
  EXPECT_EQ(netkit::repr(a), "('127.0.0.1', 8080)");
  EXPECT_EQ(netkit::str(a), "('127.0.0.1', 8080)");
  const auto* sin = reinterpret_cast<const sockaddr_in*>(a.data());
  EXPECT_EQ(sin->sin_port, ::htons(8080));
  EXPECT_EQ(sin->sin_addr.s_addr, ::htonl(INADDR_LOOPBACK));
}

TEST(SocketAddress, IPv4Extremes) {
  EXPECT_EQ(netkit::repr(socket_address::ipv4("0.0.0.0", 0)), "('0.0.0.0', 0)");
  EXPECT_EQ(netkit::repr(socket_address::ipv4("255.255.255.255", 65535)),
            "('255.255.255.255', 65535)");
}

TEST(SocketAddress, IPv6WithFlowinfoAndScopeId) {
  auto a = socket_address::ipv6("::1", 80);
  EXPECT_EQ(a.family(), AF_INET6);
  EXPECT_EQ(a.host(), "::1");
  EXPECT_EQ(a.size(), sizeof(sockaddr_in6));
  EXPECT_EQ(a.to_string(), "[::1]:80");
  // Python: ('::1', 80, 0, 0)
  EXPECT_EQ(netkit::repr(a), "('::1', 80, 0, 0)");
  auto b = socket_address::ipv6("fe80::1", 443, 5, 2);
  EXPECT_EQ(b.flowinfo(), 5u);
  EXPECT_EQ(b.scope_id(), 2u);
  EXPECT_EQ(b.host(), "fe80::1");  // no %scope in the host text, as in Python
  EXPECT_EQ(netkit::repr(b), "('fe80::1', 443, 5, 2)");
  EXPECT_EQ(netkit::str(b), "('fe80::1', 443, 5, 2)");
  // Text is normalised as inet_ntop writes it.
  EXPECT_EQ(socket_address::ipv6("2001:0db8:0000:0000:0000:0000:0000:0001", 1).host(),
            "2001:db8::1");
  EXPECT_EQ(socket_address::ipv6("::ffff:127.0.0.1", 1).host(), "::ffff:127.0.0.1");
}

TEST(SocketAddress, NamesAndBadTextAreValueErrors) {
  for (const char* bad : {"localhost", "1.2.3", "256.0.0.1", "", "::1", "1.2.3.4 "})
    EXPECT_THROW(socket_address::ipv4(bad, 1), netkit::value_error) << bad;
  for (const char* bad : {"localhost", "1::2::3", "127.0.0.1", "", "fe80::1%lo"})
    EXPECT_THROW(socket_address::ipv6(bad, 1), netkit::value_error) << bad;
  try {
    socket_address::ipv4("not-an-ip", 1);
  } catch (const netkit::value_error& e) {
    EXPECT_NE(std::string(e.what()).find("not-an-ip"), std::string::npos) << e.what();
  }
}

TEST(SocketAddress, UnixPath) {
  auto a = socket_address::unix_path("/tmp/echo.sock");
  EXPECT_EQ(a.family(), AF_UNIX);
  EXPECT_FALSE(a.is_inet());
  EXPECT_FALSE(a.is_abstract());
  EXPECT_EQ(a.path(), "/tmp/echo.sock");
  EXPECT_EQ(a.host(), "");
  EXPECT_EQ(a.port(), 0);
  EXPECT_EQ(a.to_string(), "/tmp/echo.sock");
  // Python: repr('/tmp/echo.sock') is quoted, str() is bare.
  EXPECT_EQ(netkit::repr(a), "'/tmp/echo.sock'");
  EXPECT_EQ(netkit::str(a), "/tmp/echo.sock");
  EXPECT_EQ(netkit::repr(socket_address::unix_path("it's")), "\"it's\"");
}

// Python: a path may fill all 108 bytes of sun_path; one more is
// OSError("AF_UNIX path too long"), an OSError without errno.
TEST(SocketAddress, UnixPathTooLongIsOSError) {
  const std::size_t max = sizeof(sockaddr_un::sun_path);
  EXPECT_NO_THROW(socket_address::unix_path(std::string(max - 1, 'a')));
  const auto full = socket_address::unix_path(std::string(max, 'a'));
  EXPECT_EQ(full.path(), std::string(max, 'a'));
  try {
    socket_address::unix_path(std::string(max + 1, 'a'));
    ADD_FAILURE() << "no exception";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(netkit::python_message(e.code()), "AF_UNIX path too long");
  }
}

TEST(SocketAddress, Abstract) {
  auto a = socket_address::abstract("name");
  EXPECT_EQ(a.family(), AF_UNIX);
  EXPECT_TRUE(a.is_abstract());
  EXPECT_EQ(a.path(), std::string("\0name", 5));
  EXPECT_EQ(a.to_string(), "@name");
  // Python gives abstract names as bytes: b'\x00name'.
  EXPECT_EQ(netkit::repr(a), "b'\\x00name'");
  EXPECT_EQ(netkit::str(a), "b'\\x00name'");
  // A leading NUL in unix_path means the same thing.
  EXPECT_EQ(socket_address::unix_path(std::string("\0name", 5)), a);
  // Every byte of an abstract name counts, NULs included.
  auto b = socket_address::abstract(std::string("a\0b", 3));
  EXPECT_EQ(b.path(), std::string("\0a\0b", 4));
  EXPECT_EQ(netkit::repr(b), "b'\\x00a\\x00b'");
  EXPECT_NE(b, socket_address::abstract("a"));
}

TEST(SocketAddress, UnnamedUnixSocket) {
  // Python: an unbound AF_UNIX socket's getsockname() is '' (repr "''").
  netkit::socket s(AF_UNIX, SOCK_STREAM);
  const auto a = s.getsockname();
  EXPECT_EQ(a.family(), AF_UNIX);
  EXPECT_EQ(a.path(), "");
  EXPECT_FALSE(a.is_abstract());
  EXPECT_EQ(netkit::repr(a), "''");
  EXPECT_EQ(netkit::str(a), "");
}

TEST(SocketAddress, BoundAbstractSocketAsPythonShowsIt) {
  // Python: u.bind('\0abc'); repr(u.getsockname()) -> b'\x00abc'
  netkit::socket s(AF_UNIX, SOCK_DGRAM);
  const auto name = netkit_test::abstract_name("repr");
  s.bind(netkit::endpoint(name));
  EXPECT_EQ(s.getsockname(), socket_address::unix_path(name));
  EXPECT_EQ(netkit::repr(s.getsockname()), netkit::repr(netkit::bytes_view(name)));
}

TEST(SocketAddress, FromNativeRoundTrips) {
  for (const auto& a :
       {socket_address::ipv4("10.1.2.3", 4), socket_address::ipv6("2001:db8::5", 6, 7, 8),
        socket_address::unix_path("/x/y"), socket_address::abstract("zz")}) {
    const auto b = socket_address::from_native(a.data(), a.size());
    EXPECT_EQ(a, b) << netkit::repr(a);
    EXPECT_EQ(netkit::repr(a), netkit::repr(b));
  }
}

TEST(SocketAddress, FromNativeUnixWithTrailingNulInLength) {
  // The kernel may count the terminating NUL of a path (or give the whole sun_path); Python
  // stops at the first NUL for a filesystem path.
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::strcpy(sun.sun_path, "/tmp/p");
  const auto a = socket_address::from_native(reinterpret_cast<const sockaddr*>(&sun), sizeof sun);
  EXPECT_EQ(a.path(), "/tmp/p");
  EXPECT_EQ(netkit::repr(a), "'/tmp/p'");
}

TEST(SocketAddress, ResizeRecordsKernelLength) {
  socket_address a;
  auto* sin = reinterpret_cast<sockaddr_in*>(a.data());
  sin->sin_family = AF_INET;
  sin->sin_port = ::htons(99);
  sin->sin_addr.s_addr = ::htonl(INADDR_LOOPBACK);
  a.resize(sizeof(sockaddr_in));
  EXPECT_EQ(a, socket_address::ipv4("127.0.0.1", 99));
  EXPECT_GE(socket_address::capacity(), sizeof(sockaddr_in6));
}

TEST(SocketAddress, Equality) {
  EXPECT_EQ(socket_address::ipv4("127.0.0.1", 1), socket_address::ipv4("127.0.0.1", 1));
  EXPECT_NE(socket_address::ipv4("127.0.0.1", 1), socket_address::ipv4("127.0.0.1", 2));
  EXPECT_NE(socket_address::ipv4("127.0.0.1", 1), socket_address::ipv4("127.0.0.2", 1));
  EXPECT_NE(socket_address::ipv6("::1", 1), socket_address::ipv6("::1", 1, 0, 3));
  EXPECT_NE(socket_address::unix_path("/a"), socket_address::unix_path("/b"));
  EXPECT_NE(socket_address::unix_path("/a"), socket_address::ipv4("127.0.0.1", 1));
}

TEST(SocketAddress, ReprMatchesPython) {
  const auto py = netkit_test::run_python(
      "print(repr(('127.0.0.1', 80)))\n"
      "print(repr(('::1', 80, 0, 0)))\n"
      "print(repr(('fe80::1', 443, 5, 2)))\n"
      "print(repr('/tmp/s'))\n"
      "print(repr(b'\\x00name'))\n"
      "print(repr(''))\n"
      "print(str('/tmp/s'))\n");
  const std::string ours = netkit::repr(socket_address::ipv4("127.0.0.1", 80)) + "\n" +
                           netkit::repr(socket_address::ipv6("::1", 80)) + "\n" +
                           netkit::repr(socket_address::ipv6("fe80::1", 443, 5, 2)) + "\n" +
                           netkit::repr(socket_address::unix_path("/tmp/s")) + "\n" +
                           netkit::repr(socket_address::abstract("name")) + "\n" +
                           netkit::repr(socket_address::unix_path("")) + "\n" +
                           netkit::str(socket_address::unix_path("/tmp/s")) + "\n";
  EXPECT_EQ(ours, py);
}

}  // namespace
