// libFuzzer target for netkit/http's response parser and body decoder. The first byte picks the
// request method (GET, HEAD, CONNECT, POST) and the limits; the rest is what the client
// received. Invariants: as in http_request_fuzz.cpp (a complete head lies in the input and does
// not depend on the bytes after it, a prefix's error is certain, views inside the buffer), plus
// the response rules: no body for HEAD, 1xx, 204 and 304; until_close never keeps alive; the
// body decodes the same whole, in two pieces, and with the peer closing after it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http_fuzz_common.hpp"
#include "netkit/http/parser.hpp"

namespace http = netkit::http;
using netkit_fuzz::body_result;
using netkit_fuzz::check;
using netkit_fuzz::decode;
using netkit_fuzz::inside;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t pick = data[0];
  static constexpr std::string_view methods[] = {"GET", "HEAD", "CONNECT", "POST"};
  const std::string_view method = methods[pick & 3];
  http::parser_limits limits;
  if (pick & 4) {
    limits.max_request_line = 8 + (pick >> 3);
    limits.max_header_bytes = 4 + (pick >> 3) * 4;
    limits.max_header_count = 1 + (pick >> 5);
    limits.max_body = pick;
  }
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string_view buf = input;

  http::response_head head;
  http::parse_error err;
  const http::parse_status whole = http::parse_response_head(buf, method, limits, head, err);
  if (whole == http::parse_status::error) check(err.status >= 400 && !err.message.empty());
  const std::size_t cut = (pick * 257u + size) % (buf.size() + 1);
  http::response_head part;
  http::parse_error part_err;
  const auto prefix = http::parse_response_head(buf.substr(0, cut), method, limits, part, part_err);
  if (prefix == http::parse_status::error) check(whole == http::parse_status::error);
  if (prefix == http::parse_status::complete) {
    check(whole == http::parse_status::complete);
    check(part.size == head.size && part.status == head.status && part.framing == head.framing);
  }
  if (whole != http::parse_status::complete) return 0;

  check(head.size > 0 && head.size <= buf.size());
  const std::string_view head_bytes = buf.substr(0, head.size);
  check(head.status >= 100 && head.status <= 999);
  check(inside(head.reason, head_bytes));
  for (const auto& f : head.fields)
    check(inside(f.name, head_bytes) && inside(f.value, head_bytes));
  check(head.fields.size() <= limits.max_header_count);
  const bool no_body = head.status < 200 || head.status == 204 || head.status == 304 ||
                       method == "HEAD" || (method == "CONNECT" && head.status < 300);
  check(no_body == (head.framing == http::body_framing::none));
  if (head.framing == http::body_framing::until_close) check(!head.keep_alive);
  check(http::parse_response_head(head_bytes, method, limits, part, part_err) ==
        http::parse_status::complete);
  check(part.size == head.size && part.fields.size() == head.fields.size());
  check(http::parse_response_head(head_bytes.substr(0, head.size - 1), method, limits, part,
                                  part_err) == http::parse_status::incomplete);

  const std::string_view rest = buf.substr(head.size);
  const auto decoder = http::body_decoder::for_response(head, limits);
  const std::size_t k = (pick + size * 3u) % (rest.size() + 1);
  for (bool close : {false, true}) {
    const body_result one = decode(decoder, {rest}, close);
    const body_result two = decode(decoder, {rest.substr(0, k), rest.substr(k)}, close);
    check(one == two);
    check(one.body.size() <= limits.max_body);
  }
  return 0;
}
