// netkit/ip/network.hpp — ipv4_network and ipv6_network, Python's ipaddress.IPv4Network and
// IPv6Network, and the lazy ranges their iteration, hosts() and subnets() return (public).
//
//   netkit::ip::ipv6_network net("fdfd:87b5:b475:5e3e::/64");
//   for (auto host : net.hosts() | std::views::take(3)) std::cout << host << '\n';  // no
//   allocation net.num_addresses().str();                    // "18446744073709551616"
//   netkit::ip::ipv4_network("10.0.0.1/24");      // value_error: 10.0.0.1/24 has host bits set
// Masks parse as a prefix length, and for IPv4 also as a netmask or a hostmask, as Python does.
//
// Thread safety: values; const use from many threads is safe.
#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netkit/ip/address.hpp"

namespace netkit::ip {

namespace detail {

template <class Int>
constexpr Int mask_of(int prefixlen) noexcept {
  constexpr int bits = sizeof(Int) * 8;
  return prefixlen == 0 ? Int{0} : static_cast<Int>(~Int{0} << (bits - prefixlen));
}

[[noreturn]] void throw_invalid_prefixlen(int prefixlen);            // NetmaskValueError
[[noreturn]] void throw_host_bits(const std::string& network_text);  // ValueError
[[noreturn]] void throw_value_error(std::string message);
[[noreturn]] void throw_index_error();

}  // namespace detail

// The addresses first, first + 1, ..., last (inclusive), made one at a time: a /0 range costs
// the same as a /32. The first element may carry a scope id (hosts() of a scoped /128).
template <class Address>
class address_range {
 public:
  using int_type = typename Address::int_type;

  class iterator {
   public:
    using value_type = Address;
    using difference_type = std::ptrdiff_t;
    constexpr iterator() noexcept = default;
    constexpr iterator(Address current, int_type last, bool done) noexcept
        : current_(current), last_(last), done_(done) {}
    constexpr Address operator*() const noexcept { return current_; }
    constexpr iterator& operator++() noexcept {
      if (current_.to_integer() == last_) {
        done_ = true;
      } else {
        current_ = Address(static_cast<int_type>(current_.to_integer() + 1));
      }
      return *this;
    }
    constexpr iterator operator++(int) noexcept {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.done_ == b.done_ && (a.done_ || a.current_.to_integer() == b.current_.to_integer());
    }
    friend constexpr bool operator==(const iterator& a, std::default_sentinel_t) noexcept {
      return a.done_;
    }

   private:
    Address current_{};
    int_type last_ = 0;
    bool done_ = true;
  };

  constexpr address_range() noexcept = default;  // empty
  constexpr address_range(Address first, int_type last) noexcept
      : first_(first), last_(last), empty_(first.to_integer() > last) {}
  constexpr iterator begin() const noexcept { return iterator(first_, last_, empty_); }
  constexpr std::default_sentinel_t end() const noexcept { return {}; }
  constexpr bool empty() const noexcept { return empty_; }
  constexpr address_count size() const noexcept {
    return address_count::of_range(first_.to_integer(), last_);  // not for an empty range
  }

 private:
  Address first_{};
  int_type last_ = 0;
  bool empty_ = true;
};

template <class Address>
class basic_network;

// The subnets of a network, made one at a time (a /0 split into /128s is fine to iterate).
template <class Address>
class network_range {
 public:
  using network_type = basic_network<Address>;
  using int_type = typename Address::int_type;

  class iterator {
   public:
    using value_type = network_type;
    using difference_type = std::ptrdiff_t;
    constexpr iterator() noexcept = default;
    constexpr iterator(network_type current, int_type last, bool done) noexcept
        : current_(current), last_(last), done_(done) {}
    constexpr network_type operator*() const noexcept { return current_; }
    constexpr iterator& operator++() noexcept {
      const int_type at = current_.network_address().to_integer();
      if (at == last_) {
        done_ = true;
      } else {
        const int_type step = static_cast<int_type>(current_.hostmask().to_integer() +
                                                    1);  // never the whole space here
        current_ = network_type(Address(static_cast<int_type>(at + step)), current_.prefixlen());
      }
      return *this;
    }
    constexpr iterator operator++(int) noexcept {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.done_ == b.done_ && (a.done_ || a.current_ == b.current_);
    }
    friend constexpr bool operator==(const iterator& a, std::default_sentinel_t) noexcept {
      return a.done_;
    }

   private:
    network_type current_{};
    int_type last_ = 0;
    bool done_ = true;
  };

  constexpr network_range() noexcept = default;
  // From `first` (a network of the new prefix length) to the one whose address is `last`.
  constexpr network_range(network_type first, int_type last) noexcept
      : first_(first), last_(last), empty_(false) {}
  constexpr iterator begin() const noexcept { return iterator(first_, last_, empty_); }
  constexpr std::default_sentinel_t end() const noexcept { return {}; }
  constexpr bool empty() const noexcept { return empty_; }
  // How many subnets: (last - first) / step + 1.
  constexpr address_count size() const noexcept {
    const int shift = first_.max_prefixlen() - first_.prefixlen();
    const uint128 span = static_cast<uint128>(last_ - first_.network_address().to_integer());
    return address_count::of_range(0, shift >= 128 ? 0 : span >> shift);
  }

