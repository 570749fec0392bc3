// netkit/http/body_decoder.hpp: length, chunked and until-close bodies decode the same whatever
// the read boundaries, stop exactly at the message's end, refuse every malformed chunked framing
// with its status, and feed() never allocates.
#include "netkit/http/body_decoder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <string>
#include <vector>

// Counts allocations so that a test can prove feed() makes none. Out of line: GCC 12 at -O3
// inlines a replaced delete into the standard containers and then warns that free() meets a
// pointer from operator new (-Wmismatched-new-delete), which is how this pair is meant to work.
namespace {
std::size_t allocations = 0;
}
[[gnu::noinline]] void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace netkit::http;

struct decoded {
  std::string body;
  std::string leftover;  // bytes after the end of the body
  bool done = false;
  int error = 0;
  friend bool operator==(const decoded&, const decoded&) = default;
};

decoded decode(body_decoder d, const std::vector<std::string>& pieces, bool close = false) {
  decoded out;
  parse_error err;
  for (const std::string& piece : pieces) {
    std::string_view in = piece;
    if (out.done) {
      out.leftover += piece;
      continue;
    }
    while (!in.empty() || !out.done) {
      const body_decoder::step s = d.feed(in, err);
      if (err.status != 0) {
        EXPECT_FALSE(err.message.empty());
        out.error = err.status;
        return out;
      }
      EXPECT_LE(s.consumed, in.size());
      if (!s.data.empty()) {
        EXPECT_GE(s.data.data(), in.data());
        EXPECT_LE(s.data.data() + s.data.size(), in.data() + in.size());
      }
      out.body += s.data;
      in.remove_prefix(s.consumed);
      if (s.done) {
        out.done = true;
        out.leftover += in;
        break;
      }
      if (s.consumed == 0) break;
    }
  }
  if (close && !out.done) {
    d.finish(err);
    if (err.status != 0)
      out.error = err.status;
    else
      out.done = d.done();
  }
  EXPECT_EQ(d.received(), out.body.size());
  return out;
}

decoded decode_chunked(const std::string& wire, std::uint64_t max_body = 1 << 20,
                       std::size_t max_trailer = 1024) {
  return decode(body_decoder::chunked(max_body, max_trailer), {wire});
}

// The same result for every two-piece split and for one byte per read.
void expect_split_invariant(const body_decoder& d, const std::string& wire, const decoded& want,
                            bool close = false) {
  for (std::size_t k = 0; k <= wire.size(); ++k)
    ASSERT_EQ(decode(d, {wire.substr(0, k), wire.substr(k)}, close), want) << "split at " << k;
  std::vector<std::string> bytes;
  for (char c : wire) bytes.emplace_back(1, c);
  ASSERT_EQ(decode(d, bytes, close), want) << "byte by byte";
}

TEST(LengthBody, StopsAtTheLengthAndLeavesTheRest) {
  const decoded want{"hello", "GET /next", true, 0};
  EXPECT_EQ(decode(body_decoder::length(5), {"hello", "GET /next"}), want);
  expect_split_invariant(body_decoder::length(5), "helloGET /next", want);
  const body_decoder empty = body_decoder::length(0);
  EXPECT_TRUE(empty.done());
  EXPECT_EQ(decode(empty, {"next"}), (decoded{"", "next", true, 0}));
}

TEST(LengthBody, ClosedEarlyIsATruncatedBody) {
  EXPECT_EQ(decode(body_decoder::length(5), {"hel"}, true).error, 400);
  EXPECT_EQ(decode(body_decoder::length(5), {"hello"}, true), (decoded{"hello", "", true, 0}));
}

TEST(UntilCloseBody, EverythingUntilTheCloseAndTheLimit) {
  const std::string wire = "any bytes\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n";
  const decoded want{wire, "", true, 0};
  expect_split_invariant(body_decoder::until_close(), wire, want, true);
  EXPECT_FALSE(decode(body_decoder::until_close(), {wire}).done);
  EXPECT_EQ(decode(body_decoder::until_close(10), {"0123456789"}, true),
            (decoded{"0123456789", "", true, 0}));
  EXPECT_EQ(decode(body_decoder::until_close(10), {"01234", "56789", "a"}, true).error, 413);
}

const std::string chunked_wire =
    "5;name=value;q=\"a \\\"quoted\\\" ; string\"\r\nhello\r\n"
    "6 ; bare ; x = y \r\n world\r\n"
    "00A\r\n0123456789\r\n"
    "1;e=\"\"\r\n!\r\n"
    "0;last\r\nX-Checksum: abc\r\nX-Other:  2 \t\r\n\r\n";

