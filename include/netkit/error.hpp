// netkit/error.hpp — the exceptions netkit throws, mirroring Python's (public).
//
// Python            netkit
// OSError           socket_error        (std::system_error, errno in the system category)
// socket.timeout    timeout_error       (a socket_error whose code is ETIMEDOUT)
// BlockingIOError   blocking_io_error   (EAGAIN on a non-blocking socket)
// socket.gaierror   gai_error           (codes in gai_category(), EAI_*)
// socket.herror     h_error             (codes in h_category(), h_errno)
// ValueError        value_error         (bad arguments; std::errc::invalid_argument)
// KeyError          key_error           (a value_error here: "fd 5 is not registered")
//
// Every message names the call and, where there is one, the address:
//   try { s.connect({"127.0.0.1", 1}); }
//   catch (const netkit::socket_error& e) { std::cerr << e.what(); }
//   // connect(127.0.0.1:1): [Errno 111] Connection refused
//
// Calls on hot paths also take a `std::error_code&` and never throw; compare such a code with
// `netkit::errc::would_block` to learn that a non-blocking call found nothing to do.
//
// Thread safety: everything here is stateless and safe to use from any thread.
#pragma once

#include <cerrno>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace netkit {

// netkit's own error values. The first two are also conditions that group errno values, as
// Python's exception classes do (`ec == errc::would_block`); the rest are the OSErrors Python
// raises without an errno, whose text python_message() gives bare, as Python prints them.
enum class errc {
  would_block = 1,         // EAGAIN, EWOULDBLOCK, EINPROGRESS, EALREADY: BlockingIOError
  timed_out,               // ETIMEDOUT or a socket's own deadline: socket.timeout
  unix_path_too_long,      // "AF_UNIX path too long"
  illegal_inet_aton,       // "illegal IP address string passed to inet_aton"
  illegal_inet_pton,       // "illegal IP address string passed to inet_pton"
  packed_ip_wrong_length,  // "packed IP wrong length for inet_ntoa"
  service_not_found,       // "service/proto not found" (getservbyname)
  port_not_found,          // "port/proto not found" (getservbyport)
  protocol_not_found,      // "protocol not found" (getprotobyname)
};

const std::error_category& netkit_category() noexcept;  // for errc conditions
const std::error_category& gai_category() noexcept;     // getaddrinfo's EAI_* codes
const std::error_category& h_category() noexcept;       // h_errno codes (gethostby*)
std::error_condition make_error_condition(errc e) noexcept;

// std::system_error would append ": <message>" to what(); netkit's messages already end with
// Python's text for the code, so what() is the message exactly as given.
class socket_error : public std::system_error {
 public:
  socket_error(std::error_code ec, std::string what)
      : std::system_error(ec), what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

class timeout_error : public socket_error {
 public:
  using socket_error::socket_error;
};

class blocking_io_error : public socket_error {
 public:
  using socket_error::socket_error;
};

class gai_error : public socket_error {
 public:
  using socket_error::socket_error;
};

class h_error : public socket_error {
 public:
  using socket_error::socket_error;
};

class value_error : public std::system_error {
 public:
  explicit value_error(std::string what)
      : std::system_error(std::make_error_code(std::errc::invalid_argument)),
        what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

// Python raises KeyError for a lookup of something never registered (selectors, poll). In C++
// it is a value_error, so one catch handles every bad argument.
class key_error : public value_error {
 public:
  using value_error::value_error;
};

// Python's text for an error code: "[Errno 111] Connection refused", "timed out",
// "[Errno -2] Name or service not known".
std::string python_message(std::error_code ec);

// Throws the exception class that matches `ec` (timeout_error for ETIMEDOUT, gai_error for the
// gai category, ...), with the message "call(address): <python message>" or "call: ..." when
// `address` is empty.
[[noreturn]] void throw_error(std::error_code ec, std::string_view call,
                              std::string_view address = {});

inline void throw_if(std::error_code ec, std::string_view call, std::string_view address = {}) {
  if (ec) throw_error(ec, call, address);
}

// The error code for the calling thread's errno.
inline std::error_code last_error() noexcept { return {errno, std::system_category()}; }

// An error code (not a condition) carrying one of netkit's own values.
inline std::error_code make_code(errc e) noexcept {
  return {static_cast<int>(e), netkit_category()};
}

// The code netkit reports when a socket's own deadline (settimeout) expires; Python's text for
// it is "timed out", as for socket.timeout.
inline std::error_code timeout_code() noexcept { return make_code(errc::timed_out); }

}  // namespace netkit

template <>
struct std::is_error_condition_enum<netkit::errc> : std::true_type {};
