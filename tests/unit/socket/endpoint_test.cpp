// Tests for netkit/socket/endpoint.hpp: the (host, port) / path argument of bind, connect and
// sendto, resolved for a family as Python's socket module does it.
#include "netkit/socket/endpoint.hpp"

#include <gtest/gtest.h>
#include <netdb.h>

#include <string>

#include "netkit/error.hpp"
#include "netkit/repr.hpp"
#include "unit/socket/helpers.hpp"

namespace {

using netkit::endpoint;
using netkit::socket_address;

TEST(Endpoint, Kinds) {
  endpoint hp("example.invalid", 80);
  EXPECT_EQ(hp.which(), endpoint::kind::host_port);
  EXPECT_EQ(hp.host(), "example.invalid");
  EXPECT_EQ(hp.port(), 80);
  endpoint p("/tmp/x.sock");
  EXPECT_EQ(p.which(), endpoint::kind::path);
  EXPECT_EQ(p.host(), "/tmp/x.sock");
  endpoint r(socket_address::ipv4("127.0.0.1", 9));
  EXPECT_EQ(r.which(), endpoint::kind::resolved);
  EXPECT_EQ(r.resolved(), socket_address::ipv4("127.0.0.1", 9));
  const std::string s = "/tmp/y";
  EXPECT_EQ(endpoint(s).which(), endpoint::kind::path);
  EXPECT_EQ(endpoint(std::string_view("/tmp/z")).which(), endpoint::kind::path);
}

TEST(Endpoint, PortRange) {
  // Python: OverflowError: connect(): port must be 0-65535.
  EXPECT_NO_THROW(endpoint("h", 0));
  EXPECT_NO_THROW(endpoint("h", 65535));
  EXPECT_THROW(endpoint("h", 65536), netkit::value_error);
  EXPECT_THROW(endpoint("h", -1), netkit::value_error);
  EXPECT_THROW(endpoint("h", 70000), netkit::value_error);
  try {
    endpoint("h", 70000);
  } catch (const netkit::value_error& e) {
    EXPECT_NE(std::string(e.what()).find("port must be 0-65535"), std::string::npos) << e.what();
  }
}

TEST(Endpoint, ToString) {
  EXPECT_EQ(endpoint("localhost", 10000).to_string(), "localhost:10000");
  EXPECT_EQ(endpoint("::1", 80).to_string(), "[::1]:80");
  EXPECT_EQ(endpoint("/tmp/sock").to_string(), "/tmp/sock");
  EXPECT_EQ(endpoint(socket_address::ipv6("::1", 80)).to_string(), "[::1]:80");
}

TEST(Endpoint, ResolvesNumericText) {
  EXPECT_EQ(endpoint("127.0.0.1", 80).resolve(AF_INET), socket_address::ipv4("127.0.0.1", 80));
  EXPECT_EQ(endpoint("::1", 80).resolve(AF_INET6), socket_address::ipv6("::1", 80));
  EXPECT_EQ(endpoint("fe80::1", 80, 3, 4).resolve(AF_INET6),
            socket_address::ipv6("fe80::1", 80, 3, 4));
}

TEST(Endpoint, WildcardAndBroadcast) {
  // Python's setipaddr(): '' is INADDR_ANY / in6addr_any, '<broadcast>' INADDR_BROADCAST.
  EXPECT_EQ(endpoint("", 5).resolve(AF_INET), socket_address::ipv4("0.0.0.0", 5));
  EXPECT_EQ(endpoint("", 5).resolve(AF_INET6), socket_address::ipv6("::", 5));
  EXPECT_EQ(endpoint("<broadcast>", 5).resolve(AF_INET),
            socket_address::ipv4("255.255.255.255", 5));
}

TEST(Endpoint, ResolvesNames) {
  EXPECT_EQ(endpoint("localhost", 7).resolve(AF_INET), socket_address::ipv4("127.0.0.1", 7));
}

TEST(Endpoint, Paths) {
  EXPECT_EQ(endpoint("/tmp/s").resolve(AF_UNIX), socket_address::unix_path("/tmp/s"));
  EXPECT_EQ(endpoint(std::string("\0abs", 4)).resolve(AF_UNIX), socket_address::abstract("abs"));
}

TEST(Endpoint, ResolvedIsReturnedAsIs) {
  const auto a = socket_address::ipv6("::1", 1, 2, 3);
  EXPECT_EQ(endpoint(a).resolve(AF_INET6), a);
}

TEST(Endpoint, FailuresThrowOrSetTheCode) {
  // Python: gaierror [Errno -2] Name or service not known.
  EXPECT_THROW(endpoint("nosuchname.invalid", 1).resolve(AF_INET), netkit::gai_error);
  EXPECT_THROW(endpoint("1.2.3.4.5", 1).resolve(AF_INET), netkit::gai_error);
  // Python: gaierror [Errno -9] Address family for hostname not supported.
  try {
    endpoint("::1", 1).resolve(AF_INET);
    FAIL() << "no exception";
  } catch (const netkit::gai_error& e) {
    EXPECT_EQ(e.code(), std::error_code(EAI_ADDRFAMILY, netkit::gai_category()));
    EXPECT_NE(std::string(e.what()).find("::1"), std::string::npos) << e.what();
  }
  std::error_code ec;
  const auto a = endpoint("nosuchname.invalid", 1).resolve(AF_INET, ec);
  EXPECT_EQ(ec.category(), netkit::gai_category());
  EXPECT_EQ(a.family(), AF_UNSPEC);
  ec.clear();
  const auto b = endpoint("127.0.0.1", 1).resolve(AF_INET, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(b.port(), 1);
}

TEST(Endpoint, PathTooLongIsAnError) {
  std::error_code ec;
  endpoint(std::string(300, 'p')).resolve(AF_UNIX, ec);
  EXPECT_TRUE(ec);
  EXPECT_ANY_THROW(endpoint(std::string(300, 'p')).resolve(AF_UNIX));
}

}  // namespace
