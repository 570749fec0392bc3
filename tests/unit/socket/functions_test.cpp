// Tests for netkit/socket/functions.hpp: socketpair, create_connection, create_server, fromfd,
// the inet_* conversions (values from Python 3.11.7), byte order, default timeout, has_ipv6.
#include "netkit/socket/functions.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <fstream>
#include <string>
#include <thread>

#include "netkit/error.hpp"
#include "netkit/repr.hpp"
#include "netkit/socket/resolver.hpp"
#include "unit/socket/helpers.hpp"

namespace {

using namespace std::chrono_literals;
using netkit_test::kIoTimeout;
using netkit_test::temp_dir;

// ---------------------------------------------------------------------------------------------
// socketpair

TEST(Socketpair, DefaultIsUnixStream) {
  auto [a, b] = netkit::socketpair();
  EXPECT_EQ(a.family(), AF_UNIX);
  EXPECT_EQ(a.type(), SOCK_STREAM);
  EXPECT_EQ(b.family(), AF_UNIX);
  a.settimeout(kIoTimeout);
  b.settimeout(kIoTimeout);
  a.sendall("to b");
  EXPECT_EQ(b.recv(10), "to b");
  b.sendall("to a");
  EXPECT_EQ(a.recv(10), "to a");
  EXPECT_EQ(netkit::repr(a.getsockname()), "''");  // unnamed, as in Python
}

TEST(Socketpair, DatagramKeepsBoundaries) {
  auto [a, b] = netkit::socketpair(AF_UNIX, SOCK_DGRAM);
  EXPECT_EQ(a.type(), SOCK_DGRAM);
  b.settimeout(kIoTimeout);
  a.send("one");
  a.send("two");
  EXPECT_EQ(b.recv(100), "one");
  EXPECT_EQ(b.recv(100), "two");
}

TEST(Socketpair, InetIsNotSupportedByTheKernel) {
  // Python on Linux: OSError: [Errno 95] Operation not supported.
  try {
    netkit::socketpair(AF_INET, SOCK_STREAM);
    FAIL() << "no exception";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(EOPNOTSUPP, std::system_category()));
  }
}

TEST(Socketpair, NonblockFlagGivesTimeoutZero) {
  auto [a, b] = netkit::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK);
  EXPECT_FALSE(a.getblocking());
  EXPECT_FALSE(b.getblocking());
  EXPECT_THROW(a.recv(1), netkit::blocking_io_error);
}

// ---------------------------------------------------------------------------------------------
// fromfd

TEST(Fromfd, DuplicatesAndLeavesTheOriginalOpen) {
  auto [a, b] = netkit::socketpair();
  const int original = a.fileno();
  auto dup = netkit::fromfd(original, AF_UNIX, SOCK_STREAM);
  EXPECT_NE(dup.fileno(), original);
  EXPECT_EQ(dup.family(), AF_UNIX);
  EXPECT_EQ(dup.type(), SOCK_STREAM);
  EXPECT_TRUE(netkit_test::has_cloexec(dup.fileno()));
  dup.close();
  EXPECT_TRUE(netkit_test::fd_is_open(original));  // the caller keeps fd
  auto dup2 = netkit::fromfd(original, AF_UNIX, SOCK_STREAM);
  dup2.settimeout(kIoTimeout);
  b.sendall("via dup");
  EXPECT_EQ(dup2.recv(100), "via dup");
}

TEST(Fromfd, BadDescriptorIsEbadf) {
  try {
    netkit::fromfd(-1, AF_INET, SOCK_STREAM);
    FAIL() << "no exception";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(EBADF, std::system_category()));
  }
}

// ---------------------------------------------------------------------------------------------
// create_connection

