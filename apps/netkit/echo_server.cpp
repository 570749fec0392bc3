// apps/netkit/echo_server.cpp — `netkit echo-server`: an echo server over TCP, UDP or a Unix
// stream socket (socketserver models: also a Unix datagram socket), in one of several
// concurrency models, stopped cleanly by SIGINT/SIGTERM.
//
// Models:
//   reactor   the default: netkit's reactor, Twisted's way (reactor_echo.cpp)
//   blocking  one client at a time, in the main thread
//   thread    a thread per connection (--threads N: a fixed pool of N accepting threads);
//             UDP: N receiving threads (default 1)
//   fork      a process per connection (UDP: per datagram, as socketserver's ForkingUDPServer);
//             children are reaped as they exit and killed with SIGTERM when the server stops
//   select, poll, epoll, selectors
//             one thread, one readiness loop on that API of netkit's select layer
//             (echo_loop.cpp)
//   socketserver-threading, socketserver-forking
//             netkit's socketserver servers with threading_mixin (--threads N: pool_mixin)
//             or forking_mixin; --udp --unix PATH gives a Unix datagram server
// Every wait is a poll() that also watches the stop pipe (signals.hpp), so a signal ends the
// server promptly even while clients are connected; sockets are non-blocking for that reason.
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <exception>
#include <iostream>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "cli_util.hpp"
#include "command.hpp"
#include "echo_loop.hpp"
#include "netkit/socket.hpp"
#include "netkit/socketserver.hpp"
#include "reactor_echo.hpp"
#include "signals.hpp"
#include "spare_descriptor.hpp"

namespace netkit::app {
namespace {

constexpr int default_port = 10000;  // the seeds' echo port
constexpr std::size_t buffer_size = 65536;

constexpr std::array available_models = {"reactor",
                                         "blocking",
                                         "thread",
                                         "fork",
                                         "select",
                                         "poll",
                                         "epoll",
                                         "selectors",
                                         "socketserver-threading",
                                         "socketserver-forking"};
constexpr const char* available_list =
    "reactor, blocking, thread, fork, select, poll, epoll, selectors, socketserver-threading, "
    "socketserver-forking";

struct server_options {
  bool tcp = false;
  bool udp = false;
  std::string unix_path;
  std::string bind = "127.0.0.1";
  int port = default_port;
  std::string model = "reactor";
  int threads = 0;
};

bool is_would_block(std::error_code ec) { return ec == netkit::errc::would_block; }

void report(std::string_view what, std::error_code ec) {
  std::cerr << "netkit echo-server: " << what << ": " << netkit::python_message(ec) << '\n';
}

// sendall on a non-blocking socket that gives up when the server stops: a client that never
// reads must not keep the server from exiting.
bool send_all(netkit::socket& conn, bytes_view data, const stop_signal& stop) {
  while (!data.empty()) {
    std::error_code ec;
    std::size_t n = conn.send(data, ec);
    if (is_would_block(ec)) {
      if (!wait_ready(conn.fileno(), POLLOUT, stop)) return false;
      continue;
    }
    if (ec) return false;  // the peer went away; nothing to report for an echo
    data.remove_prefix(n);
  }
  return true;
}

// Echoes one connection until the client closes it or the server stops.
void echo_stream(netkit::socket& conn, const stop_signal& stop) {
  conn.setblocking(false);
  std::vector<char> buf(buffer_size);
  while (wait_ready(conn.fileno(), POLLIN, stop)) {
    std::error_code ec;
    std::size_t n = conn.recv_into(buf, ec);
    if (is_would_block(ec)) continue;
    if (ec || n == 0) return;
    if (!send_all(conn, bytes_view(buf.data(), n), stop)) return;
  }
}

// Echoes datagrams until the server stops; several threads may run it on one socket.
void echo_datagrams(netkit::socket& sock, const stop_signal& stop) {
  std::vector<char> buf(buffer_size);
  while (wait_ready(sock.fileno(), POLLIN, stop)) {
    std::error_code ec;
    auto [n, peer] = sock.recvfrom_into(buf, ec);
    if (is_would_block(ec)) continue;
    if (ec) {
      report("recvfrom", ec);
      continue;
    }
    sock.sendto(bytes_view(buf.data(), n), peer, ec);
    if (ec && !is_would_block(ec)) report("sendto", ec);
  }
}

// accept() on the non-blocking listener for the models that accept by hand (blocking, thread,
// fork): a closed socket when there was nothing to take (another pool thread was faster), the
// connection failed before we got it, or the descriptor table is full. Out of descriptors
// (EMFILE/ENFILE) the waiting connection is taken and closed at once through the spare
// descriptor, so that the listener does not stay readable and the loop does not spin; a line
// says so at most once a second, however many clients come.
// Thread safety: the thread pool's threads share one acceptor.
class acceptor {
 public:
  netkit::socket accept(netkit::socket& listener) {
    std::error_code ec;
    auto [conn, peer] = listener.accept(ec);
    if (ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system)
      shed(listener, ec);
    else if (ec && !is_would_block(ec) && ec != std::errc::connection_aborted &&
             ec != std::errc::protocol_error)
      report("accept", ec);
    return std::move(conn);  // closed when accept failed
  }

