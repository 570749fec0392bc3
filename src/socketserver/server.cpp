#include "netkit/socketserver/server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cxxabi.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <typeinfo>

#include "netkit/error.hpp"

namespace netkit {
namespace {

// Python's handle_error prints the traceback; C++ has the exception's type and message.
std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    int status = 0;
    char* name = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
    std::string text = (status == 0 && name != nullptr) ? name : typeid(e).name();
    std::free(name);  // NOLINT: __cxa_demangle's buffer comes from malloc
    return text + ": " + e.what();
  } catch (...) {
    return "unknown exception";
  }
}

std::optional<ino_t> inode_of(const std::string& path) {
  struct stat st {};
  if (path.empty() || path.front() == '\0' || ::lstat(path.c_str(), &st) != 0) return std::nullopt;
  if (!S_ISSOCK(st.st_mode)) return std::nullopt;
  return st.st_ino;
}

// What holds a Unix path that bind found taken: a file that is not a socket, a live socket, or
// a stale socket file nobody listens on any more.
std::string why_unix_path_taken(const endpoint& path, int type) {
  const std::string& name = path.host();
  struct stat st {};
  if (!name.empty() && name.front() != '\0' && ::lstat(name.c_str(), &st) == 0 &&
      !S_ISSOCK(st.st_mode))
    return "the path exists and is not a socket";
  socket probe(AF_UNIX, type);
  probe.setblocking(false);  // a live server with a full backlog must not block the probe
  switch (probe.connect_ex(path)) {
    case 0:
    case EAGAIN:
    case EINPROGRESS: return "another server is listening there";
    case EPROTOTYPE: return "a socket of another type is bound there";
    case ECONNREFUSED:
      return "a stale socket file, left by a server that is gone: remove it if it is yours";
    default: return "the path is in use";
  }
}

// Binds a Unix socket; when the path is taken, says whether a server still answers there or
// the file is stale, instead of a bare EADDRINUSE. Returns the inode of the file created.
std::optional<ino_t> bind_unix(socket& s, const endpoint& path) {
  std::error_code ec;
  s.bind(path, ec);
  if (ec == std::errc::address_in_use) {
    throw socket_error(ec, "bind(" + path.to_string() + "): " + python_message(ec) + " (" +
                               why_unix_path_taken(path, s.type()) + ")");
  }
  throw_if(ec, "bind", path.to_string());
  return inode_of(s.getsockname().path());
}

void unlink_if_ours(const socket_address& address, std::optional<ino_t>& created) {
  if (!created) return;
  const std::string path = address.path();
  if (inode_of(path) == created) ::unlink(path.c_str());
  created.reset();
}

}  // namespace

// --- request handlers ------------------------------------------------------------------------

void base_request_handler::run(server_request& request, const socket_address& client_address,
                               base_server& server) {
  req_ = &request;
  client_address_ = &client_address;
  server_ = &server;
  setup();
  try {
    handle();
  } catch (...) {
    finish();
    throw;
  }
  finish();
}

void stream_request_handler::setup() {
  socket& conn = request();
  if (timeout) conn.settimeout(*timeout);
  if (disable_nagle_algorithm) conn.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
  rfile_.emplace(conn, "rb", rbufsize);
  wfile_.emplace(conn, "wb", 0);  // Python's wbufsize = 0: every write is sent at once
}

void stream_request_handler::finish() {
  if (wfile_ && !wfile_->closed()) {
    try {
      wfile_->flush();
    } catch (const socket_error&) {
      // Python ignores a flush that fails because the client has gone.
    }
  }
  wfile_.reset();
  rfile_.reset();
}

bytes bytes_io::read(std::optional<std::size_t> n) {
  const std::size_t take = std::min(n.value_or(data_.size()), data_.size() - pos_);
  bytes out = data_.substr(pos_, take);
  pos_ += take;
  return out;
}

