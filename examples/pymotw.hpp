// examples/pymotw.hpp — what the PyMOTW socket twins share (private to examples/).
//
// The twins read like their Python originals; these helpers carry the bits of Python's runtime
// that the originals get for free:
//   - print(a, b, ...): Python's print(), items joined by one space, the line flushed so a
//     transcript survives SIGTERM;
//   - arg / int_arg: `sys.argv[i] if len(sys.argv) > i else default` and `int(...)` of it;
//   - run(main): an exception that escapes is reported as the last line of Python's traceback
//     ("ConnectionRefusedError: [Errno 111] Connection refused") on stderr, exit status 1.
#pragma once

#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "netkit/error.hpp"
#include "netkit/repr.hpp"
#include "netkit/socket/endpoint.hpp"

namespace pymotw {

// print(*items): str() of each item, separated by one space, then a flushed newline. The line
// and its newline go out in one write, so lines printed by several threads never interleave.
template <class... Items>
void print(const Items&... items) {
  std::ostringstream line;
  std::string_view separator;
  ((line << separator << items, separator = " "), ...);
  line << '\n';
  std::cout << line.str() << std::flush;
}

// The length Python's format() pads to: code points, not bytes, of UTF-8 text.
inline std::size_t text_length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0U) != 0x80U;
  return n;
}

// '{:>N}'.format(text)
inline std::string rjust(std::string_view text, std::size_t width) {
  const std::size_t n = text_length(text);
  return std::string(n < width ? width - n : 0, ' ') + std::string(text);
}

// '{:<N}'.format(text)
inline std::string ljust(std::string_view text, std::size_t width) {
  const std::size_t n = text_length(text);
  return std::string(text) + std::string(n < width ? width - n : 0, ' ');
}

// str() of a list of str: ['a', 'b']
template <class Strings>
std::string repr_list(const Strings& items) {
  std::string out = "[";
  std::string_view separator;
  for (const auto& item : items) {
    out += separator;
    out += netkit::repr_str(item);
    separator = ", ";
  }
  return out + "]";
}

// binascii.hexlify(data): lowercase hex digits, as bytes.
inline std::string hexlify(std::string_view data) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * data.size());
  for (unsigned char c : data) {
    out += digits[c >> 4];
    out += digits[c & 0x0FU];
  }
  return out;
}

// Python's ValueError, as int() raises it.
class value_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Python's IndexError, as sys.argv[i] raises it when the argument is missing.
class index_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Python's OverflowError, as bind/connect/sendto raise it for a port outside 0-65535.
class overflow_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An OSError that names a file, as the os module raises them:
// "IsADirectoryError: [Errno 21] Is a directory: '/tmp'".
class os_error : public std::system_error {
 public:
  os_error(std::error_code code, const std::string& filename)
      : std::system_error(code, filename), filename_(filename) {}
  const std::string& filename() const noexcept { return filename_; }

 private:
  std::string filename_;
};

// The (host, port) tuple passed to `call` ("bind", "connect", "sendto"). Python checks the
// port only there, so a twin builds its endpoint at the call too, and fails with Python's text.
inline netkit::endpoint address(std::string host, int port, std::string_view call) {
  if (port < 0 || port > 65535) {
    throw overflow_error(std::string(call) + "(): port must be 0-65535.");
  }
  return {std::move(host), port};
}

// sys.exit(code): unwinds (so sockets close) and makes run() return `code`.
struct system_exit {
  int code;
};

// sys.argv[index]: a required argument.
inline std::string arg(int argc, char** argv, int index) {
  if (index >= argc) throw index_error("list index out of range");
  return argv[index];
}

// sys.argv[index] if len(sys.argv) > index else fallback.
inline std::string arg(int argc, char** argv, int index, std::string_view fallback) {
  return index < argc ? std::string(argv[index]) : std::string(fallback);
}

