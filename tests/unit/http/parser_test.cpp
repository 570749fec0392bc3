// netkit/http/parser.hpp: every rule of the header with its status, every limit at and one past
// its boundary, the same results whatever the read boundaries, pipelining, and responses.
#include "netkit/http/parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netkit/http/body_decoder.hpp"

namespace {

using namespace netkit::http;

// --- a connection, simulated: bytes arrive in pieces, requests are parsed as they complete --

struct message {
  std::string method, target;
  int minor = 0;
  std::vector<std::pair<std::string, std::string>> fields;
  body_framing framing = body_framing::none;
  std::uint64_t content_length = 0;
  bool keep_alive = false, expect_continue = false;
  std::string body;
  friend bool operator==(const message&, const message&) = default;
};

struct outcome {
  std::vector<message> messages;
  int error = 0;         // the status of the error that stopped the connection
  std::string leftover;  // bytes received and not consumed
  friend bool operator==(const outcome&, const outcome&) = default;
};

outcome simulate(const std::vector<std::string>& pieces, const parser_limits& limits = {}) {
  outcome out;
  std::string buffered;
  request_head head;
  std::optional<body_decoder> body;
  message current;
  parse_error err;
  for (const std::string& piece : pieces) {
    buffered += piece;
    while (true) {
      if (!body) {
        const parse_status s = parse_request_head(buffered, limits, head, err);
        if (s == parse_status::incomplete) break;
        if (s == parse_status::error) {
          out.error = err.status;
          out.leftover = buffered;
          return out;
        }
        EXPECT_GT(head.size, 0u);
        current = {std::string(head.method),
                   std::string(head.target),
                   head.minor_version,
                   {},
                   head.framing,
                   head.content_length,
                   head.keep_alive,
                   head.expect_continue,
                   {}};
        for (const header_field& f : head.fields) current.fields.emplace_back(f.name, f.value);
        body = body_decoder::for_request(head, limits);
        buffered.erase(0, head.size);
      }
      const body_decoder::step st = body->feed(buffered, err);
      if (err.status != 0) {
        out.error = err.status;
        out.leftover = buffered;
        return out;
      }
      EXPECT_LE(st.consumed, buffered.size());
      current.body += st.data;
      buffered.erase(0, st.consumed);
      if (st.done) {
        out.messages.push_back(std::move(current));
        body.reset();
        continue;
      }
      if (buffered.empty()) break;
    }
  }
  out.leftover = buffered;
  return out;
}

// Every way to cut `wire` into two reads, and one byte per read, gives `expected`.
void expect_split_invariant(const std::string& wire, const outcome& expected,
                            const parser_limits& limits = {}) {
  for (std::size_t k = 0; k <= wire.size(); ++k) {
    const outcome got = simulate({wire.substr(0, k), wire.substr(k)}, limits);
    ASSERT_EQ(got, expected) << "split at " << k << " of " << testing::PrintToString(wire);
  }
  std::vector<std::string> bytes;
  for (char c : wire) bytes.emplace_back(1, c);
  ASSERT_EQ(simulate(bytes, limits), expected) << "byte by byte: " << testing::PrintToString(wire);
}

const std::string get_request =
    "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1\r\n"
    "Accept: */*\r\n\r\n";
const std::string post_request =
    "POST /submit HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
    "\r\nhello world";
const std::string chunked_request =
    "PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
    "5;name=value;q=\"a \\\"quoted\\\" ; string\"\r\nhello\r\n"
    "6 ; bare\r\n world\r\n"
    "A\r\n0123456789\r\n"
    "0\r\nX-Checksum: abc\r\nX-Other:  2 \r\n\r\n";
const std::string http10_request =
    "GET /old HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc";
const std::string close_request = "DELETE /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";

// RFC 9110 §2.5: a later minor version is processed as the highest one we implement (Python
// serves HTTP/1.2 too).
TEST(RequestHead, ALaterHttp1MinorVersionIsReadAs11) {
  request_head head;
  parse_error err;
  const std::string req = "GET / HTTP/1.2\r\nHost: h\r\n\r\n";
  ASSERT_EQ(parse_request_head(req, {}, head, err), parse_status::complete) << err.message;
  EXPECT_EQ(head.minor_version, 1);
  EXPECT_TRUE(head.keep_alive);
}

TEST(RequestHead, ParsesAGetIntoViewsOfTheBuffer) {
  request_head head;
  parse_error err;
  ASSERT_EQ(parse_request_head(get_request, {}, head, err), parse_status::complete);
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(head.target, "/index.html?q=1");
  EXPECT_EQ(head.minor_version, 1);
  ASSERT_EQ(head.fields.size(), 3u);
  EXPECT_EQ(head.fields[0].name, "Host");
  EXPECT_EQ(head.fields[0].value, "example.com");
  EXPECT_EQ(head.fields[2].value, "*/*");
  EXPECT_EQ(head.size, get_request.size());
  EXPECT_EQ(head.framing, body_framing::none);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_FALSE(head.expect_continue);
  const char* begin = get_request.data();
  const char* end = begin + get_request.size();
  for (const header_field& f : head.fields) {
    EXPECT_TRUE(f.name.data() >= begin && f.name.data() + f.name.size() <= end);
    EXPECT_TRUE(f.value.data() >= begin && f.value.data() + f.value.size() <= end);
  }
  EXPECT_EQ(head.method.data(), begin);
  ASSERT_NE(head.find("user-agent"), nullptr);
  EXPECT_EQ(head.find("USER-AGENT")->value, "t/1");
  EXPECT_EQ(head.find("cookie"), nullptr);
}

TEST(RequestHead, EveryPrefixIsIncomplete) {
  for (const std::string& wire : {get_request, post_request, chunked_request, http10_request}) {
    request_head head;
    const std::size_t head_size = wire.find("\r\n\r\n") + 4;
    for (std::size_t k = 0; k < head_size; ++k) {
      parse_error err;
      ASSERT_EQ(parse_request_head(std::string_view(wire).substr(0, k), {}, head, err),
                parse_status::incomplete)
          << k << ": " << err.message;
    }
  }
}

TEST(RequestHead, SameResultAtEverySplitPoint) {
  const outcome get = simulate({get_request});
  ASSERT_EQ(get.messages.size(), 1u);
  EXPECT_EQ(get.messages[0].fields.size(), 3u);
  expect_split_invariant(get_request, get);

  const outcome post = simulate({post_request});
  ASSERT_EQ(post.messages.size(), 1u);
  EXPECT_EQ(post.messages[0].body, "hello world");
  EXPECT_EQ(post.messages[0].framing, body_framing::length);
  EXPECT_EQ(post.messages[0].content_length, 11u);
  expect_split_invariant(post_request, post);

  const outcome chunked = simulate({chunked_request});
  ASSERT_EQ(chunked.messages.size(), 1u) << chunked.error;
  EXPECT_EQ(chunked.messages[0].body, "hello world0123456789");
  EXPECT_EQ(chunked.messages[0].framing, body_framing::chunked);
  EXPECT_TRUE(chunked.messages[0].expect_continue);
  expect_split_invariant(chunked_request, chunked);

  const outcome old = simulate({http10_request});
  ASSERT_EQ(old.messages.size(), 1u);
  EXPECT_EQ(old.messages[0].minor, 0);
  EXPECT_TRUE(old.messages[0].keep_alive);
  EXPECT_EQ(old.messages[0].body, "abc");
  expect_split_invariant(http10_request, old);

  // All of them pipelined, then an error: the same messages and the same error every time.
  const std::string all = get_request + post_request + chunked_request + http10_request +
                          close_request + "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n";
  const outcome pipelined = simulate({all});
  ASSERT_EQ(pipelined.messages.size(), 5u);
  EXPECT_EQ(pipelined.error, 400);
  EXPECT_FALSE(pipelined.messages[4].keep_alive);
  expect_split_invariant(all, pipelined);
}

TEST(RequestHead, PipelinedRequestsParseOneAfterAnother) {
  std::string wire;
  std::vector<std::string> bodies;
  for (int i = 0; i < 60; ++i) {
    const std::string body(static_cast<std::size_t>(i * 7 % 23), static_cast<char>('a' + i % 26));
    bodies.push_back(body);
    if (i % 3 == 0) {
      wire += "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n";
      bodies.back().clear();
    } else if (i % 3 == 1) {
      wire += "POST /" + std::to_string(i) +
              " HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(body.size()) +
              "\r\n\r\n" + body;
    } else {
      wire += "POST /" + std::to_string(i) +
              " HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
      if (!body.empty()) wire += chunk_header(body.size()) + body + std::string(chunk_end);
      wire += last_chunk;
    }
  }
  wire += "GET /partial HTTP/1.1\r\nHo";
  const outcome out = simulate({wire});
  EXPECT_EQ(out.error, 0);
  ASSERT_EQ(out.messages.size(), 60u);
  for (int i = 0; i < 60; ++i) {
    EXPECT_EQ(out.messages[i].target, "/" + std::to_string(i));
    EXPECT_EQ(out.messages[i].body, bodies[i]);
  }
  EXPECT_EQ(out.leftover, "GET /partial HTTP/1.1\r\nHo");
}

TEST(RequestHead, FieldsKeepTheirCapacityAcrossRequests) {
  request_head head;
  parse_error err;
  ASSERT_EQ(parse_request_head(get_request, {}, head, err), parse_status::complete);
  const header_field* storage = head.fields.data();
  const std::size_t capacity = head.fields.capacity();
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(parse_request_head(i % 2 ? get_request : close_request, {}, head, err),
              parse_status::complete);
    EXPECT_EQ(head.fields.data(), storage);
    EXPECT_EQ(head.fields.capacity(), capacity);
  }
}

