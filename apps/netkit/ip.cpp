// apps/netkit/ip.cpp — `netkit ip`: the facts Python's ipaddress gives about an address, a
// network or an interface (SPEC.md section 4).
//
//   $ netkit ip 10.9.0.6
//   IPv4Address('10.9.0.6')
//    version: 4
//    is_private: True
//    ...
//   $ printf '10.9.0.0/24\n::1\n' | netkit ip --json -
//   {"input":"10.9.0.0/24","type":"IPv4Network","str":"10.9.0.0/24",...}
// Keys are Python's attribute names; a property that raises in Python gives {"error": class};
// an input Python rejects gives {"input": ..., "error": class}. With --json -, one JSON line is
// written per stdin line, flushed per line only on a terminal.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"
#include "json_lines.hpp"
#include "netkit/ip.hpp"
#include "netkit/repr.hpp"

namespace netkit::app {
namespace {

using json = nlohmann::ordered_json;
namespace nip = netkit::ip;

struct ip_options {
  bool json_mode = false;
  std::string as;  // "", address, network, interface
  bool strict = true;
  std::optional<long long> hosts;
  std::vector<std::string> inputs;
};

// One fact: a JSON value, and how Python's print() shows it.
struct fact {
  std::string name;
  json value;
  std::string text;
};

class facts {
 public:
  void add(std::string name, json value, std::string text) {
    list_.push_back({std::move(name), std::move(value), std::move(text)});
  }
  void flag(std::string name, bool v) { add(std::move(name), v, v ? "True" : "False"); }
  void text(std::string name, const std::string& s) { add(std::move(name), s, s); }
  void number(std::string name, long long n) { add(std::move(name), n, std::to_string(n)); }
  // A property that may raise in Python (exploded of a scoped IPv6 address).
  template <class F>
  void text_or_error(std::string name, F f) {
    try {
      text(std::move(name), f());
    } catch (const std::exception& e) {
      const std::string cls(nip::python_name(e));
      add(std::move(name), json{{"error", cls}}, "<" + cls + ": " + e.what() + ">");
    }
  }
  void optional_v4(std::string name, const std::optional<nip::ipv4_address>& a) {
    if (a) {
      text(std::move(name), a->str());
    } else {
      add(std::move(name), nullptr, "None");
    }
  }
  const std::vector<fact>& list() const { return list_; }

 private:
  std::vector<fact> list_;
};

// Integers: a JSON number up to 2**53, else its decimal text.
json big_number(nip::uint128 v) {
  if (v <= (nip::uint128{1} << 53)) return static_cast<std::uint64_t>(v);
  return nip::to_decimal(v);
}

template <class A>
void address_facts(facts& f, const A& a) {
  f.number("version", a.version());
  f.number("max_prefixlen", a.max_prefixlen());
  f.add("packed", to_hex(a.packed()), netkit::repr(bytes_view(a.packed())));
  f.text("compressed", a.compressed());
  f.text_or_error("exploded", [&] { return a.exploded(); });
  f.text_or_error("reverse_pointer", [&] { return a.reverse_pointer(); });
  f.flag("is_private", a.is_private());
  f.flag("is_global", a.is_global());
  f.flag("is_multicast", a.is_multicast());
  f.flag("is_reserved", a.is_reserved());
  f.flag("is_unspecified", a.is_unspecified());
  f.flag("is_loopback", a.is_loopback());
  f.flag("is_link_local", a.is_link_local());
  if constexpr (A::max_prefixlen() == 128) {
    f.flag("is_site_local", a.is_site_local());
    f.optional_v4("ipv4_mapped", a.ipv4_mapped());
    f.optional_v4("sixtofour", a.sixtofour());
    if (auto t = a.teredo()) {
      f.add("teredo", json::array({t->first.str(), t->second.str()}),
            "(" + netkit::repr(t->first) + ", " + netkit::repr(t->second) + ")");
    } else {
      f.add("teredo", nullptr, "None");
    }
    if (auto s = a.scope_id()) {
      f.text("scope_id", std::string(*s));
    } else {
      f.add("scope_id", nullptr, "None");
    }
  }
  const std::string n = nip::to_decimal(static_cast<nip::uint128>(a.to_integer()));
  f.add("int", n, n);
}

template <class N>
void network_facts(facts& f, const N& n) {
  f.number("version", n.version());
  f.number("max_prefixlen", n.max_prefixlen());
  f.text("compressed", n.compressed());
  f.text_or_error("exploded", [&] { return n.exploded(); });
  f.text_or_error("reverse_pointer", [&] { return n.reverse_pointer(); });
  f.flag("is_private", n.is_private());
  f.flag("is_global", n.is_global());
  f.flag("is_multicast", n.is_multicast());
  f.flag("is_reserved", n.is_reserved());
  f.flag("is_unspecified", n.is_unspecified());
  f.flag("is_loopback", n.is_loopback());
  f.flag("is_link_local", n.is_link_local());
  if constexpr (N::max_prefixlen() == 128) f.flag("is_site_local", n.is_site_local());
  f.text("network_address", n.network_address().str());
  f.text("broadcast_address", n.broadcast_address().str());
  f.text("netmask", n.netmask().str());
  f.text("hostmask", n.hostmask().str());
  f.number("prefixlen", n.prefixlen());
  const auto count = n.num_addresses();
  f.add("num_addresses", count.fits() ? big_number(count.value()) : json(count.str()), count.str());
  f.text("with_prefixlen", n.with_prefixlen());
  f.text("with_netmask", n.with_netmask());
  f.text("with_hostmask", n.with_hostmask());
}

template <class I>
void interface_facts(facts& f, const I& i) {
  address_facts(f, i);
  f.text("ip", i.ip().str());
  f.text("network", i.network().str());
  f.text("netmask", i.netmask().str());
  f.text("hostmask", i.hostmask().str());
  f.text("with_prefixlen", i.with_prefixlen());
  f.text("with_netmask", i.with_netmask());
  f.text("with_hostmask", i.with_hostmask());
}

template <class N>
void host_facts(facts& f, const N& n, long long count) {
  json list = json::array();
  std::string text;
  for (const auto& h : n.hosts()) {
    if (static_cast<long long>(list.size()) >= count) break;
    list.push_back(h.str());
    text += "\n  " + h.str();
  }
  f.add("hosts", std::move(list), text);
}

class runner {
 public:
  explicit runner(const ip_options& o) : o_(o) {}

