// netkit/ip/factories.hpp, functions.hpp and uint128.hpp.
#include "netkit/ip/factories.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "netkit/ip/functions.hpp"
#include "netkit/repr.hpp"

namespace ip = netkit::ip;

TEST(factories, pick_the_version) {
  EXPECT_EQ(ip::ip_address("10.9.0.6").version(), 4);
  EXPECT_EQ(ip::ip_address("::1").version(), 6);
  EXPECT_EQ(netkit::repr(ip::ip_network("10.0.0.1/24", false)), "IPv4Network('10.0.0.0/24')");
  EXPECT_EQ(netkit::repr(ip::ip_interface("::1/64")), "IPv6Interface('::1/64')");
  EXPECT_EQ(netkit::repr(ip::ip_address(4294967296ULL)), "IPv6Address('::1:0:0')");
  try {
    ip::ip_address("10.9.0.06");
    FAIL();
  } catch (const netkit::value_error& e) {
    EXPECT_STREQ(e.what(), "'10.9.0.06' does not appear to be an IPv4 or IPv6 address");
    EXPECT_EQ(ip::python_name(e), "ValueError");
  }
  // Host bits are a ValueError that ip_network lets through, as Python does.
  try {
    ip::ip_network("10.0.0.1/24");
    FAIL();
  } catch (const netkit::value_error& e) {
    EXPECT_STREQ(e.what(), "10.0.0.1/24 has host bits set");
  }
  EXPECT_THROW((void)(ip::ip_address("::1") < ip::ip_address("1.2.3.4")), ip::type_error);
  EXPECT_NE(ip::ip_address("::1"), ip::ip_address("0.0.0.1"));
}

TEST(functions, summarize_and_collapse) {
  const auto s =
      ip::summarize_address_range(ip::ipv4_address("192.0.2.0"), ip::ipv4_address("192.0.2.130"));
  ASSERT_EQ(s.size(), 3U);
  EXPECT_EQ(s[0].str(), "192.0.2.0/25");
  EXPECT_EQ(s[1].str(), "192.0.2.128/31");
  EXPECT_EQ(s[2].str(), "192.0.2.130/32");
  const auto all = ip::summarize_address_range(
      ip::ipv6_address("::"), ip::ipv6_address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].str(), "::/0");
  const auto c = ip::collapse_addresses(
      std::vector{ip::ipv4_network("192.0.2.0/25"), ip::ipv4_network("192.0.2.128/25")});
  ASSERT_EQ(c.size(), 1U);
  EXPECT_EQ(c[0].str(), "192.0.2.0/24");
  EXPECT_THROW(ip::summarize_address_range(ip::ip_address("::1"), ip::ip_address("1.2.3.4")),
               ip::type_error);
  EXPECT_THROW(
      ip::summarize_address_range(ip::ipv4_address("1.2.3.5"), ip::ipv4_address("1.2.3.4")),
      netkit::value_error);
}

TEST(uint128, decimal) {
  EXPECT_EQ(ip::to_decimal(~ip::uint128{0}), "340282366920938463463374607431768211455");
  EXPECT_EQ(ip::to_decimal(ip::int128{-5}), "-5");
  EXPECT_EQ(ip::address_count().str(), "1");
}