TEST(CreateConnection, ConnectsAndAppliesTheTimeout) {
  temp_dir dir;
  auto l = netkit_test::listener(netkit_test::where::ipv4, dir);
  const auto port = l.getsockname().port();
  auto c = netkit::create_connection({"127.0.0.1", port}, netkit::timeout_t(2.5s));
  ASSERT_TRUE(c.gettimeout());
  EXPECT_DOUBLE_EQ(c.gettimeout()->count(), 2.5);
  EXPECT_EQ(c.getpeername(), l.getsockname());
  EXPECT_EQ(c.family(), AF_INET);
  EXPECT_EQ(c.type(), SOCK_STREAM);
  auto [conn, peer] = l.accept();
  EXPECT_EQ(peer, c.getsockname());
}

TEST(CreateConnection, DefaultTimeoutIsTheModuleDefault) {
  netkit_test::default_timeout_guard guard;
  temp_dir dir;
  auto l = netkit_test::listener(netkit_test::where::ipv4, dir);
  netkit::setdefaulttimeout(netkit::timeout_t(3s));
  auto c = netkit::create_connection({"127.0.0.1", l.getsockname().port()});
  ASSERT_TRUE(c.gettimeout());
  EXPECT_DOUBLE_EQ(c.gettimeout()->count(), 3.0);
}

TEST(CreateConnection, NoTimeoutMeansBlocking) {
  temp_dir dir;
  auto l = netkit_test::listener(netkit_test::where::ipv4, dir);
  auto c = netkit::create_connection({"127.0.0.1", l.getsockname().port()}, std::nullopt);
  EXPECT_FALSE(c.gettimeout().has_value());
}

TEST(CreateConnection, ByNameLocalhost) {
  // "localhost" may resolve to ::1 and 127.0.0.1; only 127.0.0.1 listens, so every answer
  // must be tried until one connects.
  temp_dir dir;
  auto l = netkit_test::listener(netkit_test::where::ipv4, dir);
  auto c = netkit::create_connection({"localhost", l.getsockname().port()}, netkit::timeout_t(5s));
  EXPECT_EQ(c.getpeername(), l.getsockname());
}

TEST(CreateConnection, IPv6Literal) {
  temp_dir dir;
  auto l = netkit_test::listener(netkit_test::where::ipv6, dir);
  auto c = netkit::create_connection({"::1", l.getsockname().port()}, netkit::timeout_t(5s));
  EXPECT_EQ(c.family(), AF_INET6);
  EXPECT_EQ(c.getpeername(), l.getsockname());
}

TEST(CreateConnection, SourceAddressIsHonoured) {
  temp_dir dir;
  auto l = netkit_test::listener(netkit_test::where::ipv4, dir);
  // 127.0.0.2 is on lo under Linux (all of 127/8 is): a source that differs from the default.
  netkit::socket probe(AF_INET, SOCK_DGRAM);
  std::error_code ec;
  probe.bind({"127.0.0.2", 0}, ec);
  if (ec) GTEST_SKIP() << "127.0.0.2 is not usable here: " << ec.message();
  auto c = netkit::create_connection({"127.0.0.1", l.getsockname().port()}, netkit::timeout_t(5s),
                                     netkit::endpoint("127.0.0.2", 0));
  EXPECT_EQ(c.getsockname().host(), "127.0.0.2");
  auto [conn, peer] = l.accept();
  EXPECT_EQ(peer.host(), "127.0.0.2");
  EXPECT_EQ(peer.port(), c.getsockname().port());
}

TEST(CreateConnection, SourcePortIsHonoured) {
  temp_dir dir;
  auto l = netkit_test::listener(netkit_test::where::ipv4, dir);
  // Find a free port by binding port 0; SO_REUSEADDR on create_connection's side is not
  // promised, so the finder is closed first (a tiny window, acceptable for loopback).
  std::uint16_t port = 0;
  {
    netkit::socket finder;
    finder.bind({"127.0.0.1", 0});
    port = finder.getsockname().port();
  }
  auto c = netkit::create_connection({"127.0.0.1", l.getsockname().port()}, netkit::timeout_t(5s),
                                     netkit::endpoint("127.0.0.1", port));
  EXPECT_EQ(c.getsockname(), netkit::socket_address::ipv4("127.0.0.1", port));
}