 private:
  void shed(netkit::socket& listener, std::error_code ec) {
    bool taken = false;
    {
      const std::lock_guard lock(mutex_);
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_line_) {
        std::cerr << "netkit echo-server: accept: "
                  << (ec == std::errc::too_many_files_open ? emfile_ : enfile_)
                  << ": closing new connections until descriptors are freed\n";
        next_line_ = now + std::chrono::seconds(1);
      }
      taken = spare_.shed_one(listener.fileno());
    }
    // No spare to be had (another thread holds the last slot): wait a little rather than spin.
    if (!taken) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  // Made while descriptors are free (as the reactor's refusal report does): a sanitizer's
  // checks in the message's virtual call may need one.
  const std::string emfile_ =
      netkit::python_message(std::make_error_code(std::errc::too_many_files_open));
  const std::string enfile_ =
      netkit::python_message(std::make_error_code(std::errc::too_many_files_open_in_system));
  std::mutex mutex_;
  spare_descriptor spare_;                           // guarded by mutex_
  std::chrono::steady_clock::time_point next_line_;  // guarded by mutex_
};

// --- models --------------------------------------------------------------------------------

void serve_blocking(netkit::socket& listener, const stop_signal& stop, acceptor& accepting) {
  while (wait_ready(listener.fileno(), POLLIN, stop)) {
    auto conn = accepting.accept(listener);
    if (conn.is_open()) echo_stream(conn, stop);
  }
}

// Runs fn in n threads until it returns (on stop) and joins them. An exception in one thread is
// reported and ends that thread only; a thread the system refuses is reported and the pool goes
// on with fewer.
template <class Fn>
void run_pool(int n, Fn fn) {
  std::vector<std::thread> pool;
  for (int i = 0; i < n; ++i) {
    try {
      pool.emplace_back([&fn] {
        try {
          fn();
        } catch (const std::exception& e) {
          std::cerr << "netkit echo-server: " << e.what() << '\n';
        }
      });
    } catch (const std::system_error& e) {
      std::cerr << "netkit echo-server: starting a thread: " << e.what() << '\n';
      if (pool.empty()) throw;
      break;
    }
  }
  for (auto& t : pool) t.join();
}

void serve_thread_pool(netkit::socket& listener, const stop_signal& stop, int threads) {
  acceptor accepting;
  run_pool(threads, [&listener, &stop, &accepting] { serve_blocking(listener, stop, accepting); });
}

void serve_thread_per_connection(netkit::socket& listener, const stop_signal& stop) {
  struct worker {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  std::list<worker> workers;  // a list: a running thread holds a reference to its `done`
  acceptor accepting;
  auto reap = [&workers](bool all) {
    for (auto it = workers.begin(); it != workers.end();) {
      if (all || it->done.load()) {
        it->thread.join();
        it = workers.erase(it);
      } else {
        ++it;
      }
    }
  };
  while (wait_ready(listener.fileno(), POLLIN, stop)) {
    auto conn = accepting.accept(listener);
    reap(false);
    if (!conn.is_open()) continue;
    auto& w = workers.emplace_back();
    try {
      w.thread = std::thread([c = std::move(conn), &stop, &done = w.done]() mutable {
        try {
          echo_stream(c, stop);
          c.close();
        } catch (const std::exception& e) {
          std::cerr << "netkit echo-server: " << e.what() << '\n';
        }
        done.store(true);
      });
    } catch (const std::system_error& e) {
      // Out of threads: this client is dropped (its socket closes with the lambda), the
      // server goes on.
      std::cerr << "netkit echo-server: starting a thread: " << e.what() << '\n';
      workers.pop_back();
    }
  }
  reap(true);  // every worker sees the stop pipe too, so this is prompt
}

void serve_datagram_threads(netkit::socket& sock, const stop_signal& stop, int threads) {
  run_pool(std::max(threads, 1), [&sock, &stop] { echo_datagrams(sock, stop); });
}

// Forks with the stop signals blocked, so that a child never runs the parent's handler (which
// would write to the parent's stop pipe) and a SIGTERM sent to it early is only delivered
// after it has restored the default action.
template <class Child>
pid_t fork_child(Child&& child_body) {
  sigset_t block, old;
  sigemptyset(&block);
  for (int signo : {SIGINT, SIGTERM, SIGCHLD}) sigaddset(&block, signo);
  ::sigprocmask(SIG_BLOCK, &block, &old);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    reset_signals_in_child();
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    // If the server dies without stopping us (SIGKILL), go with it.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(0);
    int status = 0;
    try {
      child_body();
    } catch (...) {
      status = 1;
    }
    ::_exit(status);
  }
  const int saved = errno;
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) report("fork", std::error_code(saved, std::system_category()));
  return pid;
}

// The fork model's live children. Destruction kills and waits for those left, so that no path
// out of the server (a stop, an exception) leaves one behind.
class children {
 public:
  children() = default;
  ~children() { kill_all(); }
  children(const children&) = delete;
  children& operator=(const children&) = delete;

