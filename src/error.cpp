#include "netkit/error.hpp"

#include <netdb.h>

#include <cerrno>
#include <string>

namespace netkit {
namespace {

class netkit_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "netkit"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::would_block: return "operation would block";
      case errc::timed_out: return "timed out";
      case errc::unix_path_too_long: return "AF_UNIX path too long";
      case errc::illegal_inet_aton: return "illegal IP address string passed to inet_aton";
      case errc::illegal_inet_pton: return "illegal IP address string passed to inet_pton";
      case errc::packed_ip_wrong_length: return "packed IP wrong length for inet_ntoa";
      case errc::service_not_found: return "service/proto not found";
      case errc::port_not_found: return "port/proto not found";
      case errc::protocol_not_found: return "protocol not found";
    }
    return "unknown netkit error";
  }
  bool equivalent(const std::error_code& code, int condition) const noexcept override {
    if (code.category() != std::system_category() && code.category() != std::generic_category())
      return false;
    const int v = code.value();
    switch (static_cast<errc>(condition)) {
      case errc::would_block:
        return v == EAGAIN || v == EWOULDBLOCK || v == EINPROGRESS || v == EALREADY;
      case errc::timed_out: return v == ETIMEDOUT;
      default: return false;
    }
  }
};

class gai_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "getaddrinfo"; }
  std::string message(int ev) const override { return ::gai_strerror(ev); }
};

class h_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "h_errno"; }
  std::string message(int ev) const override { return ::hstrerror(ev); }
};

}  // namespace

const std::error_category& netkit_category() noexcept {
  static const netkit_category_impl c;
  return c;
}

const std::error_category& gai_category() noexcept {
  static const gai_category_impl c;
  return c;
}

const std::error_category& h_category() noexcept {
  static const h_category_impl c;
  return c;
}

std::error_condition make_error_condition(errc e) noexcept {
  return {static_cast<int>(e), netkit_category()};
}

std::string python_message(std::error_code ec) {
  // CPython's own errors carry no errno ("timed out", "AF_UNIX path too long"); a kernel
  // ETIMEDOUT (e.g. from connect) keeps its errno text, as in Python.
  if (ec.category() == netkit_category()) return ec.message();
  return "[Errno " + std::to_string(ec.value()) + "] " + ec.message();
}

void throw_error(std::error_code ec, std::string_view call, std::string_view address) {
  std::string what(call);
  if (!address.empty()) {
    what += '(';
    what += address;
    what += ')';
  }
  what += ": ";
  what += python_message(ec);
  if (ec.category() == gai_category()) throw gai_error(ec, what);
  if (ec.category() == h_category()) throw h_error(ec, what);
  if (ec == errc::timed_out) throw timeout_error(ec, what);
  if (ec == errc::would_block) throw blocking_io_error(ec, what);
  if (ec == std::errc::invalid_argument && ec.category() == std::generic_category())
    throw value_error(what);
  throw socket_error(ec, what);
}

}  // namespace netkit
