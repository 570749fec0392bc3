#include "netkit/socket/socket.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "netkit/error.hpp"
#include "netkit/socket/functions.hpp"
#include "netkit/socket/socket_file.hpp"

namespace netkit {
namespace {

std::error_code bad_fd() { return {EBADF, std::system_category()}; }

bool errno_would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

void set_nonblocking(int fd, bool on) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return;
  flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  ::fcntl(fd, F_SETFL, flags);
}

int get_int_option(int fd, int level, int option) {
  int v = 0;
  socklen_t len = sizeof v;
  if (::getsockopt(fd, level, option, &v, &len) < 0) return 0;
  return v;
}

// Python rejects negative and NaN timeouts with ValueError("Timeout value out of range").
void check_timeout(const timeout_t& t) {
  if (t && (std::isnan(t->count()) || t->count() < 0))
    throw value_error("settimeout: Timeout value out of range");
}

}  // namespace

socket::socket(int family, int type, int proto) {
  const int fd = ::socket(family, type | SOCK_CLOEXEC, proto);
  if (fd < 0)
    throw_error(last_error(), "socket",
                "family=" + std::to_string(family) + ", type=" + std::to_string(type));
  fd_ = fd;
  family_ = family;
  type_ = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  proto_ = proto;  // as passed, like Python (adopt() asks the kernel instead)
  settimeout((type & SOCK_NONBLOCK) ? timeout_t(seconds_f(0)) : getdefaulttimeout());
}

socket::socket(int fd, int family, int type, int proto) noexcept
    : fd_(fd), family_(family), type_(type), proto_(proto) {}

socket socket::adopt(int fd) {
  if (fd < 0) throw_error(bad_fd(), "socket.adopt");
  const int family = get_int_option(fd, SOL_SOCKET, SO_DOMAIN);
  const int type = get_int_option(fd, SOL_SOCKET, SO_TYPE);
  const int proto = get_int_option(fd, SOL_SOCKET, SO_PROTOCOL);
  if (family == 0) throw_error(last_error(), "socket.adopt", "fd " + std::to_string(fd));
  socket s(fd, family, type, proto);
  const int flags = ::fcntl(fd, F_GETFL);
  s.timeout_ = (flags >= 0 && (flags & O_NONBLOCK)) ? timeout_t(seconds_f(0)) : std::nullopt;
  if (!s.timeout_) s.settimeout(getdefaulttimeout());
  return s;
}

socket::socket(socket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      family_(other.family_),
      type_(other.type_),
      proto_(other.proto_),
      timeout_(other.timeout_) {}

socket& socket::operator=(socket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    family_ = other.family_;
    type_ = other.type_;
    proto_ = other.proto_;
    timeout_ = other.timeout_;
  }
  return *this;
}

socket::~socket() {
  if (fd_ >= 0) ::close(fd_);
}

std::string socket::where() const {
  if (fd_ < 0) return "closed socket";
  socket_address a;
  socklen_t len = socket_address::capacity();
  if (::getsockname(fd_, a.data(), &len) < 0) return "fd " + std::to_string(fd_);
  a.resize(len);
  return a.to_string();
}

void socket::wait_ready(short events, const deadline& until, std::error_code& ec) const noexcept {
  for (;;) {
    if (until.passed()) {
      ec = timeout_code();
      return;
    }
    pollfd p{fd_, events, 0};
    const int rc = ::poll(&p, 1, until.poll_ms());
    if (rc > 0) {
      ec.clear();
      return;
    }
    if (rc == 0) {
      ec = timeout_code();
      return;
    }
    if (errno != EINTR) {
      ec = last_error();
      return;
    }
  }
}

template <class Op>
auto socket::io(short events, std::error_code& ec, Op op) const noexcept -> decltype(op()) {
  if (fd_ < 0) {
    ec = bad_fd();
    return -1;
  }
  const bool may_wait = timeout_ && timeout_->count() > 0;
  const deadline until(may_wait ? timeout_t(timeout_) : timeout_t());
  for (;;) {
    const auto rc = op();
    if (rc >= 0) {
      ec.clear();
      return rc;
    }
    const int e = errno;
    if (e == EINTR) continue;
    if (may_wait && errno_would_block(e)) {
      wait_ready(events, until, ec);
      if (ec) return -1;
      continue;
    }
    ec = {e, std::system_category()};
    return -1;
  }
}

