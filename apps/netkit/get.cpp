// apps/netkit/get.cpp — `netkit get URL [-o FILE] [--timeout S] [--include]`: urlopen /
// urlretrieve from the command line.
//
// Without -o the body goes to stdout (--include: the status line and the fields first, as
// curl -i shows them). With -o FILE it is urlretrieve(URL, FILE) with a progress bar on stderr
// when stderr is a terminal. An HTTP error (4xx/5xx, a redirect loop) or a connection, DNS or
// timeout failure is one line on stderr and exit status 1: "URL: reason".
//
// A download that fails leaves nothing at FILE that could pass for it: the body goes to
// FILE.part, renamed to FILE once whole and removed otherwise (Python's urlretrieve leaves the
// partial file at FILE). To stdout, a body shorter than its Content-Length is an error too
// (urlopen's read1 just ends there, as Python's does).
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "command.hpp"
#include "netkit/http/client.hpp"

namespace netkit::app {
namespace {

struct get_options {
  std::string url;
  std::string output;
  double timeout = 30.0;
  bool include = false;
};

std::string human_size(long long n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  auto v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char text[32];
  std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return text;
}

// "[=========>          ]  45%  1.2 MiB / 2.6 MiB", redrawn in place; without a total, the
// bytes so far.
class progress_bar {
 public:
  void update(long long block, long long block_size, long long total) {
    const long long done = total >= 0 ? std::min(block * block_size, total) : block * block_size;
    std::string line = "\r";
    if (total > 0) {
      constexpr int width = 30;
      const auto filled = static_cast<int>(done * width / total);
      line += '[';
      line += std::string(static_cast<std::size_t>(filled), '=');
      if (filled < width) line += '>';
      line += std::string(static_cast<std::size_t>(width - std::min(filled + 1, width)), ' ');
      line += "] " + std::to_string(done * 100 / total) + "%  " + human_size(done) + " / " +
              human_size(total);
    } else {
      line += human_size(done);
    }
    std::cerr << line << "   " << std::flush;
    drawn_ = true;
  }
  void finish() {
    if (drawn_) std::cerr << '\n';
  }

 private:
  bool drawn_ = false;
};

// A message on one line: Python's redirect-loop message spans three.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\r') continue;
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

// The body's announced length when it is framed by Content-Length alone; -1 otherwise.
long long announced_length(const http::headers& h) {
  const auto cl = h.get("content-length");
  if (!cl || h.get("transfer-encoding")) return -1;
  long long v = -1;
  const auto [end, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), v);
  return ec == std::errc() && end == cl->data() + cl->size() ? v : -1;
}

int fetch(const get_options& o) {
  const auto timeout = std::chrono::duration<double>(o.timeout);
  if (!o.output.empty()) {
    progress_bar bar;
    http::reporthook hook;
    if (::isatty(STDERR_FILENO) != 0)
      hook = [&bar](long long b, long long s, long long t) { bar.update(b, s, t); };
    const timeout_t previous = getdefaulttimeout();
    setdefaulttimeout(timeout);  // urlretrieve takes Python's global default timeout
    const std::string part = o.output + ".part";
    try {
      http::urlretrieve(o.url, part, hook);
    } catch (...) {
      setdefaulttimeout(previous);
      bar.finish();
      std::remove(part.c_str());
      throw;
    }
    setdefaulttimeout(previous);
    bar.finish();
    if (std::rename(part.c_str(), o.output.c_str()) != 0) {
      const std::error_code ec(errno, std::generic_category());
      std::remove(part.c_str());
      throw std::system_error(ec, "cannot rename '" + part + "' to '" + o.output + "'");
    }
    return 0;
  }
  http::url_response r = http::urlopen(o.url, std::nullopt, timeout);
  if (o.include) {
    std::cout << "HTTP/" << (r.version() == 10 ? "1.0" : "1.1") << ' ' << r.status() << ' '
              << r.reason() << "\r\n"
              << r.headers().str() << "\r\n";
  }
  long long got = 0;
  for (bytes block; !(block = r.read1()).empty();) {
    got += static_cast<long long>(block.size());
    std::cout.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
  std::cout.flush();
  if (const long long size = announced_length(r.headers()); size >= 0 && got < size) {
    throw http::content_too_short_error("retrieval incomplete: got only " + std::to_string(got) +
                                            " out of " + std::to_string(size) + " bytes",
                                        {"-", r.headers()});
  }
  return 0;
}

int get(const get_options& o) {
  try {
    return fetch(o);
  } catch (const std::exception& e) {
    throw std::runtime_error(o.url + ": " + one_line(e.what()));
  }
}

}  // namespace

command add_get(CLI::App& app) {
  auto o = std::make_shared<get_options>();
  auto* sub = app.add_subcommand("get", "Fetch a URL (urlopen / urlretrieve)");
  sub->footer(
      "Writes the body to stdout, or with -o FILE to that file (urlretrieve; a progress bar on a\n"
      "terminal; written to FILE.part, renamed to FILE once whole). Follows redirects (at most\n"
      "10). An HTTP error, a failure to connect, a timeout or a body cut short is one line on\n"
      "stderr, 'URL: reason', and exit status 1. http:// URLs only.");
  sub->add_option("url", o->url, "the URL")->required();
  sub->add_option("-o,--output", o->output, "write the body to FILE")->type_name("FILE");
  sub->add_option("--timeout", o->timeout, "seconds for the connect and each read")
      ->type_name("S")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_flag("-i,--include", o->include, "print the status line and the fields first");
  return {sub, [o] { return get(*o); }};
}

}  // namespace netkit::app