TEST(CreateConnection, RefusedIsSocketErrorNamingTheAddress) {
  netkit::socket holder;  // bound, not listening: connections to it are refused
  holder.bind({"127.0.0.1", 0});
  const auto port = holder.getsockname().port();
  try {
    netkit::create_connection({"127.0.0.1", port}, netkit::timeout_t(5s));
    FAIL() << "no exception";
  } catch (const netkit::timeout_error& e) {
    FAIL() << "refusal reported as a timeout: " << e.what();
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(ECONNREFUSED, std::system_category()));
    EXPECT_NE(std::string(e.what()).find(std::to_string(port)), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Connection refused"), std::string::npos) << e.what();
  }
}

TEST(CreateConnection, UnknownNameIsGaiError) {
  EXPECT_THROW(netkit::create_connection({"nosuchname.invalid", 80}, netkit::timeout_t(5s)),
               netkit::gai_error);
}

// Every resolved address is tried in order: in a child with a private mount namespace,
// /etc/hosts is replaced by one where "multi.test" has ::1 and 127.0.0.1, and only the LAST
// answer getaddrinfo gives has a listener.
TEST(CreateConnection, TriesEveryAddressInOrder) {
  temp_dir dir;
  const std::string hosts = dir.path("hosts");
  {
    std::ofstream out(hosts);
    out << "::1 multi.test\n127.0.0.1 multi.test\n";
  }
  auto r = netkit_test::run_in_child(
      [&]() -> std::string {
        if (::unshare(CLONE_NEWNS) != 0)
          return std::string("unshare(CLONE_NEWNS) not permitted: ") + std::strerror(errno);
        // Keep the bind mount private to this namespace.
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
        if (::mount(hosts.c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) != 0)
          return std::string("cannot bind-mount /etc/hosts: ") + std::strerror(errno);
        return {};
      },
      [&]() -> std::string {
        const auto answers = netkit::getaddrinfo("multi.test", 0, 0, SOCK_STREAM);
        if (answers.size() != 2) return "multi.test gave " + std::to_string(answers.size());
        // Listen on the last answer; hold the same port, not listening, on the first one so
        // that attempt is refused rather than reaching someone else's server.
        const int last_family = answers.back().family;
        netkit::socket l(last_family, SOCK_STREAM);
        l.bind({answers.back().sockaddr.host(), 0});
        l.listen();
        const auto port = l.getsockname().port();
        netkit::socket blocker(answers.front().family, SOCK_STREAM);
        blocker.bind({answers.front().sockaddr.host(), port});
        auto c = netkit::create_connection({"multi.test", port}, netkit::timeout_t(5s));
        if (c.family() != last_family) return "connected with the wrong family";
        if (!(c.getpeername() == l.getsockname()))
          return "connected to " + netkit::repr(c.getpeername());
        return {};
      });
  if (r.skipped) GTEST_SKIP() << r.report;
  EXPECT_EQ(r.status, 0) << r.report;
}

// ---------------------------------------------------------------------------------------------
// create_server

TEST(CreateServer, ListensWithReuseAddr) {
  auto s = netkit::create_server({"127.0.0.1", 0});
  EXPECT_EQ(s.family(), AF_INET);
  EXPECT_EQ(s.type(), SOCK_STREAM);
  EXPECT_NE(s.getsockopt(SOL_SOCKET, SO_REUSEADDR), 0);
  EXPECT_NE(s.getsockopt(SOL_SOCKET, SO_ACCEPTCONN), 0);
  EXPECT_EQ(s.getsockopt(SOL_SOCKET, SO_REUSEPORT), 0);
  const auto where = s.getsockname();
  EXPECT_EQ(where.host(), "127.0.0.1");
  EXPECT_NE(where.port(), 0);
  auto c = netkit::create_connection({"127.0.0.1", where.port()}, netkit::timeout_t(5s));
  s.settimeout(kIoTimeout);
  auto [conn, peer] = s.accept();
  EXPECT_EQ(peer, c.getsockname());
}

