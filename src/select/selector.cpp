#include "netkit/select/selector.hpp"

#include <fcntl.h>

#include <cerrno>
#include <string>

#include "netkit/error.hpp"

namespace netkit {
namespace {

std::string fd_text(int fd) { return "fd " + std::to_string(fd); }

void check_events(const char* call, unsigned events) {
  if (events == 0 || (events & ~(EVENT_READ | EVENT_WRITE)) != 0)
    throw value_error(std::string(call) + ": Invalid events: " + std::to_string(events));
}

}  // namespace

void selector::require_open(const char* call) const {
  if (closed_) throw value_error(std::string(call) + ": selector is closed");
}

const selector_key& selector::register_(int fd, unsigned events, selector_callback data) {
  require_open("selector.register");
  if (fd < 0)
    throw value_error("selector.register: Invalid file descriptor: " + std::to_string(fd));
  check_events("selector.register", events);
  if (keys_.contains(fd))
    throw key_error("selector.register: " + fd_text(fd) + " is already registered");
  // select(2) and poll(2) would only notice a closed descriptor later, in the middle of a
  // loop; every backend refuses it here, with the error epoll gives.
  if (::fcntl(fd, F_GETFD) < 0) throw_error(last_error(), "selector.register", fd_text(fd));
  backend_add(fd, events);
  auto [it, inserted] = keys_.emplace(fd, selector_key{fd, fd, events, std::move(data)});
  return it->second;
}

selector_key selector::unregister(int fd) {
  require_open("selector.unregister");
  auto it = keys_.find(fd);
  if (it == keys_.end())
    throw key_error("selector.unregister: " + fd_text(fd) + " is not registered");
  // The descriptor may be closed already (Python allows unregistering after close).
  backend_remove(fd, it->second.events);
  selector_key key = std::move(it->second);
  keys_.erase(it);
  return key;
}

const selector_key& selector::modify(int fd, unsigned events) {
  require_open("selector.modify");
  check_events("selector.modify", events);
  auto it = keys_.find(fd);
  if (it == keys_.end()) throw key_error("selector.modify: " + fd_text(fd) + " is not registered");
  if (it->second.events != events) {
    backend_modify(fd, it->second.events, events);
    it->second.events = events;
  }
  return it->second;
}

const selector_key& selector::modify(int fd, unsigned events, selector_callback data) {
  const selector_key& key = modify(fd, events);
  keys_.find(fd)->second.data = std::move(data);
  return key;
}

const std::vector<selector_event>& selector::select(timeout_t timeout) {
  require_open("selector.select");
  if (timeout && !(timeout->count() > 0)) timeout = seconds_f(0);  // <= 0 (or NaN): just look
  ready_.clear();
  events_.clear();
  backend_wait(timeout, ready_);
  for (const auto& [fd, mask] : ready_) {
    auto it = keys_.find(fd);
    if (it == keys_.end()) continue;
    const unsigned wanted = mask & it->second.events;
    if (wanted != 0) events_.push_back({it->second, wanted});
  }
  return events_;
}

const selector_key& selector::get_key(int fd) const {
  require_open("selector.get_key");
  auto it = keys_.find(fd);
  if (it == keys_.end()) throw key_error("selector.get_key: " + fd_text(fd) + " is not registered");
  return it->second;
}

void selector::close() {
  keys_.clear();
  events_.clear();
  closed_ = true;
}

}  // namespace netkit
