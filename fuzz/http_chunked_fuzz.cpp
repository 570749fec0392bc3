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

#include "http_fuzz_common.hpp"
#include "netkit/http/body_decoder.hpp"

namespace {

namespace http = netkit::http;
using netkit_fuzz::body_result;
using netkit_fuzz::check;

// The decoder's result with `wire` fed in reads of `piece` bytes (the last one shorter).
body_result decode(const http::body_decoder& d, std::string_view wire, std::size_t piece) {
  return netkit_fuzz::decode(d, netkit_fuzz::reads_of(wire, piece));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint64_t max_body = data[0] & 1 ? (std::uint64_t{data[0]} << 4) : (1u << 20);
  const std::size_t max_trailer = data[1] & 1 ? data[1] : 1024;
  const std::string input(reinterpret_cast<const char*>(data) + 2, size - 2);
  const auto decoder = http::body_decoder::chunked(max_body, max_trailer);

  const body_result whole = decode(decoder, input, input.size() + 1);
  check(whole.body.size() <= max_body);
  check(whole.consumed <= input.size());
  // In pieces of `cut` bytes, a size the input picks.
  const std::size_t cut = 1 + (data[0] * 31u + data[1] + size) % (input.size() + 1);
  const body_result two = decode(decoder, input, cut);
  check(two == whole);
  if (input.size() <= 4096) check(decode(decoder, input, 1) == whole);

  if (whole.done) {
    // What the encoder makes of the decoded body decodes to it again.
    std::string wire;
    if (!whole.body.empty())
      wire = http::chunk_header(whole.body.size()) + whole.body + std::string(http::chunk_end);
    wire += http::last_chunk;
    const body_result again = decode(http::body_decoder::chunked(max_body, max_trailer), wire, 7);
    check(again.done && again.body == whole.body && again.consumed == wire.size());
  }
  return 0;
}
