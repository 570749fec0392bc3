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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
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

// For the hand-written epoll loops (the raw limits). SIGINT/SIGTERM run `handler` (which sets
// the loop's stop flag) and are blocked except inside epoll_pwait with the mask returned, so a
// signal can never slip in between the check of the flag and the wait.
inline sigset_t block_stop_signals(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  sigset_t stop_signals;
  sigset_t wait_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &stop_signals, &wait_mask);
  return wait_mask;
}

// A non-blocking listener on 127.0.0.1:port (0: any free port) in a new epoll instance
// (level-triggered, data.ptr null: accept_all may stop early on EMFILE), and the port it got;
// "listening on ..." is printed. False (with perror naming `who`) when bind or listen fails.
struct raw_listener {
  int listener = -1;
  int ep = -1;
};
inline bool listen_raw(int port, const char* who, raw_listener& out) {
  out.listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(out.listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(out.listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
      ::listen(out.listener, backlog) < 0 ||
      ::getsockname(out.listener, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    std::perror((std::string(who) + ": bind/listen").c_str());
    return false;
  }
  out.ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event lev{};
  lev.events = EPOLLIN;
  lev.data.ptr = nullptr;
  ::epoll_ctl(out.ep, EPOLL_CTL_ADD, out.listener, &lev);
  print_listening(ntohs(addr.sin_port));
  return true;
}

}  // namespace bench
