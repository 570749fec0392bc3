// examples/seed_support.hpp — what the twins of seeds 000, 001, 003 and 004 need beyond
// pymotw.hpp (private to examples/).
//
// More pieces of Python's runtime that the originals get for free:
//   - ctime(): time.ctime(), "Tue Nov 24 20:10:40 2026";
//   - input(prompt): input() on piped stdin, std::nullopt where Python raises EOFError;
//   - decode_utf8(data): bytes.decode('utf-8'), throwing as strictly as Python does;
//   - read_text(path): open(path).read(), UTF-8 with universal newlines.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "pymotw.hpp"

namespace seed {

// Python's UnicodeDecodeError / UnicodeEncodeError; pymotw::run reports it and exits 1.
class unicode_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// time.ctime(): asctime() of local time, built by hand because strftime's %a and %b follow
// the C++ locale while Python always writes English names.
inline std::string ctime() {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[64];
  std::snprintf(text, sizeof text, "%s %s %2d %02d:%02d:%02d %d", days[local.tm_wday],
                months[local.tm_mon], local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec,
                local.tm_year + 1900);
  return text;
}

// Where the UTF-8 sequence starting at data[at] goes wrong, as CPython's decoder reports it;
// empty when it is valid. `length` receives the sequence's length.
inline std::string_view utf8_problem(std::string_view data, std::size_t at, std::size_t& length) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(data[i]); };
  const unsigned char lead = byte(at);
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead < 0x80) {
    length = 1;
    return {};
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // beyond U+10FFFF
  } else {
    length = 1;
    return "invalid start byte";
  }
  for (std::size_t i = 1; i < length; ++i) {
    if (at + i >= data.size()) return "unexpected end of data";
    const unsigned char c = byte(at + i);
    if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xBF)) return "invalid continuation byte";
  }
  return {};
}

// bytes.decode('utf-8'): the same bytes, once checked to be UTF-8 as strictly as CPython
// checks (no overlongs, no surrogates, nothing past U+10FFFF).
inline std::string decode_utf8(std::string_view data) {
  for (std::size_t at = 0; at < data.size();) {
    std::size_t length = 1;
    if (const auto problem = utf8_problem(data, at, length); !problem.empty()) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(data[at]));
      throw unicode_error("UnicodeDecodeError: 'utf-8' codec can't decode byte " +
                          std::string(byte) + " in position " + std::to_string(at) + ": " +
                          std::string(problem));
    }
    at += length;
  }
  return std::string(data);
}

// input(prompt) with stdin not a terminal: the prompt is written and flushed, one line is read
// and its '\n' dropped; std::nullopt at end of input (Python's EOFError). A line that is not
// UTF-8 fails as it does in Python when it is encoded again for sending.
inline std::optional<std::string> input(std::string_view prompt) {
  std::cout << prompt << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  try {
    return decode_utf8(line);
  } catch (const unicode_error&) {
    throw unicode_error(
        "UnicodeEncodeError: 'utf-8' codec can't encode input: surrogates not "
        "allowed");
  }
}

// open(path).read() in text mode: UTF-8 (the locale encoding Python uses here) with universal
// newlines, "\r\n" and "\r" read as "\n". Opening fails with the OSError Python raises (a
// directory included); a read or decoding failure after that throws unicode_error /
// std::system_error too, and the caller tells the two apart as the seed does.
class text_file {
 public:
  explicit text_file(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw std::system_error(errno, std::system_category(), path);
    struct stat info {};
    if (::fstat(fd_, &info) == 0 && S_ISDIR(info.st_mode)) {
      ::close(fd_);
      throw std::system_error(EISDIR, std::system_category(), path);
    }
  }
  text_file(const text_file&) = delete;
  text_file& operator=(const text_file&) = delete;
  ~text_file() { ::close(fd_); }

  std::string read() {
    std::string raw;
    char chunk[65536];
    for (;;) {
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::system_error(errno, std::system_category(), "read");
      if (n == 0) break;
      raw.append(chunk, static_cast<std::size_t>(n));
    }
    decode_utf8(raw);
    std::string text;
    text.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\r') {
        text += '\n';
        if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      } else {
        text += raw[i];
      }
    }
    return text;
  }

 private:
  int fd_;
};

// pymotw::run, plus Python's report of a UnicodeDecodeError (exit status 1).
template <class Body>
int run(Body body) {
  bool unicode_failed = false;
  const int status = pymotw::run([&] {
    try {
      body();
    } catch (const unicode_error& e) {
      std::cerr << e.what() << std::endl;
      unicode_failed = true;
    }
  });
  return unicode_failed ? 1 : status;
}

}  // namespace seed
