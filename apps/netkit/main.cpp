// apps/netkit/main.cpp — the netkit command-line tool: parses the command line with CLI11 and
// runs the chosen subcommand (SPEC.md section 4).
//
// Exit status: 0 on success (and for --help), 2 for a usage error, 1 for a failure. Errors go
// to stderr as "netkit SUBCOMMAND: message".
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "command.hpp"
#include "netkit/error.hpp"

namespace {

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netkit: Python's socket module and friends, in C++ (see docs/cli.md)", "netkit"};
  app.require_subcommand(1);
  app.fallthrough(false);

  // Adding a subcommand is one line here and one file beside this one.
  // clang-format off
  const std::vector<netkit::app::command> commands = {
      netkit::app::add_tour(app),
      netkit::app::add_resolve(app),
      netkit::app::add_echo_server(app),
      netkit::app::add_echo_client(app),
      netkit::app::add_url(app),
      netkit::app::add_ip(app),
      netkit::app::add_struct(app),
      netkit::app::add_http_server(app),
      netkit::app::add_get(app),
      netkit::app::add_bench(app),
  };
  // clang-format on

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is reported as a "parse error" with status 0 and printed on stdout.
    return app.exit(e) == 0 ? 0 : exit_usage;
  }

  for (const auto& cmd : commands) {
    if (!cmd.cli->parsed()) continue;
    const std::string name = "netkit " + cmd.cli->get_name();
    try {
      return cmd.run();
    } catch (const netkit::app::usage_error& e) {
      std::cerr << name << ": " << e.what() << "\nRun with --help for more information.\n";
      return exit_usage;
    } catch (const CLI::ParseError& e) {
      // Validation done after parsing (options that must go together) reuses CLI11's errors.
      std::cerr << name << ": " << e.what() << "\nRun with --help for more information.\n";
      return exit_usage;
    } catch (const std::exception& e) {
      std::cerr << name << ": " << e.what() << '\n';
      return exit_failure;
    }
  }
  return exit_usage;  // unreachable: require_subcommand(1) rejects a missing subcommand
}