// --- binding and connecting ---------------------------------------------------------------

void socket::bind(const endpoint& address) {
  std::error_code ec;
  bind(address, ec);
  if (ec) throw_error(ec, "bind", address.to_string());
}

void socket::bind(const endpoint& address, std::error_code& ec) noexcept {
  if (fd_ < 0) {
    ec = bad_fd();
    return;
  }
  const socket_address a = address.resolve(family_, ec);
  if (ec) return;
  if (::bind(fd_, a.data(), a.size()) < 0)
    ec = last_error();
  else
    ec.clear();
}

void socket::listen(int backlog) {
  if (fd_ < 0) throw_error(bad_fd(), "listen");
  if (::listen(fd_, std::max(backlog, 0)) < 0) throw_error(last_error(), "listen", where());
}

std::pair<socket, socket_address> socket::accept() {
  std::error_code ec;
  auto result = accept(ec);
  if (ec) throw_error(ec, "accept", where());
  return result;
}

std::pair<socket, socket_address> socket::accept(std::error_code& ec) noexcept {
  socket_address peer;
  socklen_t len = socket_address::capacity();
  const int fd = io(POLLIN, ec, [&] {
    len = socket_address::capacity();
    return ::accept4(fd_, peer.data(), &len, SOCK_CLOEXEC);
  });
  if (fd < 0) return {socket(-1, family_, type_, proto_), socket_address()};
  peer.resize(len);
  socket conn(fd, family_, type_, proto_);
  // Python: the accepted socket takes the default timeout, and blocks if that is None,
  // whatever the listening socket's mode.
  conn.timeout_ = getdefaulttimeout();
  if (conn.timeout_) set_nonblocking(fd, true);
  return {std::move(conn), peer};
}

void socket::connect(const endpoint& address) {
  std::error_code ec;
  connect(address, ec);
  if (ec) throw_error(ec, "connect", address.to_string());
}

void socket::connect(const endpoint& address, std::error_code& ec) noexcept {
  if (fd_ < 0) {
    ec = bad_fd();
    return;
  }
  const socket_address a = address.resolve(family_, ec);
  if (ec) return;
  int rc = ::connect(fd_, a.data(), a.size());
  if (rc == 0) {
    ec.clear();
    return;
  }
  int e = errno;
  if (e == EINTR && !timeout_) {
    // The connection goes on in the kernel; wait for it as a blocking connect would.
    e = EINPROGRESS;
  }
  if (e != EINPROGRESS || (timeout_ && timeout_->count() == 0)) {
    ec = {e, std::system_category()};
    return;
  }
  wait_ready(POLLOUT, deadline(timeout_), ec);
  if (ec) return;
  const int so_error = get_int_option(fd_, SOL_SOCKET, SO_ERROR);
  if (so_error != 0)
    ec = {so_error, std::system_category()};
  else
    ec.clear();
}

int socket::connect_ex(const endpoint& address) {
  if (fd_ < 0) return EBADF;
  std::error_code ec;
  const socket_address a = address.resolve(family_, ec);
  if (ec) throw_error(ec, "connect_ex", address.to_string());
  connect(a, ec);
  if (ec && ec.category() == netkit_category()) return EAGAIN;  // Python: timed out → EAGAIN
  return ec.value();
}

// --- sending and receiving ----------------------------------------------------------------

std::size_t socket::send(bytes_view data, int flags) {
  std::error_code ec;
  const std::size_t n = send(data, ec, flags);
  if (ec) throw_error(ec, "send", where());
  return n;
}

std::size_t socket::send(bytes_view data, std::error_code& ec, int flags) noexcept {
  const auto n =
      io(POLLOUT, ec, [&] { return ::send(fd_, data.data(), data.size(), flags | MSG_NOSIGNAL); });
  return n < 0 ? 0 : static_cast<std::size_t>(n);
}