TEST(CreateServer, ReusePortAllowsTwoListeners) {
  auto a = netkit::create_server({"127.0.0.1", 0}, AF_INET, std::nullopt, true);
  EXPECT_NE(a.getsockopt(SOL_SOCKET, SO_REUSEPORT), 0);
  const auto port = a.getsockname().port();
  auto b = netkit::create_server({"127.0.0.1", port}, AF_INET, std::nullopt, true);
  EXPECT_EQ(b.getsockname().port(), port);
  // Without reuse_port the same port is taken.
  EXPECT_THROW(netkit::create_server({"127.0.0.1", port}), netkit::socket_error);
}

TEST(CreateServer, IPv6) {
  auto s = netkit::create_server({"::1", 0}, AF_INET6, 5);
  EXPECT_EQ(s.family(), AF_INET6);
  EXPECT_EQ(s.getsockname().host(), "::1");
  auto c = netkit::create_connection({"::1", s.getsockname().port()}, netkit::timeout_t(5s));
  s.settimeout(kIoTimeout);
  auto [conn, peer] = s.accept();
  EXPECT_EQ(peer.host(), "::1");
}

TEST(CreateServer, DualstackNeedsInet6) {
  // Python: ValueError: dualstack_ipv6 requires AF_INET6 family.
  EXPECT_THROW(netkit::create_server({"127.0.0.1", 0}, AF_INET, std::nullopt, false, true),
               netkit::value_error);
}

TEST(CreateServer, AddressInUseIsSocketError) {
  auto a = netkit::create_server({"127.0.0.1", 0});
  try {
    netkit::create_server({"127.0.0.1", a.getsockname().port()});
    FAIL() << "no exception";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::error_code(EADDRINUSE, std::system_category()));
  }
}

// A dual-stack server has to bind the IPv6 wildcard; that happens in a private network
// namespace (only lo) so nothing outside this machine can ever reach it.
TEST(CreateServer, DualstackAcceptsIPv4AndIPv6Clients) {
  if (!netkit::has_dualstack_ipv6()) GTEST_SKIP() << "no dual-stack IPv6 here";
  auto r = netkit_test::run_in_child(netkit_test::enter_private_netns, []() -> std::string {
    auto s = netkit::create_server({"", 0}, AF_INET6, std::nullopt, false, true);
    s.settimeout(5.0);
    if (s.getsockopt(IPPROTO_IPV6, IPV6_V6ONLY) != 0) return "IPV6_V6ONLY is set";
    const auto port = s.getsockname().port();
    auto c4 = netkit::create_connection({"127.0.0.1", port}, netkit::timeout_t(5s));
    auto [conn4, peer4] = s.accept();
    if (peer4.host() != "::ffff:127.0.0.1") return "IPv4 peer seen as " + netkit::repr(peer4);
    auto c6 = netkit::create_connection({"::1", port}, netkit::timeout_t(5s));
    auto [conn6, peer6] = s.accept();
    if (peer6.host() != "::1") return "IPv6 peer seen as " + netkit::repr(peer6);
    c4.sendall("v4");
    conn4.settimeout(5.0);
    if (conn4.recv(10) != "v4") return "no data over IPv4";
    return {};
  });
  if (r.skipped) GTEST_SKIP() << r.report;
  EXPECT_EQ(r.status, 0) << r.report;
}

// ---------------------------------------------------------------------------------------------
// inet_aton / inet_ntoa / inet_pton / inet_ntop: expected values from Python 3.11.7.

