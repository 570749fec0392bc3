// python_name() and the throw helpers shared by the inline parts of netkit::ip.
#include "netkit/ip/errors.hpp"

#include <string>

#include "netkit/ip/address.hpp"
#include "netkit/ip/factories.hpp"
#include "netkit/ip/network.hpp"
#include "netkit/repr.hpp"
#include "parse.hpp"

namespace netkit::ip {

std::string_view python_name(const std::exception& e) noexcept {
  if (dynamic_cast<const address_value_error*>(&e) != nullptr) return "AddressValueError";
  if (dynamic_cast<const netmask_value_error*>(&e) != nullptr) return "NetmaskValueError";
  if (dynamic_cast<const type_error*>(&e) != nullptr) return "TypeError";
  if (dynamic_cast<const index_error*>(&e) != nullptr) return "IndexError";
  if (dynamic_cast<const value_error*>(&e) != nullptr) return "ValueError";
  return "Exception";
}

namespace detail {

std::string wide_to_string(wide_int n) {
  // n.carry adds 2**128 = 10 * q + 6.
  std::string digits;
  bool carry = n.carry;
  uint128 m = n.magnitude;
  constexpr uint128 q = (static_cast<uint128>(0x1999999999999999ULL) << 64) | 0x9999999999999999ULL;
  while (carry || m != 0) {
    const unsigned low = static_cast<unsigned>(m % 10) + (carry ? 6U : 0U);
    m = m / 10 + (carry ? q : 0) + low / 10;
    carry = false;
    digits.insert(digits.begin(), static_cast<char>('0' + low % 10));
  }
  if (digits.empty()) digits = "0";
  return n.negative ? "-" + digits : digits;
}

void throw_int_out_of_range(wide_int n, int version) {
  const std::string v = std::to_string(version);
  if (n.negative)
    throw address_value_error(wide_to_string(n) + " (< 0) is not permitted as an IPv" + v +
                              " address");
  throw address_value_error(wide_to_string(n) + " (>= 2**" + (version == 4 ? "32" : "128") +
                            ") is not permitted as an IPv" + v + " address");
}

void throw_packed_size(bytes_view packed, int version) {
  throw address_value_error(netkit::repr(packed) + " (len " + std::to_string(packed.size()) +
                            " != " + (version == 4 ? "4" : "16") + ") is not permitted as an IPv" +
                            std::to_string(version) + " address");
}

void throw_invalid_prefixlen(int prefixlen) {
  throw netmask_value_error(std::to_string(prefixlen) + " is not a valid netmask");
}

void throw_host_bits(const std::string& network_text) {
  throw value_error(network_text + " has host bits set");
}

void throw_value_error(std::string message) { throw value_error(std::move(message)); }

void throw_index_error() { throw index_error("address out of range"); }

void throw_not_same_version(const std::string& a, const std::string& b) {
  throw type_error(a + " and " + b + " are not of the same version");
}

void throw_not_an_address(wide_int n, const char* what) {
  throw value_error(wide_to_string(n) + " does not appear to be an IPv4 or IPv6 " + what);
}

}  // namespace detail
}  // namespace netkit::ip
