// netkit/http/body_decoder.hpp — incremental, zero-copy HTTP/1.1 body decoding (Content-Length,
// chunked, until close) and the chunked encoder's pieces (public); Python keeps these inside
// http.client.HTTPResponse (_read_chunked, _safe_read) and http.server leaves them to handlers.
//
//   auto dec = netkit::http::body_decoder::chunked(limits.max_body);
//   auto s = dec.feed(received, err);     // s.data: body bytes, a view into `received`
//   received.remove_prefix(s.consumed);   // call again with the rest; stop when s.done
//
// feed() consumes framing bytes as they come and returns at the first body bytes, so one call
// returns at most one contiguous piece of body; the state lives in the decoder, so a body cut
// into reads anywhere (down to one byte each) decodes the same. When done, `consumed` stops
// exactly at the end of the message: pipelined bytes after it are left to the caller.
//
// Chunked rules (RFC 9112 §7.1), each a 400 unless said:
// - chunk-size: 1*HEXDIG (leading zeros fine); no digit ("", "-1", ";x"), "0x10", a value over
//   2^64-1, or a byte other than BWS/';'/CR after the digits: 400.
// - chunk extensions (;name[=token|quoted-string], BWS around ';' and '=') are checked and
//   skipped; a chunk-size line longer than max_chunk_line bytes: 400.
// - every framing line ends in CRLF: a bare LF or a CR without LF is refused (see parser.hpp on
//   bare LF: in a body a lenient reading would move the message boundary); the CRLF after each
//   chunk's data is checked.
// - trailer fields are parsed as field lines (token name, no whitespace before the colon, no
//   folding, no control bytes but HTAB in values) and then discarded: exposing them would mean
//   copying them, as they may span reads. Trailer section larger than max_trailer_bytes: 431.
// - decoded body over max_body: 413, as soon as a chunk-size announces it.
// finish() when the peer closed: fine for until_close (that ends the body); for length and
// chunked before done: 400 (truncated body).
// Thread safety: one decoder, one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "netkit/http/parser.hpp"

namespace netkit::http {

class body_decoder {
 public:
  static constexpr std::size_t max_chunk_line = 4096;  // chunk-size line, extensions included

  static body_decoder length(std::uint64_t n);
  static body_decoder chunked(std::uint64_t max_body,
                              std::size_t max_trailer_bytes = parser_limits{}.max_header_bytes);
  static body_decoder until_close(
      std::uint64_t max_body = std::numeric_limits<std::uint64_t>::max());
  // The decoder a parsed head calls for (framing none: an empty body, already done).
  static body_decoder for_request(const request_head& head, const parser_limits& limits);
  static body_decoder for_response(const response_head& head, const parser_limits& limits);

  struct step {
    std::size_t consumed = 0;  // bytes of `in` used (framing and data)
    std::string_view data;     // body bytes, a view into `in`; possibly empty
    bool done = false;         // the body (and trailers) ended
  };

  // Consumes a prefix of `in`. On error, err.status != 0 (and every later call fails too).
  // Never allocates, except to write an error message.
  step feed(std::string_view in, parse_error& err);
  // The peer closed the connection: ends an until_close body; an error for the others unless
  // they are done.
  void finish(parse_error& err);

  bool done() const noexcept { return state_ == state::done; }
  std::uint64_t received() const noexcept { return received_; }

 private:
  enum class state : unsigned char {
    data,             // `remaining_` bytes of data (length, or a chunk)
    close_data,       // everything until the peer closes
    size,             // chunk-size digits
    size_ws,          // BWS after the digits
    ext_name_start,   // after ';' (BWS allowed)
    ext_name,         // token
    ext_after_name,   // BWS, then '=', ';' or CR
    ext_value_start,  // after '=' (BWS allowed)
    ext_token,        // token value
    ext_quoted,       // inside a quoted-string
    ext_escape,       // after a backslash in a quoted-string
    ext_after_value,  // BWS, then ';' or CR
    size_lf,          // CR seen at the end of a chunk-size line
    data_cr,          // after chunk data
    data_lf,
    trailer_start,  // start of a trailer line or of the final CRLF
    trailer_name,
    trailer_value,
    trailer_lf,  // CR seen at the end of a trailer line
    final_lf,    // CR seen on the empty line that ends the message
    done,
    failed,
  };

  body_decoder(state s, std::uint64_t remaining, std::uint64_t max_body, std::size_t max_trailer)
      : state_(s), remaining_(remaining), max_body_(max_body), max_trailer_(max_trailer) {}
  void fail(parse_error& err, int status, std::string why, std::size_t at);

  state state_;
  bool chunked_ = false;
  std::uint64_t remaining_;  // data bytes left in the body or chunk; the size being read
  std::uint64_t max_body_;
  std::size_t max_trailer_;
  std::uint64_t received_ = 0;  // body bytes decoded so far
  std::uint64_t offset_ = 0;    // bytes fed so far, for error messages
  std::size_t line_ = 0;        // bytes of the current chunk-size line / the trailer section
  int failed_status_ = 0;
};

// The chunked encoder's pieces: chunk_header(n), then n bytes, then chunk_end; last_chunk (an
// empty trailer section included) ends the body. chunk_header(0) is not a chunk: don't send it.
std::string chunk_header(std::size_t n);  // "%zx\r\n", lowercase hex
inline constexpr std::string_view chunk_end = "\r\n";
inline constexpr std::string_view last_chunk = "0\r\n\r\n";

}  // namespace netkit::http