void socket::sendall(bytes_view data, int flags) {
  std::error_code ec;
  sendall(data, ec, flags);
  if (ec) throw_error(ec, "sendall", where());
}

std::size_t socket::sendall(bytes_view data, std::error_code& ec, int flags) noexcept {
  // One deadline for the whole call, as Python >= 3.5 does.
  if (fd_ < 0) {
    ec = bad_fd();
    return 0;
  }
  const bool may_wait = timeout_ && timeout_->count() > 0;
  const deadline until(may_wait ? timeout_t(timeout_) : timeout_t());
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, flags | MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    const int e = errno;
    if (e == EINTR) continue;
    if (may_wait && errno_would_block(e)) {
      wait_ready(POLLOUT, until, ec);
      if (ec) return sent;
      continue;
    }
    ec = {e, std::system_category()};
    return sent;
  }
  ec.clear();
  return sent;
}

bytes socket::recv(std::size_t bufsize, int flags) {
  bytes out(bufsize, '\0');
  std::error_code ec;
  const auto n = io(POLLIN, ec, [&] { return ::recv(fd_, out.data(), out.size(), flags); });
  if (ec) throw_error(ec, "recv", where());
  // With MSG_TRUNC the kernel reports the datagram's full length; the data is what fitted.
  out.resize(std::min(static_cast<std::size_t>(n), bufsize));
  return out;
}

std::size_t socket::recv_into(mutable_buffer buffer, std::size_t nbytes, int flags) {
  if (nbytes > buffer.size()) throw value_error("recv_into: buffer too small for requested bytes");
  if (nbytes == 0) nbytes = buffer.size();
  std::error_code ec;
  const std::size_t n = recv_into(buffer.first(nbytes), ec, flags);
  if (ec) throw_error(ec, "recv_into", where());
  return n;
}

std::size_t socket::recv_into(mutable_buffer buffer, std::error_code& ec, int flags) noexcept {
  const auto n = io(POLLIN, ec, [&] { return ::recv(fd_, buffer.data(), buffer.size(), flags); });
  return n < 0 ? 0 : static_cast<std::size_t>(n);
}

std::size_t socket::sendto(bytes_view data, const endpoint& address, int flags) {
  const socket_address a = address.resolve(family_);
  std::error_code ec;
  const std::size_t n = sendto(data, a, ec, flags);
  if (ec) throw_error(ec, "sendto", address.to_string());
  return n;
}

std::size_t socket::sendto(bytes_view data, const socket_address& address, std::error_code& ec,
                           int flags) noexcept {
  const auto n = io(POLLOUT, ec, [&] {
    return ::sendto(fd_, data.data(), data.size(), flags | MSG_NOSIGNAL, address.data(),
                    address.size());
  });
  return n < 0 ? 0 : static_cast<std::size_t>(n);
}

std::pair<bytes, socket_address> socket::recvfrom(std::size_t bufsize, int flags) {
  bytes out(bufsize, '\0');
  std::error_code ec;
  auto [n, from] = recvfrom_into(mutable_buffer(out.data(), out.size()), ec, flags);
  if (ec) throw_error(ec, "recvfrom", where());
  out.resize(n);
  return {std::move(out), from};
}

std::pair<std::size_t, socket_address> socket::recvfrom_into(mutable_buffer buffer,
                                                             std::size_t nbytes, int flags) {
  if (nbytes > buffer.size())
    throw value_error("recvfrom_into: nbytes is greater than the length of the buffer");
  if (nbytes == 0) nbytes = buffer.size();
  std::error_code ec;
  auto result = recvfrom_into(buffer.first(nbytes), ec, flags);
  if (ec) throw_error(ec, "recvfrom_into", where());
  return result;
}