bytes bytes_io::readline() {
  const std::size_t nl = data_.find('\n', pos_);
  return read(nl == bytes::npos ? data_.size() - pos_ : nl + 1 - pos_);
}

void datagram_request_handler::setup() {
  rfile_ = bytes_io(raw_request().packet);
  wfile_ = bytes_io();
}

void datagram_request_handler::finish() { request().sendto(wfile_.getvalue(), client_address()); }

// --- base_server -----------------------------------------------------------------------------

base_server::base_server(const endpoint& address, handler_factory factory, int family, int type,
                         server_options opts)
    : options(opts),
      RequestHandlerClass(std::move(factory)),
      socket_(family, type),
      requested_address_(address) {
  wakeup_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeup_fd_ < 0) throw_error(last_error(), "eventfd");
  // No binding here: server_activate() is not yet tcp_server's while this constructor runs.
}

base_server::~base_server() {
  if (wakeup_fd_ >= 0) ::close(wakeup_fd_);
}

void base_server::bind_and_activate() {
  try {
    server_bind();
    server_activate();
  } catch (...) {
    server_close();
    throw;
  }
}

void base_server::server_bind() {
  if (options.allow_reuse_address) socket_.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  if (options.allow_reuse_port) socket_.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
  socket_.bind(requested_address_);
  server_address = socket_.getsockname();
}

void base_server::server_close() { socket_.close(); }

bool base_server::wait_readable(timeout_t limit, bool or_shutdown) {
  pollfd fds[2] = {{socket_.fileno(), POLLIN, 0}, {wakeup_fd_, POLLIN, 0}};
  const nfds_t count = or_shutdown ? 2 : 1;
  const deadline until(limit);
  for (;;) {
    const int rc = ::poll(fds, count, until.poll_ms());
    if (rc >= 0) return rc > 0 && (fds[0].revents != 0);
    if (errno != EINTR) throw_error(last_error(), "serve_forever", server_address.to_string());
  }
}

void base_server::serve_forever(double poll_interval) {
  {
    const std::lock_guard lock(mutex_);
    running_ = true;
  }
  const auto stop_requested = [this] {
    const std::lock_guard lock(mutex_);
    return shutdown_request_;
  };
  try {
    while (!stop_requested()) {
      const bool ready = wait_readable(poll_interval, true);
      if (stop_requested()) break;
      if (ready) handle_request_noblock();
      service_actions();
    }
  } catch (...) {
    const std::lock_guard lock(mutex_);
    running_ = false;
    shutdown_request_ = false;
    stopped_.notify_all();
    throw;
  }
  std::uint64_t drained = 0;
  [[maybe_unused]] const auto n = ::read(wakeup_fd_, &drained, sizeof drained);
  const std::lock_guard lock(mutex_);
  running_ = false;
  shutdown_request_ = false;
  stopped_.notify_all();
}

void base_server::shutdown() {
  std::unique_lock lock(mutex_);
  shutdown_request_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wakeup_fd_, &one, sizeof one);
  stopped_.wait(lock, [this] { return !running_; });
}

void base_server::handle_request() {
  // Python: the smaller of the socket's timeout and self.timeout, either may be None.
  timeout_t wait = socket_.gettimeout();
  if (!wait)
    wait = timeout;
  else if (timeout)
    wait = std::min(*wait, *timeout);
  if (wait_readable(wait, false))
    handle_request_noblock();
  else
    handle_timeout();
}

void base_server::handle_request_noblock() {
  std::optional<std::pair<server_request, socket_address>> got;
  try {
    got = get_request();
  } catch (const socket_error&) {
    return;  // Python: an OSError from get_request drops that request only
  }
  if (!got) return;
  auto& [request, client_address] = *got;
  if (!verify_request(request, client_address)) {
    shutdown_request(request);
    return;
  }
  try {
    process_request(std::move(request), client_address);
  } catch (...) {
    handle_error(request, client_address);
    shutdown_request(request);
  }
}

