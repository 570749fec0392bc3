#include "netkit/reactor/reactor.hpp"

#include "netkit/reactor/tcp.hpp"
#include "netkit/reactor/udp.hpp"
#include "sigpipe.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iostream>
#include <utility>

namespace netkit {
namespace {

void print_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    std::cerr << "netkit reactor: unhandled error in a callback: " << e.what() << std::endl;
  } catch (...) {
    std::cerr << "netkit reactor: unhandled non-standard exception in a callback" << std::endl;
  }
}

constexpr std::size_t max_events = 256;

}  // namespace

reactor::reactor()
    : handle_error(print_error),
      events_(max_events),
      events_size_(static_cast<int>(max_events)),
      read_buffer_(std::make_unique_for_overwrite<char[]>(read_buffer_size)) {
  wakeup_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeup_fd_ < 0) throw_error(last_error(), "eventfd");
  watch(wakeup_fd_, EPOLLIN, wakeup_);
}

namespace {
// The reactor SIGINT/SIGTERM stop; stop() is async-signal-safe (an atomic store and a write).
std::atomic<reactor*> signal_target{nullptr};
extern "C" void on_stop_signal(int) {
  if (reactor* r = signal_target.load()) r->stop();
}
}  // namespace

void reactor::install_signal_handlers() {
  if (signals_installed_) return;
  reactor* expected = nullptr;
  if (!signal_target.compare_exchange_strong(expected, this))
    throw value_error("install_signal_handlers: another reactor has them");
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, &previous_sigint_);
  ::sigaction(SIGTERM, &sa, &previous_sigterm_);
  signals_installed_ = true;
}

void reactor::restore_signal_handlers() noexcept {
  if (!signals_installed_) return;
  ::sigaction(SIGINT, &previous_sigint_, nullptr);
  ::sigaction(SIGTERM, &previous_sigterm_, nullptr);
  signal_target.store(nullptr);
  signals_installed_ = false;
}

reactor::~reactor() {
  restore_signal_handlers();
  shutting_down_ = true;
  // Twisted disconnects everything at shutdown: each protocol hears connection_lost, and
  // factories hear of their connections' end (they can no longer reconnect).
  while (!connections_.empty())
    connections_.front()->close(std::make_error_code(std::errc::operation_canceled));
  finish_closing();
  while (!connectors_.empty()) connectors_.front()->stop_connecting();
  finish_closing();
  ports_.clear();
  udp_ports_.clear();
  if (wakeup_fd_ >= 0) ::close(wakeup_fd_);
}

void reactor::watch(int fd, std::uint32_t events, io_handler& h) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = &h;
  if (::epoll_ctl(epoll_.fileno(), EPOLL_CTL_ADD, fd, &ev) < 0)
    throw_error(last_error(), "reactor.watch", "fd " + std::to_string(fd));
}

void reactor::rewatch(int fd, std::uint32_t events, io_handler& h) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = &h;
  if (::epoll_ctl(epoll_.fileno(), EPOLL_CTL_MOD, fd, &ev) < 0)
    throw_error(last_error(), "reactor.rewatch", "fd " + std::to_string(fd));
}

void reactor::unwatch(int fd) noexcept {
  epoll_event ev{};
  ::epoll_ctl(epoll_.fileno(), EPOLL_CTL_DEL, fd, &ev);
}

// --- running -----------------------------------------------------------------------------------

void reactor::report_current_exception() noexcept {
  try {
    if (handle_error) handle_error(std::current_exception());
  } catch (...) {  // NOLINT(bugprone-empty-catch): a failing error reporter stays quiet
  }
}

void reactor::stop() noexcept {
  stop_requested_.store(true, std::memory_order_release);
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wakeup_fd_, &one, sizeof one);
}

void reactor::run_once() {
  // Each step is skipped when it has nothing to do: an echo loop's iteration is the epoll_wait
  // and the dispatch, no clock read, no queue swap (bench/echo measures every instruction).
  int timeout = -1;  // no timer and no call_soon work (an echo loop's case): wait for I/O alone
  if (pending_timers() != 0 || !soon_.empty() || has_closing()) [[unlikely]] {
    timeout = run_pending();
    if (timeout == stopped) return;
  }
  int n = ::epoll_wait(epoll_.fileno(), events_.data(), events_size_, timeout);
  if (n < 0) [[unlikely]]
    n = wait_failed();
  const epoll_event* const ready = events_.data();  // not resized during the batch
  for (int i = 0; i < n; ++i) {
    // Handlers are never freed during the batch (see retire), so the pointer is still good.
    guarded([&] { static_cast<io_handler*>(ready[i].data.ptr)->on_events(ready[i].events); });
  }
  if (has_closing()) finish_closing();
  if (n == events_size_) [[unlikely]]
    grow_events();  // busy: take more per wait
}

