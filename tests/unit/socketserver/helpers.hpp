// Shared by the socketserver unit tests (not public): a server and a handler that log every
// hook they go through (from request threads and from forked children too), clients for each
// server kind, a timed rendezvous, and counts of this process's threads and children.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "netkit/socketserver.hpp"
#include "unit/socket/helpers.hpp"

namespace netkit_test {

using netkit::bytes;

// --- bounds ----------------------------------------------------------------------------------

// Kills the test process with SIGALRM if a test overruns, so a deadlock fails instead of
// hanging (forked children do not inherit the alarm; they set their own).
class watchdog {
 public:
  explicit watchdog(unsigned seconds = 50) { ::alarm(seconds); }
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;
  ~watchdog() { ::alarm(0); }
};

// --- counting threads and children -----------------------------------------------------------

inline std::size_t thread_count() {
  std::size_t n = 0;
  DIR* d = ::opendir("/proc/self/task");
  if (d == nullptr) return 0;
  while (const dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n;
}

// The count to compare with after a test: taken once a thread has come and gone, because a
// sanitizer runtime (TSan) starts a helper thread of its own at the first pthread_create.
inline std::size_t thread_baseline() {
  std::thread([] {}).join();
  return thread_count();
}

// Children of this process still in /proc: running, or zombies nobody reaped.
inline std::size_t child_count() {
  const pid_t self = ::getpid();
  std::size_t n = 0;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return 0;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    // read(2), not ifstream: a process that exits meanwhile makes the read fail (ESRCH), and
    // libstdc++'s filebuf throws on that (seen once in CI); such a process is no child of ours.
    const int fd =
        ::open((std::string("/proc/") + e->d_name + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buf[512];
    const ssize_t got = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (got <= 0) continue;
    const std::string text(buf, static_cast<std::size_t>(got));
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so parse after the last ')'.
    const auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 1));
    std::string state;
    long ppid = 0;
    rest >> state >> ppid;
    if (ppid == self) ++n;
  }
  ::closedir(d);
  return n;
}

// Threads come and go a little after join() in some runtimes: wait (bounded) for the count
// to come back down before calling it a leak.
inline std::size_t settled_thread_count(std::size_t expected) {
  for (int i = 0; i < 200 && thread_count() > expected; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return thread_count();
}

// --- synchronisation -------------------------------------------------------------------------

// N parties meet; a party that waits longer than `limit` gives up (false), so a server that
// serves one request at a time fails the test instead of hanging it.
class rendezvous {
 public:
  explicit rendezvous(std::size_t parties) : parties_(parties) {}
  bool arrive_and_wait(std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    std::unique_lock lock(mutex_);
    if (++arrived_ >= parties_) all_in_.notify_all();
    return all_in_.wait_for(lock, limit, [this] { return arrived_ >= parties_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable all_in_;
  std::size_t parties_;
  std::size_t arrived_ = 0;
};

// A one-shot event with a bounded wait.
class event {
 public:
  void set() {
    const std::lock_guard lock(mutex_);
    set_ = true;
    cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [this] { return set_; });
  }
  bool is_set() {
    const std::lock_guard lock(mutex_);
    return set_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool set_ = false;
};

// --- the hook log ----------------------------------------------------------------------------

// Records hook names. Calls from the thread that made the log (the one running the server)
// go to main(), calls from other threads to others(), and calls from a forked child travel
// through a pipe to children(). Repeated service_actions calls count as one.
class hook_log {
 public:
  hook_log() : parent_(::getpid()), main_(std::this_thread::get_id()) {
    if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe2 failed");
  }
  hook_log(const hook_log&) = delete;
  hook_log& operator=(const hook_log&) = delete;
  ~hook_log() {
    ::close(pipe_[0]);
    ::close(pipe_[1]);
  }

  void record(const std::string& name) {
    if (::getpid() != parent_) {  // a forked child: no locks (another thread may hold them)
      const std::string line = name + "\n";
      [[maybe_unused]] const auto n = ::write(pipe_[1], line.data(), line.size());
      return;
    }
    const std::lock_guard lock(mutex_);
    auto& list = std::this_thread::get_id() == main_ ? main_events_ : other_events_;
    if (name == "service_actions" && !list.empty() && list.back() == name) return;
    list.push_back(name);
  }

  // Without the service_actions calls that came before the first request: their number
  // depends on how fast the client connected.
  std::vector<std::string> main() {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    bool requested = false;
    for (const auto& e : main_events_) {
      if (e == "get_request") requested = true;
      if (e == "service_actions" && !requested) continue;
      out.push_back(e);
    }
    return out;
  }
  std::vector<std::string> others() {
    const std::lock_guard lock(mutex_);
    return other_events_;
  }
  // What the children wrote so far; read once they have been reaped.
  std::vector<std::string> children() {
    char buf[4096];
    for (ssize_t n; (n = ::read(pipe_[0], buf, sizeof buf)) > 0;) child_text_.append(buf, n);
    std::vector<std::string> out;
    std::istringstream in(child_text_);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  // Every event, wherever it ran.
  std::vector<std::string> all() {
    auto out = main();
    for (auto& e : others()) out.push_back(e);
    for (auto& e : children()) out.push_back(e);
    return out;
  }
  std::size_t count(const std::string& name) {
    std::size_t n = 0;
    for (const auto& e : all())
      if (e == name) ++n;
    return n;
  }
  bool in_child() const { return ::getpid() != parent_; }

 private:
  pid_t parent_;
  std::thread::id main_;
  int pipe_[2] = {-1, -1};
  std::mutex mutex_;
  std::vector<std::string> main_events_;
  std::vector<std::string> other_events_;
  std::string child_text_;
};

// What a test plugs into the logging server and its handlers. Read-only once serving starts.
struct test_context {
  hook_log log;
  // Replaces the handler's echo when set; gets the handler (stream or datagram).
  std::function<void(netkit::base_request_handler&)> on_handle;
  // verify_request's answer, given the number of the request (0, 1, ...).
  std::function<bool(std::size_t)> verify;
  // The stream handler's `timeout` member.
  std::optional<double> handler_timeout;
  std::atomic<std::size_t> requests{0};
  // handle_error's exceptions, as "type: what" (in children: recorded in the log as
  // "handle_error").
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::atomic<std::size_t> timeouts{0};
};

inline std::string current_exception_text() {
  try {
    throw;
  } catch (const netkit::timeout_error& e) {
    return std::string("timeout_error: ") + e.what();
  } catch (const netkit::socket_error& e) {
    return std::string("socket_error: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("exception: ") + e.what();
  } catch (...) {
    return "unknown";
  }
}

// Forked children kill themselves if they overrun.
inline void arm_child_alarm(test_context& ctx) {
  if (ctx.log.in_child()) ::alarm(20);
}

// A stream handler that logs setup/handle/finish and by default echoes one line.
class logged_stream_handler : public netkit::stream_request_handler {
 public:
  explicit logged_stream_handler(test_context* ctx) : ctx_(ctx) {
    if (ctx_->handler_timeout) timeout = netkit::seconds_f(*ctx_->handler_timeout);
  }
  void setup() override {
    arm_child_alarm(*ctx_);
    ctx_->log.record("setup");
    stream_request_handler::setup();
  }
  void handle() override {
    ctx_->log.record("handle");
    if (ctx_->on_handle) {
      ctx_->on_handle(*this);
      return;
    }
    wfile().write(rfile().readline());
  }
  void finish() override {
    ctx_->log.record("finish");
    stream_request_handler::finish();
  }

 private:
  test_context* ctx_;
};

// A datagram handler that logs setup/handle/finish and by default echoes the datagram.
class logged_datagram_handler : public netkit::datagram_request_handler {
 public:
  explicit logged_datagram_handler(test_context* ctx) : ctx_(ctx) {}
  void setup() override {
    arm_child_alarm(*ctx_);
    ctx_->log.record("setup");
    datagram_request_handler::setup();
  }
  void handle() override {
    ctx_->log.record("handle");
    if (ctx_->on_handle) {
      ctx_->on_handle(*this);
      return;
    }
    wfile().write(rfile().read());
  }
  void finish() override {
    ctx_->log.record("finish");
    datagram_request_handler::finish();
  }

 private:
  test_context* ctx_;
};

template <class Server>
inline constexpr bool is_datagram_v = std::is_base_of_v<netkit::udp_server, Server>;

inline netkit::server_options deferred(netkit::server_options opts) {
  opts.bind_and_activate = false;
  return opts;
}

// `Base` (any server, any policy) with every hook logged. It overrides server_bind and
// server_activate, so it binds in its own constructor body (see server.hpp).
template <class Base>
class logged_server : public Base {
 public:
  logged_server(const netkit::endpoint& address, test_context* ctx,
                netkit::server_options opts = {})
      : Base(address, factory(ctx), deferred(opts)), ctx_(ctx) {
    this->bind_and_activate();
  }
  ~logged_server() override = default;

  void server_bind() override {
    ctx_->log.record("server_bind");
    Base::server_bind();
  }
  void server_activate() override {
    ctx_->log.record("server_activate");
    Base::server_activate();
  }
  std::optional<std::pair<netkit::server_request, netkit::socket_address>> get_request() override {
    ctx_->log.record("get_request");
    return Base::get_request();
  }
  bool verify_request(netkit::server_request& r, const netkit::socket_address& a) override {
    ctx_->log.record("verify_request");
    const std::size_t n = ctx_->requests++;
    if (ctx_->verify && !ctx_->verify(n)) return false;
    return Base::verify_request(r, a);
  }
  void process_request(netkit::server_request r, const netkit::socket_address& a) override {
    ctx_->log.record("process_request");
    Base::process_request(std::move(r), a);
  }
  void finish_request(netkit::server_request& r, const netkit::socket_address& a) override {
    ctx_->log.record("finish_request");
    Base::finish_request(r, a);
  }
  void shutdown_request(netkit::server_request& r) override {
    ctx_->log.record("shutdown_request");
    Base::shutdown_request(r);
  }
  void close_request(netkit::server_request& r) override {
    ctx_->log.record("close_request");
    Base::close_request(r);
  }
  void handle_error(netkit::server_request&, const netkit::socket_address&) override {
    ctx_->log.record("handle_error");
    if (ctx_->log.in_child()) return;
    const std::string text = current_exception_text();
    const std::lock_guard lock(ctx_->errors_mutex);
    ctx_->errors.push_back(text);
  }
  void handle_timeout() override {
    ctx_->log.record("handle_timeout");
    ++ctx_->timeouts;
  }
  void service_actions() override {
    ctx_->log.record("service_actions");
    Base::service_actions();
  }
  void server_close() override {
    ctx_->log.record("server_close");
    Base::server_close();
  }

 private:
  static netkit::handler_factory factory(test_context* ctx) {
    if constexpr (is_datagram_v<Base>)
      return netkit::handler<logged_datagram_handler>(ctx);
    else
      return netkit::handler<logged_stream_handler>(ctx);
  }
  test_context* ctx_;
};

// --- server kinds and policies ---------------------------------------------------------------

inline std::string unique_name(const std::string& tag) {
  static std::atomic<int> counter{0};
  return tag + "-" + std::to_string(++counter);
}

struct tcp_kind {
  using server = netkit::tcp_server;
  static constexpr const char* name = "tcp";
  static netkit::endpoint address(const temp_dir&) { return {"127.0.0.1", 0}; }
};
struct udp_kind {
  using server = netkit::udp_server;
  static constexpr const char* name = "udp";
  static netkit::endpoint address(const temp_dir&) { return {"127.0.0.1", 0}; }
};
struct unix_stream_kind {
  using server = netkit::unix_stream_server;
  static constexpr const char* name = "unix_stream";
  static netkit::endpoint address(const temp_dir& d) {
    return netkit::endpoint(d.path(unique_name("server") + ".sock"));
  }
};
struct unix_datagram_kind {
  using server = netkit::unix_datagram_server;
  static constexpr const char* name = "unix_datagram";
  static netkit::endpoint address(const temp_dir& d) {
    return netkit::endpoint(d.path(unique_name("server") + ".sock"));
  }
};

struct plain_policy {
  template <class S>
  using apply = S;
  static constexpr const char* name = "plain";
};
struct threading_policy {
  template <class S>
  using apply = netkit::threading_mixin<S>;
  static constexpr const char* name = "threading";
};
struct forking_policy {
  template <class S>
  using apply = netkit::forking_mixin<S>;
  static constexpr const char* name = "forking";
};
struct pool_policy {
  template <class S>
  using apply = netkit::pool_mixin<S>;
  static constexpr const char* name = "pool";
};

template <class Kind, class Policy>
struct combo {
  using kind = Kind;
  using policy = Policy;
  using server = logged_server<typename Policy::template apply<typename Kind::server>>;
};

// Reads until the peer closes (or the timeout / a reset ends it).
inline bytes read_all(netkit::socket& s) {
  bytes out;
  for (bytes chunk; !(chunk = s.recv(65536)).empty();) out += chunk;
  return out;
}

// Sends `data` to a server of the address's family and type and returns its answer.
inline bytes exchange(const netkit::socket_address& server, int type, netkit::bytes_view data,
                      const temp_dir& dir) {
  auto c = make_socket(server.family(), type);
  if (type == SOCK_STREAM) {
    c.connect(server);
    c.sendall(data);
    return read_all(c);
  }
  // A Unix datagram client needs an address of its own for the answer.
  if (server.family() == AF_UNIX) c.bind(netkit::endpoint(dir.path(unique_name("client"))));
  c.sendto(data, server);
  return c.recvfrom(65536).first;
}

template <class Server>
inline int type_of() {
  return is_datagram_v<Server> ? SOCK_DGRAM : SOCK_STREAM;
}

// Runs serve_forever on a thread; stop() shuts it down and joins it (also on destruction).
template <class Server>
class serving {
 public:
  explicit serving(Server& s, double poll_interval = 0.5)
      : server_(s), thread_([this, poll_interval] {
          try {
            server_.serve_forever(poll_interval);
          } catch (...) {
            error_ = std::current_exception();
          }
        }) {}
  serving(const serving&) = delete;
  serving& operator=(const serving&) = delete;
  ~serving() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    server_.shutdown();
    thread_.join();
  }
  bool failed() const { return error_ != nullptr; }

 private:
  Server& server_;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace netkit_test
