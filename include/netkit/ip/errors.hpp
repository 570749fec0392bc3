// netkit/ip/errors.hpp — the exceptions of netkit::ip, after Python's ipaddress (public).
//
// Python                      netkit::ip
// ipaddress.AddressValueError address_value_error   (a netkit::value_error)
// ipaddress.NetmaskValueError netmask_value_error   (a netkit::value_error)
// ValueError                  netkit::value_error   (host bits set, bad prefix arguments, ...)
// TypeError                   type_error            (mixed IPv4/IPv6 operands; a value_error)
// IndexError                  index_error           (network[n] out of range; a value_error)
//   try { netkit::ip::ipv4_address("10.09.0.1"); }
//   catch (const netkit::value_error& e) { netkit::ip::python_name(e); }  // "AddressValueError"
// Messages are Python's, word for word.
#pragma once

#include <exception>
#include <string_view>

#include "netkit/error.hpp"

namespace netkit::ip {

class address_value_error : public value_error {
 public:
  using value_error::value_error;
};

class netmask_value_error : public value_error {
 public:
  using value_error::value_error;
};

// Where Python raises TypeError at run time: operands of different IP versions.
class type_error : public value_error {
 public:
  using value_error::value_error;
};

// Where Python raises IndexError: network[n] past either end.
class index_error : public value_error {
 public:
  using value_error::value_error;
};

// The name of the Python exception class `e` stands for: "AddressValueError",
// "NetmaskValueError", "TypeError", "IndexError", "ValueError" (any other value_error), or
// "Exception" for anything else.
std::string_view python_name(const std::exception& e) noexcept;

}  // namespace netkit::ip
