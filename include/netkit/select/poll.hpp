// netkit/select/poll.hpp — select.poll(): a set of descriptors and the events wanted on each
// (public). The POLL* constants are the system's (POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP,
// POLLNVAL, POLLRDHUP ...), as Python's select module re-exports them.
//
//   auto p = netkit::poll();                       // a poll_object, as select.poll() gives
//   p.register_(server, POLLIN | POLLPRI);
//   for (auto [fd, events] : p.poll(1000)) ...   // timeout in milliseconds, as Python's
// (C++ cannot name a class and its method both `poll`; the class is poll_object.)
//
// Thread safety: one thread at a time.
#pragma once

#include <poll.h>

#include <optional>
#include <utility>
#include <vector>

#include "netkit/select/fileno.hpp"

namespace netkit {

struct poll_event {
  int fd;
  short events;
};

class poll_object {
 public:
  // Adds fd, or replaces its mask when it is already registered (as Python's does).
  void register_(int fd, short eventmask = POLLIN | POLLPRI | POLLOUT);
  template <file_like T>
  requires(!std::integral<T>) void register_(const T& obj,
                                             short eventmask = POLLIN | POLLPRI | POLLOUT) {
    register_(fileno_of(obj), eventmask);
  }
  // Changes a registered fd's mask; socket_error ENOENT when it is not registered (Python).
  void modify(int fd, short eventmask);
  // Forgets fd; key_error when it is not registered (Python's KeyError).
  void unregister(int fd);
  template <file_like T>
  requires(!std::integral<T>) void modify(const T& obj, short eventmask) {
    modify(fileno_of(obj), eventmask);
  }
  template <file_like T>
  requires(!std::integral<T>) void unregister(const T& obj) { unregister(fileno_of(obj)); }

  // Waits up to timeout_ms milliseconds (std::nullopt or a negative value: forever) and returns
  // (fd, revents) for each ready descriptor. EINTR is retried with the time left.
  std::vector<poll_event> poll(std::optional<int> timeout_ms = std::nullopt);

  std::size_t size() const noexcept { return fds_.size(); }

 private:
  std::vector<pollfd> fds_;  // a flat array, handed to ::poll as it is
};

// select.poll()
inline poll_object poll() { return {}; }

}  // namespace netkit
