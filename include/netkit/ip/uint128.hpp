// netkit/ip/uint128.hpp — the 128-bit integers behind IPv6 values, and address_count, the exact
// number of addresses in a network (public).
//
// Python's int is unbounded; an IPv6 address needs 128 bits and IPv6Network('::/0').num_addresses
// is 2**128, one more than unsigned __int128 holds. address_count stores count - 1 and prints the
// exact decimal:   netkit::ip::ip_network("::/0").num_addresses().str()  // "340282366...456"
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace netkit::ip {

// GCC and Clang's 128-bit integers; __extension__ keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 uint128;
__extension__ typedef __int128 int128;

// Decimal text of a 128-bit value (Python's str(int)).
std::string to_decimal(uint128 value);
std::string to_decimal(int128 value);

// The number of addresses in a network, 1 ..= 2**128. Trivially copyable, totally ordered.
class address_count {
 public:
  // One address.
  constexpr address_count() noexcept = default;
  // The count of the inclusive range [first, last] (last >= first).
  static constexpr address_count of_range(uint128 first, uint128 last) noexcept {
    address_count c;
    c.minus_one_ = last - first;
    return c;
  }
  // The count as an integer; `fits()` is false only for 2**128.
  constexpr bool fits() const noexcept { return minus_one_ != ~uint128{0}; }
  constexpr uint128 value() const noexcept { return minus_one_ + 1; }  // 0 for 2**128
  constexpr uint128 minus_one() const noexcept { return minus_one_; }
  // Python's float(n): 2**128 is 3.402823669209385e+38.
  double to_double() const noexcept { return static_cast<double>(minus_one_) + 1.0; }
  // The exact decimal, as Python prints it.
  std::string str() const;

  friend constexpr bool operator==(address_count, address_count) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(address_count a, address_count b) noexcept {
    return a.minus_one_ <=> b.minus_one_;
  }

 private:
  uint128 minus_one_ = 0;
};

}  // namespace netkit::ip