  void add(pid_t pid) { pids_.insert(pid); }
  // Collects every child that has exited, without waiting.
  void reap() {
    for (auto it = pids_.begin(); it != pids_.end();) {
      if (::waitpid(*it, nullptr, WNOHANG) == *it)
        it = pids_.erase(it);
      else
        ++it;
    }
  }
  // SIGTERM to every child still running, then wait for each: no orphan outlives the server.
  void kill_all() {
    for (pid_t pid : pids_) ::kill(pid, SIGTERM);
    for (pid_t pid : pids_)
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    pids_.clear();
  }

 private:
  std::set<pid_t> pids_;
};

// The fork model's main loop: waits for `sock`, the stop pipe and SIGCHLD; `on_ready` handles
// one readiness of sock (accepts and forks, or receives and forks).
template <class OnReady>
void serve_forking(netkit::socket& sock, const stop_signal& stop, OnReady on_ready) {
  child_signal chld;
  children kids;
  pollfd fds[3] = {{sock.fileno(), POLLIN, 0}, {stop.fd(), POLLIN, 0}, {chld.fd(), POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::system_category(), "poll");
    }
    if (fds[1].revents != 0) break;
    if (fds[2].revents != 0) {
      chld.drain();
      kids.reap();
    }
    if (fds[0].revents != 0) {
      pid_t pid = on_ready();
      if (pid > 0) kids.add(pid);
    }
  }
}

void serve_fork_stream(netkit::socket& listener, const stop_signal& stop) {
  acceptor accepting;
  serve_forking(listener, stop, [&listener, &accepting]() -> pid_t {
    auto conn = accepting.accept(listener);
    if (!conn.is_open()) return -1;
    return fork_child([&] {
      listener.close();
      // SIGTERM from the parent ends the child, so plain blocking calls are fine here.
      conn.settimeout(std::nullopt);
      std::vector<char> buf(buffer_size);
      for (std::size_t n; (n = conn.recv_into(buf)) != 0;) conn.sendall(bytes_view(buf.data(), n));
    });
  });
}

void serve_fork_datagram(netkit::socket& sock, const stop_signal& stop) {
  std::vector<char> buf(buffer_size);
  serve_forking(sock, stop, [&sock, &buf]() -> pid_t {
    std::error_code ec;
    auto [n, peer] = sock.recvfrom_into(buf, ec);
    if (ec) {
      if (!is_would_block(ec)) report("recvfrom", ec);
      return -1;
    }
    return fork_child([&, n = n, peer = peer] { sock.sendto(bytes_view(buf.data(), n), peer); });
  });
}

// --- socketserver models ---------------------------------------------------------------------
//
// netkit's socketserver layer does the accepting, the threads and the forking; the handlers
// echo. serve_forever runs in its own thread with the stop signals blocked, so the signals
// (and the stop pipe) are the main thread's: it waits on the pipe, then calls shutdown() and
// server_close(). Handlers wait on the stop pipe too (echo_stream), so that server_close(),
// which joins the request threads or waits for the children, never waits for a client.

// The signals that stop_signal and child_signal turn into pipe bytes.
sigset_t stop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int signo : {SIGINT, SIGTERM, SIGCHLD}) sigaddset(&set, signo);
  return set;
}