 private:
  network_type first_{};
  int_type last_ = 0;
  bool empty_ = true;
};

template <class Address>
class basic_network {
 public:
  using address_type = Address;
  using int_type = typename Address::int_type;
  static constexpr int bits = Address::max_prefixlen();

  // The /max network of address 0 (0.0.0.0/32, ::/128).
  constexpr basic_network() noexcept = default;
  // IPv4Network(text, strict): "10.9.0.0/24", "10.9.0.0/255.255.255.0", "10.9.0.0/0.0.0.255",
  // "10.9.0.0" (/32). Throws address_value_error, netmask_value_error, or value_error (host bits
  // set, strict only); with strict = false host bits are cleared.
  explicit basic_network(std::string_view text, bool strict = true);
  // IPv4Network((address, prefixlen), strict).
  constexpr basic_network(const Address& address, int prefixlen, bool strict = true)
      : network_address_(address), prefixlen_(static_cast<std::uint8_t>(prefixlen)) {
    if (prefixlen < 0 || prefixlen > bits) detail::throw_invalid_prefixlen(prefixlen);
    const int_type ip = address.to_integer();
    const int_type mask = detail::mask_of<int_type>(prefixlen);
    if ((ip & mask) != ip) {
      if (strict) detail::throw_host_bits(address.str() + "/" + std::to_string(prefixlen));
      network_address_ = Address(static_cast<int_type>(ip & mask));
    }
  }
  // IPv4Network((address_text, mask_text), strict): the mask in any form the text form takes.
  basic_network(std::string_view address, std::string_view mask, bool strict = true);
  // IPv4Network(int) and IPv4Network(bytes): a /max network.
  constexpr explicit basic_network(const Address& address) noexcept
      : network_address_(address), prefixlen_(static_cast<std::uint8_t>(bits)) {}

  static constexpr int version() noexcept { return Address::version(); }
  static constexpr int max_prefixlen() noexcept { return bits; }
  // The network address keeps a scope id given in the text ("fe80::%eth0/64"), as Python's does.
  constexpr const Address& network_address() const noexcept { return network_address_; }
  constexpr Address netmask() const noexcept { return Address(mask()); }
  constexpr Address hostmask() const noexcept { return Address(static_cast<int_type>(~mask())); }
  constexpr Address broadcast_address() const noexcept {
    return Address(static_cast<int_type>(first() | ~mask()));
  }
  constexpr int prefixlen() const noexcept { return prefixlen_; }
  constexpr address_count num_addresses() const noexcept {
    return address_count::of_range(first(), last());
  }

  std::string str() const;  // "10.9.0.0/24"
  std::string compressed() const { return str(); }
  std::string exploded() const;         // IPv6: address_value_error if the address is scoped
  std::string reverse_pointer() const;  // Python's, "/24" and all: "0/24.0.9.10.in-addr.arpa"
  std::string with_prefixlen() const { return str(); }
  std::string with_netmask() const;   // "10.9.0.0/255.255.255.0"
  std::string with_hostmask() const;  // "10.9.0.0/0.0.0.255"

  constexpr bool is_private() const noexcept;
  constexpr bool is_global() const noexcept;
  constexpr bool is_multicast() const noexcept { return both(&Address::is_multicast); }
  constexpr bool is_reserved() const noexcept { return both(&Address::is_reserved); }
  constexpr bool is_link_local() const noexcept { return both(&Address::is_link_local); }
  constexpr bool is_unspecified() const noexcept { return both(&Address::is_unspecified); }
  constexpr bool is_loopback() const noexcept { return both(&Address::is_loopback); }
  constexpr bool is_site_local() const noexcept requires(bits == 128) {
    return both(&Address::is_site_local);
  }

  // Iteration over every address, network and broadcast included (Python's __iter__).
  constexpr address_range<Address> addresses() const noexcept {
    return address_range<Address>(Address(first()), last());
  }
  constexpr typename address_range<Address>::iterator begin() const noexcept {
    return addresses().begin();
  }
  constexpr std::default_sentinel_t end() const noexcept { return {}; }
  // The usable hosts: without the network and broadcast addresses for IPv4, without the
  // Subnet-Router anycast (the network address) for IPv6; all of a /31 (/127); the address
  // itself for a /32 (/128).
  constexpr address_range<Address> hosts() const noexcept {
    if (prefixlen_ == bits) return address_range<Address>(network_address_, first());
    if (prefixlen_ == bits - 1) return addresses();
    if constexpr (bits == 32) {
      return address_range<Address>(Address(first() + 1), last() - 1);
    } else {
      return address_range<Address>(Address(first() + 1), last());
    }
  }
  // network[n]; a negative n counts from the broadcast address. index_error out of range.
  template <integer I>
  constexpr Address operator[](I n) const {
    const detail::wide_int offset = detail::add(0, n, false);
    if (!offset.negative) {
      if (offset.magnitude > static_cast<uint128>(last() - first())) detail::throw_index_error();
      return Address(static_cast<int_type>(first() + offset.magnitude));
    }
    const uint128 back = offset.magnitude - 1;  // -1 is the broadcast address
    if (back > static_cast<uint128>(last() - first())) detail::throw_index_error();
    return Address(static_cast<int_type>(last() - back));
  }

