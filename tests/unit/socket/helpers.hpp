// Shared by the socket layer's unit tests (not public): temporary directories, loopback
// listeners, connected pairs, a python3 runner for reference values and a private network
// namespace for tests that need one.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "netkit/socket.hpp"

namespace netkit {
// Lets GoogleTest print addresses in failure messages as Python would.
inline void PrintTo(const socket_address& a, std::ostream* os) { *os << repr(a); }
}  // namespace netkit

namespace netkit_test {

using namespace std::chrono_literals;

// Every socket a test makes gets this timeout, so a bug fails the test instead of hanging it.
inline constexpr double kIoTimeout = 5.0;

// The three kinds of address the socket layer handles, for parameterised tests.
enum class where { ipv4, ipv6, unix_path, unix_abstract };

inline const char* where_name(where w) {
  switch (w) {
    case where::ipv4: return "ipv4";
    case where::ipv6: return "ipv6";
    case where::unix_path: return "unix_path";
    case where::unix_abstract: return "unix_abstract";
  }
  return "?";
}

inline int family_of(where w) {
  switch (w) {
    case where::ipv4: return AF_INET;
    case where::ipv6: return AF_INET6;
    default: return AF_UNIX;
  }
}

// A fresh directory under $TMPDIR, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "netkit-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A unique abstract Unix name (leading NUL) so parallel test runs never collide.
inline std::string abstract_name(const std::string& tag) {
  static int counter = 0;
  return std::string(1, '\0') + "netkit-test-" + std::to_string(::getpid()) + "-" + tag + "-" +
         std::to_string(++counter);
}

// A place to bind for `w`: loopback port 0, a path in `dir`, or a fresh abstract name.
inline netkit::endpoint bind_point(where w, const temp_dir& dir, const std::string& tag) {
  switch (w) {
    case where::ipv4: return {"127.0.0.1", 0};
    case where::ipv6: return {"::1", 0};
    case where::unix_path: return netkit::endpoint(dir.path(tag + ".sock"));
    case where::unix_abstract: return netkit::endpoint(abstract_name(tag));
  }
  return {"127.0.0.1", 0};
}

inline netkit::socket make_socket(int family, int type) {
  netkit::socket s(family, type);
  s.settimeout(kIoTimeout);
  return s;
}

// A listening stream socket for `w`.
inline netkit::socket listener(where w, const temp_dir& dir) {
  auto s = make_socket(family_of(w), SOCK_STREAM);
  s.bind(bind_point(w, dir, "listener"));
  s.listen();
  return s;
}

struct stream_pair {
  netkit::socket client;
  netkit::socket server;  // the accepted end
  netkit::socket_address server_seen_peer;
};

// A connected stream pair for `w` (client connected to an accepted server end), both with
// the I/O timeout. The listener is kept alive only while connecting.
inline stream_pair connected_pair(where w, const temp_dir& dir) {
  auto l = listener(w, dir);
  auto c = make_socket(family_of(w), SOCK_STREAM);
  c.connect(l.getsockname());
  auto [conn, peer] = l.accept();
  conn.settimeout(kIoTimeout);
  return {std::move(c), std::move(conn), peer};
}

// Elapsed time of a call, in seconds.
template <class F>
double seconds_taken(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline bool has_cloexec(int fd) {
  const int flags = ::fcntl(fd, F_GETFD);
  return flags >= 0 && (flags & FD_CLOEXEC) != 0;
}

inline bool has_nonblock(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && (flags & O_NONBLOCK) != 0;
}

inline bool fd_is_open(int fd) { return ::fcntl(fd, F_GETFD) >= 0; }

// Runs `code` with the reference python3 (bounded by `timeout`) and returns its stdout; used
// for values that depend on this machine's configuration (hostname, /etc/hosts).
inline std::string run_python(const std::string& code) {
  std::string quoted = "'";
  for (char c : code) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  quoted += "'";
  const std::string cmd = "timeout 30 " + std::string(NETKIT_PYTHON) + " -c " + quoted;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return {};
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  return out;
}

// Restores the default timeout when a test that changes it ends, pass or fail.
class default_timeout_guard {
 public:
  default_timeout_guard() : saved_(netkit::getdefaulttimeout()) {}
  default_timeout_guard(const default_timeout_guard&) = delete;
  default_timeout_guard& operator=(const default_timeout_guard&) = delete;
  ~default_timeout_guard() { netkit::setdefaulttimeout(saved_); }

 private:
  netkit::timeout_t saved_;
};

// The result of running a function in a child process.
struct child_result {
  bool skipped = false;  // the child could not set up its namespace
  int status = -1;       // the child's exit status (0 = the checks passed)
  std::string report;    // what the child wrote: the failure or skip reason
};

// Forks; the child calls `setup` (which returns a skip reason, or "" when ready) and then
// `body`, which returns "" on success or a description of what went wrong. The child is
// killed by SIGALRM if it overruns, so the parent's wait is bounded.
inline child_result run_in_child(const std::function<std::string()>& setup,
                                 const std::function<std::string()>& body,
                                 unsigned limit_seconds = 30) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {false, -1, "pipe2 failed"};
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return {false, -1, "fork failed"};
  if (pid == 0) {
    ::close(fds[0]);
    ::alarm(limit_seconds);
    std::string report;
    int code = 0;
    try {
      report = setup();
      if (!report.empty()) {
        code = 77;
      } else {
        report = body();
        code = report.empty() ? 0 : 1;
      }
    } catch (const std::exception& e) {
      report = std::string("exception: ") + e.what();
      code = 1;
    }
    const char* p = report.data();
    for (std::size_t left = report.size(); left > 0;) {
      const ssize_t n = ::write(fds[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    ::_exit(code);
  }
  ::close(fds[1]);
  child_result r;
  char buf[1024];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    r.report.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    r.status = WEXITSTATUS(status);
    r.skipped = r.status == 77;
  } else if (WIFSIGNALED(status)) {
    r.report += " (child killed by signal " + std::to_string(WTERMSIG(status)) + ")";
  }
  return r;
}

// Setup for run_in_child: a private network namespace with only lo, up and multicast-capable,
// so tests may bind wildcard addresses and route multicast without touching the host.
inline std::string enter_private_netns() {
  if (::unshare(CLONE_NEWNET) != 0)
    return std::string("unshare(CLONE_NEWNET) not permitted: ") + std::strerror(errno);
  if (std::system("ip link set lo up multicast on >/dev/null 2>&1") != 0)
    return "'ip link set lo up multicast on' failed (is iproute2 installed?)";
  return {};
}

}  // namespace netkit_test
