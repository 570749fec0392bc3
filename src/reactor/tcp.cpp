#include "netkit/reactor/tcp.hpp"

#include "netkit/reactor/reactor.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "netkit/error.hpp"
#include "netkit/socket/endpoint.hpp"
#include "sigpipe.hpp"

namespace netkit {
namespace {

constexpr std::uint32_t connection_events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
constexpr std::size_t accepts_per_wakeup = 64;  // fairness: other work runs between batches
constexpr seconds_f min_backoff(0.05);          // accept paused after running out of descriptors
constexpr seconds_f max_backoff(1.0);

std::error_code errno_code(int e) { return {e, std::system_category()}; }

int open_spare() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

}  // namespace

// --- tcp_connection ----------------------------------------------------------------------------

tcp_connection::tcp_connection(reactor& loop, socket sock, std::unique_ptr<protocol> proto,
                               std::shared_ptr<factory> f)
    : loop_(loop), sock_(std::move(sock)), proto_(std::move(proto)), factory_(std::move(f)) {}

tcp_connection::~tcp_connection() = default;

void tcp_connection::start() {
  sock_.setblocking(false);
  if (sock_.family() != AF_UNIX) sock_.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
  loop_.watch(sock_.fileno(), connection_events, *this);  // once: edge-triggered, never changed
  update_direct_socket();
  call_protocol([&] { proto_->make_connection(*this, factory_.get()); });
}

template <class Fn>
bool tcp_connection::call_protocol(Fn&& fn) {
  // Not reactor::guarded: this landing pad needs only `this`, so the read loop keeps nothing
  // else alive for it across the protocol's call.
  try {
    fn();
    return true;
  } catch (...) {
    protocol_failed();
    return false;
  }
}

void tcp_connection::protocol_failed() noexcept {
  loop_.report_current_exception();
  // Twisted logs the error and drops the connection: its protocol's state is unknown now.
  close(std::make_error_code(std::errc::connection_aborted));
}

void tcp_connection::on_events(std::uint32_t events) {
  if (state_ == state::closed) return;
  if (events & EPOLLERR) [[unlikely]] {
    on_error_events(events);
    return;
  }
  // Edge-triggered: EPOLLOUT comes with most edges; only a queue needs it. Sending first frees
  // the queue before reading adds to it (and the read loop then need not keep `events`).
  if ((events & EPOLLOUT) && queued_ != 0) {
    write_ready();
    if (state_ == state::closed) return;
  }
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))
    read_ready((events & (EPOLLRDHUP | EPOLLHUP)) != 0);
}

void tcp_connection::on_error_events(std::uint32_t events) {
  // Data that arrived before a reset is still readable, and Twisted delivers it: read it
  // first (to the end: the read then meets the error and closes with it).
  if (events & EPOLLIN) read_ready(true);
  if (state_ == state::closed) return;
  const int err = sock_.getsockopt(SOL_SOCKET, SO_ERROR);
  close(errno_code(err != 0 ? err : ECONNRESET));
}

void tcp_connection::read_ready(bool peer_closed) {
  const std::span<char, reactor::read_buffer_size> buf = loop_.read_buffer();
  // Edge-triggered: drain the socket. A short read means it is empty for now, which saves
  // the read that would only say EAGAIN — unless the peer's FIN came with this edge: then read
  // on to the end of stream, as no later edge will announce it.
  // Twisted stops reading once the protocol has asked to close: nothing more is delivered.
  while (read_stops_ == 0) {
    // read(2), not recv(2): the same for a stream socket without flags, and a shorter path
    // through libc.
    const ssize_t n = ::read(sock_.fileno(), buf.data(), buf.size());
    if (n <= 0) [[unlikely]] {
      if (n < 0 && errno == EAGAIN) return;  // drained: the common end of a full buffer's loop
      if (read_ended(n)) return;
      continue;
    }
    const bytes_view data(buf.data(), static_cast<std::size_t>(n));
    if (!call_protocol([&] { proto_->data_received(data); })) return;
    if (static_cast<std::size_t>(n) < buf.size() && !peer_closed) return;
  }
}

bool tcp_connection::read_ended(ssize_t n) {
  if (n == 0) {
    read_stops_ |= stop_eof;
    bool half_open = false;
    if (state_ == state::open && !call_protocol([&] { half_open = proto_->eof_received(); }))
      return true;
    if (!half_open) close({});  // else keep writing
    return true;
  }
  if (errno == EINTR) return false;
  if (errno != EAGAIN && errno != EWOULDBLOCK) close(errno_code(errno));
  return true;
}