TEST(ChunkedBody, DecodesExtensionsAndTrailersAtEverySplit) {
  const decoded want{"hello world0123456789!", "POST /next HTTP/1.1\r\n", true, 0};
  EXPECT_EQ(decode_chunked(chunked_wire + "POST /next HTTP/1.1\r\n"), want);
  expect_split_invariant(body_decoder::chunked(1 << 20, 1024),
                         chunked_wire + "POST /next HTTP/1.1\r\n", want);
  EXPECT_EQ(decode_chunked("0\r\n\r\n"), (decoded{"", "", true, 0}));
  EXPECT_EQ(decode_chunked("3\r\nabc\r\n0\r\n\r\n"), (decoded{"abc", "", true, 0}));
  EXPECT_EQ(decode_chunked("3\r\nabc\r\n0\r\nT:\r\n\r\n"), (decoded{"abc", "", true, 0}));
}

struct bad_case {
  const char* what;
  std::string wire;
  int status;
};

TEST(ChunkedBody, MalformedFramingHasItsStatus) {
  const std::vector<bad_case> cases = {
      {"negative size", "-1\r\n", 400},
      {"0x prefix", "0x10\r\n", 400},
      {"empty size", "\r\n", 400},
      {"extension without size", ";a\r\n", 400},
      {"space before size", " 5\r\nhello\r\n0\r\n\r\n", 400},
      {"non-hex digit", "5g\r\n", 400},
      {"2^64", "10000000000000000\r\n", 400},
      {"far over 2^64", "fffffffffffffffffffff\r\n", 400},
      {"2^64-1 is over max_body", "ffffffffffffffff\r\n", 413},
      {"one past max_body", "100001\r\n", 413},
      {"leading zeros past the line limit", std::string(5000, '0') + "1\r\nx\r\n0\r\n\r\n", 400},
      {"extension past the line limit", "1;" + std::string(5000, 'a') + "\r\nx\r\n0\r\n\r\n", 400},
      {"bare LF after size", "5\nhello\r\n0\r\n\r\n", 400},
      {"CR without LF after size", "5\rhello\r\n", 400},
      {"missing CRLF after data", "5\r\nhelloX\r\n0\r\n\r\n", 400},
      {"LF only after data", "5\r\nhello\n0\r\n\r\n", 400},
      {"CR only after data", "5\r\nhello\r0\r\n\r\n", 400},
      {"data longer than size", "3\r\nhello\r\n", 400},
      {"empty extension name", "5;\r\nhello\r\n", 400},
      {"extension name then junk", "5;a b\r\nhello\r\n", 400},
      {"empty extension value", "5;a=\r\nhello\r\n", 400},
      {"unterminated quoted value", "5;a=\"x\r\nhello\r\n", 400},
      {"control in quoted value", "5;a=\"x\x01\"\r\nhello\r\n", 400},
      {"junk after quoted value", "5;a=\"x\"y\r\nhello\r\n", 400},
      {"control after size", "5\x01\r\nhello\r\n", 400},
      {"trailer folding", "0\r\nA: b\r\n c\r\n\r\n", 400},
      {"trailer whitespace before colon", "0\r\nA : b\r\n\r\n", 400},
      {"trailer without colon", "0\r\nAb\r\n\r\n", 400},
      {"trailer control in value", "0\r\nA: b\x7f\r\n\r\n", 400},
      {"trailer bare LF", "0\r\nA: b\n\r\n", 400},
      {"final bare LF", "0\r\n\n", 400},
      {"final CR junk", "0\r\n\rX", 400},
      {"trailer bare CR", "0\r\nA: b\rc\r\n\r\n", 400},
  };
  for (const bad_case& c : cases) {
    EXPECT_EQ(decode_chunked(c.wire).error, c.status) << c.what;
    std::vector<std::string> bytes;
    for (char ch : c.wire) bytes.emplace_back(1, ch);
    EXPECT_EQ(decode(body_decoder::chunked(1 << 20, 1024), bytes).error, c.status)
        << c.what << " (byte by byte)";
  }
}

TEST(ChunkedBody, GoodExtensionForms) {
  for (const char* ext : {";a", " ;a", "\t;a", ";a=b", "; a = b ", ";a=\"\"", ";a=\"x\\\\y\"",
                          ";a=\"\\\"\";b;c=d", ";a=\"caf\xc3\xa9\"", ";!#$%&'*+-.^_`|~=~"}) {
    const std::string wire = std::string("3") + ext + "\r\nabc\r\n0" + ext + "\r\n\r\n";
    EXPECT_EQ(decode_chunked(wire), (decoded{"abc", "", true, 0})) << ext;
  }
  // Exactly at the chunk-size line limit and one past it.
  const std::string at = "1;" + std::string(body_decoder::max_chunk_line - 2, 'a');
  EXPECT_EQ(decode_chunked(at + "\r\nx\r\n0\r\n\r\n"), (decoded{"x", "", true, 0}));
  EXPECT_EQ(decode_chunked(at + "a\r\nx\r\n0\r\n\r\n").error, 400);
}

