// libFuzzer target for netkit/http's request parser and body decoder. The first byte picks the
// limits (small ones reach every limit), the rest is what a connection received. Invariants:
//   - a complete head lies inside the input, its views inside the head, within the limits;
//     every shorter prefix of it is incomplete, and the head alone parses the same;
//   - what a prefix (cut where the input says) calls an error stays an error for the whole
//     input (errors are certain, never a guess about bytes still to come); what it calls
//     complete is the same head;
//   - the body decodes to the same bytes, end and error whether fed whole or in two pieces,
//     never consuming more than it was given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http_fuzz_common.hpp"
#include "netkit/http/parser.hpp"

namespace {

namespace http = netkit::http;
using netkit_fuzz::body_result;
using netkit_fuzz::check;
using netkit_fuzz::decode;
using netkit_fuzz::inside;

struct snapshot {
  std::string method, target;
  int minor;
  std::vector<std::string> fields;
  std::size_t size;
  http::body_framing framing;
  std::uint64_t length;
  bool keep_alive, expect;
  bool operator==(const snapshot&) const = default;
};

snapshot snap(const http::request_head& h) {
  snapshot s{std::string(h.method), std::string(h.target), h.minor_version,  {}, h.size, h.framing,
             h.content_length,      h.keep_alive,          h.expect_continue};
  for (const auto& f : h.fields)
    s.fields.push_back(std::string(f.name) + ":" + std::string(f.value));
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t pick = data[0];
  http::parser_limits limits;
  if (pick & 1) {
    limits.max_request_line = 8 + (pick >> 1);
    limits.max_header_bytes = 4 + (pick >> 1) * 2;
    limits.max_header_count = 1 + (pick >> 4);
    limits.max_body = pick;
  }
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string_view buf = input;

  http::request_head head;
  http::parse_error err;
  const http::parse_status whole = http::parse_request_head(buf, limits, head, err);
  if (whole == http::parse_status::error) {
    const int s = err.status;
    check(s == 400 || s == 413 || s == 414 || s == 431 || s == 501 || s == 505);
    check(!err.message.empty());
  }
  std::size_t cut = buf.size() == 0 ? 0 : (pick * 131u + size) % (buf.size() + 1);
  http::request_head part;
  http::parse_error part_err;
  const http::parse_status prefix =
      http::parse_request_head(buf.substr(0, cut), limits, part, part_err);
  if (prefix == http::parse_status::error) check(whole == http::parse_status::error);
  if (prefix == http::parse_status::complete) {
    check(whole == http::parse_status::complete);
    check(snap(part) == snap(head));
  }
  if (whole != http::parse_status::complete) return 0;

  check(head.size > 0 && head.size <= buf.size());
  const std::string_view head_bytes = buf.substr(0, head.size);
  check(inside(head.method, head_bytes) && inside(head.target, head_bytes));
  check(!head.method.empty() && !head.target.empty());
  check(head.fields.size() <= limits.max_header_count);
  for (const auto& f : head.fields)
    check(inside(f.name, head_bytes) && inside(f.value, head_bytes));
  check(head.minor_version == 0 || head.minor_version == 1);
  if (head.framing == http::body_framing::length) check(head.content_length <= limits.max_body);
  check(head.framing != http::body_framing::until_close);
  // The head does not depend on what follows it, and no prefix of it is complete.
  const snapshot whole_snap = snap(head);
  check(http::parse_request_head(head_bytes, limits, part, part_err) ==
        http::parse_status::complete);
  check(snap(part) == whole_snap);
  check(http::parse_request_head(head_bytes.substr(0, head.size - 1), limits, part, part_err) ==
        http::parse_status::incomplete);
  if (cut < head.size) check(prefix == http::parse_status::incomplete);

  const std::string_view rest = buf.substr(head.size);
  const auto decoder = http::body_decoder::for_request(head, limits);
  const body_result one = decode(decoder, {rest});
  const std::size_t k = rest.empty() ? 0 : (pick + size * 7u) % (rest.size() + 1);
  const body_result two = decode(decoder, {rest.substr(0, k), rest.substr(k)});
  check(one == two);
  check(one.body.size() <= limits.max_body);
  check(one.consumed <= rest.size());
  return 0;
}
