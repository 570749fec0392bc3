// netkit/ip.hpp — everything of netkit::ip, the C++ twin of Python's ipaddress module (public).
//
//   #include "netkit/ip.hpp"
//   auto net = netkit::ip::ip_network("10.9.0.0/24");
//   std::cout << netkit::repr(net) << '\n';   // IPv4Network('10.9.0.0/24')
// See the headers below for each piece; docs/python_mapping.md maps the Python names.
#pragma once

#include "netkit/ip/address.hpp"    // ipv4_address, ipv6_address, v4/v6_int_to_packed
#include "netkit/ip/errors.hpp"     // address_value_error, netmask_value_error, python_name
#include "netkit/ip/factories.hpp"  // ip_address, ip_network, ip_interface
#include "netkit/ip/functions.hpp"  // summarize_address_range, collapse_addresses
#include "netkit/ip/interface.hpp"  // ipv4_interface, ipv6_interface
#include "netkit/ip/network.hpp"    // ipv4_network, ipv6_network, lazy ranges
#include "netkit/ip/uint128.hpp"    // uint128, address_count
