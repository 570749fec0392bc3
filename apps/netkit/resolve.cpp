// apps/netkit/resolve.cpp — `netkit resolve`: name resolution from the command line, Python's
// socket.getaddrinfo / gethostbyaddr / gethostname / getfqdn.
//
//   $ netkit resolve localhost http
//   AF_INET SOCK_STREAM IPPROTO_TCP ('127.0.0.1', 80)
//   $ netkit resolve --json localhost http
//   {"canonname":"","family":"AF_INET","proto":"IPPROTO_TCP","sockaddr":["127.0.0.1",80],"type":"SOCK_STREAM"}
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "netkit/socket.hpp"

namespace netkit::app {
namespace {

struct resolve_options {
  bool json = false;
  int family = 0;  // 4 or 6 on the command line
  std::string type;
  bool canonname = false;
  std::string host;
  std::string service;
  std::string reverse;
  bool hostname = false;
  std::string fqdn;
};

// Python's sockaddr tuple as a JSON array: [host, port] or [host, port, flowinfo, scope_id];
// a Unix path as a string.
nlohmann::ordered_json sockaddr_json(const socket_address& a) {
  if (a.family() == AF_INET) return {a.host(), a.port()};
  if (a.family() == AF_INET6) return {a.host(), a.port(), a.flowinfo(), a.scope_id()};
  return a.path();
}

void print_json(const nlohmann::ordered_json& j) { std::cout << j.dump() << '\n'; }

int run_getaddrinfo(const resolve_options& o) {
  const int family = o.family == 4 ? AF_INET : o.family == 6 ? AF_INET6 : 0;
  const int type = o.type == "stream" ? SOCK_STREAM : o.type == "dgram" ? SOCK_DGRAM : 0;
  const int flags = o.canonname ? AI_CANONNAME : 0;
  for (const auto& ai : netkit::getaddrinfo(o.host, o.service, family, type, 0, flags)) {
    if (o.json) {
      print_json({{"family", family_name(ai.family)},
                  {"type", type_name(ai.type)},
                  {"proto", proto_name(ai.proto)},
                  {"canonname", ai.canonname},
                  {"sockaddr", sockaddr_json(ai.sockaddr)}});
    } else {
      std::cout << family_name(ai.family) << ' ' << type_name(ai.type) << ' '
                << proto_name(ai.proto) << ' ' << repr(ai.sockaddr);
      if (!ai.canonname.empty()) std::cout << " canonname=" << repr_str(ai.canonname);
      std::cout << '\n';
    }
  }
  return 0;
}

// Printed as the seed's socket_gethostbyaddr.py does.
int run_reverse(const resolve_options& o) {
  auto entry = netkit::gethostbyaddr(o.reverse);
  if (o.json) {
    print_json(
        {{"hostname", entry.hostname}, {"aliases", entry.aliases}, {"addresses", entry.addresses}});
    return 0;
  }
  auto list = [](const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i != 0 ? ", " : "") + repr_str(items[i]);
    return out + "]";
  };
  std::cout << "Hostname : " << entry.hostname << '\n'
            << "Aliases : " << list(entry.aliases) << '\n'
            << "Addresses: " << list(entry.addresses) << '\n';
  return 0;
}

}  // namespace

command add_resolve(CLI::App& app) {
  auto o = std::make_shared<resolve_options>();
  auto* sub = app.add_subcommand("resolve", "Resolve names: getaddrinfo, gethostbyaddr, ...");
  sub->footer(
      "Forms:\n  netkit resolve [--json] [--family 4|6] [--type stream|dgram] [--canonname] HOST "
      "[SERVICE]\n"
      "  netkit resolve [--json] --reverse ADDR | --hostname | --fqdn NAME\n\n"
      "getaddrinfo prints one line per answer: FAMILY TYPE PROTO SOCKADDR [canonname='...'],\n"
      "with --json one object per line with the keys family, type, proto, canonname, sockaddr.");
  sub->add_flag("--json", o->json, "one JSON object per line");
  auto* family = sub->add_option("--family", o->family, "4 (AF_INET) or 6 (AF_INET6)")
                     ->check(CLI::IsMember({4, 6}));
  auto* type = sub->add_option("--type", o->type, "stream or dgram")
                   ->check(CLI::IsMember({"stream", "dgram"}));
  auto* canon = sub->add_flag("--canonname", o->canonname, "ask for the canonical name");
  auto* host = sub->add_option("host", o->host, "name or address to look up")->type_name("HOST");
  auto* service =
      sub->add_option("service", o->service, "port number or service name")->type_name("SERVICE");
  auto* reverse =
      sub->add_option("--reverse", o->reverse, "gethostbyaddr(ADDR)")->type_name("ADDR");
  auto* hostname = sub->add_flag("--hostname", o->hostname, "gethostname()");
  auto* fqdn = sub->add_option("--fqdn", o->fqdn, "getfqdn(NAME)")->type_name("NAME");
  // The three other lookups stand alone.
  for (auto* other : {reverse, hostname, fqdn}) {
    for (auto* opt : {family, type, canon, host, service}) other->excludes(opt);
  }
  reverse->excludes(hostname)->excludes(fqdn);
  hostname->excludes(fqdn);

  auto run = [o, host, reverse, fqdn]() {
    if (reverse->count() != 0) return run_reverse(*o);
    if (o->hostname) {
      std::string name = netkit::gethostname();
      if (o->json)
        print_json({{"hostname", name}});
      else
        std::cout << name << '\n';
      return 0;
    }
    if (fqdn->count() != 0) {
      std::string name = netkit::getfqdn(o->fqdn);
      if (o->json)
        print_json({{"fqdn", name}});
      else
        std::cout << name << '\n';
      return 0;
    }
    if (host->count() == 0)
      throw usage_error("HOST is required (or --reverse, --hostname, --fqdn)");
    return run_getaddrinfo(*o);
  };
  return {sub, run};
}

}  // namespace netkit::app