// In a child forked by forking_mixin (handlers run in the server's process otherwise): SIGTERM
// kills it outright instead of writing to the server's stop pipe, and it dies with the server
// if the server is killed. The mask blocked in the serving thread was inherited by the fork,
// so no signal has run the parent's handler here before this.
void become_child(pid_t server_pid) {
  if (::getpid() == server_pid) return;
  reset_signals_in_child();
  const sigset_t set = stop_signal_set();
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != server_pid) ::_exit(0);  // the server died before prctl
}

// TCP and Unix stream: echoes until EOF, or until the server stops.
class stream_echo_handler : public netkit::stream_request_handler {
 public:
  stream_echo_handler(const stop_signal* stop, pid_t server_pid)
      : stop_(stop), server_pid_(server_pid) {}
  void setup() override {
    become_child(server_pid_);
    stream_request_handler::setup();
  }
  // Not rfile()/wfile(): their blocking reads and writes could not see the stop pipe.
  void handle() override { echo_stream(request(), *stop_); }

 private:
  const stop_signal* stop_;
  pid_t server_pid_;
};

// UDP and Unix datagram: the datagram goes back, through wfile(), as one datagram.
class datagram_echo_handler : public netkit::datagram_request_handler {
 public:
  explicit datagram_echo_handler(pid_t server_pid) : server_pid_(server_pid) {}
  void setup() override {
    become_child(server_pid_);
    datagram_request_handler::setup();
  }
  void handle() override { wfile().write(rfile().read()); }
  // Without waiting: a Unix datagram client whose receive queue is full loses this echo (as a
  // UDP one would) instead of blocking a request thread, or the stop, until it reads.
  void finish() override {
    std::error_code ec;
    request().sendto(wfile().getvalue(), client_address(), ec, MSG_DONTWAIT);
    if (ec && !is_would_block(ec)) report("sendto", ec);
  }

 private:
  pid_t server_pid_;
};

// The servers' protected (address, factory, family, options) constructor made public, for an
// IPv6 --bind: tcp_server's and udp_server's public ones are AF_INET.
template <class Base>
class family_server : public Base {
 public:
  family_server(const endpoint& address, handler_factory factory, int family,
                netkit::server_options opts)
      : Base(address, std::move(factory), family, opts) {}
};

// A pipe the serving thread writes to when serve_forever has returned (it threw).
class done_pipe {
 public:
  done_pipe() {
    if (::pipe2(fds_, O_CLOEXEC) != 0)
      throw std::system_error(errno, std::system_category(), "pipe2");
  }
  ~done_pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  done_pipe(const done_pipe&) = delete;
  done_pipe& operator=(const done_pipe&) = delete;
  int read_fd() const noexcept { return fds_[0]; }
  void signal() const noexcept {
    const char byte = 1;
    [[maybe_unused]] auto n = ::write(fds_[1], &byte, 1);
  }

 private:
  int fds_[2] = {-1, -1};
};

// Runs `server` until SIGINT/SIGTERM. `where` is the first line's address.
void run_socketserver(netkit::base_server& server, const std::string& where,
                      const stop_signal& stop) {
  std::cout << "listening on " << where << '\n' << std::flush;
  done_pipe done;
  std::exception_ptr error;
  const sigset_t blocked = stop_signal_set();
  sigset_t old;
  // Blocked in the serving thread and so in the request threads and children it starts:
  // the signals go to the main thread, which waits for them.
  ::pthread_sigmask(SIG_BLOCK, &blocked, &old);
  std::thread serving([&server, &error, &done] {
    try {
      server.serve_forever();
    } catch (...) {
      error = std::current_exception();
    }
    done.signal();
  });
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  try {
    wait_readable(done.read_fd(), stop);
  } catch (...) {
    server.shutdown();
    serving.join();
    server.server_close();
    throw;
  }
  server.shutdown();  // returns once serve_forever has
  serving.join();
  server.server_close();  // joins the request threads / waits for the children
  if (error) std::rethrow_exception(error);
}

