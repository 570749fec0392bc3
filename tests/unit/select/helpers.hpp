// Shared by the select layer's unit tests (not public): pipes, connected pairs of every kind the
// selectors must handle, full send buffers, descriptor limits, and a thread that makes a
// descriptor ready while the test waits.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "netkit/error.hpp"
#include "netkit/socket.hpp"
#include "unit/socket/helpers.hpp"

namespace netkit_select_test {

using namespace std::chrono_literals;
using netkit_test::kIoTimeout;

// A descriptor closed on destruction (pipes and dup'ed descriptors have no netkit class).
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }
  int fileno() const noexcept { return fd_; }
  int get() const noexcept { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }

 private:
  int fd_ = -1;
};

struct pipe_pair {
  unique_fd read_end;
  unique_fd write_end;
};

inline pipe_pair make_pipe(int flags = 0) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | flags) != 0)
    throw std::system_error(errno, std::system_category(), "pipe2");
  return {unique_fd(fds[0]), unique_fd(fds[1])};
}

inline void write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::system_category(), "write");
    }
    done += static_cast<std::size_t>(n);
  }
}

inline std::string read_some(int fd, std::size_t n = 4096) {
  std::string buf(n, '\0');
  ssize_t got;
  do {
    got = ::read(fd, buf.data(), n);
  } while (got < 0 && errno == EINTR);
  if (got < 0) throw std::system_error(errno, std::system_category(), "read");
  buf.resize(static_cast<std::size_t>(got));
  return buf;
}

// A descriptor number that was valid a moment ago and is closed now (nothing else in this
// single-threaded part of a test reuses it before it is used).
inline int closed_fd_number() {
  auto p = make_pipe();
  const int fd = p.read_end.get();
  p.read_end.reset();
  return fd;
}

// The kinds of connected endpoints a selector must watch; `reader` becomes readable when
// `writer` sends, and is the end the tests register.
enum class kind { tcp, udp, unix_stream, unix_dgram, pipe };

inline const char* kind_name(kind k) {
  switch (k) {
    case kind::tcp: return "tcp";
    case kind::udp: return "udp";
    case kind::unix_stream: return "unix_stream";
    case kind::unix_dgram: return "unix_dgram";
    case kind::pipe: return "pipe";
  }
  return "?";
}

inline constexpr kind all_kinds[] = {kind::tcp, kind::udp, kind::unix_stream, kind::unix_dgram,
                                     kind::pipe};

// Either two sockets or a pipe; send()/recv() hide which.
struct endpoints {
  kind k;
  netkit::socket a;  // reader (sockets)
  netkit::socket b;  // writer (sockets)
  pipe_pair p;

  int reader() const { return k == kind::pipe ? p.read_end.get() : a.fileno(); }
  int writer() const { return k == kind::pipe ? p.write_end.get() : b.fileno(); }
  void send(const std::string& data) {
    if (k == kind::pipe)
      write_all(p.write_end.get(), data);
    else
      b.sendall(data);
  }
  std::string recv(std::size_t n = 4096) {
    if (k == kind::pipe) return read_some(p.read_end.get(), n);
    return a.recv(n);
  }
  // Closes the writing side so the reader sees end of file / hang-up.
  void close_writer() {
    if (k == kind::pipe)
      p.write_end.reset();
    else
      b.close();
  }
};

inline netkit::socket timed(netkit::socket s) {
  s.settimeout(kIoTimeout);
  return s;
}

inline std::pair<netkit::socket, netkit::socket> tcp_pair() {
  netkit::socket l(AF_INET, SOCK_STREAM);
  l.settimeout(kIoTimeout);
  l.bind({"127.0.0.1", 0});
  l.listen();
  netkit::socket c(AF_INET, SOCK_STREAM);
  c.settimeout(kIoTimeout);
  c.connect(l.getsockname());
  auto [conn, peer] = l.accept();
  return {timed(std::move(conn)), std::move(c)};
}

