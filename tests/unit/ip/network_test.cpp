// netkit/ip/network.hpp: ipv4_network, ipv6_network and their lazy ranges.
#include "netkit/ip/network.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ranges>
#include <type_traits>
#include <vector>

#include "netkit/repr.hpp"

namespace ip = netkit::ip;

static_assert(std::is_trivially_copyable_v<ip::ipv4_network>);
static_assert(std::is_trivially_copyable_v<ip::ipv6_network>);
static_assert(std::ranges::input_range<ip::address_range<ip::ipv6_address>>);
static_assert(ip::ipv4_network(ip::ipv4_address(0x0A000000U), 8).is_private());
static_assert(ip::ipv4_network(ip::ipv4_address(0x0A000000U), 8).num_addresses().value() ==
              1U << 24);

TEST(network, masks_in_every_form) {
  EXPECT_EQ(ip::ipv4_network("10.9.0.0/255.255.255.0"), ip::ipv4_network("10.9.0.0/24"));
  EXPECT_EQ(ip::ipv4_network("10.9.0.0/0.0.0.255"), ip::ipv4_network("10.9.0.0/24"));
  EXPECT_EQ(ip::ipv4_network("10.9.0.0/024").prefixlen(), 24);
  EXPECT_THROW(ip::ipv4_network("10.0.0.0/255.0.255.0"), ip::netmask_value_error);
  EXPECT_THROW(ip::ipv6_network("::/129"), ip::netmask_value_error);
  try {
    ip::ipv4_network("10.0.0.1/24");
    FAIL();
  } catch (const netkit::value_error& e) {
    EXPECT_STREQ(e.what(), "10.0.0.1/24 has host bits set");
    EXPECT_EQ(ip::python_name(e), "ValueError");
  }
  EXPECT_EQ(ip::ipv4_network("10.0.0.1/24", false).str(), "10.0.0.0/24");
}

TEST(network, facts) {
  const ip::ipv4_network n("10.9.0.0/24");
  EXPECT_EQ(netkit::repr(n), "IPv4Network('10.9.0.0/24')");
  EXPECT_EQ(n.broadcast_address(), ip::ipv4_address("10.9.0.255"));
  EXPECT_EQ(n.with_netmask(), "10.9.0.0/255.255.255.0");
  EXPECT_EQ(n.with_hostmask(), "10.9.0.0/0.0.0.255");
  EXPECT_EQ(n.reverse_pointer(), "0/24.0.9.10.in-addr.arpa");
  EXPECT_EQ(n.num_addresses().str(), "256");
}

TEST(network, num_addresses_of_ipv6_slash_0_is_exact) {
  const ip::ipv6_network all("::/0");
  EXPECT_FALSE(all.num_addresses().fits());
  EXPECT_EQ(all.num_addresses().str(), "340282366920938463463374607431768211456");
  EXPECT_EQ(ip::ipv6_network("::/1").num_addresses().str(),
            "170141183460469231731687303715884105728");
  EXPECT_LT(ip::ipv6_network("::/1").num_addresses(), all.num_addresses());
}

TEST(network, hosts_of_a_slash_64_are_lazy) {
  const ip::ipv6_network net("fdfd:87b5:b475:5e3e::/64");
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> first;
  for (const auto& h : net.hosts() | std::views::take(3)) first.push_back(h.str());
  EXPECT_EQ(first, (std::vector<std::string>{"fdfd:87b5:b475:5e3e::1", "fdfd:87b5:b475:5e3e::2",
                                             "fdfd:87b5:b475:5e3e::3"}));
  EXPECT_EQ(net.hosts().size().str(), "18446744073709551615");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  // The whole IPv6 space iterates too; its last element is reachable by index.
  const ip::ipv6_network all("::/0");
  EXPECT_EQ((*all.begin()).str(), "::");
  EXPECT_EQ(all[-1].str(), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  EXPECT_THROW((void)ip::ipv4_network("10.0.0.0/30")[4], ip::index_error);
}

template <class Range>
std::vector<std::string> strs(const Range& r) {
  std::vector<std::string> out;
  for (const auto& x : r) out.push_back(x.str());
  return out;
}

TEST(network, hosts_follow_python_special_cases) {
  using v = std::vector<std::string>;
  EXPECT_EQ(strs(ip::ipv4_network("10.0.0.0/30").hosts()), (v{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(strs(ip::ipv4_network("10.0.0.0/31").hosts()), (v{"10.0.0.0", "10.0.0.1"}));
  EXPECT_EQ(strs(ip::ipv4_network("10.0.0.7/32").hosts()), (v{"10.0.0.7"}));
  EXPECT_EQ(strs(ip::ipv6_network("::/126").hosts()), (v{"::1", "::2", "::3"}));
  EXPECT_EQ(strs(ip::ipv6_network("fe80::1%eth0/128").hosts()), (v{"fe80::1%eth0"}));
}

TEST(network, subnets_supernet_exclude) {
  using v = std::vector<std::string>;
  const ip::ipv4_network n("192.0.2.0/24");
  EXPECT_EQ(strs(n.subnets()), (v{"192.0.2.0/25", "192.0.2.128/25"}));
  EXPECT_EQ(n.subnets(1, 26).size().str(), "4");
  EXPECT_EQ(n.supernet().str(), "192.0.2.0/23");
  EXPECT_EQ(n.supernet(1, 16).str(), "192.0.0.0/16");
  EXPECT_THROW((void)n.subnets(2, 26), netkit::value_error);
  EXPECT_THROW((void)n.supernet(25), netkit::value_error);
  EXPECT_EQ(
      strs(ip::ipv4_network("192.0.2.0/28").address_exclude(ip::ipv4_network("192.0.2.1/32"))),
      (v{"192.0.2.8/29", "192.0.2.4/30", "192.0.2.2/31", "192.0.2.0/32"}));
  // Splitting ::/0 into /128s is a lazy range too.
  EXPECT_EQ(ip::ipv6_network("::/0").subnets(1, 128).size().str(),
            "340282366920938463463374607431768211456");
  EXPECT_EQ((*ip::ipv6_network("::/0").subnets(128).begin()).str(), "::/128");
}

TEST(network, relations_and_order) {
  const ip::ipv4_network a("10.0.0.0/8"), b("10.1.0.0/16");
  EXPECT_TRUE(b.subnet_of(a));
  EXPECT_TRUE(a.supernet_of(b));
  EXPECT_TRUE(a.overlaps(b));
  EXPECT_TRUE(a.contains(ip::ipv4_address("10.200.0.1")));
  EXPECT_EQ(a.compare_networks(b), -1);
  EXPECT_LT(a, b);
  EXPECT_LT(ip::ipv4_network("10.0.0.0/8"), ip::ipv4_network("10.0.0.0/16"));
}
