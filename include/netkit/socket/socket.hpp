// netkit/socket/socket.hpp — the socket class: Python's socket.socket as a move-only RAII handle
// (public).
//
//   netkit::socket s(AF_INET, SOCK_STREAM);
//   s.bind({"127.0.0.1", 0});
//   s.listen();
//   auto [conn, peer] = s.accept();
//   conn.sendall(conn.recv(1024));
//
// The constants are the system's (AF_INET, SOCK_STREAM, SOL_SOCKET, ...), as Python's socket
// module re-exports them. Sockets are close-on-exec, SIGPIPE never fires (MSG_NOSIGNAL), EINTR
// is retried, and timeouts follow Python: settimeout(std::nullopt) blocks, settimeout(0s) never
// blocks (blocking_io_error), settimeout(1.5s) waits at most that long per call (timeout_error).
// Calls that sit on hot paths have a `std::error_code&` overload that never throws.
//
// Thread safety: one socket may be used by two threads at once only as the kernel allows (one
// reading while one writes); settimeout/close race with calls in progress, as in Python.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "netkit/bytes.hpp"
#include "netkit/socket/deadline.hpp"
#include "netkit/socket/endpoint.hpp"
#include "netkit/socket/socket_address.hpp"

namespace netkit {

class socket_file;

// A timeout as Python takes one: std::nullopt (None: block), 0 (never block), or seconds, given
// as a number (1.5) or any std::chrono::duration (250ms). Otherwise a std::optional<seconds_f>.
struct timeout_t : std::optional<seconds_f> {
  using std::optional<seconds_f>::optional;
  constexpr timeout_t(double seconds) noexcept  // NOLINT: implicit, as Python's float
      : std::optional<seconds_f>(seconds_f(seconds)) {}
  constexpr timeout_t(const std::optional<seconds_f>& t) noexcept  // NOLINT
      : std::optional<seconds_f>(t) {}
};

// One ancillary data item of sendmsg/recvmsg: (cmsg_level, cmsg_type, cmsg_data) in Python.
struct ancillary {
  int level = 0;
  int type = 0;
  bytes data;
  friend bool operator==(const ancillary&, const ancillary&) = default;
};

// What recvmsg returns: Python's (data, ancdata, msg_flags, address).
struct message {
  bytes data;
  std::vector<ancillary> ancdata;
  int msg_flags = 0;
  socket_address address;
};

class socket {
 public:
  // socket.socket(family, type, proto). SOCK_CLOEXEC is always added; SOCK_NONBLOCK in `type`
  // gives a timeout of 0 as in Python. The new socket takes getdefaulttimeout().
  explicit socket(int family = AF_INET, int type = SOCK_STREAM, int proto = 0);
  // Adopts an open descriptor (socket.socket(fileno=fd)); family, type and proto are read from
  // the kernel. The socket owns fd from now on.
  static socket adopt(int fd);
  // A socket object with no descriptor, as one is after close() (fileno() -1, is_open() false):
  // for a member that gets its descriptor later. Python's `socket()` always opens one.
  static socket unopened() noexcept { return socket(-1, AF_INET, SOCK_STREAM, 0); }

  socket(socket&& other) noexcept;
  socket& operator=(socket&& other) noexcept;
  socket(const socket&) = delete;
  socket& operator=(const socket&) = delete;
  ~socket();

  int family() const noexcept { return family_; }
  int type() const noexcept { return type_; }
  int proto() const noexcept { return proto_; }
  int fileno() const noexcept { return fd_; }  // -1 once closed or detached
  bool is_open() const noexcept { return fd_ >= 0; }

  void bind(const endpoint& address);
  void bind(const endpoint& address, std::error_code& ec) noexcept;
  // Python's default backlog: min(SOMAXCONN, 128).
  void listen(int backlog = 128);
  std::pair<socket, socket_address> accept();
  // On failure (including would-block) returns a closed socket and sets ec.
  std::pair<socket, socket_address> accept(std::error_code& ec) noexcept;
  void connect(const endpoint& address);
  void connect(const endpoint& address, std::error_code& ec) noexcept;
  // Returns 0 or the errno value instead of throwing (name resolution errors still throw).
  int connect_ex(const endpoint& address);

