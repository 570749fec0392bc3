// Decimal text of 128-bit integers and of address counts up to 2**128.
#include "netkit/ip/uint128.hpp"

#include <algorithm>

namespace netkit::ip {

std::string to_decimal(uint128 value) {
  if (value == 0) return "0";
  std::string digits;
  while (value != 0) {
    digits += static_cast<char>('0' + static_cast<int>(value % 10));
    value /= 10;
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string to_decimal(int128 value) {
  if (value >= 0) return to_decimal(static_cast<uint128>(value));
  return "-" + to_decimal(uint128{0} - static_cast<uint128>(value));
}

std::string address_count::str() const {
  if (minus_one_ != ~uint128{0}) return to_decimal(minus_one_ + 1);
  return "340282366920938463463374607431768211456";  // 2**128
}

}  // namespace netkit::ip