inline endpoints make_endpoints(kind k) {
  endpoints e{k, netkit::socket(AF_UNIX, SOCK_STREAM), netkit::socket(AF_UNIX, SOCK_STREAM), {}};
  switch (k) {
    case kind::tcp: {
      auto [server, client] = tcp_pair();
      e.a = std::move(server);
      e.b = std::move(client);
      break;
    }
    case kind::udp: {
      netkit::socket r(AF_INET, SOCK_DGRAM), w(AF_INET, SOCK_DGRAM);
      r.bind({"127.0.0.1", 0});
      w.bind({"127.0.0.1", 0});
      w.connect(r.getsockname());
      r.connect(w.getsockname());
      e.a = timed(std::move(r));
      e.b = timed(std::move(w));
      break;
    }
    case kind::unix_stream:
    case kind::unix_dgram: {
      auto [x, y] = netkit::socketpair(AF_UNIX, k == kind::unix_stream ? SOCK_STREAM : SOCK_DGRAM);
      e.a = timed(std::move(x));
      e.b = timed(std::move(y));
      break;
    }
    case kind::pipe:
      e.a.close();
      e.b.close();
      e.p = make_pipe();
      break;
  }
  return e;
}

// Sends from `s` (made non-blocking) until the kernel refuses with EAGAIN; returns the bytes
// queued. Leaves `s` non-blocking.
inline std::size_t fill_send_buffer(netkit::socket& s) {
  s.setblocking(false);
  const std::string chunk(65536, 'x');
  std::size_t total = 0;
  for (;;) {
    std::error_code ec;
    const std::size_t n = s.send(chunk, ec);
    if (ec) {
      if (ec == netkit::errc::would_block) return total;
      throw std::system_error(ec, "fill_send_buffer");
    }
    total += n;
  }
}

// Reads from `s` (made non-blocking) until nothing is left right now; returns the bytes read.
inline std::size_t drain(netkit::socket& s) {
  const auto saved = s.gettimeout();
  s.setblocking(false);
  std::size_t total = 0;
  char buf[65536];
  for (;;) {
    std::error_code ec;
    const std::size_t n = s.recv_into(netkit::mutable_buffer(buf, sizeof buf), ec);
    if (ec || n == 0) break;
    total += n;
  }
  s.settimeout(saved);
  return total;
}

// Raises RLIMIT_NOFILE's soft limit to the hard limit and returns the new soft limit.
inline rlim_t raise_nofile_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) ::getrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur;
}

// The calling thread's kernel id, for /proc/self/task/<tid>/stat.
inline pid_t this_tid() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

// Whether thread `tid` is asleep in the kernel (state 'S'): a test thread blocked in select,
// poll or epoll_wait is.
inline bool thread_sleeping(pid_t tid) {
  std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close_paren = line.rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < line.size() &&
         line[close_paren + 2] == 'S';
}

// Waits (bounded) until `tid` is asleep in the kernel; false if it never was within `limit`.
inline bool wait_until_sleeping(pid_t tid, std::chrono::steady_clock::duration limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (thread_sleeping(tid)) return true;
    std::this_thread::yield();
  }
  return false;
}

// A thread that, after `start()`, does `action` once the test thread is asleep in the kernel
// (so the action lands while the test is blocked in the call under test), and that the
// destructor always joins.
class when_blocked {
 public:
  template <class F>
  explicit when_blocked(F action) : waiter_(this_tid()) {
    thread_ = std::thread([this, action = std::move(action)]() mutable {
      wait_until_sleeping(waiter_);
      action();
    });
  }
  when_blocked(const when_blocked&) = delete;
  when_blocked& operator=(const when_blocked&) = delete;
  ~when_blocked() {
    if (thread_.joinable()) thread_.join();
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  pid_t waiter_;
  std::thread thread_;
};

// A bound for calls that may wait forever: unless `cancel()` runs first, writes to a pipe
// after `limit`, so a test that registers `fd()` is woken instead of hanging. Seeing fd() ready
// means the call under test did not return on its own.
class watchdog {
 public:
  explicit watchdog(std::chrono::steady_clock::duration limit = 10s) : pipe_(make_pipe()) {
    thread_ = std::thread([this, limit] {
      std::unique_lock lock(mutex_);
      if (!cv_.wait_for(lock, limit, [this] { return cancelled_; }))
        write_all(pipe_.write_end.get(), "!");
    });
  }
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;
  ~watchdog() { cancel(); }
  int fd() const { return pipe_.read_end.get(); }
  void cancel() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  pipe_pair pipe_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool cancelled_ = false;
  std::thread thread_;
};

}  // namespace netkit_select_test
