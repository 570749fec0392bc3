// Networks: text parsing (address, then prefix length, netmask or hostmask), formatting, and
// the methods that build other networks (subnets, supernet, address_exclude).
#include "netkit/ip/network.hpp"

#include <algorithm>
#include <bit>
#include <ostream>
#include <string>

#include "netkit/repr.hpp"
#include "parse.hpp"

namespace netkit::ip {

namespace detail {

namespace {

// _prefix_from_ip_int: the prefix length of a /1*0*/ mask, or -1.
template <class Int>
int prefix_from_int(Int v) {
  constexpr int bits = sizeof(Int) * 8;
  if (v == 0) return 0;
  int trailing = 0;
  while (((v >> trailing) & 1U) == 0) ++trailing;
  const int prefix = bits - trailing;
  const Int leading = static_cast<Int>(v >> trailing);
  const Int ones =
      prefix == bits ? static_cast<Int>(~Int{0}) : static_cast<Int>((Int{1} << prefix) - 1);
  return leading == ones ? prefix : -1;
}

// _make_netmask for a string argument.
template <class Address>
bool parse_mask(std::string_view mask, int& prefixlen, std::string* message) {
  constexpr int bits = Address::max_prefixlen();
  const bool digits = !mask.empty() && std::all_of(mask.begin(), mask.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    int value = 0;
    for (char c : mask) {
      value = value * 10 + (c - '0');
      if (value > bits) break;
    }
    if (value <= bits) {
      prefixlen = value;
      return true;
    }
  }
  if constexpr (bits == 32) {
    std::uint32_t v = 0;
    if (parse_v4_int(mask, v, nullptr)) {
      int p = prefix_from_int(v);
      if (p < 0) p = prefix_from_int(static_cast<std::uint32_t>(~v));
      if (p >= 0) {
        prefixlen = p;
        return true;
      }
    }
  }
  if (message != nullptr) *message = repr_str(mask) + " is not a valid netmask";
  return false;
}

}  // namespace

template <class Address>
failure parse_address_mask(std::string_view address_text, std::string_view mask_text,
                           Address& address, int& prefixlen, std::string* message) {
  if (!parse_address(address_text, address, message)) return failure::address;
  if (!parse_mask<Address>(mask_text, prefixlen, message)) return failure::netmask;
  return failure::none;
}

template <class Address>
failure parse_address_prefix(std::string_view text, Address& address, int& prefixlen,
                             std::string* message) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    if (!parse_address(text, address, message)) return failure::address;
    prefixlen = Address::max_prefixlen();
    return failure::none;
  }
  if (text.find('/', slash + 1) != std::string_view::npos) {
    if (message != nullptr) *message = "Only one '/' permitted in " + repr_str(text);
    return failure::address;
  }
  return parse_address_mask(text.substr(0, slash), text.substr(slash + 1), address, prefixlen,
                            message);
}

template failure parse_address_prefix(std::string_view, ipv4_address&, int&, std::string*);
template failure parse_address_prefix(std::string_view, ipv6_address&, int&, std::string*);
template failure parse_address_mask(std::string_view, std::string_view, ipv4_address&, int&,
                                    std::string*);
template failure parse_address_mask(std::string_view, std::string_view, ipv6_address&, int&,
                                    std::string*);

[[noreturn]] void throw_failure(failure f, std::string message) {
  if (f == failure::address) throw address_value_error(std::move(message));
  throw netmask_value_error(std::move(message));
}

}  // namespace detail

template <class Address>
basic_network<Address>::basic_network(std::string_view text, bool strict) {
  Address address;
  int prefixlen = 0;
  std::string message;
  const auto f = detail::parse_address_prefix(text, address, prefixlen, &message);
  if (f != detail::failure::none) detail::throw_failure(f, std::move(message));
  *this = basic_network(address, prefixlen, strict);
}

template <class Address>
basic_network<Address>::basic_network(std::string_view address_text, std::string_view mask_text,
                                      bool strict) {
  Address address;
  int prefixlen = 0;
  std::string message;
  const auto f = detail::parse_address_mask(address_text, mask_text, address, prefixlen, &message);
  if (f != detail::failure::none) detail::throw_failure(f, std::move(message));
  *this = basic_network(address, prefixlen, strict);
}

template <class Address>
std::string basic_network<Address>::str() const {
  return network_address_.str() + "/" + std::to_string(prefixlen_);
}

template <class Address>
std::string basic_network<Address>::exploded() const {
  return network_address_.exploded() + "/" + std::to_string(prefixlen_);
}

template <class Address>
std::string basic_network<Address>::reverse_pointer() const {
  if constexpr (bits == 32)
    return detail::reverse_pointer_v4(str());
  else
    return detail::reverse_pointer_v6(exploded());
}

template <class Address>
std::string basic_network<Address>::with_netmask() const {
  return network_address_.str() + "/" + netmask().str();
}

template <class Address>
std::string basic_network<Address>::with_hostmask() const {
  return network_address_.str() + "/" + hostmask().str();
}

