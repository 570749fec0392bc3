// netkit/select/epoll.hpp — select.epoll(): Linux's scalable readiness interface (public).
// The EPOLL* constants are the system's (EPOLLIN, EPOLLOUT, EPOLLET, EPOLLONESHOT,
// EPOLLEXCLUSIVE, EPOLLRDHUP, EPOLLERR, EPOLLHUP ...).
//
//   netkit::epoll ep;
//   ep.register_(server, EPOLLIN | EPOLLET);
//   for (auto [fd, events] : ep.poll(1.0s)) ...
//   // hot path, no allocation, never throws:
//   epoll_event buf[64]; std::error_code ec;
//   std::size_t n = ep.poll(buf, 10ms, ec);
//
// The epoll descriptor is close-on-exec and closed by the destructor.
// Thread safety: register_/modify/unregister and poll may run in different threads (the kernel
// allows it); close() must not race with any of them.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

#include "netkit/select/fileno.hpp"
#include "netkit/socket/socket.hpp"  // timeout_t

namespace netkit {

struct epoll_ready {
  int fd;
  std::uint32_t events;
};

class epoll {
 public:
  static constexpr std::uint32_t default_mask = EPOLLIN | EPOLLPRI | EPOLLOUT;

  // sizehint is ignored by Linux, as in Python; flags may be EPOLL_CLOEXEC (always added).
  explicit epoll(int sizehint = -1, int flags = 0);
  epoll(epoll&& other) noexcept;
  epoll& operator=(epoll&& other) noexcept;
  epoll(const epoll&) = delete;
  epoll& operator=(const epoll&) = delete;
  ~epoll();

  int fileno() const noexcept { return fd_; }
  bool closed() const noexcept { return fd_ < 0; }
  void close() noexcept;

  // socket_error EEXIST when fd is already registered (Python's FileExistsError), EBADF for a
  // closed descriptor.
  void register_(int fd, std::uint32_t eventmask = default_mask);
  void modify(int fd, std::uint32_t eventmask);  // socket_error ENOENT when not registered
  void unregister(int fd);                       // socket_error ENOENT when not registered
  template <file_like T>
  requires(!std::integral<T>) void register_(const T& obj, std::uint32_t eventmask = default_mask) {
    register_(fileno_of(obj), eventmask);
  }
  template <file_like T>
  requires(!std::integral<T>) void modify(const T& obj, std::uint32_t eventmask) {
    modify(fileno_of(obj), eventmask);
  }
  template <file_like T>
  requires(!std::integral<T>) void unregister(const T& obj) { unregister(fileno_of(obj)); }
  // The same three calls without exceptions, for loops.
  void ctl(int op, int fd, std::uint32_t eventmask, std::error_code& ec) noexcept;

  // Waits (std::nullopt: forever) and returns up to maxevents (-1: as many as are registered,
  // at least one) ready descriptors. EINTR is retried with the time left.
  std::vector<epoll_ready> poll(timeout_t timeout = std::nullopt, int maxevents = -1);
  // Fills `out` and returns how many entries are valid, each with its descriptor in data.fd
  // (as registered through this class); never throws, never allocates.
  std::size_t poll(std::span<epoll_event> out, timeout_t timeout, std::error_code& ec) noexcept;

 private:
  int fd_ = -1;
  std::size_t registered_ = 0;  // sizes poll()'s default buffer, as CPython's does
};

}  // namespace netkit
