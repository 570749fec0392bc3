// netkit/repr.hpp — Python's repr() for the values netkit programs print (public).
//
//   netkit::repr(netkit::bytes_view("ab\0", 3))  // b'ab\x00'
//   netkit::repr_str("it's")                     // "it's"
// Later layers add overloads for their own types (addresses, networks, socket addresses), so
// `netkit::repr(x)` prints what Python's repr(x) prints.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace netkit {

// repr(bytes): b'...' with Python's choice of quote and escapes (\t \n \r \\ \xNN).
std::string repr(std::string_view bytes);

// repr(str) for a UTF-8 string: '...' with Python's choice of quote; control characters
// escaped, printable non-ASCII text kept as it is.
std::string repr_str(std::string_view text);

}  // namespace netkit
