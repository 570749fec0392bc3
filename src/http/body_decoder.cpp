#include "netkit/http/body_decoder.hpp"

#include <algorithm>
#include <utility>

#include "chars.hpp"

namespace netkit::http {

namespace {

using detail::describe;
using detail::is_field_byte;
using detail::is_tchar;
using detail::is_ws;

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A byte of a quoted-string's content (qdtext) or of a quoted-pair's second byte.
bool is_qdtext(char c) noexcept { return c != '"' && c != '\\' && is_field_byte(c); }

}  // namespace

body_decoder body_decoder::length(std::uint64_t n) {
  return body_decoder(n == 0 ? state::done : state::data, n, n, 0);
}

body_decoder body_decoder::chunked(std::uint64_t max_body, std::size_t max_trailer_bytes) {
  body_decoder d(state::size, 0, max_body, max_trailer_bytes);
  d.chunked_ = true;
  return d;
}

body_decoder body_decoder::until_close(std::uint64_t max_body) {
  return body_decoder(state::close_data, 0, max_body, 0);
}

body_decoder body_decoder::for_request(const request_head& head, const parser_limits& limits) {
  switch (head.framing) {
    case body_framing::length: return length(head.content_length);
    case body_framing::chunked: return chunked(limits.max_body, limits.max_header_bytes);
    case body_framing::until_close: return until_close(limits.max_body);
    case body_framing::none: break;
  }
  return length(0);
}

body_decoder body_decoder::for_response(const response_head& head, const parser_limits& limits) {
  switch (head.framing) {
    case body_framing::length: return length(head.content_length);
    case body_framing::chunked: return chunked(limits.max_body, limits.max_header_bytes);
    case body_framing::until_close: return until_close(limits.max_body);
    case body_framing::none: break;
  }
  return length(0);
}

void body_decoder::fail(parse_error& err, int status, std::string why, std::size_t at) {
  state_ = state::failed;
  failed_status_ = status;
  err.status = status;
  err.message = (chunked_ ? "chunked body: " : "body: ") + std::move(why) + " at body offset " +
                std::to_string(offset_ + at);
}

body_decoder::step body_decoder::feed(std::string_view in, parse_error& err) {
  step out;
  if (state_ == state::failed) {
    err.status = failed_status_;
    err.message = "body decoder used after an error";
    return out;
  }
  std::size_t i = 0;
  const std::size_t n = in.size();
  // Data is handed out at once; framing bytes are consumed one at a time below.
  const auto take_data = [&](std::uint64_t want) {
    const auto len = static_cast<std::size_t>(std::min<std::uint64_t>(want, n - i));
    out.data = in.substr(i, len);
    i += len;
    received_ += len;
  };

  while (i < n && state_ != state::done) {
    const char c = in[i];
    switch (state_) {
      case state::data:
        take_data(remaining_);
        remaining_ -= out.data.size();
        if (remaining_ == 0) state_ = chunked_ ? state::data_cr : state::done;
        goto out;
      case state::close_data:
        if (n - i > max_body_ - received_) {
          fail(err, 413, "body larger than " + std::to_string(max_body_) + " bytes", i);
          goto out;
        }
        take_data(n - i);
        goto out;
      case state::size: {
        const int h = hex_value(c);
        if (h >= 0) {
          if (remaining_ > (UINT64_MAX >> 4)) {
            fail(err, 400, "chunk size larger than 2^64-1", i);
            goto out;
          }
          remaining_ = remaining_ * 16 + static_cast<unsigned>(h);
          ++line_;
          break;
        }
        if (line_ == 0) {
          fail(err, 400, "chunk size has no hex digit (" + describe(c) + ")", i);
          goto out;
        }
        // The size is complete: is the body still within its limit?
        if (remaining_ > max_body_ - received_) {
          fail(err, 413,
               "chunk of " + std::to_string(remaining_) + " bytes takes the body over " +
                   std::to_string(max_body_) + " bytes",
               i);
          goto out;
        }
        state_ = state::size_ws;
        continue;  // the same byte, in its new state
      }
      case state::size_ws:
      case state::ext_after_name:
      case state::ext_after_value:
        ++line_;
        if (is_ws(c)) break;
        if (c == ';') {
          state_ = state::ext_name_start;
          break;
        }
        if (c == '\r') {
          state_ = state::size_lf;
          break;
        }
        if (c == '=' && state_ == state::ext_after_name) {
          state_ = state::ext_value_start;
          break;
        }
        fail(err, 400,
             c == '\n' ? std::string("bare LF ending a chunk-size line")
                       : "unexpected " + describe(c) + " in a chunk-size line",
             i);
        goto out;
      case state::ext_name_start:
      case state::ext_value_start:
        ++line_;
        if (is_ws(c)) break;
        if (is_tchar(c)) {
          state_ = state_ == state::ext_name_start ? state::ext_name : state::ext_token;
          break;
        }
        if (c == '"' && state_ == state::ext_value_start) {
          state_ = state::ext_quoted;
          break;
        }
        fail(err, 400, "unexpected " + describe(c) + " in a chunk extension", i);
        goto out;
      case state::ext_name:
      case state::ext_token:
        ++line_;
        if (is_tchar(c)) break;
        state_ = state_ == state::ext_name ? state::ext_after_name : state::ext_after_value;
        --line_;
        continue;
      case state::ext_quoted:
        ++line_;
        if (c == '"') {
          state_ = state::ext_after_value;
        } else if (c == '\\') {
          state_ = state::ext_escape;
        } else if (!is_qdtext(c)) {
          fail(err, 400, "unexpected " + describe(c) + " in a quoted chunk extension", i);
          goto out;
        }
        break;
      case state::ext_escape:
        ++line_;
        if (!is_field_byte(c)) {
          fail(err, 400, "unexpected " + describe(c) + " escaped in a chunk extension", i);
          goto out;
        }
        state_ = state::ext_quoted;
        break;
      case state::size_lf:
        if (c != '\n') {
          fail(err, 400, "CR not followed by LF in a chunk-size line", i);
          goto out;
        }
        line_ = 0;
        state_ = remaining_ == 0 ? state::trailer_start : state::data;
        break;
      case state::data_cr:
        if (c != '\r') {
          fail(err, 400, "chunk data not followed by CRLF (" + describe(c) + ")", i);
          goto out;
        }
        state_ = state::data_lf;
        break;
      case state::data_lf:
        if (c != '\n') {
          fail(err, 400, "chunk data not followed by CRLF (" + describe(c) + ")", i);
          goto out;
        }
        state_ = state::size;
        remaining_ = 0;
        line_ = 0;
        break;
      case state::trailer_start:
        ++line_;
        if (c == '\r') {
          state_ = state::final_lf;
        } else if (is_tchar(c)) {
          state_ = state::trailer_name;
        } else {
          fail(err, 400,
               is_ws(c)    ? std::string("trailer line starts with whitespace (folding)")
               : c == '\n' ? std::string("bare LF in the trailer section")
                           : "invalid byte " + describe(c) + " in a trailer field name",
               i);
          goto out;
        }
        break;
      case state::trailer_name:
        ++line_;
        if (c == ':') {
          state_ = state::trailer_value;
        } else if (!is_tchar(c)) {
          fail(err, 400,
               is_ws(c) ? std::string("whitespace between trailer field name and colon")
                        : "invalid byte " + describe(c) + " in a trailer field name",
               i);
          goto out;
        }
        break;
      case state::trailer_value:
        ++line_;
        if (c == '\r') {
          state_ = state::trailer_lf;
        } else if (!is_field_byte(c)) {
          fail(err, 400, "invalid byte " + describe(c) + " in a trailer field value", i);
          goto out;
        }
        break;
      case state::trailer_lf:
      case state::final_lf:
        ++line_;
        if (c != '\n') {
          fail(err, 400, "CR not followed by LF in the trailer section", i);
          goto out;
        }
        state_ = state_ == state::final_lf ? state::done : state::trailer_start;
        break;
      case state::done:
      case state::failed: break;
    }
    // Line limits: every byte of a chunk-size line or trailer section was counted in line_.
    if (state_ >= state::size && state_ <= state::ext_after_value && line_ > max_chunk_line) {
      fail(err, 400, "chunk-size line longer than " + std::to_string(max_chunk_line) + " bytes", i);
      goto out;
    }
    const bool in_trailers = (state_ >= state::trailer_start && state_ <= state::final_lf) ||
                             (state_ == state::done && chunked_);
    if (in_trailers && line_ > max_trailer_) {
      fail(err, 431, "trailer section longer than " + std::to_string(max_trailer_) + " bytes", i);
      goto out;
    }
    ++i;
  }
out:
  if (state_ != state::failed) out.consumed = i;
  out.done = state_ == state::done;
  offset_ += out.consumed;
  return out;
}

void body_decoder::finish(parse_error& err) {
  if (state_ == state::close_data) {
    state_ = state::done;
    return;
  }
  if (state_ == state::done) return;
  if (state_ == state::failed) {
    err.status = failed_status_;
    err.message = "body decoder used after an error";
    return;
  }
  fail(err, 400,
       "connection closed before the body ended (" + std::to_string(received_) + " bytes received)",
       0);
}

std::string chunk_header(std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  char buf[2 * sizeof(std::size_t) + 2];
  char* end = buf + sizeof buf;
  char* p = end;
  *--p = '\n';
  *--p = '\r';
  do {
    *--p = digits[n & 15];
    n >>= 4;
  } while (n != 0);
  return std::string(p, end);
}

}  // namespace netkit::http