  // Returns false when the input was rejected.
  bool answer(const std::string& input) {
    const std::string kind = !o_.as.empty()                         ? o_.as
                             : input.find('/') != std::string::npos ? "network"
                                                                    : "address";
    facts f;
    std::string type, str, repr;
    try {
      const auto take = [&](const auto& v, const char* name) {
        type = name;
        str = v.str();
        repr = netkit::repr(v);
      };
      if (kind == "address") {
        nip::ip_address(input).visit([&](const auto& a) {
          take(a, a.version() == 4 ? "IPv4Address" : "IPv6Address");
          address_facts(f, a);
        });
      } else if (kind == "network") {
        nip::ip_network(input, o_.strict).visit([&](const auto& n) {
          take(n, n.version() == 4 ? "IPv4Network" : "IPv6Network");
          network_facts(f, n);
          if (o_.hosts) host_facts(f, n, *o_.hosts);
        });
      } else {
        nip::ip_interface(input).visit([&](const auto& i) {
          take(i, i.version() == 4 ? "IPv4Interface" : "IPv6Interface");
          interface_facts(f, i);
        });
      }
    } catch (const std::exception& e) {
      if (o_.json_mode) {
        out_.write_json(json{{"input", input}, {"error", std::string(nip::python_name(e))}});
      } else {
        out_.flush();
        std::cerr << nip::python_name(e) << ": " << e.what() << std::endl;
      }
      return false;
    }
    if (o_.json_mode) {
      json out{{"input", input}, {"type", type}, {"str", str}};
      for (const fact& x : f.list()) out[x.name] = x.value;
      out_.write_json(out);
    } else {
      std::string text = repr + "\n";
      for (const fact& x : f.list()) text += " " + x.name + ": " + x.text + "\n";
      out_.write(text + "\n");
    }
    return true;
  }

 private:
  const ip_options& o_;
  line_writer out_;
};

int run_ip(const ip_options& o) {
  runner r(o);
  bool all_ok = true;
  for_each_input(o.inputs, [&](const std::string& input) { all_ok = r.answer(input) && all_ok; });
  return all_ok || o.json_mode ? 0 : 1;
}

}  // namespace

command add_ip(CLI::App& app) {
  auto o = std::make_shared<ip_options>();
  CLI::App* cmd = app.add_subcommand(
      "ip", "Facts about an IP address, network or interface (Python's ipaddress)");
  cmd->add_flag("--json", o->json_mode, "one JSON object per input (SPEC.md section 4)");
  cmd->add_option("--as", o->as, "address, network or interface (default: network if TEXT has a /)")
      ->check(CLI::IsMember({"address", "network", "interface"}));
  cmd->add_flag("--strict,!--no-strict", o->strict,
                "networks: reject host bits (default), or clear them with --no-strict");
  cmd->add_option("--hosts", o->hosts, "networks: list the first N hosts")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("TEXT", o->inputs, "addresses, networks or interfaces; - reads one per line")
      ->required();
  return {cmd, [o] { return run_ip(*o); }};
}

}  // namespace netkit::app
