// apps/netkit/json_lines.hpp — the JSON line mode shared by `netkit ip`, `struct` and `url`
// (private to apps/; SPEC.md section 4): inputs from the command line or, for `-`, one per
// stdin line; one JSON object per line out, flushed per line only on a terminal so that a
// million inputs stream at full speed through a pipe.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace netkit::app {

// Buffers output; flushes per line on a terminal, per 64 KiB otherwise, and on destruction.
class line_writer {
 public:
  line_writer() : tty_(::isatty(STDOUT_FILENO) != 0) {}
  line_writer(const line_writer&) = delete;
  line_writer& operator=(const line_writer&) = delete;
  ~line_writer() { flush(); }

  void write(std::string_view text) {
    buffer_ += text;
    if (tty_ || buffer_.size() >= (1U << 16)) flush();
  }
  void line(std::string_view text) {
    write(text);
    write("\n");
  }
  // One JSON object and its newline; invalid UTF-8 in strings becomes U+FFFD.
  void write_json(const nlohmann::ordered_json& j) {
    line(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
  void flush() {
    if (!buffer_.empty()) std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
    std::fflush(stdout);
    buffer_.clear();
  }

 private:
  bool tty_;
  std::string buffer_;
};

// True when the inputs are the single argument `-`: read them from stdin.
inline bool inputs_from_stdin(const std::vector<std::string>& inputs) {
  return inputs.size() == 1 && inputs[0] == "-";
}

// Calls fn(line) for each stdin line, without its newline.
template <class Fn>
void for_each_stdin_line(Fn fn) {
  char* raw = nullptr;
  std::size_t capacity = 0;
  ssize_t n = 0;
  while ((n = ::getline(&raw, &capacity, stdin)) >= 0) {
    std::string line(raw, static_cast<std::size_t>(n));
    if (!line.empty() && line.back() == '\n') line.pop_back();
    fn(line);
  }
  std::free(raw);
}

// Calls fn(input) for each input: the arguments, or the stdin lines for `-`.
template <class Fn>
void for_each_input(const std::vector<std::string>& inputs, Fn fn) {
  if (inputs_from_stdin(inputs)) {
    for_each_stdin_line(fn);
  } else {
    for (const std::string& input : inputs) fn(input);
  }
}

// Lowercase hex of bytes, as bytes.hex() gives it.
inline std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out += digits[c >> 4];
    out += digits[c & 0xfU];
  }
  return out;
}

}  // namespace netkit::app