// Builds Mixin<transport's server class> and runs it.
template <template <class> class Mixin>
void serve_socketserver(const server_options& o, const stop_signal& stop) {
  const pid_t self = ::getpid();
  netkit::server_options opts;
  opts.request_queue_size = SOMAXCONN;  // a burst of clients waits, as in the other models
  auto stream = netkit::handler<stream_echo_handler>(&stop, self);
  auto datagram = netkit::handler<datagram_echo_handler>(self);
  // Python's class attributes, set before the first request.
  auto configure = [&o](auto& server) {
    if constexpr (requires { server.pool_workers; }) server.pool_workers = o.threads;
    if constexpr (requires { server.max_packet_size; }) server.max_packet_size = buffer_size;
  };
  if (!o.unix_path.empty()) {
    // A socket file left by an earlier run is replaced, as in the other models.
    struct stat st {};
    if (o.unix_path.front() != '\0' && ::lstat(o.unix_path.c_str(), &st) == 0 &&
        S_ISSOCK(st.st_mode))
      ::unlink(o.unix_path.c_str());
    if (o.udp) {
      Mixin<netkit::unix_datagram_server> server(o.unix_path, datagram, opts);
      configure(server);
      run_socketserver(server, o.unix_path, stop);
    } else {
      Mixin<netkit::unix_stream_server> server(o.unix_path, stream, opts);
      configure(server);
      run_socketserver(server, o.unix_path, stop);
    }
    return;
  }
  const int type = o.udp ? SOCK_DGRAM : SOCK_STREAM;
  auto answers = netkit::getaddrinfo(o.bind, o.port, 0, type, 0, AI_PASSIVE);
  const auto& a = answers.front();
  if (o.udp) {
    Mixin<family_server<netkit::udp_server>> server(a.sockaddr, datagram, a.family, opts);
    configure(server);
    run_socketserver(server, server.server_address.to_string(), stop);
  } else {
    opts.allow_reuse_address = true;  // SO_REUSEADDR, as the other models' listeners
    Mixin<family_server<netkit::tcp_server>> server(a.sockaddr, stream, a.family, opts);
    configure(server);
    run_socketserver(server, server.server_address.to_string(), stop);
  }
}

// --- setup ---------------------------------------------------------------------------------

// Removes the Unix socket file when the server ends (not in forked children: they _exit).
struct unlink_on_exit {
  std::string path;
  ~unlink_on_exit() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

// A socket file left by an earlier run would make bind fail with EADDRINUSE; anything that is
// not a socket is left alone (and bind reports it).
void remove_stale_socket(const std::string& path) {
  struct stat st {};
  if (path.front() != '\0' && ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode))
    ::unlink(path.c_str());
}

netkit::socket open_unix(const std::string& path) {
  remove_stale_socket(path);
  netkit::socket s(AF_UNIX, SOCK_STREAM);
  s.bind(path);
  s.listen(SOMAXCONN);
  return s;
}

netkit::socket open_inet(const server_options& o) {
  const int type = o.udp ? SOCK_DGRAM : SOCK_STREAM;
  auto answers = netkit::getaddrinfo(o.bind, o.port, 0, type, 0, AI_PASSIVE);
  const auto& a = answers.front();
  netkit::socket s(a.family, type);
  if (type == SOCK_STREAM) s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  s.bind(a.sockaddr);
  // The kernel's largest backlog: a burst of connections (a thousand clients at once) waits
  // in the queue instead of having its SYNs dropped and retried a second later.
  if (type == SOCK_STREAM) s.listen(SOMAXCONN);
  return s;
}

void check_model(const std::string& model) {
  auto is = [&model](const auto& list) {
    return std::find(list.begin(), list.end(), model) != list.end();
  };
  if (is(available_models)) return;
  throw usage_error("unknown model " + model + "; available: " + available_list);
}

