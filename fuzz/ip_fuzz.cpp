// fuzz/ip_fuzz.cpp — libFuzzer target for netkit::ip's parsers (addresses, networks with every
// mask form, interfaces, scope ids). Besides "no crash, no hang, no sanitizer report", it checks
// invariants: whatever parses prints a text that parses back to an equal value, packed bytes
// round-trip, and the only exception anything throws is a netkit::value_error.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>

#include "netkit/ip.hpp"
#include "netkit/repr.hpp"

namespace {

namespace ip = netkit::ip;

void check(bool ok) {
  if (!ok) std::abort();
}

template <class A>
void exercise_address(const A& a) {
  check(A(a.str()) == a);
  check(A::from_packed(a.packed()).to_integer() == a.to_integer());
  (void)netkit::repr(a);
  (void)a.is_private();
  (void)a.is_global();
  try {
    check(A(a.exploded()).to_integer() == a.to_integer());
    (void)a.reverse_pointer();
  } catch (const ip::address_value_error&) {
    if constexpr (A::version() == 6) check(a.scope_id().has_value());  // Python's quirk only
  }
  try {
    (void)(a + 1);
    (void)(a - 1);
  } catch (const ip::address_value_error&) {
  }
}

template <class N>
void exercise_network(const N& n) {
  check(N(n.str()) == n);
  if constexpr (N::version() == 4) check(N(n.with_netmask(), false).prefixlen() == n.prefixlen());
  // A hostmask of all zeros or all ones reads back as a netmask (/0, /32), as in Python.
  if constexpr (N::version() == 4)
    if (n.prefixlen() != 0 && n.prefixlen() != 32)
      check(N(n.with_hostmask(), false).prefixlen() == n.prefixlen());
  check(n.contains(n.broadcast_address()) && n.subnet_of(n) && n.overlaps(n));
  (void)n.num_addresses().str();
  // Plain loops, not std::views::take: clang 14 cannot compile libstdc++ 12's views here.
  int count = 0;
  for (auto it = n.hosts().begin(); it != std::default_sentinel && count < 3; ++it, ++count)
    check(n.contains(*it));
  count = 0;
  const auto subnets = n.subnets(std::min(2, n.max_prefixlen() - n.prefixlen()));
  for (auto it = subnets.begin(); it != std::default_sentinel && count < 3; ++it, ++count)
    check((*it).subnet_of(n));
  check(n.supernet().supernet_of(n));
  check(n[-1] == n.broadcast_address());
  if (n.prefixlen() + 3 <= n.max_prefixlen()) {
    const auto inner = *n.subnets(3).begin();
    check(n.address_exclude(inner).size() == 3);
  }
}

template <class I>
void exercise_interface(const I& i) {
  check(I(i.str()) == i);
  check(i.network().contains(i.ip()));
  (void)i.with_hostmask();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    ip::ip_address(text).visit([](const auto& a) { exercise_address(a); });
  } catch (const netkit::value_error&) {
  }
  for (bool strict : {true, false}) {
    try {
      ip::ip_network(text, strict).visit([](const auto& n) { exercise_network(n); });
    } catch (const netkit::value_error&) {
    }
  }
  try {
    ip::ip_interface(text).visit([](const auto& i) { exercise_interface(i); });
  } catch (const netkit::value_error&) {
  }
  // The typed parsers must agree with the factory on what is valid IPv4.
  bool v4_ok = true;
  try {
    ip::ipv4_address a(text);
  } catch (const ip::address_value_error&) {
    v4_ok = false;
  }
  try {
    check(ip::ip_address(text).is_v4() == v4_ok);
  } catch (const netkit::value_error&) {
    check(!v4_ok);
  }
  return 0;
}
