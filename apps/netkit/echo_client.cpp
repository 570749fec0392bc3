// apps/netkit/echo_client.cpp — `netkit echo-client`: sends one message to an echo server
// (TCP, UDP, or a Unix stream or datagram socket) and prints the echo as one line, like the seed's
// socket_echo_client*.py without the chatter.
#include <unistd.h>

#include <cstddef>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "cli_util.hpp"
#include "command.hpp"
#include "netkit/socket.hpp"

namespace netkit::app {
namespace {

// The message of the seed's clients (socket_echo_client.py and its twins).
constexpr const char* seed_message = "This is the message. It will be repeated.";

struct client_options {
  bool tcp = false;
  bool udp = false;
  std::string unix_path;
  std::string host;
  int port = 0;
  std::string message = seed_message;
  double timeout = 10.0;
};

// Reads until the whole message has come back: a stream may deliver it in pieces.
bytes read_echo(netkit::socket& s, std::size_t expected) {
  bytes echo;
  while (echo.size() < expected) {
    bytes chunk = s.recv(expected - echo.size());
    if (chunk.empty())
      throw std::runtime_error("connection closed by the server after " +
                               std::to_string(echo.size()) + " of " + std::to_string(expected) +
                               " bytes");
    echo += chunk;
  }
  return echo;
}

bytes stream_echo(netkit::socket& s, const client_options& o) {
  s.sendall(o.message);
  return read_echo(s, o.message.size());
}

bytes exchange(const client_options& o) {
  if (!o.unix_path.empty() && o.udp) {
    // A Unix datagram client needs an address of its own for the echo to come back to: an
    // abstract name, which leaves no file behind.
    netkit::socket s(AF_UNIX, SOCK_DGRAM);
    s.settimeout(o.timeout);
    s.bind(netkit::socket_address::abstract("netkit-echo-client-" + std::to_string(::getpid())));
    s.connect(o.unix_path);
    s.send(o.message);
    return s.recv(65536);
  }
  if (!o.unix_path.empty()) {
    netkit::socket s(AF_UNIX, SOCK_STREAM);
    s.settimeout(o.timeout);
    s.connect(o.unix_path);
    return stream_echo(s, o);
  }
  if (o.udp) {
    // Connected, so that an ICMP "port unreachable" comes back as ECONNREFUSED instead of
    // a silent wait for the timeout.
    auto answers = netkit::getaddrinfo(o.host, o.port, 0, SOCK_DGRAM);
    netkit::socket s(answers.front().family, SOCK_DGRAM);
    s.settimeout(o.timeout);
    s.connect(answers.front().sockaddr);
    s.send(o.message);
    return s.recv(65536);
  }
  auto s = netkit::create_connection({o.host, o.port}, seconds_f(o.timeout));
  return stream_echo(s, o);
}

}  // namespace

command add_echo_client(CLI::App& app) {
  auto o = std::make_shared<client_options>();
  auto* sub = app.add_subcommand("echo-client", "Send a message to an echo server, print the echo");
  sub->footer(
      "Forms:\n  netkit echo-client [--tcp|--udp] HOST PORT [--message TEXT]\n"
      "  netkit echo-client [--udp] --unix PATH [--message TEXT]");
  auto* unix_opt =
      add_transport_options(sub, o->tcp, o->udp, o->unix_path,
                            "UDP: one datagram out, one back; with --unix, a Unix datagram socket");
  auto* host = sub->add_option("host", o->host, "server host (name or address)")->type_name("HOST");
  auto* port = sub->add_option("port", o->port, "server port")
                   ->type_name("PORT")
                   ->check(CLI::Range(1, 65535));
  sub->add_option("--message,-m", o->message, "text to send")->capture_default_str();
  sub->add_option("--timeout", o->timeout, "seconds to wait for each step")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  auto run = [o, host, port, unix_opt]() {
    if (unix_opt->count() != 0) {
      if (host->count() != 0) throw usage_error("--unix PATH takes no HOST or PORT");
      require_unix_path(unix_opt, o->unix_path);
    } else if (host->count() == 0 || port->count() == 0) {
      throw usage_error("HOST and PORT are required (or --unix PATH)");
    }
    bytes echo = exchange(*o);
    std::cout << echo << '\n' << std::flush;
    return 0;
  };
  return {sub, run};
}

}  // namespace netkit::app
