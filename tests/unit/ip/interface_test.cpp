// netkit/ip/interface.hpp: ipv4_interface and ipv6_interface.
#include "netkit/ip/interface.hpp"

#include <gtest/gtest.h>

#include <type_traits>

#include "netkit/repr.hpp"

namespace ip = netkit::ip;

static_assert(std::is_trivially_copyable_v<ip::ipv4_interface>);
static_assert(std::is_trivially_copyable_v<ip::ipv6_interface>);

TEST(interface, address_on_a_network) {
  const ip::ipv4_interface i("10.9.0.6/24");
  EXPECT_EQ(netkit::repr(i), "IPv4Interface('10.9.0.6/24')");
  EXPECT_EQ(i.network().str(), "10.9.0.0/24");
  EXPECT_EQ(i.ip().str(), "10.9.0.6");
  EXPECT_EQ(i.with_netmask(), "10.9.0.6/255.255.255.0");
  EXPECT_EQ(i.with_hostmask(), "10.9.0.6/0.0.0.255");
  EXPECT_EQ(i.reverse_pointer(), "6/24.0.9.10.in-addr.arpa");
  EXPECT_EQ(ip::ipv4_interface("10.9.0.6/255.255.255.0"), i);
  // Python's quirks: + n gives a /32, and is_unspecified is never true for IPv4.
  EXPECT_EQ((i + 1).str(), "10.9.0.7/32");
  EXPECT_FALSE(ip::ipv4_interface("0.0.0.0/32").is_unspecified());
  EXPECT_TRUE(ip::ipv6_interface("::/128").is_unspecified());
  EXPECT_FALSE(ip::ipv6_interface("::/64").is_unspecified());
}

TEST(interface, scope_ids) {
  const ip::ipv6_interface i("fe80::1%eth0/64");
  EXPECT_EQ(i.str(), "fe80::1%eth0/64");
  EXPECT_EQ(i.ip().str(), "fe80::1");
  EXPECT_EQ(i.with_prefixlen(), "fe80::1/64");
  EXPECT_EQ(i.network().str(), "fe80::/64");
  EXPECT_EQ(i.exploded(), "fe80:0000:0000:0000:0000:0000:0000:0001/64");
  EXPECT_EQ(ip::ipv6_interface("fe80::%eth0/64").network().str(), "fe80::%eth0/64");
}

TEST(interface, errors) {
  EXPECT_THROW(ip::ipv4_interface("10.9.0.6/33"), ip::netmask_value_error);
  EXPECT_THROW(ip::ipv4_interface("10.9.0.06/24"), ip::address_value_error);
  EXPECT_THROW(ip::ipv4_interface("1/2/3"), ip::address_value_error);
}