template <class Address>
network_range<Address> basic_network<Address>::subnets(int prefixlen_diff,
                                                       std::optional<int> new_prefix) const {
  if (prefixlen_ == bits) return network_range<Address>(*this, first());
  if (new_prefix) {
    if (*new_prefix < prefixlen_) detail::throw_value_error("new prefix must be longer");
    if (prefixlen_diff != 1) detail::throw_value_error("cannot set prefixlen_diff and new_prefix");
    prefixlen_diff = *new_prefix - prefixlen_;
  }
  if (prefixlen_diff < 0) detail::throw_value_error("prefix length diff must be > 0");
  if (prefixlen_diff > bits - prefixlen_)
    detail::throw_value_error("prefix length diff " +
                              std::to_string(static_cast<long long>(prefixlen_) + prefixlen_diff) +
                              " is invalid for netblock " + str());
  const int new_prefixlen = prefixlen_ + prefixlen_diff;
  const int_type step_mask = static_cast<int_type>(~detail::mask_of<int_type>(new_prefixlen));
  const int_type last_start = static_cast<int_type>(last() & ~step_mask);
  return network_range<Address>(basic_network(Address(first()), new_prefixlen), last_start);
}

template <class Address>
basic_network<Address> basic_network<Address>::supernet(int prefixlen_diff,
                                                        std::optional<int> new_prefix) const {
  if (prefixlen_ == 0) return *this;
  if (new_prefix) {
    if (*new_prefix > prefixlen_) detail::throw_value_error("new prefix must be shorter");
    if (prefixlen_diff != 1) detail::throw_value_error("cannot set prefixlen_diff and new_prefix");
    const long long diff = static_cast<long long>(prefixlen_) - *new_prefix;
    if (diff > prefixlen_)
      detail::throw_value_error("current prefixlen is " + std::to_string(prefixlen_) +
                                ", cannot have a prefixlen_diff of " + std::to_string(diff));
    prefixlen_diff = static_cast<int>(diff);
  }
  if (prefixlen_diff > prefixlen_)
    detail::throw_value_error("current prefixlen is " + std::to_string(prefixlen_) +
                              ", cannot have a prefixlen_diff of " +
                              std::to_string(prefixlen_diff));
  const int new_prefixlen = prefixlen_ - prefixlen_diff;
  if (prefixlen_diff < 0) detail::throw_value_error("negative shift count");
  return basic_network(
      Address(static_cast<int_type>(first() & detail::mask_of<int_type>(new_prefixlen))),
      new_prefixlen);
}

template <class Address>
std::vector<basic_network<Address>> basic_network<Address>::address_exclude(
    const basic_network& other) const {
  if (!other.subnet_of(*this))
    detail::throw_value_error(other.str() + " not contained in " + str());
  std::vector<basic_network> out;
  if (other == *this) return out;
  const basic_network target(Address(other.first()), other.prefixlen_);
  // Halve the block, keeping the half without `target`, until the half is `target`.
  basic_network current(Address(first()), prefixlen_);
  while (current.prefixlen_ < target.prefixlen_) {
    const int p = current.prefixlen_ + 1;
    const basic_network s1(Address(current.first()), p);
    const basic_network s2(
        Address(static_cast<int_type>(current.first() | (int_type{1} << (bits - p)))), p);
    if (target.subnet_of(s1)) {
      out.push_back(s2);
      current = s1;
    } else {
      out.push_back(s1);
      current = s2;
    }
  }
  if (current != target)  // Python's AssertionError: only a scope id can bring us here
    detail::throw_value_error("Error performing exclusion: " + current.str() + " " + target.str());
  return out;
}

// The out-of-line members, for both families. (Not `template class basic_network<...>`: clang 14
// would instantiate the IPv6-only members for IPv4 too.)
#define NETKIT_IP_NETWORK_MEMBERS(A)                                                   \
  template basic_network<A>::basic_network(std::string_view, bool);                    \
  template basic_network<A>::basic_network(std::string_view, std::string_view, bool);  \
  template std::string basic_network<A>::str() const;                                  \
  template std::string basic_network<A>::exploded() const;                             \
  template std::string basic_network<A>::reverse_pointer() const;                      \
  template std::string basic_network<A>::with_netmask() const;                         \
  template std::string basic_network<A>::with_hostmask() const;                        \
  template network_range<A> basic_network<A>::subnets(int, std::optional<int>) const;  \
  template basic_network<A> basic_network<A>::supernet(int, std::optional<int>) const; \
  template std::vector<basic_network<A>> basic_network<A>::address_exclude(            \
      const basic_network<A>&) const;
NETKIT_IP_NETWORK_MEMBERS(ipv4_address)
NETKIT_IP_NETWORK_MEMBERS(ipv6_address)
#undef NETKIT_IP_NETWORK_MEMBERS

std::ostream& operator<<(std::ostream& out, const ipv4_network& n) { return out << n.str(); }
std::ostream& operator<<(std::ostream& out, const ipv6_network& n) { return out << n.str(); }

}  // namespace netkit::ip

namespace netkit {
std::string repr(const ip::ipv4_network& n) { return "IPv4Network(" + repr_str(n.str()) + ")"; }
std::string repr(const ip::ipv6_network& n) { return "IPv6Network(" + repr_str(n.str()) + ")"; }
}  // namespace netkit
