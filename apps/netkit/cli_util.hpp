// apps/netkit/cli_util.hpp — command-line pieces that several subcommands declare alike
// (private to apps/).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "command.hpp"

namespace netkit::app {

// The transport choice of echo-server and echo-client: --tcp (the default), --udp, --unix PATH,
// --tcp excluding the other two (--udp --unix PATH is a Unix datagram socket). Only the help of
// --udp differs between the commands. Returns --unix, whose count() tells whether it was given.
inline CLI::Option* add_transport_options(CLI::App* sub, bool& tcp, bool& udp,
                                          std::string& unix_path, const std::string& udp_help) {
  auto* tcp_opt = sub->add_flag("--tcp", tcp, "TCP (the default)");
  auto* udp_opt = sub->add_flag("--udp", udp, udp_help);
  auto* unix_opt =
      sub->add_option("--unix", unix_path, "a Unix stream socket at PATH")->type_name("PATH");
  tcp_opt->excludes(udp_opt)->excludes(unix_opt);
  return unix_opt;
}

// After parsing: `--unix ''` names no socket (a usage error).
inline void require_unix_path(const CLI::Option* unix_opt, const std::string& unix_path) {
  if (unix_opt->count() != 0 && unix_path.empty())
    throw usage_error("--unix needs a non-empty PATH");
}

}  // namespace netkit::app
