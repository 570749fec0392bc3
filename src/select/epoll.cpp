#include "netkit/select/epoll.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <string>

#include "netkit/error.hpp"

namespace netkit {
namespace {

const char* op_name(int op) {
  switch (op) {
    case EPOLL_CTL_ADD: return "epoll.register";
    case EPOLL_CTL_MOD: return "epoll.modify";
    default: return "epoll.unregister";
  }
}

}  // namespace

epoll::epoll(int sizehint, int flags) {
  (void)sizehint;
  fd_ = ::epoll_create1(flags | EPOLL_CLOEXEC);
  if (fd_ < 0) throw_error(last_error(), "epoll");
}

epoll::epoll(epoll&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), registered_(std::exchange(other.registered_, 0)) {}

epoll& epoll::operator=(epoll&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    registered_ = std::exchange(other.registered_, 0);
  }
  return *this;
}

epoll::~epoll() { close(); }

void epoll::close() noexcept {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  registered_ = 0;
}

void epoll::ctl(int op, int fd, std::uint32_t eventmask, std::error_code& ec) noexcept {
  if (fd_ < 0) {
    ec = {EBADF, std::system_category()};
    return;
  }
  epoll_event ev{};
  ev.events = eventmask;
  ev.data.fd = fd;
  if (::epoll_ctl(fd_, op, fd, &ev) < 0) {
    ec = last_error();
    return;
  }
  ec.clear();
  if (op == EPOLL_CTL_ADD) ++registered_;
  if (op == EPOLL_CTL_DEL && registered_ > 0) --registered_;
}

namespace {
// Python checks the descriptor before asking the kernel, as select() and poll do.
void check_fd(const char* call, int fd) {
  if (fd < 0)
    throw value_error(std::string(call) + ": file descriptor cannot be a negative integer (" +
                      std::to_string(fd) + ")");
}
}  // namespace

void epoll::register_(int fd, std::uint32_t eventmask) {
  check_fd(op_name(EPOLL_CTL_ADD), fd);
  std::error_code ec;
  ctl(EPOLL_CTL_ADD, fd, eventmask, ec);
  if (ec) throw_error(ec, op_name(EPOLL_CTL_ADD), "fd " + std::to_string(fd));
}

void epoll::modify(int fd, std::uint32_t eventmask) {
  check_fd(op_name(EPOLL_CTL_MOD), fd);
  std::error_code ec;
  ctl(EPOLL_CTL_MOD, fd, eventmask, ec);
  if (ec) throw_error(ec, op_name(EPOLL_CTL_MOD), "fd " + std::to_string(fd));
}

void epoll::unregister(int fd) {
  check_fd(op_name(EPOLL_CTL_DEL), fd);
  std::error_code ec;
  ctl(EPOLL_CTL_DEL, fd, 0, ec);
  if (ec) throw_error(ec, op_name(EPOLL_CTL_DEL), "fd " + std::to_string(fd));
}

std::size_t epoll::poll(std::span<epoll_event> out, timeout_t timeout,
                        std::error_code& ec) noexcept {
  if (fd_ < 0) {
    ec = {EBADF, std::system_category()};
    return 0;
  }
  if (out.empty()) {
    ec = std::make_error_code(std::errc::invalid_argument);
    return 0;
  }
  const int max = static_cast<int>(std::min<std::size_t>(out.size(), 1 << 30));
  const deadline until(timeout && timeout->count() >= 0 ? timeout : timeout_t());
  for (;;) {
    const int n = ::epoll_wait(fd_, out.data(), max, until.poll_ms());
    if (n >= 0) {
      ec.clear();
      return static_cast<std::size_t>(n);
    }
    if (errno != EINTR) {
      ec = last_error();
      return 0;
    }
  }
}

std::vector<epoll_ready> epoll::poll(timeout_t timeout, int maxevents) {
  if (maxevents == 0 || maxevents < -1)
    throw value_error("epoll.poll: maxevents must be greater than 0, got " +
                      std::to_string(maxevents));
  const std::size_t n =
      maxevents > 0 ? static_cast<std::size_t>(maxevents) : std::max<std::size_t>(registered_, 1);
  std::vector<epoll_event> buffer(n);
  std::error_code ec;
  const std::size_t got = poll(buffer, timeout, ec);
  if (ec) throw_error(ec, "epoll.poll");
  std::vector<epoll_ready> out;
  out.reserve(got);
  for (std::size_t i = 0; i < got; ++i)
    out.push_back({int{buffer[i].data.fd}, std::uint32_t{buffer[i].events}});
  return out;
}

}  // namespace netkit
