// apps/netkit/command.hpp — how a subcommand plugs into the netkit tool (private to apps/).
//
// Each subcommand file defines one add_<name>(CLI::App&) that declares its options on a new
// CLI11 subcommand and returns the function to run once the command line has been parsed:
//   command add_resolve(CLI::App& app);   // resolve.cpp
// main.cpp runs the one that was chosen. A run function returns the exit status; it throws
// usage_error for a command line that parses but makes no sense (exit 2) and lets any other
// exception escape for a failure (exit 1): main prints both to stderr.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <stdexcept>

namespace netkit::app {

struct command {
  CLI::App* cli = nullptr;
  std::function<int()> run;
};

// A command line CLI11 accepts but the command cannot honour (exit status 2).
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

command add_tour(CLI::App& app);
command add_resolve(CLI::App& app);
command add_echo_server(CLI::App& app);
command add_echo_client(CLI::App& app);
command add_url(CLI::App& app);
command add_ip(CLI::App& app);
command add_struct(CLI::App& app);
command add_bench(CLI::App& app);
command add_bench_http(CLI::App& bench);  // a subcommand of bench
command add_http_server(CLI::App& app);
command add_get(CLI::App& app);

}  // namespace netkit::app