// int(text) for the decimal text Python accepts: optional blanks and sign, digits with single
// underscores between them.
inline long long python_int(std::string_view text) {
  const auto fail = [&]() -> long long {
    throw value_error("invalid literal for int() with base 10: " + netkit::repr_str(text));
  };
  constexpr std::string_view blanks = " \t\n\r\f\v";
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return fail();
  std::string_view digits = text.substr(first, text.find_last_not_of(blanks) - first + 1);
  bool negative = false;
  if (digits.front() == '+' || digits.front() == '-') {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty() || digits.front() == '_' || digits.back() == '_') return fail();
  long long value = 0;
  char previous = '0';
  for (char c : digits) {
    if (c == '_') {
      if (previous == '_') return fail();
    } else if (c >= '0' && c <= '9') {
      // Ports are the only integers here; clamp instead of overflowing, bind() rejects them.
      if (value < 1'000'000'000'000LL) value = value * 10 + (c - '0');
    } else {
      return fail();
    }
    previous = c;
  }
  return negative ? -value : value;
}

// int(sys.argv[index]) if len(sys.argv) > index else fallback.
inline int int_arg(int argc, char** argv, int index, int fallback) {
  if (index >= argc) return fallback;
  const long long value = python_int(argv[index]);
  if (value > 1'000'000'000LL) return 1'000'000'000;
  if (value < -1'000'000'000LL) return -1'000'000'000;
  return static_cast<int>(value);
}

// The class name Python's traceback shows for an OSError with this code.
inline std::string python_class(const std::error_code& code) {
  if (code.category() == netkit::gai_category()) return "socket.gaierror";
  if (code.category() == netkit::h_category()) return "socket.herror";
  if (code == netkit::errc::timed_out) return "TimeoutError";
  if (code == netkit::errc::would_block) return "BlockingIOError";
  // An OSError that has no errno in Python ("service/proto not found") has a netkit_category
  // code; the kernel's errors come in the system category.
  if (code.category() != std::system_category()) return "OSError";
  switch (code.value()) {
    case EPIPE:
    case ESHUTDOWN: return "BrokenPipeError";
    case ECONNABORTED: return "ConnectionAbortedError";
    case ECONNREFUSED: return "ConnectionRefusedError";
    case ECONNRESET: return "ConnectionResetError";
    case EEXIST: return "FileExistsError";
    case ENOENT: return "FileNotFoundError";
    case EISDIR: return "IsADirectoryError";
    case ENOTDIR: return "NotADirectoryError";
    case EINTR: return "InterruptedError";
    case EACCES:
    case EPERM: return "PermissionError";
    case ECHILD: return "ChildProcessError";
    case ESRCH: return "ProcessLookupError";
    default: return "OSError";
  }
}

// str() of the OSError Python raises where netkit threw `e`: "[Errno 111] Connection refused",
// "timed out", "illegal IP address string passed to inet_aton".
inline std::string python_text(const std::system_error& e) {
  return netkit::python_message(e.code());
}

// Runs the program's body; what Python would print as an uncaught exception goes to stderr.
template <class Body>
int run(Body body) {
  try {
    body();
    return 0;
  } catch (const system_exit& e) {
    return e.code;
  } catch (const os_error& e) {
    std::cerr << python_class(e.code()) << ": " << netkit::python_message(e.code()) << ": "
              << netkit::repr_str(e.filename()) << std::endl;
  } catch (const netkit::value_error& e) {
    std::cerr << "ValueError: " << e.what() << std::endl;
  } catch (const std::system_error& e) {
    std::cerr << python_class(e.code()) << ": " << python_text(e) << std::endl;
  } catch (const value_error& e) {
    std::cerr << "ValueError: " << e.what() << std::endl;
  } catch (const index_error& e) {
    std::cerr << "IndexError: " << e.what() << std::endl;
  } catch (const overflow_error& e) {
    std::cerr << "OverflowError: " << e.what() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "Exception: " << e.what() << std::endl;
  }
  return 1;
}

}  // namespace pymotw

namespace pymotw {

// print(*items, file=sys.stderr): as print(), on stderr (the select twins log there), flushed.
template <class... Items>
void eprint(const Items&... items) {
  std::ostringstream line;
  std::string_view separator;
  ((line << separator << items, separator = " "), ...);
  std::cerr << line.str() << std::endl;
}

}  // namespace pymotw
