// Tests for netkit/error.hpp: the exception classes, their mapping from error codes, the
// conditions (would_block, timed_out) and Python's message texts.
#include "netkit/error.hpp"

#include <gtest/gtest.h>
#include <netdb.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace {

std::error_code sys(int e) { return {e, std::system_category()}; }

template <class Expected>
std::string thrown_as(std::error_code ec, std::string_view call, std::string_view addr = {}) {
  try {
    netkit::throw_error(ec, call, addr);
  } catch (const Expected& e) {
    EXPECT_EQ(e.code(), ec);
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception class for " << ec.message() << ": " << e.what();
  }
  return {};
}

TEST(Error, PythonMessages) {
  EXPECT_EQ(netkit::python_message(sys(ECONNREFUSED)), "[Errno 111] Connection refused");
  EXPECT_EQ(netkit::python_message(sys(EBADF)), "[Errno 9] Bad file descriptor");
  EXPECT_EQ(netkit::python_message(sys(EAGAIN)), "[Errno 11] Resource temporarily unavailable");
  // socket.timeout raised by a socket's own deadline says just "timed out".
  EXPECT_EQ(netkit::python_message(netkit::timeout_code()), "timed out");
  // A kernel ETIMEDOUT keeps its errno text: TimeoutError: [Errno 110] Connection timed out.
  EXPECT_EQ(netkit::python_message(sys(ETIMEDOUT)), "[Errno 110] Connection timed out");
  // gaierror: [Errno -2] Name or service not known
  EXPECT_EQ(netkit::python_message({EAI_NONAME, netkit::gai_category()}),
            "[Errno -2] Name or service not known");
  EXPECT_EQ(netkit::python_message({EAI_ADDRFAMILY, netkit::gai_category()}),
            "[Errno -9] Address family for hostname not supported");
  // herror: [Errno 1] Unknown host
  EXPECT_EQ(netkit::python_message({HOST_NOT_FOUND, netkit::h_category()}),
            "[Errno 1] Unknown host");
}

TEST(Error, WhatNamesTheCallAndTheAddress) {
  EXPECT_EQ(thrown_as<netkit::socket_error>(sys(ECONNREFUSED), "connect", "127.0.0.1:1"),
            "connect(127.0.0.1:1): [Errno 111] Connection refused");
  EXPECT_EQ(thrown_as<netkit::socket_error>(sys(EBADF), "recv"),
            "recv: [Errno 9] Bad file descriptor");
}

TEST(Error, ClassesFollowPython) {
  thrown_as<netkit::timeout_error>(netkit::timeout_code(), "recv");
  thrown_as<netkit::timeout_error>(sys(ETIMEDOUT), "connect", "h:1");
  for (int e : {EAGAIN, EWOULDBLOCK, EINPROGRESS, EALREADY})
    thrown_as<netkit::blocking_io_error>(sys(e), "send");
  thrown_as<netkit::gai_error>({EAI_NONAME, netkit::gai_category()}, "getaddrinfo", "x");
  thrown_as<netkit::h_error>({HOST_NOT_FOUND, netkit::h_category()}, "gethostbyaddr", "x");
  const auto what =
      thrown_as<netkit::value_error>(std::make_error_code(std::errc::invalid_argument), "bind");
  EXPECT_NE(what.find("bind"), std::string::npos);
  // A syscall's EINVAL stays an OSError, as in Python.
  try {
    netkit::throw_error(sys(EINVAL), "setsockopt");
  } catch (const netkit::value_error&) {
    ADD_FAILURE() << "EINVAL from the kernel became value_error";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), sys(EINVAL));
  }
  // Plain errors are neither timeouts nor would-block.
  try {
    netkit::throw_error(sys(ECONNRESET), "recv");
  } catch (const netkit::timeout_error&) {
    ADD_FAILURE();
  } catch (const netkit::blocking_io_error&) {
    ADD_FAILURE();
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), sys(ECONNRESET));
  }
}

TEST(Error, Hierarchy) {
  // Every socket exception is a socket_error (OSError) and a std::system_error.
  try {
    netkit::throw_error(netkit::timeout_code(), "recv");
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), netkit::errc::timed_out);
  }
  try {
    netkit::throw_error({EAI_NONAME, netkit::gai_category()}, "getaddrinfo");
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().category(), netkit::gai_category());
  }
  try {
    throw netkit::value_error("bad");
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::invalid_argument);
    EXPECT_EQ(std::string(e.what()), "bad");
  }
}

TEST(Error, ThrowIfOnlyOnError) {
  EXPECT_NO_THROW(netkit::throw_if({}, "ok"));
  EXPECT_THROW(netkit::throw_if(sys(EPIPE), "send"), netkit::socket_error);
}

TEST(Error, Conditions) {
  using netkit::errc;
  EXPECT_EQ(sys(EAGAIN), errc::would_block);
  EXPECT_EQ(sys(EWOULDBLOCK), errc::would_block);
  EXPECT_EQ(sys(EINPROGRESS), errc::would_block);
  EXPECT_EQ(sys(EALREADY), errc::would_block);
  EXPECT_EQ(std::make_error_code(std::errc::resource_unavailable_try_again), errc::would_block);
  EXPECT_NE(sys(ECONNREFUSED), errc::would_block);
  EXPECT_NE(sys(ETIMEDOUT), errc::would_block);
  EXPECT_EQ(sys(ETIMEDOUT), errc::timed_out);
  EXPECT_EQ(netkit::timeout_code(), errc::timed_out);
  EXPECT_NE(netkit::timeout_code(), errc::would_block);
  EXPECT_NE(sys(EAGAIN), errc::timed_out);
  // A getaddrinfo code whose number happens to be small is no errno.
  EXPECT_NE(std::error_code(EAGAIN, netkit::gai_category()), errc::would_block);
  EXPECT_NE(std::error_code(-EAGAIN, netkit::gai_category()), errc::would_block);
  EXPECT_FALSE(std::error_code() == errc::would_block);
}

TEST(Error, Categories) {
  EXPECT_STREQ(netkit::netkit_category().name(), "netkit");
  EXPECT_NE(&netkit::gai_category(), &netkit::h_category());
  EXPECT_EQ(netkit::gai_category().message(EAI_NONAME), "Name or service not known");
  EXPECT_EQ(netkit::make_error_condition(netkit::errc::timed_out).category(),
            netkit::netkit_category());
  EXPECT_EQ(netkit::timeout_code().message(), "timed out");
}

TEST(Error, LastErrorReadsErrno) {
  errno = ENOENT;
  EXPECT_EQ(netkit::last_error(), sys(ENOENT));
  errno = 0;
  EXPECT_FALSE(netkit::last_error());
}

}  // namespace
