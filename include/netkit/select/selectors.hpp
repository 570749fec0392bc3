// netkit/select/selectors.hpp — the selector backends, as in Python's selectors module
// (public): select_selector (select(2); descriptors < FD_SETSIZE), poll_selector (poll(2)),
// epoll_selector (epoll(7)), and default_selector, the best one here (epoll on Linux; a
// kqueue_selector is compiled on BSD and macOS only).
//
//   netkit::default_selector sel;      // all share netkit::selector's interface
//   sel.register_(sock, netkit::EVENT_READ, on_readable);
//
// Thread safety: one thread at a time.
#pragma once

#include <poll.h>

#include <unordered_map>
#include <vector>

#include "netkit/select/epoll.hpp"
#include "netkit/select/selector.hpp"

namespace netkit {

class select_selector final : public selector {
 protected:
  void backend_add(int fd, unsigned events) override;
  void backend_modify(int fd, unsigned old_events, unsigned new_events) override;
  void backend_remove(int fd, unsigned events) noexcept override;
  void backend_wait(timeout_t timeout, std::vector<std::pair<int, unsigned>>& ready) override;

 private:
  std::vector<int> readers_;
  std::vector<int> writers_;
};

class poll_selector final : public selector {
 protected:
  void backend_add(int fd, unsigned events) override;
  void backend_modify(int fd, unsigned old_events, unsigned new_events) override;
  void backend_remove(int fd, unsigned events) noexcept override;
  void backend_wait(timeout_t timeout, std::vector<std::pair<int, unsigned>>& ready) override;

 private:
  std::vector<pollfd> fds_;
  std::unordered_map<int, std::size_t> index_;  // fd -> position in fds_
};

class epoll_selector final : public selector {
 public:
  int fileno() const noexcept { return epoll_.fileno(); }
  void close() override;

 protected:
  void backend_add(int fd, unsigned events) override;
  void backend_modify(int fd, unsigned old_events, unsigned new_events) override;
  void backend_remove(int fd, unsigned events) noexcept override;
  void backend_wait(timeout_t timeout, std::vector<std::pair<int, unsigned>>& ready) override;

 private:
  netkit::epoll epoll_;
  std::vector<epoll_event> buffer_;
};

#if defined(__linux__)
using default_selector = epoll_selector;
#else
using default_selector = poll_selector;
#endif

}  // namespace netkit