TEST(InetAton, AcceptsWhatPythonAccepts) {
  EXPECT_EQ(netkit::inet_aton("127.0.0.1"), netkit::bytes("\x7f\x00\x00\x01", 4));
  EXPECT_EQ(netkit::inet_aton("127.1"), netkit::bytes("\x7f\x00\x00\x01", 4));
  EXPECT_EQ(netkit::inet_aton("0x7f.1"), netkit::bytes("\x7f\x00\x00\x01", 4));
  EXPECT_EQ(netkit::inet_aton("1.2.3"), netkit::bytes("\x01\x02\x00\x03", 4));
  EXPECT_EQ(netkit::inet_aton("10"), netkit::bytes("\x00\x00\x00\n", 4));
  EXPECT_EQ(netkit::inet_aton("255.255.255.255"), netkit::bytes("\xff\xff\xff\xff", 4));
  EXPECT_EQ(netkit::inet_aton("0377.0.0.1"), netkit::bytes("\xff\x00\x00\x01", 4));
  EXPECT_EQ(netkit::inet_aton("4294967295"), netkit::bytes("\xff\xff\xff\xff", 4));
  // glibc's inet_aton stops at whitespace, and Python inherits it.
  EXPECT_EQ(netkit::inet_aton("1.2.3.4 junk"), netkit::bytes("\x01\x02\x03\x04", 4));
}