void tcp_connection::write_ready() {
  if (queued_ == 0) return;
  if (flush()) after_write();
}

bool tcp_connection::write_queued(bytes_view data) {
  return write_sequence(std::span<const bytes_view>(&data, 1));
}

bool tcp_connection::write_rest(bytes_view data, ssize_t n) {
  while (n < 0 && errno == EINTR)
    n = ::send(sock_.fileno(), data.data(), data.size(), MSG_NOSIGNAL);
  if (n == static_cast<ssize_t>(data.size())) return true;
  if (n > 0) {
    data.remove_prefix(static_cast<std::size_t>(n));
  } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
    close(errno_code(errno));
    return false;
  }
  queue(data);  // the EPOLLOUT edge, once the socket has room, sends it
  after_write();
  return true;
}

bool tcp_connection::write_sequence(std::span<const bytes_view> data) {
  if (state_ != state::open || write_closed_ || eof_pending_) return false;
  std::size_t skip = 0;    // whole pieces sent
  std::size_t offset = 0;  // bytes of the next piece sent
  if (queued_ == 0) {
    // Nothing waiting: straight to the socket; queue only what it does not take.
    iovec iov[64];
    const std::size_t count = std::min<std::size_t>(data.size(), 64);
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
      iov[i] = {const_cast<char*>(data[i].data()), data[i].size()};  // NOLINT: iovec
      total += data[i].size();
    }
    if (total == 0 && count == data.size()) return true;
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    ssize_t n = 0;
    do {
      n = ::sendmsg(sock_.fileno(), &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        close(errno_code(errno));
        return false;
      }
      n = 0;
    }
    auto sent = static_cast<std::size_t>(n);
    while (skip < data.size() && sent >= data[skip].size()) sent -= data[skip++].size();
    offset = sent;
  }
  for (std::size_t i = skip; i < data.size(); ++i) {
    const bytes_view rest = i == skip ? data[i].substr(offset) : data[i];
    if (!rest.empty()) queue(rest);
  }
  after_write();
  return true;
}

bool tcp_connection::send_file(file_descriptor file, std::uint64_t offset, std::uint64_t count) {
  if (state_ != state::open || write_closed_ || eof_pending_) return false;
  if (count == 0) return true;
  if (queued_ == 0) {
    // Nothing waiting: straight to the socket; queue only what it does not take.
    for (;;) {
      const ssize_t n = send_file_part(file.get(), offset, count);
      if (n > 0) {
        offset += static_cast<std::uint64_t>(n);
        count -= static_cast<std::uint64_t>(n);
        if (count == 0) return true;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && (errno == EINVAL || errno == ENOSYS))  // not a regular file: copy it
        return transport::send_file(std::move(file), offset, count);
      close(errno_code(n == 0 ? EIO : errno));
      return false;
    }
  }
  queue_file(std::move(file), offset, count);
  after_write();
  return true;
}

void tcp_connection::queue(bytes_view data) {
  out_.emplace_back().data.assign(data);
  queued_ += data.size();
  set_direct_socket(-1);  // what comes next goes behind this
}

void tcp_connection::queue_file(file_descriptor file, std::uint64_t offset, std::uint64_t count) {
  out_chunk& c = out_.emplace_back();
  c.file = std::move(file);
  c.file_offset = offset;
  c.file_left = count;
  queued_ += count;
  set_direct_socket(-1);
}

void tcp_connection::pop_front_chunk() noexcept {
  out_offset_ = 0;
  out_[out_head_] = out_chunk();  // its memory (or file) goes now, not when the queue drains
  if (++out_head_ == out_.size()) {
    // Drained: start over at the front, keeping the capacity (no allocation next time).
    out_.clear();
    out_head_ = 0;
  } else if (out_head_ >= 64 && 2 * out_head_ >= out_.size()) {
    // A queue that never drains must not grow by its spent slots.
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_head_));
    out_head_ = 0;
  }
}

