#include "netkit/select/poll.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>

#include "netkit/error.hpp"
#include "netkit/socket/deadline.hpp"

namespace netkit {
namespace {

auto find_fd(std::vector<pollfd>& fds, int fd) {
  return std::find_if(fds.begin(), fds.end(), [fd](const pollfd& p) { return p.fd == fd; });
}

}  // namespace

void poll_object::register_(int fd, short eventmask) {
  if (fd < 0)
    throw value_error("poll.register: file descriptor cannot be a negative integer (" +
                      std::to_string(fd) + ")");
  auto it = find_fd(fds_, fd);
  if (it != fds_.end())
    it->events = eventmask;
  else
    fds_.push_back({fd, eventmask, 0});
}

void poll_object::modify(int fd, short eventmask) {
  auto it = find_fd(fds_, fd);
  if (it == fds_.end())
    throw_error({ENOENT, std::system_category()}, "poll.modify", "fd " + std::to_string(fd));
  it->events = eventmask;
}

void poll_object::unregister(int fd) {
  auto it = find_fd(fds_, fd);
  if (it == fds_.end())
    throw key_error("poll.unregister: fd " + std::to_string(fd) + " is not registered");
  fds_.erase(it);
}

std::vector<poll_event> poll_object::poll(std::optional<int> timeout_ms) {
  const deadline until = !timeout_ms || *timeout_ms < 0
                             ? deadline()
                             : deadline(std::chrono::milliseconds(*timeout_ms));
  int rc = 0;
  for (;;) {
    rc = ::poll(fds_.data(), fds_.size(), until.poll_ms());
    if (rc >= 0) break;
    if (errno != EINTR) throw_error(last_error(), "poll");
  }
  std::vector<poll_event> out;
  out.reserve(static_cast<std::size_t>(rc));
  for (const pollfd& p : fds_)
    if (p.revents != 0) out.push_back({p.fd, p.revents});
  return out;
}

}  // namespace netkit
