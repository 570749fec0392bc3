// netkit/ip/factories.hpp — ip_address, ip_network and ip_interface, Python's factory
// functions, and the version-agnostic values they return (public).
//
//   auto a = netkit::ip::ip_address("2001:db8::1");   // an ip::address holding an ipv6_address
//   a.version();                                       // 6
//   a.visit([](const auto& x) { return x.is_private(); });
//   netkit::ip::ip_network("10.0.0.1/24", false);      // 10.0.0.0/24
// Errors are value_error with Python's message ("'x' does not appear to be an IPv4 or IPv6
// address"); ip_network lets "has host bits set" through unchanged, as Python does.
//
// Thread safety: values; const use from many threads is safe.
#pragma once

#include <compare>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "netkit/ip/address.hpp"
#include "netkit/ip/interface.hpp"
#include "netkit/ip/network.hpp"

namespace netkit::ip {

namespace detail {
[[noreturn]] void throw_not_same_version(const std::string& a, const std::string& b);
}

// An IPv4 or an IPv6 value of one kind (address, network or interface).
template <class V4, class V6>
class either {
 public:
  constexpr either() noexcept = default;                 // the IPv4 default value
  constexpr either(const V4& v) noexcept : value_(v) {}  // NOLINT: implicit on purpose
  constexpr either(const V6& v) noexcept : value_(v) {}  // NOLINT

  constexpr int version() const noexcept { return is_v4() ? 4 : 6; }
  constexpr bool is_v4() const noexcept { return value_.index() == 0; }
  constexpr bool is_v6() const noexcept { return value_.index() == 1; }
  // The value as its own type; std::bad_variant_access for the other version.
  constexpr const V4& v4() const { return std::get<V4>(value_); }
  constexpr const V6& v6() const { return std::get<V6>(value_); }
  constexpr const std::variant<V4, V6>& variant() const noexcept { return value_; }
  // f(value) with the value as its own type.
  template <class F>
  constexpr decltype(auto) visit(F&& f) const {
    return std::visit(std::forward<F>(f), value_);
  }
  std::string str() const {
    return visit([](const auto& x) { return x.str(); });
  }

  // Python: values of different versions are never equal, and ordering them raises TypeError
  // (type_error here).
  friend constexpr bool operator==(const either&, const either&) noexcept = default;
  friend std::weak_ordering operator<=>(const either& a, const either& b) {
    if (a.is_v4() != b.is_v4()) detail::throw_not_same_version(a.str(), b.str());
    if (a.is_v4()) return std::weak_ordering(a.v4() <=> b.v4());
    return std::weak_ordering(a.v6() <=> b.v6());
  }
  friend std::ostream& operator<<(std::ostream& out, const either& e) {
    e.visit([&out](const auto& x) { out << x; });
    return out;
  }

 private:
  std::variant<V4, V6> value_;
};

using address = either<ipv4_address, ipv6_address>;
using network = either<ipv4_network, ipv6_network>;
using interface = either<ipv4_interface, ipv6_interface>;

// ipaddress.ip_address(text): IPv4 if it parses as IPv4, else IPv6.
address ip_address(std::string_view text);
// ipaddress.ip_network(text, strict).
network ip_network(std::string_view text, bool strict = true);
// ipaddress.ip_interface(text).
interface ip_interface(std::string_view text);

namespace detail {
[[noreturn]] void throw_not_an_address(wide_int n, const char* what);
}

// ip_address(n): IPv4 below 2**32, else IPv6; value_error for a negative n. (`what` names
// the factory in the message.)
template <integer I>
constexpr address ip_address(I n, const char* what = "address") {
  const detail::wide_int w = detail::add(0, n, false);
  if (w.negative || w.carry) detail::throw_not_an_address(w, what);
  if (w.magnitude <= ipv4_address::all_ones)
    return ipv4_address(static_cast<std::uint32_t>(w.magnitude));
  return ipv6_address(w.magnitude);
}
template <integer I>
constexpr network ip_network(I n) {
  const address a = ip_address(n, "network");
  if (a.is_v4()) return ipv4_network(a.v4());
  return ipv6_network(a.v6());
}
template <integer I>
constexpr interface ip_interface(I n) {
  const address a = ip_address(n, "interface");
  if (a.is_v4()) return ipv4_interface(a.v4());
  return ipv6_interface(a.v6());
}

}  // namespace netkit::ip

namespace netkit {
// repr of whichever value it holds: IPv6Address('::1').
template <class V4, class V6>
std::string repr(const ip::either<V4, V6>& e) {
  return e.visit([](const auto& x) { return repr(x); });
}
}  // namespace netkit
