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

// repr(str) for a UTF-8 string: '...' with Python's choice of quote and escapes. As in Python
// 3.11 (Unicode 14.0), every character that str.isprintable() rejects (categories Cc, Cf, Cs, Co,
// Cn, Zl, Zp, and Zs but the ASCII space) is escaped as \xNN, \uNNNN or \UNNNNNNNN, e.g. U+00A0
// as '\xa0', U+2028 as '\u2028', U+E0001 as '\U000e0001'; printable text (accents, CJK, emoji,
// combining marks) is kept as it is.
// A Python str cannot hold invalid UTF-8; a byte that does not belong to a well-formed sequence
// is printed as Python prints text decoded with errors='surrogateescape': byte 0xNN becomes the
// lone surrogate U+DCNN, shown as '\udcNN' (so b'\xff'.decode('utf-8', 'surrogateescape') and
// repr_str("\xff") agree).
std::string repr_str(std::string_view text);

}  // namespace netkit
