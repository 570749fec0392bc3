// bench/echo/server_common.hpp — the command line every bench_echo_* server shares (bench code,
// private to bench/echo/).
//
//   int port = bench::parse_port(argc, argv);     // --port P (default 0: any free port)
//   ... bind 127.0.0.1:port, listen ...
//   bench::print_listening(actual_port);          // "listening on 127.0.0.1:PORT", flushed
//
// Every server is single-threaded, reads at most bench::read_size bytes at a time and sets
// TCP_NODELAY on accepted sockets, so the comparison is between event loops, not settings.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace bench {

inline constexpr std::size_t read_size = 64 * 1024;
inline constexpr int backlog = 4096;

[[noreturn]] inline void usage(const char* program) {
  std::fprintf(stderr, "usage: %s [--port P]\n", program);
  std::exit(2);
}

inline int parse_port(int argc, char** argv) {
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      char* end = nullptr;
      const long value = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || value < 0 || value > 65535) usage(argv[0]);
      port = static_cast<int>(value);
    } else {
      usage(argv[0]);
    }
  }
  return port;
}

inline void print_listening(int port) {
  std::printf("listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);
}

}  // namespace bench