TEST(ChunkedBody, BodyLimitAtAndPastTheBoundary) {
  const std::string hundred(100, 'z');
  const std::string wire =
      "32\r\n" + hundred.substr(0, 50) + "\r\n32\r\n" + hundred.substr(50) + "\r\n0\r\n\r\n";
  EXPECT_EQ(decode_chunked(wire, 100), (decoded{hundred, "", true, 0}));
  EXPECT_EQ(decode_chunked(wire, 99).error, 413);
  EXPECT_EQ(decode_chunked("0000000000000064\r\n" + hundred + "\r\n0\r\n\r\n", 100).body, hundred);
}

TEST(ChunkedBody, TrailerSectionAtAndPastTheLimit) {
  // "0\r\n" then the trailer section: "A: " + value + "\r\n" + "\r\n" = 40 bytes at the limit.
  const std::string at = "0\r\nA: " + std::string(40 - 7, 'v') + "\r\n\r\n";
  const std::string past = "0\r\nA: " + std::string(41 - 7, 'v') + "\r\n\r\n";
  EXPECT_EQ(decode_chunked(at, 100, 40), (decoded{"", "", true, 0}));
  EXPECT_EQ(decode_chunked(past, 100, 40).error, 431);
  EXPECT_EQ(decode_chunked("0\r\n\r\n", 100, 2), (decoded{"", "", true, 0}));
  EXPECT_EQ(decode_chunked("0\r\n\r\n", 100, 1).error, 431);
}

TEST(ChunkedBody, TruncatedAndAfterAnError) {
  EXPECT_EQ(decode(body_decoder::chunked(100), {"5\r\nhel"}, true).error, 400);
  EXPECT_EQ(decode(body_decoder::chunked(100), {"5\r\nhello\r\n0\r\n"}, true).error, 400);
  body_decoder d = body_decoder::chunked(100);
  parse_error err;
  d.feed("zz", err);
  EXPECT_EQ(err.status, 400);
  parse_error again;
  const auto s = d.feed("0\r\n\r\n", again);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(s.consumed, 0u);
  EXPECT_FALSE(d.done());
}

TEST(ChunkedBody, EncoderRoundTrips) {
  EXPECT_EQ(chunk_header(1), "1\r\n");
  EXPECT_EQ(chunk_header(255), "ff\r\n");
  EXPECT_EQ(chunk_header(4096), "1000\r\n");
  EXPECT_EQ(chunk_header(0), "0\r\n");
  EXPECT_EQ(chunk_header(std::numeric_limits<std::size_t>::max()), "ffffffffffffffff\r\n");
  std::string wire, body;
  for (std::size_t n = 1; n < 300; n += 37) {
    const std::string piece(n, static_cast<char>('a' + n % 26));
    wire += chunk_header(n) + piece + std::string(chunk_end);
    body += piece;
  }
  wire += last_chunk;
  const decoded want{body, "", true, 0};
  EXPECT_EQ(decode_chunked(wire), want);
  expect_split_invariant(body_decoder::chunked(1 << 20), wire, want);
}

TEST(BodyDecoder, FeedNeverAllocates) {
  const std::string wire = chunked_wire + chunked_wire;  // the second copy is "pipelined"
  body_decoder d = body_decoder::chunked(1 << 20, 1024);
  parse_error err;
  std::size_t total = 0;
  const std::size_t before = allocations;
  for (std::size_t i = 0; i < chunked_wire.size() && !d.done(); ++i) {
    std::string_view in = std::string_view(wire).substr(i, 1);
    const auto s = d.feed(in, err);
    total += s.data.size();
  }
  body_decoder l = body_decoder::length(1000);
  for (int i = 0; i < 10; ++i) total += l.feed(wire.substr(0, 0), err).data.size();
  EXPECT_EQ(allocations, before);
  EXPECT_TRUE(d.done());
  EXPECT_EQ(total, 22u);
  EXPECT_EQ(err.status, 0);
}

TEST(BodyDecoder, ForHeads) {
  request_head req;
  req.framing = body_framing::none;
  EXPECT_TRUE(body_decoder::for_request(req, {}).done());
  req.framing = body_framing::length;
  req.content_length = 3;
  EXPECT_EQ(decode(body_decoder::for_request(req, {}), {"abcd"}), (decoded{"abc", "d", true, 0}));
  response_head resp;
  resp.framing = body_framing::until_close;
  EXPECT_EQ(decode(body_decoder::for_response(resp, {}), {"ab", "cd"}, true),
            (decoded{"abcd", "", true, 0}));
  resp.framing = body_framing::chunked;
  EXPECT_EQ(decode(body_decoder::for_response(resp, {}), {"1\r\na\r\n0\r\n\r\n"}),
            (decoded{"a", "", true, 0}));
}

}  // namespace
