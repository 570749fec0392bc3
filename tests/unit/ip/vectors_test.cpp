// Every vector of tests/data/ip/vectors.jsonl (CPython 3.11.7's answers, written by
// tests/tools/gen_ip_vectors.py) replayed against netkit::ip: results, exception classes and
// exception messages. Integers beyond what int128/uint128 hold cannot be passed in C++ and are
// skipped; so are IPv6 scope ids over max_scope_id_size bytes (refused by design).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "netkit/ip.hpp"
#include "netkit/repr.hpp"

namespace {

using json = nlohmann::json;
namespace ip = netkit::ip;

std::filesystem::path vectors_path() {
  return std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "data" / "ip" /
         "vectors.jsonl";
}

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0xFU];
  }
  return out;
}

std::string unhex(const std::string& h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

// A Python int as the C++ integer that holds it, if any.
struct py_int {
  bool negative = false;
  ip::uint128 magnitude = 0;
  bool fits = true;
};

py_int parse_int(const std::string& text) {
  py_int n;
  std::size_t i = 0;
  if (text[0] == '-') {
    n.negative = true;
    i = 1;
  }
  for (; i < text.size(); ++i) {
    const unsigned digit = static_cast<unsigned>(text[i] - '0');
    if (n.magnitude > (~ip::uint128{0} - digit) / 10) n.fits = false;
    n.magnitude = n.magnitude * 10 + digit;
  }
  if (n.negative && n.magnitude > (ip::uint128{1} << 127)) n.fits = false;
  return n;
}

// Calls f with the integer as int128 (negative) or uint128.
template <class F>
auto with_int(const py_int& n, F f) {
  if (n.negative) return f(static_cast<ip::int128>(ip::uint128{0} - n.magnitude));
  return f(n.magnitude);
}

const char* type_name(const ip::ipv4_address&) { return "IPv4Address"; }
const char* type_name(const ip::ipv6_address&) { return "IPv6Address"; }
const char* type_name(const ip::ipv4_network&) { return "IPv4Network"; }
const char* type_name(const ip::ipv6_network&) { return "IPv6Network"; }
const char* type_name(const ip::ipv4_interface&) { return "IPv4Interface"; }
const char* type_name(const ip::ipv6_interface&) { return "IPv6Interface"; }

template <class T>
json value_or_error(T f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return json{{"error", std::string(ip::python_name(e))}, {"message", e.what()}};
  }
}

template <class V>
std::string flags(const V& v) {
  std::string out;
  for (bool b : {v.is_private(), v.is_global(), v.is_multicast(), v.is_reserved(),
                 v.is_unspecified(), v.is_loopback(), v.is_link_local()})
    out += b ? '1' : '0';
  if constexpr (V::max_prefixlen() == 128) {
    out += v.is_site_local() ? '1' : '0';
  } else {
    out += '-';
  }
  return out;
}

template <class V>
json facts(const V& v) {
  json out{{"type", type_name(v)}, {"str", v.str()}, {"repr", netkit::repr(v)}};
  out["exploded"] = value_or_error([&] { return v.exploded(); });
  out["reverse_pointer"] = value_or_error([&] { return v.reverse_pointer(); });
  if constexpr (requires { v.to_integer(); }) {
    out["int"] = ip::to_decimal(static_cast<ip::uint128>(v.to_integer()));
  }
  out["flags"] = flags(v);
  return out;
}

json parse_case(const std::string& cls, const std::string& text, bool strict) {
  if (cls == "IPv4Address") return facts(ip::ipv4_address(text));
  if (cls == "IPv6Address") return facts(ip::ipv6_address(text));
  if (cls == "IPv4Network") return facts(ip::ipv4_network(text, strict));
  if (cls == "IPv6Network") return facts(ip::ipv6_network(text, strict));
  if (cls == "IPv4Interface") return facts(ip::ipv4_interface(text));
  if (cls == "IPv6Interface") return facts(ip::ipv6_interface(text));
  const auto f = [](const auto& v) { return facts(v); };
  if (cls == "ip_address") return ip::ip_address(text).visit(f);
  if (cls == "ip_network") return ip::ip_network(text, strict).visit(f);
  return ip::ip_interface(text).visit(f);
}

template <class Range>
json first_and_count(const Range& range) {
  json first = json::array();
  std::size_t count = 0;
  for (const auto& x : range) {
    if (count < 6) first.push_back(x.str());
    if (++count > 5000) return json{{"first", first}, {"count", nullptr}};
  }
  return json{{"first", first}, {"count", count}};
}

template <class List>
json strings(const List& list) {
  json out = json::array();
  for (const auto& x : list) out.push_back(x.str());
  return out;
}

std::optional<int> optional_int(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<int>();
}

bool long_scope(const std::string& text) {
  const std::string head = text.substr(0, text.find('/'));
  const auto p = head.find('%');
  return p != std::string::npos && head.size() - p - 1 > ip::max_scope_id_size &&
         head.find('%', p + 1) == std::string::npos;
}

struct outcome {
  bool skip = false;
  json got;
};

