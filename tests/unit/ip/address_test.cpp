// netkit/ip/address.hpp: ipv4_address and ipv6_address (expected values are CPython 3.11.7's;
// vectors_test.cpp checks thousands more).
#include "netkit/ip/address.hpp"

#include <gtest/gtest.h>

#include <type_traits>
#include <unordered_set>

#include "netkit/repr.hpp"

namespace ip = netkit::ip;

static_assert(std::is_trivially_copyable_v<ip::ipv4_address>);
static_assert(std::is_trivially_copyable_v<ip::ipv6_address>);
static_assert(sizeof(ip::ipv4_address) == 4);
// Usable in constant expressions.
static_assert(ip::ipv4_address(0x0A090006U).is_private());
static_assert(!ip::ipv4_address(0x08080808U).is_private());
static_assert((ip::ipv4_address(0xFFFFFFFEU) + 1).to_integer() == 0xFFFFFFFFU);
static_assert(ip::ipv6_address(1).is_loopback());

TEST(ipv4_address, parses_and_prints) {
  const ip::ipv4_address a("10.9.0.6");
  EXPECT_EQ(a.to_integer(), 168361990U);
  EXPECT_EQ(a.str(), "10.9.0.6");
  EXPECT_EQ(netkit::repr(a), "IPv4Address('10.9.0.6')");
  EXPECT_EQ(a.packed(), std::string("\x0a\x09\x00\x06", 4));
  EXPECT_EQ(a.reverse_pointer(), "6.0.9.10.in-addr.arpa");
  EXPECT_EQ(ip::ipv4_address::from_packed(a.packed()), a);
}

TEST(ipv4_address, rejects_what_python_rejects_with_its_message) {
  const auto message = [](const char* text) {
    try {
      ip::ipv4_address a(text);
      return std::string("no error");
    } catch (const ip::address_value_error& e) {
      return std::string(e.what());
    }
  };
  EXPECT_EQ(message("10.09.0.1"), "Leading zeros are not permitted in '09' in '10.09.0.1'");
  EXPECT_EQ(message("1.2.3"), "Expected 4 octets in '1.2.3'");
  EXPECT_EQ(message(""), "Address cannot be empty");
  EXPECT_EQ(message("1.2.3.256"), "Octet 256 (> 255) not permitted in '1.2.3.256'");
  EXPECT_EQ(message("1.2.3.4/8"), "Unexpected '/' in '1.2.3.4/8'");
  EXPECT_EQ(message("1..3.4"), "Empty octet not permitted in '1..3.4'");
}

TEST(ipv4_address, arithmetic_raises_like_python) {
  const ip::ipv4_address a("255.255.255.255");
  try {
    (void)(a + 1);
    FAIL();
  } catch (const ip::address_value_error& e) {
    EXPECT_STREQ(e.what(), "4294967296 (>= 2**32) is not permitted as an IPv4 address");
  }
  try {
    (void)(ip::ipv4_address(0) - 1);
    FAIL();
  } catch (const ip::address_value_error& e) {
    EXPECT_STREQ(e.what(), "-1 (< 0) is not permitted as an IPv4 address");
  }
  EXPECT_EQ(a - 255, ip::ipv4_address("255.255.255.0"));
  EXPECT_EQ(ip::ipv4_address(0) + ip::uint128{7}, ip::ipv4_address("0.0.0.7"));
}

TEST(ipv6_address, compresses_per_rfc_5952_as_python_does) {
  EXPECT_EQ(ip::ipv6_address("2001:0db8:0000:0000:0000:0000:0000:0001").str(), "2001:db8::1");
  EXPECT_EQ(ip::ipv6_address("1:0:0:1:0:0:0:1").str(), "1:0:0:1::1");
  EXPECT_EQ(ip::ipv6_address("1:0:1:0:1:0:1:0").str(), "1:0:1:0:1:0:1:0");
  EXPECT_EQ(ip::ipv6_address("::").str(), "::");
  EXPECT_EQ(ip::ipv6_address("::ffff:1.2.3.4").str(), "::ffff:102:304");
  EXPECT_EQ(ip::ipv6_address("::1").exploded(), "0000:0000:0000:0000:0000:0000:0000:0001");
}

TEST(ipv6_address, scope_ids) {
  const ip::ipv6_address a("fe80::1%eth0");
  ASSERT_TRUE(a.scope_id());
  EXPECT_EQ(*a.scope_id(), "eth0");
  EXPECT_EQ(a.str(), "fe80::1%eth0");
  EXPECT_EQ(netkit::repr(a), "IPv6Address('fe80::1%eth0')");
  EXPECT_NE(a, ip::ipv6_address("fe80::1"));
  EXPECT_EQ(a <=> ip::ipv6_address("fe80::1"), std::weak_ordering::equivalent);
  EXPECT_FALSE((a + 0).scope_id());
  // Python re-parses str(self) for exploded, which the scope id makes fail.
  EXPECT_THROW((void)a.exploded(), ip::address_value_error);
  EXPECT_THROW(ip::ipv6_address("fe80::1%"), ip::address_value_error);
  EXPECT_THROW(ip::ipv6_address("fe80::1%a%b"), ip::address_value_error);
}

TEST(ipv6_address, embedded_ipv4) {
  EXPECT_EQ(ip::ipv6_address("::ffff:10.0.0.1").ipv4_mapped(), ip::ipv4_address("10.0.0.1"));
  EXPECT_TRUE(ip::ipv6_address("::ffff:10.0.0.1").is_private());
  EXPECT_EQ(ip::ipv6_address("2002:c000:0204::1").sixtofour(), ip::ipv4_address("192.0.2.4"));
  const auto t = ip::ipv6_address("2001:0:4136:e378:8000:63bf:3fff:fdd2").teredo();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->first, ip::ipv4_address("65.54.227.120"));
  EXPECT_EQ(t->second, ip::ipv4_address("192.0.2.45"));
}

TEST(ip_addresses, hash_and_packing_functions) {
  std::unordered_set<ip::ipv6_address> set{ip::ipv6_address("::1"), ip::ipv6_address("::1"),
                                           ip::ipv6_address("::1%lo")};
  EXPECT_EQ(set.size(), 2U);
  EXPECT_EQ(ip::v4_int_to_packed(0x01020304), std::string("\x01\x02\x03\x04"));
  EXPECT_THROW(ip::v4_int_to_packed(-1), netkit::value_error);
  EXPECT_THROW(ip::v4_int_to_packed(std::uint64_t{1} << 32), netkit::value_error);
  EXPECT_EQ(ip::v6_int_to_packed(1).size(), 16U);
  EXPECT_EQ(ip::python_name(ip::address_value_error("x")), "AddressValueError");
}
