// examples/socketserver_support.hpp — what the socketserver twins need beyond pymotw.hpp and
// seed_support.hpp (private to examples/).
//
// The client half both threading/forking programs share (hello_client), and two more pieces of
// Python's runtime:
//   - pythread: thread names as Python's threading module gives them. Every Thread created
//     without a name takes the next number of one process-wide counter and, since Python 3.10,
//     its target's name: "Thread-1 (serve_forever)". The main thread is "MainThread".
//   - pylog::logger: logging.getLogger(name) after
//     logging.basicConfig(level=logging.DEBUG, format='%(name)s: %(message)s'): every record is
//     one line on stderr, written whole (Python's handler holds a lock), in the order the
//     threads log them.
#pragma once

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "netkit/socket/socket.hpp"
#include "pymotw.hpp"

namespace pythread {

// The next default name, as threading.Thread(target=f) computes it in its constructor.
inline std::string new_thread_name(std::string_view target) {
  static std::atomic<int> counter{0};
  return "Thread-" + std::to_string(++counter) + " (" + std::string(target) + ")";
}

namespace detail {
inline std::string& current_name_slot() {
  thread_local std::string name = "MainThread";
  return name;
}
}  // namespace detail

// threading.current_thread().name
inline const std::string& current_name() { return detail::current_name_slot(); }

// What a thread started outside pythread::thread (by the library) calls to take its name.
inline void set_current_name(std::string name) { detail::current_name_slot() = std::move(name); }

// threading.Thread(target=...) started at once; the name is taken when it is constructed, on
// the constructing thread, as in Python. Join it before it is destroyed (Python's daemon
// threads die with the process; a C++ program joins them once they have returned).
class thread {
 public:
  template <class Fn>
  thread(std::string_view target, Fn fn) : name_(new_thread_name(target)) {
    thread_ = std::thread([name = name_, fn = std::move(fn)]() mutable {
      set_current_name(std::move(name));
      fn();
    });
  }
  const std::string& name() const noexcept { return name_; }
  void join() { thread_.join(); }

 private:
  std::string name_;
  std::thread thread_;
};

// Names handed from the thread that creates a thread to the thread itself, keyed by something
// both can see (a request's descriptor): for threads the library starts, which a program can
// only name from an override that runs on them.
class pending_names {
 public:
  void add(int key, std::string name) {
    const std::lock_guard lock(mutex_);
    names_[key] = std::move(name);
  }
  // The name left under `key` (removed), or the next default name for `target` if none was.
  std::string take(int key, std::string_view target) {
    const std::lock_guard lock(mutex_);
    const auto it = names_.find(key);
    if (it == names_.end()) return new_thread_name(target);
    std::string name = std::move(it->second);
    names_.erase(it);
    return name;
  }

 private:
  std::mutex mutex_;
  std::map<int, std::string> names_;
};

}  // namespace pythread

namespace pylog {

// logging.getLogger(name) with the seed's basicConfig: "name: message" on stderr.
class logger {
 public:
  explicit logger(std::string name) : name_(std::move(name)) {}

  void debug(std::string_view message) const { emit(message); }
  void info(std::string_view message) const { emit(message); }

 private:
  void emit(std::string_view message) const {
    static std::mutex lock;
    const std::string line = name_ + ": " + std::string(message) + "\n";
    const std::lock_guard guard(lock);
    // One write per record, as Python's StreamHandler flushes each one.
    for (std::size_t done = 0; done < line.size();) {
      const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // stderr gone: logging never fails the program
      done += static_cast<std::size_t>(n);
    }
  }

  std::string name_;
};

}  // namespace pylog

namespace hello_client {

// socketserver_threaded.py's and socketserver_forking.py's client: connect to the server, send
// 'Hello, world' and print both sides. The socket is handed back open: the programs close it
// only after shutting the server down.
//
// Everything the client prints, the address and the receive buffer are made before it
// connects, so that from the moment the server can accept until the answer is in, this thread
// never calls malloc or free: the forking server forks in that window, and GCC 12's
// AddressSanitizer does not lock its allocator across fork(), so a child forked while this
// thread held the allocator's lock would hang in its first allocation. (glibc's malloc is
// fork-safe; this matters only for the asan build, which runs these programs too.)
inline netkit::socket exchange(const std::string& ip, int port) {
  const netkit::endpoint server =
      netkit::socket_address::ipv4(ip, static_cast<std::uint16_t>(port));
  const netkit::bytes message = "Hello, world";
  const std::string sending = "Sending : " + netkit::repr(message) + "\n";
  std::array<char, 1024> answer{};

  // Connect to the server
  netkit::socket s(AF_INET, SOCK_STREAM);
  s.connect(server);

  // Send the data
  std::cout << sending << std::flush;
  s.send(message);

  // Receive a response
  const std::size_t n = s.recv_into(answer);
  pymotw::print("Received: " + netkit::repr(netkit::bytes_view(answer.data(), n)));
  return s;
}

}  // namespace hello_client
