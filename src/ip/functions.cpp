// summarize_address_range and collapse_addresses, following CPython's algorithms step by step
// (the merge loop of _collapse_addresses_internal included) so that results match exactly.
#include "netkit/ip/functions.hpp"

#include <algorithm>
#include <bit>
#include <map>
#include <utility>

namespace netkit::ip {

namespace {

template <class Int>
int bit_length(Int v) {
  int n = 0;
  while (v != 0) {
    v >>= 1;
    ++n;
  }
  return n;
}

template <class Int>
int right_zero_bits(Int v, int bits) {
  if (v == 0) return bits;
  int n = 0;
  while (((v >> n) & 1U) == 0) ++n;
  return std::min(n, bits);
}

template <class Address>
void summarize(typename Address::int_type first, typename Address::int_type last,
               std::vector<basic_network<Address>>& out) {
  using int_type = typename Address::int_type;
  constexpr int bits = Address::max_prefixlen();
  for (;;) {
    const int_type span = static_cast<int_type>(last - first);
    const int span_bits = span == static_cast<int_type>(~int_type{0})
                              ? bits
                              : bit_length(static_cast<int_type>(span + 1)) - 1;
    const int nbits = std::min(right_zero_bits(first, bits), span_bits);
    out.emplace_back(Address(first), bits - nbits);
    const int_type net_last = static_cast<int_type>(
        first | (nbits == 0 ? int_type{0} : static_cast<int_type>(~int_type{0} >> (bits - nbits))));
    if (net_last == last || net_last == static_cast<int_type>(~int_type{0})) break;
    first = static_cast<int_type>(net_last + 1);
  }
}

// _collapse_addresses_internal.
template <class Address>
std::vector<basic_network<Address>> collapse_internal(
    std::vector<basic_network<Address>> to_merge) {
  using net = basic_network<Address>;
  using key = std::pair<typename Address::int_type, int>;
  std::map<key, net> subnets;
  while (!to_merge.empty()) {
    const net n = to_merge.back();
    to_merge.pop_back();
    const net super = n.supernet();
    const key k{super.network_address().to_integer(), super.prefixlen()};
    auto it = subnets.find(k);
    if (it == subnets.end()) {
      subnets.emplace(k, n);
    } else if (it->second != n) {
      subnets.erase(it);
      to_merge.push_back(super);
    }
  }
  std::vector<net> sorted;
  sorted.reserve(subnets.size());
  for (const auto& [k, n] : subnets) sorted.push_back(n);
  std::stable_sort(sorted.begin(), sorted.end());
  std::vector<net> out;
  for (const net& n : sorted) {
    if (!out.empty() &&
        out.back().broadcast_address().to_integer() >= n.broadcast_address().to_integer())
      continue;
    out.push_back(n);
  }
  return out;
}

}  // namespace

template <class Address>
std::vector<basic_network<Address>> summarize_address_range(const Address& first,
                                                            const Address& last) {
  if (first.to_integer() > last.to_integer())
    throw value_error("last IP address must be greater than first");
  std::vector<basic_network<Address>> out;
  summarize<Address>(first.to_integer(), last.to_integer(), out);
  return out;
}

template <class Address>
std::vector<basic_network<Address>> collapse_addresses(
    std::span<const basic_network<Address>> networks, std::span<const Address> addresses) {
  using int_type = typename Address::int_type;
  std::vector<int_type> ips;
  std::vector<basic_network<Address>> merged;
  for (const Address& a : addresses) ips.push_back(a.to_integer());
  for (const auto& n : networks) {
    if (n.prefixlen() == n.max_prefixlen()) {
      ips.push_back(n.network_address().to_integer());
    }
  }
  std::sort(ips.begin(), ips.end());
  ips.erase(std::unique(ips.begin(), ips.end()), ips.end());
  for (std::size_t i = 0; i < ips.size();) {
    std::size_t j = i;
    while (j + 1 < ips.size() && ips[j + 1] == ips[j] + 1) ++j;
    summarize<Address>(ips[i], ips[j], merged);
    i = j + 1;
  }
  for (const auto& n : networks)
    if (n.prefixlen() != n.max_prefixlen()) merged.push_back(n);
  return collapse_internal<Address>(std::move(merged));
}

template std::vector<ipv4_network> summarize_address_range(const ipv4_address&,
                                                           const ipv4_address&);
template std::vector<ipv6_network> summarize_address_range(const ipv6_address&,
                                                           const ipv6_address&);
template std::vector<ipv4_network> collapse_addresses(std::span<const ipv4_network>,
                                                      std::span<const ipv4_address>);
template std::vector<ipv6_network> collapse_addresses(std::span<const ipv6_network>,
                                                      std::span<const ipv6_address>);

std::vector<network> summarize_address_range(const address& first, const address& last) {
  if (first.version() != last.version())
    throw type_error(first.str() + " and " + last.str() + " are not of the same version");
  std::vector<network> out;
  if (first.is_v4()) {
    for (const auto& n : summarize_address_range(first.v4(), last.v4())) out.emplace_back(n);
  } else {
    for (const auto& n : summarize_address_range(first.v6(), last.v6())) out.emplace_back(n);
  }
  return out;
}

std::vector<network> collapse_addresses(std::span<const network> networks,
                                        std::span<const address> addresses) {
  std::vector<ipv4_network> n4;
  std::vector<ipv6_network> n6;
  std::vector<ipv4_address> a4;
  std::vector<ipv6_address> a6;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0 && addresses[i].version() != addresses[i - 1].version())
      throw type_error(addresses[i].str() + " and " + addresses[i - 1].str() +
                       " are not of the same version");
    if (addresses[i].is_v4())
      a4.push_back(addresses[i].v4());
    else
      a6.push_back(addresses[i].v6());
  }
  for (std::size_t i = 0; i < networks.size(); ++i) {
    if (i > 0 && networks[i].version() != networks[i - 1].version())
      throw type_error(networks[i].str() + " and " + networks[i - 1].str() +
                       " are not of the same version");
    if (networks[i].is_v4())
      n4.push_back(networks[i].v4());
    else
      n6.push_back(networks[i].v6());
  }
  if ((!a4.empty() || !n4.empty()) && (!a6.empty() || !n6.empty())) {
    const std::string a = !a4.empty() ? a4.front().str() : n4.front().str();
    const std::string b = !a6.empty() ? a6.front().str() : n6.front().str();
    throw type_error(a + " and " + b + " are not of the same version");
  }
  std::vector<network> out;
  for (const auto& n : collapse_addresses<ipv4_address>(n4, a4)) out.emplace_back(n);
  for (const auto& n : collapse_addresses<ipv6_address>(n6, a6)) out.emplace_back(n);
  return out;
}

}  // namespace netkit::ip