outcome run_case(const json& c) {
  const std::string op = c["op"];
  outcome o;
  const auto run = [&](auto f) {
    try {
      o.got = json{{"ok", f()}};
    } catch (const std::exception& e) {
      o.got = json{{"error", std::string(ip::python_name(e))}, {"message", e.what()}};
    }
  };
  const auto on_network = [&](const std::string& text, auto f) {
    return ip::ip_network(text).visit(f);
  };
  if (op == "parse") {
    const std::string text = c["text"];
    if (long_scope(text) && !c.contains("error")) return {true, {}};
    run([&] { return parse_case(c["cls"], text, c["strict"]); });
  } else if (op == "int" || op == "to_packed") {
    const py_int n = parse_int(c["n"]);
    if (!n.fits) return {true, {}};
    run([&]() -> json {
      return with_int(n, [&](auto v) -> json {
        if (op == "to_packed")
          return hex(c["version"] == 4 ? ip::v4_int_to_packed(v) : ip::v6_int_to_packed(v));
        const std::string cls = c["cls"];
        if (cls == "IPv4Address") return netkit::repr(ip::ipv4_address::from_integer(v));
        if (cls == "IPv6Address") return netkit::repr(ip::ipv6_address::from_integer(v));
        if (cls == "ip_address") return netkit::repr(ip::ip_address(v));
        if (cls == "ip_network") return netkit::repr(ip::ip_network(v));
        return netkit::repr(ip::ip_interface(v));
      });
    });
  } else if (op == "packed") {
    const std::string data = unhex(c["hex"]);
    run([&]() -> json {
      if (c["cls"] == "IPv4Address") return netkit::repr(ip::ipv4_address::from_packed(data));
      return netkit::repr(ip::ipv6_address::from_packed(data));
    });
  } else if (op == "add" || op == "sub") {
    const py_int n = parse_int(c["n"]);
    if (!n.fits) return {true, {}};
    const std::string cls = c["cls"];
    const std::string text = c["text"];
    const bool add = op == "add";
    run([&]() -> json {
      return with_int(n, [&](auto v) -> json {
        const auto apply = [&](const auto& x) { return netkit::repr(add ? x + v : x - v); };
        if (cls == "IPv4Address") return apply(ip::ipv4_address(text));
        if (cls == "IPv6Address") return apply(ip::ipv6_address(text));
        if (cls == "IPv4Interface") return apply(ip::ipv4_interface(text));
        return apply(ip::ipv6_interface(text));
      });
    });
  } else if (op == "getitem") {
    const py_int n = parse_int(c["n"]);
    if (!n.fits) return {true, {}};
    run([&]() -> json {
      return on_network(c["net"], [&](const auto& net) -> json {
        return with_int(n, [&](auto v) { return net[v].str(); });
      });
    });
  } else if (op == "hosts" || op == "iter") {
    run([&]() -> json {
      return on_network(c["net"], [&](const auto& net) {
        return op == "hosts" ? first_and_count(net.hosts()) : first_and_count(net.addresses());
      });
    });
  } else if (op == "subnets" || op == "supernet") {
    const int diff = c["diff"];
    const auto new_prefix = optional_int(c["new"]);
    run([&]() -> json {
      return on_network(c["net"], [&](const auto& net) -> json {
        if (op == "subnets") return first_and_count(net.subnets(diff, new_prefix));
        return net.supernet(diff, new_prefix).str();
      });
    });
  } else if (op == "exclude" || op == "relate") {
    run([&]() -> json {
      return on_network(c[op == "exclude" ? "net" : "a"], [&](const auto& a) -> json {
        using N = std::decay_t<decltype(a)>;
        const N b{c[op == "exclude" ? "other" : "b"].get<std::string>()};
        if (op == "exclude") return strings(a.address_exclude(b));
        return json{{"compare", a.compare_networks(b)},
                    {"overlaps", a.overlaps(b)},
                    {"subnet_of", a.subnet_of(b)},
                    {"supernet_of", a.supernet_of(b)},
                    {"eq", a == b},
                    {"lt", a < b}};
      });
    });
  } else if (op == "contains") {
    run([&]() -> json {
      const auto addr = ip::ip_address(std::string(c["addr"]));
      return on_network(c["net"], [&](const auto& net) -> json {
        using A = typename std::decay_t<decltype(net)>::address_type;
        if (!std::holds_alternative<A>(addr.variant())) return false;
        return net.contains(std::get<A>(addr.variant()));
      });
    });
  } else if (op == "collapse") {
    std::vector<ip::network> nets;
    std::vector<ip::address> addrs;
    for (const std::string item : c["items"]) {
      if (item.find('/') != std::string::npos) {
        nets.push_back(ip::ip_network(item));
      } else {
        addrs.push_back(ip::ip_address(item));
      }
    }
    run([&] { return strings(ip::collapse_addresses(nets, addrs)); });
  } else if (op == "summarize") {
    run([&] {
      return strings(ip::summarize_address_range(ip::ip_address(std::string(c["first"])),
                                                 ip::ip_address(std::string(c["last"]))));
    });
  } else {
    ADD_FAILURE() << "unknown op " << op;
  }
  return o;
}

TEST(ip_vectors, every_vector_matches_cpython) {
  std::ifstream in(vectors_path());
  ASSERT_TRUE(in) << "cannot open " << vectors_path();
  std::string line;
  std::size_t checked = 0, skipped = 0, failures = 0;
  while (std::getline(in, line)) {
    const json c = json::parse(line);
    if (c["op"] == "meta") {
      EXPECT_EQ(c["python"], "3.11.7");
      continue;
    }
    const outcome o = run_case(c);
    if (o.skip) {
      ++skipped;
      continue;
    }
    ++checked;
    json want;
    if (c.contains("ok")) {
      want = json{{"ok", c["ok"]}};
    } else {
      want = json{{"error", c["error"]}, {"message", c["message"]}};
    }
    if (want != o.got && ++failures <= 300) ADD_FAILURE() << line << "\n  netkit: " << o.got.dump();
  }
  EXPECT_EQ(failures, 0U);
  EXPECT_GT(checked, 20000U);
  std::cout << checked << " vectors checked, " << skipped << " skipped (integer wider than "
            << "128 bits or scope id over " << ip::max_scope_id_size << " bytes)\n";
}

}  // namespace