  // `address in network`.
  constexpr bool contains(const Address& a) const noexcept {
    return (a.to_integer() & mask()) == first();
  }
  // `network in network` is always false in Python (use subnet_of).
  constexpr bool contains(const basic_network&) const noexcept { return false; }
  constexpr bool overlaps(const basic_network& other) const noexcept {
    return other.contains(network_address_) || other.contains(broadcast_address()) ||
           contains(other.network_address_) || contains(other.broadcast_address());
  }
  constexpr bool subnet_of(const basic_network& other) const noexcept {
    return other.first() <= first() && other.last() >= last();
  }
  constexpr bool supernet_of(const basic_network& other) const noexcept {
    return other.subnet_of(*this);
  }
  // subnets(prefixlen_diff=1, new_prefix=None); value_error for Python's bad arguments.
  network_range<Address> subnets(int prefixlen_diff = 1,
                                 std::optional<int> new_prefix = std::nullopt) const;
  basic_network supernet(int prefixlen_diff = 1,
                         std::optional<int> new_prefix = std::nullopt) const;
  // This network minus `other`, largest blocks first (Python's order). value_error
  // ("... not contained in ...") unless other.subnet_of(*this).
  std::vector<basic_network> address_exclude(const basic_network& other) const;
  // -1, 0 or 1 by network address, then netmask (host bits and scope ids play no part).
  constexpr int compare_networks(const basic_network& other) const noexcept {
    if (first() != other.first()) return first() < other.first() ? -1 : 1;
    if (prefixlen_ != other.prefixlen_) return prefixlen_ < other.prefixlen_ ? -1 : 1;
    return 0;
  }

  friend constexpr bool operator==(const basic_network& a, const basic_network& b) noexcept {
    return a.network_address_ == b.network_address_ && a.prefixlen_ == b.prefixlen_;
  }
  friend constexpr std::weak_ordering operator<=>(const basic_network& a,
                                                  const basic_network& b) noexcept {
    const int c = a.compare_networks(b);
    return c < 0   ? std::weak_ordering::less
           : c > 0 ? std::weak_ordering::greater
                   : std::weak_ordering::equivalent;
  }

 private:
  constexpr int_type mask() const noexcept { return detail::mask_of<int_type>(prefixlen_); }
  constexpr int_type first() const noexcept { return network_address_.to_integer(); }
  constexpr int_type last() const noexcept { return static_cast<int_type>(first() | ~mask()); }
  constexpr bool both(bool (Address::*is)() const noexcept) const noexcept {
    return (Address(first()).*is)() && (broadcast_address().*is)();
  }

  Address network_address_{};
  std::uint8_t prefixlen_ = static_cast<std::uint8_t>(bits);
};

using ipv4_network = basic_network<ipv4_address>;
using ipv6_network = basic_network<ipv6_address>;

template <class Address>
constexpr bool basic_network<Address>::is_private() const noexcept {
  const auto within = [&](const auto& table) {
    for (const auto& p : table)
      if (p.contains(first()) && p.contains(last())) return true;
    return false;
  };
  if constexpr (bits == 32) {
    return within(detail::ipv4_private);
  } else {
    return within(detail::ipv6_private);
  }
}

template <class Address>
constexpr bool basic_network<Address>::is_global() const noexcept {
  if constexpr (bits == 32) {
    return !(detail::ipv4_shared.contains(first()) && detail::ipv4_shared.contains(last())) &&
           !is_private();
  } else {
    return !is_private();
  }
}

std::ostream& operator<<(std::ostream& out, const ipv4_network& n);
std::ostream& operator<<(std::ostream& out, const ipv6_network& n);

}  // namespace netkit::ip

namespace netkit {
// repr(network): IPv4Network('10.9.0.0/24').
std::string repr(const ip::ipv4_network& n);
std::string repr(const ip::ipv6_network& n);
}  // namespace netkit

template <class Address>
struct std::hash<netkit::ip::basic_network<Address>> {
  std::size_t operator()(const netkit::ip::basic_network<Address>& n) const noexcept {
    return std::hash<Address>{}(n.network_address()) * 31U +
           static_cast<std::size_t>(n.prefixlen());
  }
};