// Serving many clients at once takes a descriptor each: the soft limit (often 1024) goes up
// to the hard one. Failing that, the server runs with what it has.
void raise_descriptor_limit() noexcept {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

bool is_socketserver_model(const std::string& model) { return model.starts_with("socketserver-"); }

int run_server(const server_options& o, bool threads_given) {
  check_model(o.model);
  reactor_echo_options ro;
  ro.unix_path = o.unix_path;
  ro.bind = o.bind;
  ro.port = o.port;
  ro.udp = o.udp;
  ro.threads = threads_given ? o.threads : 0;
  if (o.model == "reactor") check_reactor_options(ro);
  if (threads_given && o.model != "thread" && o.model != "socketserver-threading" &&
      o.model != "reactor")
    throw usage_error(
        "--threads applies to --model reactor, thread and socketserver-threading only");
  if (o.udp && !o.unix_path.empty() && !is_socketserver_model(o.model))
    throw usage_error(
        "--udp --unix PATH (a Unix datagram socket) applies to the socketserver "
        "models only");
  raise_descriptor_limit();

  // Installed before the socket exists so that no signal between the first line and the
  // first poll() is lost.
  stop_signal stop;
  if (o.model == "reactor") {
    if (!o.unix_path.empty()) remove_stale_socket(o.unix_path);
    serve_reactor(ro, stop);
    return 0;
  }
  if (o.model == "socketserver-forking") {
    serve_socketserver<netkit::forking_mixin>(o, stop);
    return 0;
  }
  if (o.model == "socketserver-threading") {
    if (threads_given)
      serve_socketserver<netkit::pool_mixin>(o, stop);
    else
      serve_socketserver<netkit::threading_mixin>(o, stop);
    return 0;
  }
  unlink_on_exit cleanup;
  netkit::socket sock;
  std::string where;
  if (!o.unix_path.empty()) {
    sock = open_unix(o.unix_path);
    cleanup.path = o.unix_path;
    where = o.unix_path;
  } else {
    sock = open_inet(o);
    where = sock.getsockname().to_string();
  }
  // Non-blocking: every wait is a poll() that also watches the stop pipe.
  sock.setblocking(false);
  std::cout << "listening on " << where << '\n' << std::flush;

  if (is_readiness_model(o.model)) {
    serve_readiness(o.model, sock, stop);
  } else if (o.udp) {
    if (o.model == "blocking") echo_datagrams(sock, stop);
    if (o.model == "thread") serve_datagram_threads(sock, stop, o.threads);
    if (o.model == "fork") serve_fork_datagram(sock, stop);
  } else {
    if (o.model == "blocking") {
      acceptor accepting;
      serve_blocking(sock, stop, accepting);
    }
    if (o.model == "thread") {
      if (o.threads > 0)
        serve_thread_pool(sock, stop, o.threads);
      else
        serve_thread_per_connection(sock, stop);
    }
    if (o.model == "fork") serve_fork_stream(sock, stop);
  }
  return 0;
}

}  // namespace

command add_echo_server(CLI::App& app) {
  auto o = std::make_shared<server_options>();
  auto* sub = app.add_subcommand("echo-server", "Run an echo server until SIGINT/SIGTERM");
  sub->footer(
      "Forms:\n  netkit echo-server [--tcp|--udp|--unix PATH] [--bind H] [--port P] [--model M] "
      "[--threads N]\n\n"
      "Prints 'listening on HOST:PORT' (or 'listening on PATH') first, then echoes every byte\n"
      "back until SIGINT or SIGTERM, and exits 0. Models: reactor (the default: netkit's\n"
      "reactor, one thread, an echo protocol; TCP and Unix for now), blocking (one client at a\n"
      "time),\n"
      "thread (a thread per connection), fork (a process per connection; UDP: per datagram),\n"
      "select, poll, epoll, selectors (one thread, one readiness loop on that API),\n"
      "socketserver-threading (netkit's threading_*_server; --threads N: pool_mixin, N workers)\n"
      "and socketserver-forking (forking_*_server). --udp --unix PATH is a Unix datagram\n"
      "socket, for the socketserver models.");
  auto* unix_opt =
      add_transport_options(sub, o->tcp, o->udp, o->unix_path,
                            "UDP; with --unix, a Unix datagram socket (socketserver models)");
  auto* bind = sub->add_option("--bind", o->bind, "address or name to listen on ('' = all)")
                   ->type_name("H")
                   ->capture_default_str();
  auto* port =
      sub->add_option("--port", o->port, "port (default: the seeds' echo port); 0 picks a free one")
          ->type_name("P")
          ->capture_default_str()
          ->check(CLI::Range(0, 65535));
  bind->excludes(unix_opt);
  port->excludes(unix_opt);
  sub->add_option("--model", o->model,
                  "reactor, blocking, thread, fork, select, poll, epoll, selectors, "
                  "socketserver-threading or socketserver-forking")
      ->type_name("M")
      ->capture_default_str();
  auto* threads = sub->add_option("--threads", o->threads,
                                  "thread model: a pool of N threads instead of one per "
                                  "connection (UDP: N receiving threads); "
                                  "socketserver-threading: pool_mixin with N workers")
                      ->type_name("N")
                      ->check(CLI::Range(1, 1024));
  auto run = [o, threads, unix_opt]() {
    require_unix_path(unix_opt, o->unix_path);
    return run_server(*o, threads->count() != 0);
  };
  return {sub, run};
}

}  // namespace netkit::app