  std::size_t send(bytes_view data, int flags = 0);
  std::size_t send(bytes_view data, std::error_code& ec, int flags = 0) noexcept;
  void sendall(bytes_view data, int flags = 0);
  // On failure returns how much was sent before the error.
  std::size_t sendall(bytes_view data, std::error_code& ec, int flags = 0) noexcept;
  bytes recv(std::size_t bufsize, int flags = 0);
  // nbytes = 0 means the whole buffer, as in Python.
  std::size_t recv_into(mutable_buffer buffer, std::size_t nbytes = 0, int flags = 0);
  std::size_t recv_into(mutable_buffer buffer, std::error_code& ec, int flags = 0) noexcept;
  std::size_t sendto(bytes_view data, const endpoint& address, int flags = 0);
  std::size_t sendto(bytes_view data, const socket_address& address, std::error_code& ec,
                     int flags = 0) noexcept;
  std::pair<bytes, socket_address> recvfrom(std::size_t bufsize, int flags = 0);
  std::pair<std::size_t, socket_address> recvfrom_into(mutable_buffer buffer,
                                                       std::size_t nbytes = 0, int flags = 0);
  std::pair<std::size_t, socket_address> recvfrom_into(mutable_buffer buffer, std::error_code& ec,
                                                       int flags = 0) noexcept;
  // Scatter/gather with ancillary data (SCM_RIGHTS, ...); `address` only for unconnected
  // datagram sockets.
  std::size_t sendmsg(std::span<const bytes_view> buffers, std::span<const ancillary> ancdata = {},
                      int flags = 0, const std::optional<endpoint>& address = std::nullopt);
  message recvmsg(std::size_t bufsize, std::size_t ancbufsize = 0, int flags = 0);

  // SHUT_RD, SHUT_WR or SHUT_RDWR.
  void shutdown(int how);
  // Idempotent; errors other than EBADF are reported, as in Python.
  void close();
  // Gives up ownership: returns the descriptor and leaves this socket closed.
  int detach() noexcept;
  // A new socket on a duplicate descriptor (close-on-exec), with this socket's timeout.
  socket dup() const;

  socket_address getsockname() const;
  socket_address getpeername() const;

  void setsockopt(int level, int option, int value);
  void setsockopt(int level, int option, bytes_view value);
  int getsockopt(int level, int option) const;
  bytes getsockopt(int level, int option, std::size_t buflen) const;

  void setblocking(bool flag);
  bool getblocking() const noexcept { return !timeout_ || timeout_->count() != 0.0; }
  void settimeout(timeout_t timeout);
  timeout_t gettimeout() const noexcept { return timeout_; }

  // A buffered stream over this socket ("r", "w", "rw", with or without "b"); the socket must
  // outlive it. See netkit/socket/socket_file.hpp.
  socket_file makefile(std::string_view mode = "r");

 private:
  socket(int fd, int family, int type, int proto) noexcept;
  // Waits until the descriptor is ready for `events` (POLLIN/POLLOUT) or `until` passes; ec is
  // timeout_code() then.
  void wait_ready(short events, const deadline& until, std::error_code& ec) const noexcept;
  // Runs `op` (a syscall returning ssize_t / int, -1 with errno on failure) with Python's
  // timeout rules: retried on EINTR, waited for on EAGAIN while the deadline allows.
  template <class Op>
  auto io(short events, std::error_code& ec, Op op) const noexcept -> decltype(op());
  std::string where() const;  // this socket's local address, for messages

  int fd_ = -1;
  int family_ = AF_UNSPEC;
  int type_ = 0;
  int proto_ = 0;
  timeout_t timeout_;
};

// Python's repr of a socket object, as socketserver's logs print it:
// <socket.socket fd=4, family=2, type=1, proto=0, laddr=('127.0.0.1', 10000), raddr=(...)>
std::string repr(const socket& s);

}  // namespace netkit
