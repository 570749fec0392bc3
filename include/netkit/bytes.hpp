// netkit/bytes.hpp — Python's `bytes` as netkit spells it (public).
//
// A byte string is a std::string and a view of one is a std::string_view: both hold any byte,
// NULs included, convert from literals, and cost nothing to pass around.
//   netkit::bytes data = sock.recv(1024);
//   sock.sendall("ping");
// Print one as Python does with netkit::repr(data) (netkit/repr.hpp): b'ping'.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace netkit {

using bytes = std::string;
using bytes_view = std::string_view;
// A writable buffer for the *_into calls (recv_into, recvfrom_into).
using mutable_buffer = std::span<char>;

}  // namespace netkit