// sendfile(2) of up to `count` bytes from `offset`: what it sent, or -1 with errno. 0 means
// the file ended early (it shrank after its size was taken).
ssize_t tcp_connection::send_file_part(int file, std::uint64_t offset, std::uint64_t count) {
  auto off = static_cast<off_t>(offset);
  ssize_t n = 0;
  do {
    n = detail::sendfile_without_sigpipe(sock_.fileno(), file, &off,
                                         std::min<std::uint64_t>(count, 1U << 30));
  } while (n < 0 && errno == EINTR);
  return n;
}

bool tcp_connection::flush() {
  while (queued_ != 0) {
    out_chunk& front = out_[out_head_];
    if (front.file) {
      const ssize_t n = send_file_part(front.file.get(), front.file_offset, front.file_left);
      if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        close(errno_code(n == 0 ? EIO : errno));  // a file cut short: the peer's framing is lost
        return false;
      }
      const auto sent = static_cast<std::uint64_t>(n);
      front.file_offset += sent;
      front.file_left -= sent;
      queued_ -= static_cast<std::size_t>(sent);
      if (front.file_left == 0) pop_front_chunk();
      continue;
    }
    // The bytes up to the next file, in one sendmsg: writev(2) would raise SIGPIPE on a socket
    // that can no longer send; MSG_NOSIGNAL makes that EPIPE only.
    iovec iov[64];
    std::size_t count = 0;
    for (std::size_t i = out_head_; i < out_.size() && count < 64 && !out_[i].file; ++i, ++count) {
      const std::size_t skip = count == 0 ? out_offset_ : 0;
      iov[count] = {out_[i].data.data() + skip, out_[i].data.size() - skip};
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    ssize_t n = ::sendmsg(sock_.fileno(), &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;  // the next EPOLLOUT edge
      close(errno_code(errno));
      return false;
    }
    auto sent = static_cast<std::size_t>(n);
    queued_ -= sent;
    while (sent != 0) {
      const std::size_t left = out_[out_head_].data.size() - out_offset_;
      if (sent < left) {
        out_offset_ += sent;
        break;
      }
      sent -= left;
      pop_front_chunk();
    }
  }
  update_direct_socket();  // drained
  return true;
}

void tcp_connection::after_write() {
  if (state_ == state::closed) return;
  if (!writing_paused_ && queued_ > high_water_) {
    writing_paused_ = true;
    if (!call_protocol([&] { proto_->pause_writing(); })) return;
  } else if (writing_paused_ && queued_ <= low_water_) {
    writing_paused_ = false;
    if (!call_protocol([&] { proto_->resume_writing(); })) return;
  }
  if (queued_ != 0) return;
  if (eof_pending_ && !write_closed_) {
    eof_pending_ = false;
    write_closed_ = true;
    ::shutdown(sock_.fileno(), SHUT_WR);
    if (read_stops_ & stop_eof) close({});
  }
  if (state_ == state::disconnecting) close({});
}

void tcp_connection::lose_connection() {
  if (state_ != state::open) return;
  state_ = state::disconnecting;
  read_stops_ |= stop_not_open;
  refuse_writes();
  if (queued_ == 0) close({});
}