std::pair<std::size_t, socket_address> socket::recvfrom_into(mutable_buffer buffer,
                                                             std::error_code& ec,
                                                             int flags) noexcept {
  socket_address from;
  socklen_t len = socket_address::capacity();
  const auto n = io(POLLIN, ec, [&] {
    len = socket_address::capacity();
    return ::recvfrom(fd_, buffer.data(), buffer.size(), flags, from.data(), &len);
  });
  if (n < 0) return {0, socket_address()};
  from.resize(len);
  // Python truncation semantics: MSG_TRUNC makes recvfrom return the real datagram length.
  return {std::min(static_cast<std::size_t>(n), buffer.size()), from};
}

std::size_t socket::sendmsg(std::span<const bytes_view> buffers, std::span<const ancillary> ancdata,
                            int flags, const std::optional<endpoint>& address) {
  std::vector<iovec> iov;
  iov.reserve(buffers.size());
  for (const bytes_view b : buffers)
    iov.push_back({const_cast<char*>(b.data()), b.size()});  // NOLINT: iovec is not const
  std::size_t control_len = 0;
  for (const auto& a : ancdata) control_len += CMSG_SPACE(a.data.size());
  std::vector<char> control(control_len, '\0');
  msghdr msg{};
  socket_address to;
  if (address) {
    to = address->resolve(family_);
    msg.msg_name = to.data();
    msg.msg_namelen = to.size();
  }
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  if (control_len != 0) {
    msg.msg_control = control.data();
    msg.msg_controllen = control_len;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    for (const auto& a : ancdata) {
      c->cmsg_level = a.level;
      c->cmsg_type = a.type;
      c->cmsg_len = CMSG_LEN(a.data.size());
      std::memcpy(CMSG_DATA(c), a.data.data(), a.data.size());
      c = CMSG_NXTHDR(&msg, c);
    }
  }
  std::error_code ec;
  const auto n = io(POLLOUT, ec, [&] { return ::sendmsg(fd_, &msg, flags | MSG_NOSIGNAL); });
  if (ec) throw_error(ec, "sendmsg", address ? address->to_string() : where());
  return static_cast<std::size_t>(n);
}

message socket::recvmsg(std::size_t bufsize, std::size_t ancbufsize, int flags) {
  message m;
  m.data.assign(bufsize, '\0');
  std::vector<char> control(ancbufsize, '\0');
  iovec iov{m.data.data(), m.data.size()};
  msghdr msg{};
  std::error_code ec;
  const auto n = io(POLLIN, ec, [&] {
    msg = msghdr{};
    msg.msg_name = m.address.data();
    msg.msg_namelen = socket_address::capacity();
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ancbufsize != 0 ? control.data() : nullptr;
    msg.msg_controllen = ancbufsize;
    return ::recvmsg(fd_, &msg, flags | MSG_CMSG_CLOEXEC);
  });
  if (ec) throw_error(ec, "recvmsg", where());
  m.data.resize(std::min(static_cast<std::size_t>(n), bufsize));
  m.address.resize(msg.msg_namelen);
  // Linux echoes MSG_CMSG_CLOEXEC (which we always pass) back in msg_flags; Python never shows it.
  m.msg_flags = msg.msg_flags & ~MSG_CMSG_CLOEXEC;
  if (ancbufsize != 0) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      const auto* data = reinterpret_cast<const char*>(CMSG_DATA(c));
      const std::size_t len =
          c->cmsg_len - static_cast<std::size_t>(data - reinterpret_cast<const char*>(c));
      m.ancdata.push_back({c->cmsg_level, c->cmsg_type, bytes(data, len)});
    }
  }
  return m;
}

// --- lifetime -----------------------------------------------------------------------------

void socket::shutdown(int how) {
  if (fd_ < 0) throw_error(bad_fd(), "shutdown");
  if (::shutdown(fd_, how) < 0) throw_error(last_error(), "shutdown", where());
}

void socket::close() {
  if (fd_ < 0) return;
  const int fd = std::exchange(fd_, -1);
  // Linux always releases the descriptor, even when close reports EINTR: never retry.
  if (::close(fd) < 0 && errno != EINTR && errno != ECONNRESET) throw_error(last_error(), "close");
}