void reactor::run() {
  const detail::sigpipe_blocked_scope no_sigpipe;  // sendfile has no MSG_NOSIGNAL: sigpipe.hpp
  running_ = true;
  while (!stop_requested_.load(std::memory_order_acquire)) run_once();
  stop_requested_.store(false, std::memory_order_release);
  running_ = false;
}

int reactor::run_pending() {
  if (pending_timers() != 0) run_due(clock::now(), [this](callback& fn) { guarded(fn); });
  if (!soon_.empty()) run_soon_queue();
  if (has_closing()) finish_closing();  // connections closed by timers or call_soon work
  if (stop_requested_.load(std::memory_order_acquire)) return stopped;
  return soon_.empty() && pending_timers() == 0 ? -1 : wait_ms();
}

int reactor::wait_failed() {
  // A signal: the next iteration recomputes the wait from the timers (PEP 475's rule).
  if (errno != EINTR) throw_error(last_error(), "reactor.run", "epoll_wait");
  return 0;
}

void reactor::grow_events() {
  events_.resize(events_.size() * 2);
  events_size_ = static_cast<int>(events_.size());
}

void reactor::io_watch::on_events(std::uint32_t ev) {
  // Errors and hang-ups wake both sides, so each learns of them through its own call. The
  // callback is copied first: it may replace or remove its own watch.
  if ((ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) && reader) {
    callback copy = reader;
    copy();
  }
  if ((ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && writer) {
    callback copy = writer;
    copy();
  }
}

int reactor::wait_ms() const noexcept {
  if (!soon_.empty()) return 0;
  const auto next = next_due();
  if (!next) return -1;
  const auto now = clock::now();
  if (*next <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
  return static_cast<int>(std::min<long long>(ms, 1 << 30));
}

// --- call_soon and call_from_thread
// ---------------------------------------------------------------

void reactor::call_soon(callback fn) { soon_.push_back(std::move(fn)); }

void reactor::run_soon_queue() {
  // Calls made by these callbacks wait for the next iteration, so a callback that
  // reschedules itself cannot starve I/O.
  running_soon_.swap(soon_);
  for (auto& fn : running_soon_) guarded(fn);
  running_soon_.clear();
}

void reactor::call_from_thread(callback fn) {
  bool signal = false;
  {
    const std::lock_guard lock(cross_mutex_);
    cross_.push_back(std::move(fn));
    signal = !std::exchange(cross_signalled_, true);
  }
  if (signal) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wakeup_fd_, &one, sizeof one);
  }
}

void reactor::take_cross_thread_calls() {
  std::uint64_t drained = 0;
  [[maybe_unused]] const auto n = ::read(wakeup_fd_, &drained, sizeof drained);
  const std::lock_guard lock(cross_mutex_);
  for (auto& fn : cross_) soon_.push_back(std::move(fn));
  cross_.clear();
  cross_signalled_ = false;
}

// --- readers and writers ------------------------------------------------------------------------

void reactor::add_reader(int fd, callback fn) {
  if (fd < 0) throw value_error("add_reader: file descriptor cannot be a negative integer");
  watch_for(fd).reader = std::move(fn);
  update_watch(fd);
}

void reactor::add_writer(int fd, callback fn) {
  if (fd < 0) throw value_error("add_writer: file descriptor cannot be a negative integer");
  watch_for(fd).writer = std::move(fn);
  update_watch(fd);
}

void reactor::remove_reader(int fd) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= watches_.size()) return;
  watch_for(fd).reader = nullptr;
  update_watch(fd);
}

void reactor::remove_writer(int fd) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= watches_.size()) return;
  watch_for(fd).writer = nullptr;
  update_watch(fd);
}

reactor::io_watch& reactor::watch_for(int fd) {
  const auto i = static_cast<std::size_t>(fd);
  if (i >= watches_.size()) watches_.resize(i + 1);
  if (!watches_[i]) watches_[i] = std::make_unique<io_watch>();  // never moved: epoll points at it
  return *watches_[i];
}

void reactor::update_watch(int fd) {
  io_watch& w = watch_for(fd);
  const std::uint32_t want = (w.reader ? EPOLLIN : 0U) | (w.writer ? EPOLLOUT : 0U);
  if (want == w.events) return;
  if (want == 0) {
    unwatch(fd);  // a closed descriptor has left the set already
    w.events = 0;
    return;
  }
  epoll_event ev{};
  ev.events = want;
  ev.data.ptr = &w;
  std::error_code ec;
  if (::epoll_ctl(epoll_.fileno(), w.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) < 0)
    ec = last_error();
  if (ec == std::errc::file_exists && ::epoll_ctl(epoll_.fileno(), EPOLL_CTL_MOD, fd, &ev) == 0)
    ec.clear();
  if (ec) {
    w.reader = nullptr;
    w.writer = nullptr;
    w.events = 0;
    throw_error(ec, "reactor.add_reader/add_writer", "fd " + std::to_string(fd));
  }
  w.events = want;
}

}  // namespace netkit
