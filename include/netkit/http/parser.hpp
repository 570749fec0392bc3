// netkit/http/parser.hpp — the incremental, zero-copy HTTP/1.1 head parser (public) under
// netkit's server and client; Python spreads it over http.server's parse_request and
// http.client's HTTPResponse.begin.
//
//   netkit::http::request_head head;  netkit::http::parse_error err;
//   switch (netkit::http::parse_request_head(buffered, {}, head, err)) {
//     case parse_status::incomplete: return;               // wait for more bytes
//     case parse_status::error: reply(err.status); break;  // and close
//     case parse_status::complete: handle(head); consume(head.size); break;
//   }
//
// The parser keeps no state: it is handed every byte received so far, not yet consumed, and
// either finds a whole head at its start or says what is wrong. The head's views point into
// that buffer. The body is not parsed here: head.framing says how it is delimited and
// body_decoder (netkit/http/body_decoder.hpp) decodes it.
//
// Rules, each with the status a server answers (a response parser reports the same statuses;
// a client turns them into its own error):
//   Start line
//   - Up to 8 empty lines before a request line are skipped (RFC 9112 §2.2); more: 400.
//   - request-line = method SP target SP version, one SP each: else 400.
//   - method: an RFC 9110 token (!#$%&'*+-.^_`|~ digits letters): else 400, and as soon as a
//     byte that cannot be in a method arrives, without waiting for the line to end.
//   - target: not empty, no control bytes (0x00-0x1F, 0x7F) and no spaces; bytes >= 0x80 are
//     passed through (decoding them is the caller's business): else 400.
//   - version: "HTTP/1.0", or "HTTP/1.1" or a later "HTTP/1.d" (read as 1.1: RFC 9110 §2.5, as
//     Python does); another "HTTP/d.d" (2.0, 0.9): 505; anything else: 400.
//   - a request line (without its line ending) longer than max_request_line: 414, as soon as
//     the bytes received prove it (a response's status line has the same limit).
//   - status-line = version SP 3DIGIT [SP reason]; reason: HTAB, SP, visible or >= 0x80 bytes.
//     A missing reason, with or without its SP, is accepted (Python's http.client does).
//   Field lines
//   - name: a token, else 400; whitespace between the name and the colon: 400 (RFC 9112 §5.1);
//     a line without a colon: 400.
//   - value: leading and trailing SP/HTAB trimmed; control bytes other than HTAB (NUL, DEL,
//     ...): 400; bytes >= 0x80 (obs-text) pass.
//   - a line starting with SP or HTAB (obsolete line folding, or whitespace before the first
//     field): 400 (RFC 9112 §5.2 lets a server reject it; unfolding it is a smuggling risk).
//   - a CR not followed by LF, anywhere in the head: 400.
//   - the field lines and the blank line together longer than max_header_bytes: 431 (as soon
//     as certain); more than max_header_count fields: 431.
//   Bare LF: a lone LF ends a line of the head, like CRLF. RFC 9112 §2.2 allows a recipient to
//   accept it; Python's http.server and http.client, nginx and curl do, and people type heads by
//   hand with nc. Accepting it in the head cannot desynchronise us from a peer that does not:
//   such a peer refuses the message outright. Chunked framing lines (body_decoder) are stricter
//   and need CRLF, because there a disagreement would move the message boundary.
//   Semantics
//   - HTTP/1.1 request without Host: 400; more than one Host field (any version): 400.
//   - Transfer-Encoding together with Content-Length: 400 (requests and responses: RFC 9112
//     §6.3 calls it a likely smuggling attempt that "ought to be handled as an error").
//   - Content-Length: 1*DIGIT, else 400; larger than 2^64-1: 400. Several values (several
//     fields or a comma list) that are all equal fold into one (RFC 9110 §8.6); different: 400.
//   - Transfer-Encoding: its codings are the comma list over all its fields (parameters after
//     ';' ignored); no coding at all: 400; "chunked" more than once: 400. A request whose
//     codings are anything but exactly "chunked": 501 (we decode no other coding; that covers
//     a final coding other than chunked). A response whose final coding is chunked is chunked
//     (earlier codings stay applied to the body); otherwise it is read until close (§6.3).
//   - A request has a body only with Content-Length (framing length, even when 0) or chunked;
//     otherwise framing none. A declared Content-Length over max_body: 413 at once.
//   - A response to HEAD, a 1xx, 204 or 304, and a 2xx to CONNECT have no body (framing none,
//     content_length still holds a declared value); else chunked, length or until_close.
//   - keep_alive: HTTP/1.1 unless Connection lists "close"; HTTP/1.0 only when it lists
//     "keep-alive" (and not "close"); a response read until close never keeps alive.
//   - expect_continue: an HTTP/1.1 request whose Expect is "100-continue" (RFC 9110 §10.1.1
//     says to ignore it in HTTP/1.0). Any other expectation is left to the caller (417).
//
// Cost: every call re-reads the buffer from its start (memchr for line ends), so a head that
// trickles in one byte per read costs O(head^2) in total, bounded by the limits.
// Thread safety: pure functions; `head` is the caller's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "netkit/http/header_fields.hpp"

namespace netkit::http {

struct parser_limits {
  std::size_t max_request_line = 8 * 1024;   // longer: 414 (request target too long)
  std::size_t max_header_bytes = 64 * 1024;  // whole head beyond the request line: 431
  std::size_t max_header_count = 100;        // more fields: 431
  std::uint64_t max_body = 64ull << 20;      // declared or decoded body larger: 413
};

// status: 400, 413, 414, 431, 501 or 505; message: what, where (byte offset), why.
struct parse_error {
  int status = 0;
  std::string message;
};

enum class parse_status { incomplete, complete, error };

enum class body_framing { none, length, chunked, until_close };

struct request_head {
  std::string_view method, target;   // views into the caller's buffer
  int minor_version = 1;             // HTTP/1.0 or HTTP/1.1
  std::vector<header_field> fields;  // views into the caller's buffer, in order
  std::size_t size = 0;  // bytes of the head, skipped empty lines and blank line included
  body_framing framing = body_framing::none;
  std::uint64_t content_length = 0;  // when framing == length
  bool keep_alive = true;
  bool expect_continue = false;  // "Expect: 100-continue" on HTTP/1.1

  // The first field of that name (case-insensitive), as parsed.
  const header_field* find(std::string_view name) const noexcept;
};

struct response_head {
  int minor_version = 1;
  int status = 0;
  std::string_view reason;           // may be empty
  std::vector<header_field> fields;  // views into the caller's buffer, in order
  std::size_t size = 0;
  body_framing framing = body_framing::until_close;
  std::uint64_t content_length = 0;  // a declared Content-Length (framing length, or none)
  bool keep_alive = true;

  const header_field* find(std::string_view name) const noexcept;
};

// Parses a request head at the start of buf (the bytes received so far, not yet consumed).
// incomplete: need more bytes (what is there is within the limits); complete: head is filled
// and its size says where the body starts; error: err is filled. head.fields keeps its capacity
// from call to call (no allocation per request once it has grown). The caller keeps buf alive
// while it uses head's views.
parse_status parse_request_head(std::string_view buf, const parser_limits& limits,
                                request_head& head, parse_error& err);

// A response head. request_method is the request's method: a response to "HEAD" has no body
// whatever its headers say. A 1xx head is complete on its own: consume it and parse again.
parse_status parse_response_head(std::string_view buf, std::string_view request_method,
                                 const parser_limits& limits, response_head& head,
                                 parse_error& err);

}  // namespace netkit::http
