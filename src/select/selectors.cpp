#include "netkit/select/selectors.hpp"

#include <sys/select.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>

#include "netkit/error.hpp"
#include "netkit/select/select.hpp"

namespace netkit {
namespace {

// Python's poll/epoll selectors: anything but "readable" (an error, a hang-up) wakes a writer,
// and anything but "writable" wakes a reader; select() then keeps what the key asked for.
template <unsigned In, unsigned Out>
unsigned to_selector_events(unsigned kernel_events) {
  unsigned events = 0;
  if (kernel_events & ~In) events |= EVENT_WRITE;
  if (kernel_events & ~Out) events |= EVENT_READ;
  return events;
}

template <class Mask>
Mask to_kernel_events(unsigned events, Mask in, Mask out) {
  Mask mask = 0;
  if (events & EVENT_READ) mask |= in;
  if (events & EVENT_WRITE) mask |= out;
  return mask;
}

void erase_fd(std::vector<int>& fds, int fd) {
  fds.erase(std::remove(fds.begin(), fds.end(), fd), fds.end());
}

}  // namespace

// --- select_selector -------------------------------------------------------------------------

void select_selector::backend_add(int fd, unsigned events) {
  if (fd >= FD_SETSIZE)
    throw value_error("select_selector.register: fd " + std::to_string(fd) +
                      " is out of range for select() (FD_SETSIZE " + std::to_string(FD_SETSIZE) +
                      "); use poll_selector or epoll_selector");
  if (events & EVENT_READ) readers_.push_back(fd);
  if (events & EVENT_WRITE) writers_.push_back(fd);
}

void select_selector::backend_modify(int fd, unsigned old_events, unsigned new_events) {
  backend_remove(fd, old_events);
  backend_add(fd, new_events);
}

void select_selector::backend_remove(int fd, unsigned events) noexcept {
  if (events & EVENT_READ) erase_fd(readers_, fd);
  if (events & EVENT_WRITE) erase_fd(writers_, fd);
}

void select_selector::backend_wait(timeout_t timeout,
                                   std::vector<std::pair<int, unsigned>>& ready) {
  std::vector<bool> flags;
  detail::select_fds(readers_, writers_, {}, timeout, flags);
  for (std::size_t i = 0; i < readers_.size(); ++i)
    if (flags[i]) ready.emplace_back(readers_[i], EVENT_READ);
  const std::size_t readable = ready.size();
  for (std::size_t i = 0; i < writers_.size(); ++i) {
    if (!flags[readers_.size() + i]) continue;
    const int fd = writers_[i];
    auto end = ready.begin() + static_cast<std::ptrdiff_t>(readable);
    auto it = std::find_if(ready.begin(), end, [fd](const auto& r) { return r.first == fd; });
    if (it != end)
      it->second |= EVENT_WRITE;
    else
      ready.emplace_back(fd, EVENT_WRITE);
  }
}

// --- poll_selector ---------------------------------------------------------------------------

void poll_selector::backend_add(int fd, unsigned events) {
  index_[fd] = fds_.size();
  fds_.push_back({fd, to_kernel_events<short>(events, POLLIN, POLLOUT), 0});
}

void poll_selector::backend_modify(int fd, unsigned /*old_events*/, unsigned new_events) {
  fds_[index_.at(fd)].events = to_kernel_events<short>(new_events, POLLIN, POLLOUT);
}

void poll_selector::backend_remove(int fd, unsigned /*events*/) noexcept {
  auto it = index_.find(fd);
  if (it == index_.end()) return;
  const std::size_t pos = it->second;
  index_.erase(it);
  if (pos + 1 != fds_.size()) {
    fds_[pos] = fds_.back();
    index_[fds_[pos].fd] = pos;
  }
  fds_.pop_back();
}

void poll_selector::backend_wait(timeout_t timeout, std::vector<std::pair<int, unsigned>>& ready) {
  // Rounded up to whole milliseconds, as Python does, so a short timeout is no busy loop.
  const deadline until(timeout);
  for (;;) {
    const int rc = ::poll(fds_.data(), fds_.size(), until.poll_ms());
    if (rc >= 0) break;
    if (errno != EINTR) throw_error(last_error(), "poll_selector.select");
  }
  for (const pollfd& p : fds_) {
    if (p.revents == 0) continue;
    ready.emplace_back(p.fd,
                       to_selector_events<POLLIN, POLLOUT>(static_cast<unsigned short>(p.revents)));
  }
}

// --- epoll_selector --------------------------------------------------------------------------

void epoll_selector::backend_add(int fd, unsigned events) {
  epoll_.register_(fd, to_kernel_events<std::uint32_t>(events, EPOLLIN, EPOLLOUT));
}

void epoll_selector::backend_modify(int fd, unsigned /*old_events*/, unsigned new_events) {
  epoll_.modify(fd, to_kernel_events<std::uint32_t>(new_events, EPOLLIN, EPOLLOUT));
}

void epoll_selector::backend_remove(int fd, unsigned /*events*/) noexcept {
  // A descriptor closed before it was unregistered has already left the epoll set.
  std::error_code ignored;
  epoll_.ctl(EPOLL_CTL_DEL, fd, 0, ignored);
}

void epoll_selector::backend_wait(timeout_t timeout, std::vector<std::pair<int, unsigned>>& ready) {
  buffer_.resize(std::max<std::size_t>(get_map().size(), 1));
  std::error_code ec;
  const std::size_t n = epoll_.poll(buffer_, timeout, ec);
  if (ec) throw_error(ec, "epoll_selector.select");
  for (std::size_t i = 0; i < n; ++i)
    ready.emplace_back(int{buffer_[i].data.fd},  // a copy: epoll_event is packed
                       to_selector_events<EPOLLIN, EPOLLOUT>(buffer_[i].events));
}

void epoll_selector::close() {
  selector::close();
  epoll_.close();
}

}  // namespace netkit
