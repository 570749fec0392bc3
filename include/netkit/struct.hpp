// netkit/struct.hpp — Python's struct module (umbrella header, public).
//
//   #include <netkit/struct.hpp>
//   auto b = netkit::pack("!HH", 1, 2);                 // b'\x00\x01\x00\x02'
//   auto [a, c] = netkit::static_struct<"!HH">::unpack(b);  // compile-time checked format
#pragma once

#include "netkit/struct/error.hpp"
#include "netkit/struct/half.hpp"
#include "netkit/struct/static_struct.hpp"
#include "netkit/struct/struct.hpp"
#include "netkit/struct/value.hpp"