void tcp_connection::abort_connection() {
  if (state_ == state::closed) return;
  const linger hard{1, 0};  // close with RST, dropping anything unsent
  ::setsockopt(sock_.fileno(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  out_.clear();
  out_head_ = 0;
  out_offset_ = 0;
  queued_ = 0;
  close(std::make_error_code(std::errc::connection_aborted));
}

void tcp_connection::write_eof() {
  if (state_ != state::open || write_closed_) return;
  eof_pending_ = true;
  refuse_writes();
  after_write();
}

reactor_time* tcp_connection::clock() noexcept { return &loop_; }

socket_address tcp_connection::get_peer() const { return sock_.getpeername(); }
socket_address tcp_connection::get_host() const { return sock_.getsockname(); }

void tcp_connection::pause_producing() { read_stops_ |= stop_paused; }

void tcp_connection::resume_producing() {
  if (!(read_stops_ & stop_paused)) return;
  read_stops_ &= static_cast<std::uint8_t>(~stop_paused);
  // Edge-triggered: data that arrived while paused raised no new edge, so look now (on the
  // next turn, not inside the caller's callback). The timer belongs to the connection, so it is
  // cancelled if the connection is freed first.
  resume_read_ = loop_.call_later(seconds_f(0), [this] {
    if (state_ != state::closed) read_ready(true);
  });
}

void tcp_connection::set_write_buffer_limits(std::size_t high, std::size_t low) {
  if (low > high) throw value_error("set_write_buffer_limits: low must not exceed high");
  high_water_ = high;
  low_water_ = low;
  after_write();
}

void tcp_connection::close(std::error_code reason) noexcept {
  if (state_ == state::closed) return;
  state_ = state::closed;
  read_stops_ |= stop_not_open;
  refuse_writes();
  loop_.unwatch(sock_.fileno());
  try {
    sock_.close();
  } catch (const socket_error&) {  // NOLINT(bugprone-empty-catch): the descriptor is gone anyway
  }
  out_.clear();
  out_head_ = 0;
  out_offset_ = 0;
  queued_ = 0;
  lost_reason_ = reason;
  // connection_lost() comes when the reactor finishes this phase, never from inside one of
  // the protocol's own callbacks, and the protocol lives until it has returned.
  loop_.retire(*this);
}

void tcp_connection::deliver_connection_lost() noexcept {
  loop_.guarded([&] { proto_->lose(lost_reason_); });
  if (connector_ != nullptr) connector_->connection_lost(lost_reason_);
}

// --- listening_port ----------------------------------------------------------------------------

listening_port::listening_port(reactor& loop, socket sock, std::shared_ptr<factory> f)
    : loop_(loop), sock_(std::move(sock)), factory_(std::move(f)), spare_fd_(open_spare()) {
  sock_.setblocking(false);
  loop_.watch(sock_.fileno(), EPOLLIN, *this);
  factory_->start_factory();
}

listening_port::~listening_port() {
  stop_listening();
  if (spare_fd_ >= 0) ::close(spare_fd_);
}

void listening_port::stop_listening() noexcept {
  if (!sock_.is_open()) return;
  retry_accept_ = delayed_call();
  loop_.unwatch(sock_.fileno());
  try {
    sock_.close();
  } catch (const socket_error&) {  // NOLINT(bugprone-empty-catch)
  }
  if (!unlink_path_.empty()) ::unlink(unlink_path_.c_str());
  factory_->stop_factory();
}

listening_port::shed_result listening_port::shed_one() {
  if (spare_fd_ < 0) spare_fd_ = open_spare();
  if (spare_fd_ < 0) return shed_result::stuck;
  ::close(spare_fd_);
  const int fd = ::accept4(sock_.fileno(), nullptr, nullptr, SOCK_CLOEXEC);
  const int accept_errno = errno;
  if (fd >= 0) {
    ::close(fd);
    refused_.fetch_add(1, std::memory_order_relaxed);
  }
  // In a pool another thread may take the descriptor just freed: then neither the accept nor
  // the spare succeeds, and only waiting helps.
  spare_fd_ = open_spare();
  if (spare_fd_ < 0) return shed_result::stuck;
  if (fd >= 0) return shed_result::shed;
  // accept() reports EMFILE before it looks for a connection: with none waiting, EAGAIN now.
  if (accept_errno == EAGAIN || accept_errno == EWOULDBLOCK) return shed_result::empty;
  if (accept_errno == EMFILE || accept_errno == ENFILE) return shed_result::stuck;
  return shed_result::shed;  // the waiting connection failed by itself (aborted): go on
}

void listening_port::back_off() {
  // Level-triggered and still readable: stop watching, or the loop would spin on it.
  loop_.unwatch(sock_.fileno());
  retry_accept_ = loop_.call_later(backoff_, [this] {
    if (!sock_.is_open()) return;
    loop_.watch(sock_.fileno(), EPOLLIN, *this);
  });
  backoff_ = std::min(backoff_ * 2, max_backoff);
}

void listening_port::on_events(std::uint32_t /*events*/) {
  for (std::size_t i = 0; i < accepts_per_wakeup && sock_.is_open(); ++i) {
    std::error_code ec;
    auto [conn, peer] = sock_.accept(ec);
    if (ec) {
      // errno values, not std::errc conditions: comparing with a condition is a virtual call,
      // and out of descriptors UBSan cannot check a virtual call (its probe needs a pipe) and
      // reports a false 'invalid vptr'.
      const int e = ec.category() == std::system_category() ? ec.value() : 0;
      if (e == EAGAIN || e == EWOULDBLOCK) return;
      if (e == ECONNABORTED || e == EINTR) continue;
      if (e == EMFILE || e == ENFILE) {
        const shed_result r = shed_one();
        if (r == shed_result::shed) continue;
        if (r == shed_result::stuck) back_off();
        return;
      }
      if (e == ENOMEM || e == ENOBUFS) {
        back_off();  // the kernel is short: try again later rather than at once
        return;
      }
      throw_error(ec, "accept", sock_.getsockname().to_string());
    }
    backoff_ = min_backoff;
    if (handoff_) {
      handoff_(conn);
      continue;
    }
    loop_.start_connection(std::move(conn), peer, factory_);
  }
}

// --- tcp_connector -----------------------------------------------------------------------------

tcp_connector::tcp_connector(reactor& loop, int family, endpoint to,
                             std::shared_ptr<client_factory> f, seconds_f timeout)
    : loop_(loop), family_(family), to_(std::move(to)), factory_(std::move(f)), timeout_(timeout) {
  if (to_.which() == endpoint::kind::resolved) destination_ = to_.resolved();
}

tcp_connector::~tcp_connector() {
  if (sock_.is_open()) loop_.unwatch(sock_.fileno());
}

void tcp_connector::connect() {
  if (state_ != state::idle)
    throw value_error("connector.connect: already connecting or connected");
  if (loop_.shutting_down_) {
    release_if_idle();
    return;
  }
  retry_ = delayed_call();
  state_ = state::connecting;
  loop_.guarded([&] { factory_->started_connecting(*this); });
  if (state_ != state::connecting) return;  // the hook called stop_connecting()
  std::error_code ec;
  try {
    sock_ = socket(family_, SOCK_STREAM);
    sock_.setblocking(false);
  } catch (const socket_error& e) {
    ec = e.code();
  }
  if (!ec) destination_ = to_.resolve(family_, ec);
  if (!ec) sock_.connect(destination_, ec);
  if (ec && ec != errc::would_block) {
    // Reported on the next turn, as an asynchronous failure would be; the timer belongs to
    // this connector, so it cannot outlive it.
    attempt_timeout_ = loop_.call_later(seconds_f(0), [this, ec] { fail(ec); });
    return;
  }
  loop_.watch(sock_.fileno(), EPOLLOUT, *this);
  attempt_timeout_ =
      loop_.call_later(timeout_, [this] { fail(std::make_error_code(std::errc::timed_out)); });
}

void tcp_connector::connect_after(seconds_f delay) {
  if (state_ != state::idle)
    throw value_error("connector.connect_after: already connecting or connected");
  if (loop_.shutting_down_) return;  // the reactor is going: nothing will run
  retry_ = loop_.call_later(delay, [this] { connect(); });
}

void tcp_connector::stop_connecting() {
  retry_ = delayed_call();
  if (state_ == state::connecting)
    fail(std::make_error_code(std::errc::operation_canceled));
  else
    release_if_idle();
}

void tcp_connector::disconnect() {
  if (state_ == state::connected && connection_ != nullptr)
    connection_->lose_connection();
  else
    stop_connecting();
}

void tcp_connector::end_attempt() noexcept {
  attempt_timeout_ = delayed_call();
  if (sock_.is_open()) loop_.unwatch(sock_.fileno());
}

void tcp_connector::on_events(std::uint32_t /*events*/) {
  if (state_ != state::connecting) return;
  const int err = sock_.getsockopt(SOL_SOCKET, SO_ERROR);
  if (err != 0) {
    fail(errno_code(err));
    return;
  }
  end_attempt();
  std::unique_ptr<protocol> proto;
  socket_address peer;
  loop_.guarded([&] {
    peer = sock_.getpeername();
    proto = factory_->build_protocol(peer);
  });
  if (!proto) {  // refused by the factory (or the peer already gone): the socket closes
    fail(std::make_error_code(std::errc::connection_aborted));
    return;
  }
  state_ = state::connected;
  auto c = std::make_unique<tcp_connection>(loop_, std::move(sock_), std::move(proto), factory_);
  c->connector_ = this;
  connection_ = c.get();
  loop_.adopt(std::move(c));
  connection_->start();
}

void tcp_connector::fail(std::error_code reason) noexcept {
  if (state_ != state::connecting) return;
  end_attempt();
  try {
    sock_.close();
  } catch (const socket_error&) {  // NOLINT(bugprone-empty-catch): the descriptor is gone anyway
  }
  state_ = state::idle;
  loop_.guarded([&] { factory_->client_connection_failed(*this, reason); });
  release_if_idle();
}

void tcp_connector::connection_lost(std::error_code reason) noexcept {
  connection_ = nullptr;
  state_ = state::idle;
  loop_.guarded([&] { factory_->client_connection_lost(*this, reason); });
  release_if_idle();
}

void tcp_connector::release_if_idle() noexcept {
  if (released_ || state_ != state::idle || retry_.active()) return;
  released_ = true;
  loop_.connectors_done_.splice(loop_.connectors_done_.end(), loop_.connectors_, self_);
  loop_.closing_pending_ = true;
}

// --- reactor: TCP ------------------------------------------------------------------------------

void reactor::adopt(std::unique_ptr<tcp_connection> c) {
  connections_.push_back(std::move(c));
  connections_.back()->self_ = std::prev(connections_.end());
}

void reactor::retire(tcp_connection& c) noexcept {
  closing_.splice(closing_.end(), connections_, c.self_);
  closing_pending_ = true;
}

void reactor::finish_closing() noexcept {
  // connection_lost() may close other connections: take them one at a time.
  while (!closing_.empty()) {
    std::unique_ptr<tcp_connection> c = std::move(closing_.front());
    closing_.pop_front();
    c->deliver_connection_lost();
  }
  connectors_done_.clear();
  closing_pending_ = !closing_.empty() || !connectors_done_.empty();
}

bool reactor::start_connection(socket s, const socket_address& peer,
                               const std::shared_ptr<factory>& f) {
  std::unique_ptr<protocol> proto = f->build_protocol(peer);
  if (!proto) return false;  // refused by the factory: the socket closes here
  auto c = std::make_unique<tcp_connection>(*this, std::move(s), std::move(proto), f);
  tcp_connection& ref = *c;
  adopt(std::move(c));
  ref.start();
  return true;
}

bool reactor::adopt_connection(socket connected, std::shared_ptr<factory> f) {
  if (!f) throw value_error("adopt_connection: no factory");
  const socket_address peer = connected.getpeername();
  return start_connection(std::move(connected), peer, f);
}

listening_port& reactor::adopt_port(socket listening, std::shared_ptr<factory> f) {
  if (!f) throw value_error("adopt_port: no factory");
  return start_listening(std::move(listening), std::move(f));
}

listening_port& reactor::start_listening(socket s, std::shared_ptr<factory> f) {
  ports_.push_back(std::make_unique<listening_port>(*this, std::move(s), std::move(f)));
  return *ports_.back();
}

listening_port& reactor::listen_tcp(int port_number, std::shared_ptr<factory> f,
                                    const std::string& interface, int backlog) {
  if (!f) throw value_error("listen_tcp: no factory");
  const bool v6 = interface.find(':') != std::string::npos;
  socket s(v6 ? AF_INET6 : AF_INET, SOCK_STREAM);
  s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  s.bind(endpoint(interface, port_number));
  s.listen(backlog);
  return start_listening(std::move(s), std::move(f));
}

listening_port& reactor::listen_unix(const std::string& path, std::shared_ptr<factory> f,
                                     int backlog) {
  if (!f) throw value_error("listen_unix: no factory");
  socket s(AF_UNIX, SOCK_STREAM);
  s.bind(path);
  s.listen(backlog);
  listening_port& port = start_listening(std::move(s), std::move(f));
  if (!path.empty() && path.front() != '\0') port.remove_on_stop(path);
  return port;
}

connector& reactor::start_connect(int family, endpoint to, std::shared_ptr<client_factory> f,
                                  seconds_f timeout) {
  connectors_.push_back(
      std::make_unique<tcp_connector>(*this, family, std::move(to), std::move(f), timeout));
  tcp_connector& c = *connectors_.back();
  c.self_ = std::prev(connectors_.end());
  c.connect();
  return c;
}

connector& reactor::connect_tcp(const std::string& host, int port_number,
                                std::shared_ptr<client_factory> f, seconds_f timeout) {
  if (!f) throw value_error("connect_tcp: no factory");
  const bool v6 = host.find(':') != std::string::npos;
  return start_connect(v6 ? AF_INET6 : AF_INET, endpoint(host, port_number), std::move(f), timeout);
}

connector& reactor::connect_unix(const std::string& path, std::shared_ptr<client_factory> f,
                                 seconds_f timeout) {
  if (!f) throw value_error("connect_unix: no factory");
  return start_connect(AF_UNIX, endpoint(path), std::move(f), timeout);
}

}  // namespace netkit
