// netkit/struct/error.hpp — the exceptions of netkit's struct module (public).
//
// Python's struct.error is a plain Exception there; here it is a value_error, so code that
// catches bad arguments catches it too. The two other classes mirror the rare non-struct.error
// exceptions Python's struct raises:
//   try { netkit::pack("B", 256); }
//   catch (const netkit::struct_error& e) { e.what(); }  // ubyte format requires 0 <= number <=
//   255
#pragma once

#include <string>
#include <system_error>
#include <utility>

#include "netkit/error.hpp"

namespace netkit {

// struct.error: a bad format, a value out of range or of the wrong type, a buffer of the wrong
// size.
class struct_error : public value_error {
 public:
  using value_error::value_error;
};

// OverflowError: a float too large for the 'e' or standard 'f' format
// ("float too large to pack with e format").
class struct_overflow_error : public std::system_error {
 public:
  explicit struct_overflow_error(std::string what)
      : std::system_error(std::make_error_code(std::errc::value_too_large)),
        what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

// SystemError: CPython 3.11 raises it when unpacking a '0p' field ("Negative size passed to
// PyBytes_FromStringAndSize"); netkit reproduces the behaviour instead of inventing a result.
class struct_system_error : public std::system_error {
 public:
  explicit struct_system_error(std::string what)
      : std::system_error(std::make_error_code(std::errc::invalid_argument)),
        what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

}  // namespace netkit
