// apps/netkit/http_server.cpp — `netkit http-server [DIR]`: `python3 -m http.server` on the
// reactor.
//
// The server is netkit::http::server with static_files(DIR) as its only handler, so it answers
// as SimpleHTTPRequestHandler does (see netkit/http/static_files.hpp), logs each request on
// stderr in Python's format, and prints Python's first line. SIGINT/SIGTERM stop the loop(s);
// then it prints Python's "Keyboard interrupt received, exiting." and exits 0. --threads N
// runs N reactors (a reactor_pool, one listening socket each through SO_REUSEPORT).
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "netkit/http/server.hpp"
#include "netkit/http/static_files.hpp"
#include "netkit/reactor.hpp"
#include "netkit/socket.hpp"
#include "signals.hpp"

namespace netkit::app {
namespace {

struct http_server_options {
  std::string directory = ".";
  std::string bind = "127.0.0.1";
  int port = 8000;
  int threads = 0;
  bool quiet = false;
  double header_timeout = 10.0;
  double idle_timeout = 60.0;
};

// Python's line: "Serving HTTP on 127.0.0.1 port 8000 (http://127.0.0.1:8000/) ...".
void print_serving(const std::string& host, int port) {
  const std::string url_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::cout << "Serving HTTP on " << host << " port " << port << " (http://" << url_host << ':'
            << port << "/) ...\n"
            << std::flush;
}

int serve(const http_server_options& o) {
  std::error_code ec;
  const std::filesystem::path root = std::filesystem::canonical(o.directory, ec);
  if (ec || !std::filesystem::is_directory(root))
    throw usage_error("not a directory: '" + o.directory + "'");
  const socket_address where =
      netkit::getaddrinfo(o.bind, o.port, 0, SOCK_STREAM, 0, AI_PASSIVE).front().sockaddr;

  http::server_options options;
  options.access_log = !o.quiet;
  options.header_timeout = std::chrono::duration<double>(o.header_timeout);
  options.idle_timeout = std::chrono::duration<double>(o.idle_timeout);
  stop_signal stop;
  if (o.threads > 0) {
    reactor_pool pool(static_cast<std::size_t>(o.threads));
    http::server srv(pool.loop(0), options);
    srv.set_fallback(http::static_files(root));
    const int port = pool.listen_tcp(o.port, srv.factory(), where.host(), SOMAXCONN);
    pool.loop(0).add_reader(stop.fd(), [&pool] { pool.stop(); });
    print_serving(where.host(), port);
    pool.run();
  } else {
    reactor loop;
    http::server srv(loop, options);
    srv.set_fallback(http::static_files(root));
    loop.add_reader(stop.fd(), [&loop] { loop.stop(); });
    const int port = srv.listen(o.port, where.host()).get_host().port();
    print_serving(where.host(), port);
    loop.run();
    loop.remove_reader(stop.fd());
  }
  std::cout << "\nKeyboard interrupt received, exiting.\n" << std::flush;
  return 0;
}

}  // namespace

command add_http_server(CLI::App& app) {
  auto o = std::make_shared<http_server_options>();
  auto* sub = app.add_subcommand(
      "http-server",
      "Serve a directory over HTTP, like python3 -m http.server, until SIGINT/SIGTERM");
  sub->footer(
      "Prints Python's line 'Serving HTTP on HOST port PORT (http://HOST:PORT/) ...' first, then\n"
      "serves DIR (default: the current directory) as SimpleHTTPRequestHandler does: files,\n"
      "index.html, directory listings, 301 to add a directory's '/', 304 for If-Modified-Since,\n"
      "and (beyond Python) single byte ranges; never anything outside DIR. Logs each request on\n"
      "stderr in Python's format (--quiet: not).");
  sub->add_option("directory", o->directory, "the directory to serve")->capture_default_str();
  sub->add_option("--bind", o->bind, "address or name to listen on")
      ->type_name("H")
      ->capture_default_str();
  sub->add_option("--port", o->port, "port; 0 picks a free one")
      ->type_name("P")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  sub->add_option("--threads", o->threads, "N reactors on N threads (SO_REUSEPORT)")
      ->type_name("N")
      ->check(CLI::Range(1, 1024));
  sub->add_flag("--quiet", o->quiet, "no access log");
  sub->add_option("--header-timeout", o->header_timeout,
                  "seconds a request's head may take to arrive (then 408)")
      ->type_name("S")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--idle-timeout", o->idle_timeout, "seconds an idle connection is kept")
      ->type_name("S")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return {sub, [o] { return serve(*o); }};
}

}  // namespace netkit::app