// --- rules, one status each ------------------------------------------------------------

struct rule_case {
  const char* what;
  std::string wire;
  int status;  // 0: complete
};

int status_of(const std::string& wire, const parser_limits& limits = {}) {
  request_head head;
  parse_error err;
  switch (parse_request_head(wire, limits, head, err)) {
    case parse_status::complete: return 0;
    case parse_status::incomplete: return -1;
    case parse_status::error: EXPECT_FALSE(err.message.empty()); return err.status;
  }
  return -2;
}

std::string req(const std::string& line, const std::string& fields = "Host: h\r\n") {
  return line + "\r\n" + fields + "\r\n";
}

TEST(RequestHead, EveryRuleHasItsStatus) {
  const std::vector<rule_case> cases = {
      // start line
      {"plain", req("GET / HTTP/1.1"), 0},
      {"all tchar method", req("!#$%&'*+-.^_`|~09azAZ / HTTP/1.1"), 0},
      {"non-token method", req("GE(T / HTTP/1.1"), 400},
      {"empty method", req(" / HTTP/1.1"), 400},
      {"two spaces", req("GET  / HTTP/1.1"), 400},
      {"tab separator", req("GET\t/ HTTP/1.1"), 400},
      {"no version (HTTP/0.9)", req("GET /"), 400},
      {"no target", req("GET"), 400},
      {"space in target", req("GET /a b HTTP/1.1"), 400},
      {"trailing space", req("GET / HTTP/1.1 "), 400},
      {"control in target", req("GET /a\x01 HTTP/1.1"), 400},
      {"DEL in target", req("GET /a\x7f HTTP/1.1"), 400},
      {"NUL in target", req(std::string("GET /a\0b HTTP/1.1", 17)), 400},
      {"obs-text in target", req("GET /caf\xc3\xa9 HTTP/1.1"), 0},
      {"HTTP/1.0", req("GET / HTTP/1.0", ""), 0},
      {"HTTP/2.0", req("GET / HTTP/2.0"), 505},
      {"HTTP/0.9", req("GET / HTTP/0.9"), 505},
      {"HTTP/3.1", req("GET / HTTP/3.1"), 505},
      {"lowercase http", req("GET / http/1.1"), 400},
      {"HTTP/1.10", req("GET / HTTP/1.10"), 400},
      {"HTTP/1", req("GET / HTTP/1"), 400},
      {"HTTP/a.b", req("GET / HTTP/a.b"), 400},
      {"bare CR in request line", "GET / HTTP/1.1\rHost: h\r\n\r\n", 400},
      {"CR CR LF", "GET / HTTP/1.1\r\r\nHost: h\r\n\r\n", 400},
      // field lines
      {"tchar name", req("GET / HTTP/1.1", "Host: h\r\n!#$%&'*+-.^_`|~09azAZ: v\r\n"), 0},
      {"space before colon", req("GET / HTTP/1.1", "Host : h\r\n"), 400},
      {"tab before colon", req("GET / HTTP/1.1", "Host: h\r\nX\t: v\r\n"), 400},
      {"space in name", req("GET / HTTP/1.1", "Host: h\r\nX Y: v\r\n"), 400},
      {"no colon", req("GET / HTTP/1.1", "Host: h\r\nNoColon\r\n"), 400},
      {"empty name", req("GET / HTTP/1.1", "Host: h\r\n: v\r\n"), 400},
      {"non-token name", req("GET / HTTP/1.1", "Host: h\r\nX(y): v\r\n"), 400},
      {"folding with SP", req("GET / HTTP/1.1", "Host: h\r\nX: a\r\n b\r\n"), 400},
      {"folding with HTAB", req("GET / HTTP/1.1", "Host: h\r\nX: a\r\n\tb\r\n"), 400},
      {"space before first field", req("GET / HTTP/1.1", " Host: h\r\n"), 400},
      {"control in value", req("GET / HTTP/1.1", "Host: h\r\nX: a\x01z\r\n"), 400},
      {"NUL in value", req("GET / HTTP/1.1", std::string("Host: h\r\nX: a\0z\r\n", 17)), 400},
      {"DEL in value", req("GET / HTTP/1.1", "Host: h\r\nX: a\x7fz\r\n"), 400},
      {"HTAB in value", req("GET / HTTP/1.1", "Host: h\r\nX: a\tz\r\n"), 0},
      {"obs-text in value", req("GET / HTTP/1.1", "Host: h\r\nX: \xff\x80\r\n"), 0},
      {"empty value", req("GET / HTTP/1.1", "Host: h\r\nX:\r\n"), 0},
      {"bare CR in value", req("GET / HTTP/1.1", "Host: h\r\nX: a\rb\r\n"), 400},
      {"bare CR line", req("GET / HTTP/1.1", "Host: h\r\n\rX: a\r\n"), 400},
      {"bare CR at end of head", "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n", 400},
      // bare LF is accepted as a line end in the head
      {"bare LF everywhere", "GET / HTTP/1.1\nHost: h\nX: y\n\n", 0},
      {"bare LF mixed", "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\n", 0},
      // Host
      {"1.1 without Host", req("GET / HTTP/1.1", "X: y\r\n"), 400},
      {"1.0 without Host", req("GET / HTTP/1.0", "X: y\r\n"), 0},
      {"two Host fields", req("GET / HTTP/1.1", "Host: a\r\nhost: a\r\n"), 400},
      {"two Host fields 1.0", req("GET / HTTP/1.0", "Host: a\r\nHost: b\r\n"), 400},
      // framing and smuggling
      {"TE and CL",
       req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n"),
       400},
      {"CL and TE",
       req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n"),
       400},
      {"CL differs",
       req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n"), 400},
      {"CL list differs", req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 3, 4\r\n"), 400},
      {"CL repeated equal",
       req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n"), 0},
      {"CL list equal", req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 3 , 3\r\n"), 0},
      {"CL empty", req("POST / HTTP/1.1", "Host: h\r\nContent-Length: \r\n"), 400},
      {"CL list with empty", req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 3,\r\n"), 400},
      {"CL sign", req("POST / HTTP/1.1", "Host: h\r\nContent-Length: +3\r\n"), 400},
      {"CL negative", req("POST / HTTP/1.1", "Host: h\r\nContent-Length: -1\r\n"), 400},
      {"CL hex", req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 0x10\r\n"), 400},
      {"CL with space inside", req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 1 2\r\n"), 400},
      {"CL 2^64-1 (over max_body)",
       req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 18446744073709551615\r\n"), 413},
      {"CL 2^64", req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 18446744073709551616\r\n"),
       400},
      {"CL huge",
       req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 99999999999999999999999999\r\n"), 400},
      {"CL leading zeros", req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 0003\r\n"), 0},
      {"TE gzip", req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: gzip\r\n"), 501},
      {"TE chunked, gzip",
       req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: chunked, gzip\r\n"), 501},
      {"TE gzip, chunked",
       req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: gzip, chunked\r\n"), 501},
      {"TE identity", req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: identity\r\n"), 501},
      {"TE chunked twice",
       req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: chunked, chunked\r\n"), 400},
      {"TE chunked twice in two fields",
       req("POST / HTTP/1.1",
           "Host: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
       400},
      {"TE empty", req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: \r\n"), 400},
      {"TE commas only", req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: , ,\r\n"), 400},
      {"TE Chunked (case)", req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: ChUnKeD\r\n"), 0},
      {"TE chunked with empty elements",
       req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: , chunked ,\r\n"), 0},
      {"TE chunked-false", req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: chunkedx\r\n"),
       501},
      {"TE in HTTP/1.0", req("POST / HTTP/1.0", "Transfer-Encoding: chunked\r\n"), 400},
      // leading empty lines
      {"8 empty lines", std::string("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n") + req("GET / HTTP/1.1"), 0},
      {"8 bare LF lines", "\n\n\n\n\n\n\n\n" + req("GET / HTTP/1.1"), 0},
      {"9 empty lines", "\n\n\n\n\n\n\n\n\n" + req("GET / HTTP/1.1"), 400},
      {"CR then not LF before request", "\rGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      // garbage that is refused before a line ends
      {"TLS hello", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), 400},
      {"space first", " GET", 400},
  };
  for (const rule_case& c : cases) EXPECT_EQ(status_of(c.wire), c.status) << c.what;
}

TEST(RequestHead, FramingKeepAliveAndExpect) {
  request_head head;
  parse_error err;
  struct expectation {
    std::string wire;
    body_framing framing;
    std::uint64_t length;
    bool keep_alive, expect_continue;
  };
  const std::vector<expectation> cases = {
      {req("GET / HTTP/1.1"), body_framing::none, 0, true, false},
      {req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 0\r\n"), body_framing::length, 0, true,
       false},
      {req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n"),
       body_framing::length, 3, true, false},
      {req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: chunked\r\n"), body_framing::chunked,
       0, true, false},
      {req("GET / HTTP/1.1", "Host: h\r\nConnection: close\r\n"), body_framing::none, 0, false,
       false},
      {req("GET / HTTP/1.1", "Host: h\r\nConnection: Keep-Alive, CLOSE\r\n"), body_framing::none, 0,
       false, false},
      {req("GET / HTTP/1.1", "Host: h\r\nConnection: upgrade\r\nConnection: close\r\n"),
       body_framing::none, 0, false, false},
      {req("GET / HTTP/1.1", "Host: h\r\nConnection: closed\r\n"), body_framing::none, 0, true,
       false},
      {req("GET / HTTP/1.0", ""), body_framing::none, 0, false, false},
      {req("GET / HTTP/1.0", "Connection: keep-alive\r\n"), body_framing::none, 0, true, false},
      {req("GET / HTTP/1.0", "Connection: keep-alive, close\r\n"), body_framing::none, 0, false,
       false},
      {req("POST / HTTP/1.1", "Host: h\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n"),
       body_framing::length, 5, true, true},
      {req("POST / HTTP/1.1", "Host: h\r\nExpect: 100-continue-x\r\n"), body_framing::none, 0, true,
       false},
      {req("POST / HTTP/1.0", "Expect: 100-continue\r\nContent-Length: 5\r\n"),
       body_framing::length, 5, false, false},
  };
  for (const expectation& e : cases) {
    ASSERT_EQ(parse_request_head(e.wire, {}, head, err), parse_status::complete) << e.wire;
    EXPECT_EQ(head.framing, e.framing) << e.wire;
    EXPECT_EQ(head.content_length, e.length) << e.wire;
    EXPECT_EQ(head.keep_alive, e.keep_alive) << e.wire;
    EXPECT_EQ(head.expect_continue, e.expect_continue) << e.wire;
  }
}

TEST(RequestHead, ValuesAreTrimmedAndLeadingEmptyLinesCount) {
  const std::string wire = "\r\n\nGET / HTTP/1.1\r\nHost:h\r\nX: \t a b \t \r\nY:\t\r\n\r\nrest";
  request_head head;
  parse_error err;
  ASSERT_EQ(parse_request_head(wire, {}, head, err), parse_status::complete);
  EXPECT_EQ(head.method, "GET");
  ASSERT_EQ(head.fields.size(), 3u);
  EXPECT_EQ(head.fields[0].value, "h");
  EXPECT_EQ(head.fields[1].value, "a b");
  EXPECT_EQ(head.fields[2].value, "");
  EXPECT_EQ(head.size, wire.size() - 4);
  // Only empty lines so far: wait for more (within the limit).
  EXPECT_EQ(status_of("\r\n\r\n"), -1);
  EXPECT_EQ(status_of("\r\n\r"), -1);
}

TEST(RequestHead, ErrorMessagesSayWhatAndWhere) {
  request_head head;
  parse_error err;
  ASSERT_EQ(parse_request_head("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01\r\n\r\n", {}, head, err),
            parse_status::error);
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.message, "invalid byte 0x01 in field value at offset 29");
  ASSERT_EQ(parse_request_head("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", {}, head, err),
            parse_status::error);
  EXPECT_EQ(err.message, "bare CR (not followed by LF) in field value at offset 29");
  ASSERT_EQ(parse_request_head("GET / HTTP/1.1\r\nHost : h\r\n\r\n", {}, head, err),
            parse_status::error);
  EXPECT_EQ(err.message, "whitespace between field name and colon at offset 20");
  ASSERT_EQ(parse_request_head("GET / HTTP/2.0\r\n", {}, head, err), parse_status::error);
  EXPECT_EQ(err.status, 505);
  EXPECT_EQ(err.message, "HTTP version 2.0 not supported at offset 6");
}

// --- limits, at and one past each boundary ----------------------------------------------

TEST(RequestLimits, RequestLineAtAndPastTheLimit) {
  parser_limits limits;
  limits.max_request_line = 64;
  const std::string prefix = "GET /";
  const std::string suffix = " HTTP/1.1";
  const std::string at_limit =
      prefix + std::string(64 - prefix.size() - suffix.size(), 'a') + suffix;
  ASSERT_EQ(at_limit.size(), 64u);
  const std::string past = prefix + std::string(65 - prefix.size() - suffix.size(), 'a') + suffix;
  EXPECT_EQ(status_of(req(at_limit), limits), 0);
  EXPECT_EQ(status_of(req(past), limits), 414);
  // Without the line end yet: 64 bytes (and 64 + CR) may still be fine; 65 cannot.
  EXPECT_EQ(status_of(at_limit, limits), -1);
  EXPECT_EQ(status_of(at_limit + "\r", limits), -1);
  EXPECT_EQ(status_of(past, limits), 414);
  EXPECT_EQ(status_of(std::string(65, 'A'), limits), 414);
  EXPECT_EQ(status_of(std::string(64, 'A'), limits), -1);
  // Skipped empty lines do not count towards the line.
  EXPECT_EQ(status_of("\r\n\r\n" + req(at_limit), limits), 0);
}

TEST(RequestLimits, HeaderBytesAtAndPastTheLimit) {
  parser_limits limits;
  limits.max_header_bytes = 100;
  // "Host: h\r\n" (9) + "X: " (3) + value + "\r\n" (2) + "\r\n" (2) = 100 at the limit.
  const std::string fields_at = "Host: h\r\nX: " + std::string(100 - 16, 'v') + "\r\n";
  const std::string fields_past = "Host: h\r\nX: " + std::string(101 - 16, 'v') + "\r\n";
  EXPECT_EQ(status_of(req("GET / HTTP/1.1", fields_at), limits), 0);
  EXPECT_EQ(status_of(req("GET / HTTP/1.1", fields_past), limits), 431);
  // Incomplete: 99 bytes of section could still end at 100; 100 without the end cannot.
  const std::string line = "GET / HTTP/1.1\r\n";
  EXPECT_EQ(status_of(line + std::string(99, 'x'), limits), -1);
  EXPECT_EQ(status_of(line + std::string(100, 'x'), limits), 431);
  EXPECT_EQ(status_of(line + fields_at + "\r", limits), -1);
  EXPECT_EQ(status_of(line + fields_past + "\r", limits), 431);
  // With bare LF every line end is one byte shorter.
  EXPECT_EQ(status_of(line + "Host: h\nX: " + std::string(100 - 13, 'v') + "\n\n", limits), 0);
  EXPECT_EQ(status_of(line + "Host: h\nX: " + std::string(101 - 13, 'v') + "\n\n", limits), 431);
}

TEST(RequestLimits, HeaderCountAtAndPastTheLimit) {
  parser_limits limits;
  limits.max_header_count = 10;
  std::string fields = "Host: h\r\n";
  for (int i = 1; i < 10; ++i) fields += "X" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(status_of(req("GET / HTTP/1.1", fields), limits), 0);
  EXPECT_EQ(status_of(req("GET / HTTP/1.1", fields + "Y: v\r\n"), limits), 431);
  std::string hundred = "Host: h\r\n";
  for (int i = 1; i < 100; ++i) hundred += "X: v\r\n";
  EXPECT_EQ(status_of(req("GET / HTTP/1.1", hundred)), 0);
  EXPECT_EQ(status_of(req("GET / HTTP/1.1", hundred + "X: v\r\n")), 431);
}

TEST(RequestLimits, BodyAtAndPastTheLimit) {
  parser_limits limits;
  limits.max_body = 1000;
  EXPECT_EQ(status_of(req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 1000\r\n"), limits), 0);
  EXPECT_EQ(status_of(req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 1001\r\n"), limits), 413);
  EXPECT_EQ(status_of(req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 67108864\r\n")), 0);
  EXPECT_EQ(status_of(req("POST / HTTP/1.1", "Host: h\r\nContent-Length: 67108865\r\n")), 413);
  // A chunked body is limited as it is decoded.
  const std::string head = req("POST / HTTP/1.1", "Host: h\r\nTransfer-Encoding: chunked\r\n");
  const outcome ok =
      simulate({head + "3e8\r\n" + std::string(1000, 'b') + "\r\n0\r\n\r\n"}, limits);
  ASSERT_EQ(ok.messages.size(), 1u);
  EXPECT_EQ(ok.messages[0].body.size(), 1000u);
  const outcome over =
      simulate({head + "3e8\r\n" + std::string(1000, 'b') + "\r\n1\r\nb\r\n0\r\n\r\n"}, limits);
  EXPECT_EQ(over.error, 413);
  EXPECT_TRUE(over.messages.empty());
}

// --- responses ---------------------------------------------------------------------------

struct response_case {
  const char* what;
  std::string wire;
  std::string method;
  int result;  // 0 complete, else error status
  int status;
  std::string reason;
  body_framing framing;
  bool keep_alive;
};

TEST(ResponseHead, StatusLinesAndFraming) {
  const std::vector<response_case> cases = {
      {"200 with length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "GET", 0, 200, "OK",
       body_framing::length, true},
      {"no reason", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", "GET", 0, 200, "",
       body_framing::length, true},
      {"no reason, with SP", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", "GET", 0, 200, "",
       body_framing::length, true},
      {"long reason", "HTTP/1.1 404 Not  Found\there\r\n\r\n", "GET", 0, 404, "Not  Found\there",
       body_framing::until_close, false},
      {"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "GET", 0, 200, "OK",
       body_framing::chunked, true},
      {"gzip, chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "GET", 0,
       200, "OK", body_framing::chunked, true},
      {"chunked, gzip: until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
       "GET", 0, 200, "OK", body_framing::until_close, false},
      {"gzip: until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "GET", 0, 200,
       "OK", body_framing::until_close, false},
      {"1.0 chunked: until close", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "GET",
       0, 200, "OK", body_framing::until_close, false},
      {"until close", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", "GET", 0, 200, "OK",
       body_framing::until_close, false},
      {"1.0 length", "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n", "GET", 0, 200, "OK",
       body_framing::length, false},
      {"1.0 keep-alive", "HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n",
       "GET", 0, 200, "OK", body_framing::length, true},
      {"close", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n", "GET", 0, 200,
       "OK", body_framing::length, false},
      {"100", "HTTP/1.1 100 Continue\r\n\r\n", "POST", 0, 100, "Continue", body_framing::none,
       true},
      {"101", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n\r\n", "GET", 0, 101,
       "Switching Protocols", body_framing::none, true},
      {"204", "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n", "DELETE", 0, 204,
       "No Content", body_framing::none, true},
      {"304", "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", "GET", 0, 304,
       "Not Modified", body_framing::none, true},
      {"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HEAD", 0, 200, "OK",
       body_framing::none, true},
      {"head (case)", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "head", 0, 200, "OK",
       body_framing::none, true},
      {"CONNECT 200", "HTTP/1.1 200 Connection established\r\n\r\n", "CONNECT", 0, 200,
       "Connection established", body_framing::none, true},
      {"CONNECT 407", "HTTP/1.1 407 Auth\r\nContent-Length: 0\r\n\r\n", "CONNECT", 0, 407, "Auth",
       body_framing::length, true},
      {"bare LF", "HTTP/1.1 200 OK\nContent-Length: 1\n\n", "GET", 0, 200, "OK",
       body_framing::length, true},
      {"999", "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n", "GET", 0, 999, "Odd",
       body_framing::length, true},
      {"099", "HTTP/1.1 099 Low\r\n\r\n", "GET", 400, 0, "", body_framing::none, false},
      {"2 digits", "HTTP/1.1 20 OK\r\n\r\n", "GET", 400, 0, "", body_framing::none, false},
      {"4 digits", "HTTP/1.1 2000 OK\r\n\r\n", "GET", 400, 0, "", body_framing::none, false},
      {"no status", "HTTP/1.1\r\n\r\n", "GET", 400, 0, "", body_framing::none, false},
      {"letters", "HTTP/1.1 2x0 OK\r\n\r\n", "GET", 400, 0, "", body_framing::none, false},
      {"ICY", "ICY 200 OK\r\n\r\n", "GET", 400, 0, "", body_framing::none, false},
      {"HTTP/2.0", "HTTP/2.0 200 OK\r\n\r\n", "GET", 505, 0, "", body_framing::none, false},
      {"control in reason", "HTTP/1.1 200 O\x01K\r\n\r\n", "GET", 400, 0, "", body_framing::none,
       false},
      {"TE and CL", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
       "GET", 400, 0, "", body_framing::none, false},
      {"CL differ", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\n", "GET", 400,
       0, "", body_framing::none, false},
      {"chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", "GET",
       400, 0, "", body_framing::none, false},
      {"CL over max_body", "HTTP/1.1 200 OK\r\nContent-Length: 67108865\r\n\r\n", "GET", 413, 0, "",
       body_framing::none, false},
      {"folding", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", "GET", 400, 0, "", body_framing::none,
       false},
  };
  for (const response_case& c : cases) {
    response_head head;
    parse_error err;
    const parse_status s = parse_response_head(c.wire, c.method, {}, head, err);
    if (c.result != 0) {
      ASSERT_EQ(s, parse_status::error) << c.what;
      EXPECT_EQ(err.status, c.result) << c.what << ": " << err.message;
      continue;
    }
    ASSERT_EQ(s, parse_status::complete) << c.what << ": " << err.message;
    EXPECT_EQ(head.status, c.status) << c.what;
    EXPECT_EQ(head.reason, c.reason) << c.what;
    EXPECT_EQ(head.framing, c.framing) << c.what;
    EXPECT_EQ(head.keep_alive, c.keep_alive) << c.what;
    EXPECT_EQ(head.size, c.wire.size()) << c.what;
    for (std::size_t k = 0; k < c.wire.size(); ++k) {
      parse_error e;
      ASSERT_EQ(parse_response_head(std::string_view(c.wire).substr(0, k), c.method, {}, head, e),
                parse_status::incomplete)
          << c.what << " cut at " << k << ": " << e.message;
    }
  }
}

TEST(ResponseHead, NotHttpIsRefusedBeforeTheLineEnds) {
  response_head head;
  parse_error err;
  EXPECT_EQ(parse_response_head("HTT", "GET", {}, head, err), parse_status::incomplete);
  EXPECT_EQ(parse_response_head("SSH-2.0-OpenSSH", "GET", {}, head, err), parse_status::error);
  EXPECT_EQ(err.status, 400);
}

TEST(ResponseHead, A100ContinueThenTheFinalResponse) {
  const std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nX: y\r\n\r\nok";
  response_head head;
  parse_error err;
  ASSERT_EQ(parse_response_head(wire, "POST", {}, head, err), parse_status::complete);
  EXPECT_EQ(head.status, 100);
  const std::string_view rest = std::string_view(wire).substr(head.size);
  ASSERT_EQ(parse_response_head(rest, "POST", {}, head, err), parse_status::complete);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.content_length, 2u);
  ASSERT_NE(head.find("x"), nullptr);
  auto body = body_decoder::for_response(head, {});
  const auto step = body.feed(rest.substr(head.size), err);
  EXPECT_EQ(step.data, "ok");
  EXPECT_TRUE(step.done);
}

TEST(ResponseHead, StatusLineLimit) {
  parser_limits limits;
  limits.max_request_line = 20;
  response_head head;
  parse_error err;
  EXPECT_EQ(parse_response_head("HTTP/1.1 200 abcdefg\r\n\r\n", "GET", limits, head, err),
            parse_status::complete);
  EXPECT_EQ(parse_response_head("HTTP/1.1 200 abcdefgh\r\n\r\n", "GET", limits, head, err),
            parse_status::error);
  EXPECT_EQ(err.status, 414);
  EXPECT_EQ(parse_response_head("HTTP/1.1 200 abcdefgh", "GET", limits, head, err),
            parse_status::error);
}

}  // namespace
