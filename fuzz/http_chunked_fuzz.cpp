// libFuzzer target for netkit/http's chunked body decoder: the first two bytes pick max_body and
// the trailer limit, the rest is the body's wire bytes. Invariants: fed whole, in two pieces
// (pieces of a size the input says) and one byte per call, the decoder gives the same bytes, the
// same end, the same error status; consumed never exceeds what it was given and the data views lie
// inside it; the decoded size stays within max_body; once done it stops exactly at the end of
// the body (the same offset every way); the encoder's output of the decoded body decodes back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "netkit/http/body_decoder.hpp"

namespace {

namespace http = netkit::http;

void check(bool ok) {
  if (!ok) std::abort();
}

struct result {
  std::string body;
  std::size_t consumed = 0;
  bool done = false;
  int error = 0;
  bool operator==(const result&) const = default;
};

// Feeds `wire` in pieces of `piece` bytes (the last one shorter), as reads would bring it.
result decode(http::body_decoder d, std::string_view wire, std::size_t piece) {
  result r;
  http::parse_error err;
  while (!wire.empty() && !r.done) {
    std::string_view in = wire.substr(0, piece);
    wire.remove_prefix(in.size());
    while (!in.empty() && !r.done) {
      const auto s = d.feed(in, err);
      if (err.status != 0) {
        check(err.status == 400 || err.status == 413 || err.status == 431);
        // Only the error is the same whatever the reads, not the bytes before it.
        r = {};
        r.error = err.status;
        return r;
      }
      check(s.consumed <= in.size());
      check(s.data.empty() ||
            (s.data.data() >= in.data() && s.data.data() + s.data.size() <= in.data() + in.size()));
      check(s.consumed > 0 || s.done);
      r.body += s.data;
      r.consumed += s.consumed;
      in.remove_prefix(s.consumed);
      r.done = s.done;
    }
  }
  check(d.received() == r.body.size());
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint64_t max_body = data[0] & 1 ? (std::uint64_t{data[0]} << 4) : (1u << 20);
  const std::size_t max_trailer = data[1] & 1 ? data[1] : 1024;
  const std::string input(reinterpret_cast<const char*>(data) + 2, size - 2);
  const auto decoder = http::body_decoder::chunked(max_body, max_trailer);

  const result whole = decode(decoder, input, input.size() + 1);
  check(whole.body.size() <= max_body);
  check(whole.consumed <= input.size());
  // In pieces of `cut` bytes, a size the input picks.
  const std::size_t cut = 1 + (data[0] * 31u + data[1] + size) % (input.size() + 1);
  const result two = decode(decoder, input, cut);
  check(two == whole);
  if (input.size() <= 4096) check(decode(decoder, input, 1) == whole);

  if (whole.done) {
    // What the encoder makes of the decoded body decodes to it again.
    std::string wire;
    if (!whole.body.empty())
      wire = http::chunk_header(whole.body.size()) + whole.body + std::string(http::chunk_end);
    wire += http::last_chunk;
    const result again = decode(http::body_decoder::chunked(max_body, max_trailer), wire, 7);
    check(again.done && again.body == whole.body && again.consumed == wire.size());
  }
  return 0;
}