int socket::detach() noexcept { return std::exchange(fd_, -1); }

socket socket::dup() const {
  if (fd_ < 0) throw_error(bad_fd(), "dup");
  const int copy = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) throw_error(last_error(), "dup", where());
  socket s(copy, family_, type_, proto_);
  s.timeout_ = timeout_;  // the open file description, and so O_NONBLOCK, is shared
  return s;
}

socket_address socket::getsockname() const {
  if (fd_ < 0) throw_error(bad_fd(), "getsockname");
  socket_address a;
  socklen_t len = socket_address::capacity();
  if (::getsockname(fd_, a.data(), &len) < 0) throw_error(last_error(), "getsockname");
  a.resize(len);
  return a;
}

socket_address socket::getpeername() const {
  if (fd_ < 0) throw_error(bad_fd(), "getpeername");
  socket_address a;
  socklen_t len = socket_address::capacity();
  if (::getpeername(fd_, a.data(), &len) < 0) throw_error(last_error(), "getpeername", where());
  a.resize(len);
  return a;
}

// --- options ------------------------------------------------------------------------------

void socket::setsockopt(int level, int option, int value) {
  if (fd_ < 0) throw_error(bad_fd(), "setsockopt");
  if (::setsockopt(fd_, level, option, &value, sizeof value) < 0)
    throw_error(last_error(), "setsockopt", where());
}

void socket::setsockopt(int level, int option, bytes_view value) {
  if (fd_ < 0) throw_error(bad_fd(), "setsockopt");
  if (::setsockopt(fd_, level, option, value.data(), static_cast<socklen_t>(value.size())) < 0)
    throw_error(last_error(), "setsockopt", where());
}

int socket::getsockopt(int level, int option) const {
  if (fd_ < 0) throw_error(bad_fd(), "getsockopt");
  int v = 0;
  socklen_t len = sizeof v;
  if (::getsockopt(fd_, level, option, &v, &len) < 0)
    throw_error(last_error(), "getsockopt", where());
  return v;
}

bytes socket::getsockopt(int level, int option, std::size_t buflen) const {
  if (fd_ < 0) throw_error(bad_fd(), "getsockopt");
  if (buflen == 0 || buflen > 1024) throw value_error("getsockopt: buflen out of range");
  bytes out(buflen, '\0');
  auto len = static_cast<socklen_t>(buflen);
  if (::getsockopt(fd_, level, option, out.data(), &len) < 0)
    throw_error(last_error(), "getsockopt", where());
  out.resize(len);
  return out;
}

void socket::setblocking(bool flag) { settimeout(flag ? timeout_t() : timeout_t(seconds_f(0))); }

void socket::settimeout(timeout_t timeout) {
  check_timeout(timeout);
  timeout_ = timeout;
  // As in CPython: any timeout (0 or a deadline) puts the descriptor in non-blocking mode and
  // the waiting is done with poll(); None makes it blocking again.
  if (fd_ >= 0) set_nonblocking(fd_, timeout_.has_value());
}

socket_file socket::makefile(std::string_view mode) { return socket_file(*this, mode); }

std::string repr(const socket& s) {
  std::string out = "<socket.socket ";
  if (!s.is_open()) out += "[closed] ";
  out += "fd=" + std::to_string(s.fileno()) + ", family=" + std::to_string(s.family()) +
         ", type=" + std::to_string(s.type()) + ", proto=" + std::to_string(s.proto());
  if (s.is_open()) {
    // Python leaves out an address it cannot get or that is empty (an unnamed Unix socket).
    const auto add = [&](const char* name, auto get) {
      socket_address a;
      socklen_t len = socket_address::capacity();
      if (get(s.fileno(), a.data(), &len) != 0) return;
      a.resize(len);
      if (a.family() == AF_UNIX && a.path().empty()) return;
      out += std::string(", ") + name + "=" + repr(a);
    };
    add("laddr", ::getsockname);
    add("raddr", ::getpeername);
  }
  return out + ">";
}

}  // namespace netkit