TEST(InetAton, RejectsWhatPythonRejects) {
  // Python: OSError: illegal IP address string passed to inet_aton.
  for (const char* bad :
       {"256.1.1.1", "1.2.3.4.5", "", "1.2.3.4junk", " 1.2.3.4", "a.b.c.d", "4294967296"}) {
    try {
      netkit::inet_aton(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const netkit::value_error& e) {
      ADD_FAILURE() << "'" << bad << "': Python raises OSError, not ValueError: " << e.what();
    } catch (const netkit::socket_error& e) {
      EXPECT_NE(std::string(e.what()).find("illegal IP address string passed to inet_aton"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(InetNtoa, FourBytesOnly) {
  EXPECT_EQ(netkit::inet_ntoa(netkit::bytes_view("\x7f\x00\x00\x01", 4)), "127.0.0.1");
  EXPECT_EQ(netkit::inet_ntoa("\xff\xff\xff\xff"), "255.255.255.255");
  // Python: OSError: packed IP wrong length for inet_ntoa.
  EXPECT_THROW(netkit::inet_ntoa("\x01\x02\x03"), netkit::socket_error);
  EXPECT_THROW(netkit::inet_ntoa("\x01\x02\x03\x04\x05"), netkit::socket_error);
}

TEST(InetPton, Values) {
  EXPECT_EQ(netkit::inet_pton(AF_INET, "127.0.0.1"), netkit::bytes("\x7f\x00\x00\x01", 4));
  EXPECT_EQ(netkit::inet_pton(AF_INET6, "::1"), netkit::bytes(15, '\0') + "\x01");
  EXPECT_EQ(netkit::inet_pton(AF_INET6, "::ffff:1.2.3.4"),
            netkit::bytes(10, '\0') + "\xff\xff\x01\x02\x03\x04");
  EXPECT_EQ(netkit::inet_pton(AF_INET6, "2001:db8::1"),
            netkit::bytes(" \x01\r\xb8", 4) + netkit::bytes(11, '\0') + "\x01");
}

TEST(InetPton, RejectsWhatPythonRejects) {
  // Python: OSError: illegal IP address string passed to inet_pton.
  const std::pair<int, const char*> bad[] = {
      {AF_INET, "1.2.3"},       {AF_INET, "127.1"},
      {AF_INET, "01.2.3.4"},    {AF_INET6, "1:2:3:4:5:6:7:8:9"},
      {AF_INET6, "fe80::1%lo"}, {AF_INET6, "1::2::3"}};
  for (const auto& [family, text] : bad) {
    try {
      netkit::inet_pton(family, text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const netkit::value_error& e) {
      ADD_FAILURE() << "'" << text << "': Python raises OSError: " << e.what();
    } catch (const netkit::socket_error& e) {
      EXPECT_NE(std::string(e.what()).find("illegal IP address string passed to inet_pton"),
                std::string::npos)
          << e.what();
    }
  }
  // Python: OSError: [Errno 97] Address family not supported by protocol.
  for (int family : {999, AF_UNIX}) {
    try {
      netkit::inet_pton(family, "1.2.3.4");
      ADD_FAILURE() << "family " << family << " accepted";
    } catch (const netkit::socket_error& e) {
      EXPECT_EQ(e.code(), std::error_code(EAFNOSUPPORT, std::system_category()));
    }
  }
}

TEST(InetNtop, Values) {
  EXPECT_EQ(netkit::inet_ntop(AF_INET, netkit::bytes_view("\x7f\x00\x00\x01", 4)), "127.0.0.1");
  EXPECT_EQ(netkit::inet_ntop(AF_INET6, netkit::bytes(15, '\0') + "\x01"), "::1");
  EXPECT_EQ(netkit::inet_ntop(AF_INET6, netkit::bytes(10, '\0') + "\xff\xff\x01\x02\x03\x04"),
            "::ffff:1.2.3.4");
  EXPECT_EQ(netkit::inet_ntop(AF_INET6,
                              netkit::bytes(" \x01\r\xb8", 4) + netkit::bytes(11, '\0') + "\x01"),
            "2001:db8::1");
  EXPECT_EQ(netkit::inet_ntop(AF_INET6, netkit::bytes(16, '\0')), "::");
}

TEST(InetNtop, BadInputIsValueError) {
  // Python: ValueError: invalid length of packed IP address string.
  EXPECT_THROW(netkit::inet_ntop(AF_INET, "\x01\x02\x03"), netkit::value_error);
  EXPECT_THROW(netkit::inet_ntop(AF_INET6, netkit::bytes(4, '\0')), netkit::value_error);
  // Python: ValueError: unknown address family 999.
  EXPECT_THROW(netkit::inet_ntop(999, netkit::bytes(4, '\0')), netkit::value_error);
}

TEST(Inet, RoundTripsEveryOctet) {
  for (int i = 0; i < 256; ++i) {
    const std::string text = "10." + std::to_string(i) + ".0." + std::to_string(255 - i);
    const auto packed = netkit::inet_pton(AF_INET, text);
    EXPECT_EQ(packed, netkit::inet_aton(text));
    EXPECT_EQ(netkit::inet_ntop(AF_INET, packed), text);
    EXPECT_EQ(netkit::inet_ntoa(packed), text);
  }
}

// ---------------------------------------------------------------------------------------------
// Byte order, default timeout, has_ipv6.

TEST(ByteOrder, MatchesPythonAndLibc) {
  static_assert(netkit::htons(0x1234) == 13330);  // Python: socket.htons(0x1234)
  static_assert(netkit::htonl(0x12345678) == 2018915346);
  static_assert(netkit::ntohs(1) == 256);
  static_assert(netkit::ntohl(1) == 16777216);
  for (std::uint32_t v : {0u, 1u, 0x80u, 0xffffu, 0x12345678u, 0xffffffffu, 0xdeadbeefu}) {
    EXPECT_EQ(netkit::htonl(v), ::htonl(v));
    EXPECT_EQ(netkit::ntohl(v), ::ntohl(v));
    EXPECT_EQ(netkit::ntohl(netkit::htonl(v)), v);
    const auto s = static_cast<std::uint16_t>(v);
    EXPECT_EQ(netkit::htons(s), ::htons(s));
    EXPECT_EQ(netkit::ntohs(s), ::ntohs(s));
  }
}

TEST(DefaultTimeout, InitiallyNoneAndSettable) {
  netkit_test::default_timeout_guard guard;
  EXPECT_FALSE(netkit::getdefaulttimeout().has_value());
  netkit::setdefaulttimeout(netkit::timeout_t(0.5s));
  ASSERT_TRUE(netkit::getdefaulttimeout());
  EXPECT_DOUBLE_EQ(netkit::getdefaulttimeout()->count(), 0.5);
  netkit::setdefaulttimeout(std::nullopt);
  EXPECT_FALSE(netkit::getdefaulttimeout().has_value());
}

TEST(HasIpv6, AgreesWithTheKernel) {
  const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_EQ(netkit::has_ipv6(), fd >= 0);
  if (fd >= 0) ::close(fd);
}

}  // namespace