void base_server::process_request(server_request request, const socket_address& client_address) {
  try {
    finish_request(request, client_address);
  } catch (...) {
    handle_error(request, client_address);
  }
  shutdown_request(request);
}

void base_server::finish_request(server_request& request, const socket_address& client_address) {
  std::unique_ptr<base_request_handler> h = RequestHandlerClass();
  h->run(request, client_address, *this);
}

void base_server::handle_error(server_request&, const socket_address& client_address) {
  const std::string rule(40, '-');
  std::cerr << rule << '\n'
            << "Exception occurred during processing of request from " << repr(client_address)
            << '\n'
            << describe_current_exception() << '\n'
            << rule << std::endl;
}

// --- TCP and UDP -----------------------------------------------------------------------------

tcp_server::tcp_server(const endpoint& address, handler_factory factory, int family,
                       server_options opts)
    : base_server(address, std::move(factory), family, SOCK_STREAM, opts) {
  if (options.bind_and_activate) bind_and_activate();
}

void tcp_server::server_activate() { server_socket().listen(options.request_queue_size); }

std::optional<std::pair<server_request, socket_address>> tcp_server::get_request() {
  auto [conn, peer] = server_socket().accept();
  server_request r;
  r.connection = std::move(conn);
  return std::pair{std::move(r), peer};
}

void tcp_server::shutdown_request(server_request& request) {
  // Python: SHUT_WR first so the client sees the end of the reply before the close.
  if (request.connection.is_open()) {
    try {
      request.connection.shutdown(SHUT_WR);
    } catch (const socket_error&) {
    }
  }
  close_request(request);
}

void tcp_server::close_request(server_request& request) {
  try {
    request.connection.close();
  } catch (const socket_error&) {
  }
}

udp_server::udp_server(const endpoint& address, handler_factory factory, int family,
                       server_options opts)
    : base_server(address, std::move(factory), family, SOCK_DGRAM, opts) {
  if (options.bind_and_activate) bind_and_activate();
}

std::optional<std::pair<server_request, socket_address>> udp_server::get_request() {
  auto [data, peer] = server_socket().recvfrom(max_packet_size);
  server_request r;
  r.packet = std::move(data);
  r.reply_socket = &server_socket();
  return std::pair{std::move(r), peer};
}

// --- Unix ------------------------------------------------------------------------------------

unix_stream_server::unix_stream_server(const endpoint& path, handler_factory factory,
                                       server_options opts)
    : tcp_server(path, std::move(factory), AF_UNIX,
                 server_options{opts.allow_reuse_address, opts.allow_reuse_port,
                                opts.request_queue_size, false}) {
  options.bind_and_activate = opts.bind_and_activate;
  if (opts.bind_and_activate) bind_and_activate();
}

unix_stream_server::~unix_stream_server() { unlink_if_ours(server_address, created_); }

void unix_stream_server::server_bind() {
  created_ = bind_unix(server_socket(), requested_address());
  server_address = server_socket().getsockname();
}

void unix_stream_server::server_close() {
  tcp_server::server_close();
  unlink_if_ours(server_address, created_);
}

unix_datagram_server::unix_datagram_server(const endpoint& path, handler_factory factory,
                                           server_options opts)
    : udp_server(path, std::move(factory), AF_UNIX,
                 server_options{opts.allow_reuse_address, opts.allow_reuse_port,
                                opts.request_queue_size, false}) {
  options.bind_and_activate = opts.bind_and_activate;
  if (opts.bind_and_activate) bind_and_activate();
}

unix_datagram_server::~unix_datagram_server() { unlink_if_ours(server_address, created_); }

void unix_datagram_server::server_bind() {
  created_ = bind_unix(server_socket(), requested_address());
  server_address = server_socket().getsockname();
}

void unix_datagram_server::server_close() {
  udp_server::server_close();
  unlink_if_ours(server_address, created_);
}

}  // namespace netkit
