// netkit/http/server.hpp: the server on a real reactor, driven over loopback by a blocking
// client that reads the answers with netkit's own response parser.
#include "netkit/http/server.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "netkit/reactor/reactor.hpp"
#include "netkit/socket/socket.hpp"
#include "netkit/testing/string_transport.hpp"

namespace http = netkit::http;
using namespace std::chrono_literals;

namespace {

using netkit_test::answer;
using netkit_test::reader;

void add_routes(http::server& srv) {
  srv.route("GET", "/", [](const http::request&, http::response& r) { r.body = "Hello, World!"; });
  srv.route("POST", "/echo", [](const http::request& q, http::response& r) {
    r.content_type = "application/octet-stream";
    r.body = std::string(q.body);
  });
  srv.route("GET", "/echo", [](const http::request& q, http::response& r) {
    r.body = std::string(q.method) + " " + std::string(q.path) + " ? " + std::string(q.query);
    if (auto ua = q.header("x-test")) r.headers.add("X-Seen", *ua);
  });
  srv.route("GET", "/throw", [](const http::request&, http::response&) -> void {
    throw std::runtime_error("handler failed on purpose");
  });
  // ?n=N pieces of "piece I\n", made as they go out.
  srv.route("GET", "/stream", [](const http::request& q, http::response& r) {
    const int n = q.query.empty() ? 3 : std::stoi(std::string(q.query.substr(2)));
    r.stream = [n, i = 0](std::string& out) mutable {
      out += "piece " + std::to_string(i) + "\n";
      return ++i < n;
    };
  });
  // 8 MiB in 64 KiB pieces: more than the transport's high-water mark many times over.
  srv.route("GET", "/big-stream", [](const http::request&, http::response& r) {
    r.stream = [i = 0](std::string& out) mutable {
      out.assign(64 * 1024, static_cast<char>('a' + i % 26));
      return ++i < 128;
    };
  });
}

std::string pieces(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "piece " + std::to_string(i) + "\n";
  return s;
}

// A server with those routes on a reactor of its own thread (helpers.hpp).
struct served : netkit_test::server_thread {
  explicit served(http::server_options opt = netkit_test::quiet())
      : server_thread(add_routes, std::move(opt)) {}
};

TEST(HttpServer, AnswersAGetWithItsFields) {
  served srv;
  netkit::socket s = srv.connect();
  s.sendall("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  reader r(s);
  const answer a = r.next();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.reason, "OK");
  EXPECT_EQ(a.body, "Hello, World!");
  EXPECT_EQ(a.get("Content-Length"), "13");
  EXPECT_EQ(a.get("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(a.get("Server"), "netkit");
  EXPECT_TRUE(a.has("Date"));
  EXPECT_FALSE(a.has("Connection"));
}

TEST(HttpServer, KeepsTheConnectionAliveAndAnswersPipelinedRequestsInOrder) {
  served srv;
  netkit::socket s = srv.connect();
  s.sendall(
      "GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /echo?n=2 HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "GET /echo?n=4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  reader r(s);
  EXPECT_EQ(r.next().body, "GET /echo ? n=1");
  EXPECT_EQ(r.next().body, "GET /echo ? n=2");
  EXPECT_EQ(r.next("POST").body, "hello");
  const answer last = r.next();
  EXPECT_EQ(last.body, "GET /echo ? n=4");
  EXPECT_EQ(last.get("Connection"), "close");
  EXPECT_TRUE(r.closed());
}

// One read holding several requests gets its answers in one write (one send(2)), not one
// write per answer; a file body, a stream or a close ends such a batch.
TEST(HttpServer, PipelinedAnswersLeaveInOneWrite) {
  netkit::reactor loop;
  http::server srv(loop, netkit_test::quiet());
  add_routes(srv);
  const auto f = srv.factory();
  netkit::string_transport t;
  const auto p = f->build_protocol(t.get_peer());
  p->make_connection(t, f.get());
  p->data_received(
      "GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "GET /echo?n=3 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(t.write_calls(), 1);
  const std::string out(t.value());
  EXPECT_NE(out.find("GET /echo ? n=1"), std::string::npos);
  EXPECT_LT(out.find("GET /echo ? n=1"), out.find("hello"));
  EXPECT_LT(out.find("hello"), out.find("GET /echo ? n=3"));

  // A streamed answer in the middle: what came before it is written first, in order.
  t.clear();
  p->data_received(
      "GET /echo?n=4 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /stream?n=2 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /echo?n=6 HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string second(t.value());
  EXPECT_LT(second.find("GET /echo ? n=4"), second.find("piece 0"));
  EXPECT_LT(second.find("piece 1"), second.find("GET /echo ? n=6"));
  EXPECT_FALSE(t.disconnecting());
}

TEST(HttpServer, ARequestTricklingInByteByByteIsAnswered) {
  served srv;
  netkit::socket s = srv.connect();
  s.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
  const std::string req =
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n";
  for (char c : req) s.sendall(std::string_view(&c, 1));
  reader r(s);
  const answer a = r.next("POST");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "hello world");
}

TEST(HttpServer, HeadGetsTheFieldsWithoutTheBody) {
  served srv;
  netkit::socket s = srv.connect();
  s.sendall("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
  reader r(s);
  const answer head = r.next("HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.get("Content-Length"), "13");
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(r.next().body, "Hello, World!");  // the body was not sent: the next answer parses
}

TEST(HttpServer, UnknownPathsMethodsAndWrongMethodsAnswerAsPythonDoes) {
  served srv;
  {
    netkit::socket s = srv.connect();
    s.sendall("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
    reader r(s);
    const answer a = r.next();
    EXPECT_EQ(a.status, 404);
    EXPECT_EQ(a.get("Content-Type"), "text/html;charset=utf-8");
    EXPECT_NE(a.body.find("<p>Error code: 404</p>"), std::string::npos);
    EXPECT_EQ(a.get("Connection"), "close");  // send_error closes, as Python's does
    EXPECT_TRUE(r.closed());
  }
  {
    netkit::socket s = srv.connect();
    s.sendall("DELETE / HTTP/1.1\r\nHost: x\r\n\r\n");
    reader r(s);
    const answer a = r.next();
    EXPECT_EQ(a.status, 405);
    EXPECT_EQ(a.get("Allow"), "GET");
  }
  {
    netkit::socket s = srv.connect();
    s.sendall("BREW / HTTP/1.1\r\nHost: x\r\n\r\n");
    reader r(s);
    const answer a = r.next();
    EXPECT_EQ(a.status, 501);
    EXPECT_EQ(a.reason, "Unsupported method ('BREW')");
  }
}

TEST(HttpServer, ExpectContinueGetsA100BeforeTheBody) {
  served srv;
  netkit::socket s = srv.connect();
  s.sendall("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  reader r(s);
  const answer interim = r.next("POST");
  EXPECT_EQ(interim.status, 100);
  s.sendall("data");
  const answer a = r.next("POST");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "data");
}

TEST(HttpServer, Http10ClosesUnlessAskedToKeepAlive) {
  served srv;
  {
    netkit::socket s = srv.connect();
    s.sendall("GET / HTTP/1.0\r\n\r\n");
    reader r(s);
    const answer a = r.next();
    EXPECT_EQ(a.body, "Hello, World!");
    EXPECT_EQ(a.get("Connection"), "close");
    EXPECT_TRUE(r.closed());
  }
  {
    netkit::socket s = srv.connect();
    s.sendall("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n");
    reader r(s);
    EXPECT_EQ(r.next().get("Connection"), "keep-alive");
    EXPECT_EQ(r.next().get("Connection"), "close");
    EXPECT_TRUE(r.closed());
  }
}

TEST(HttpServer, AHalfClosingClientGetsEveryAnswer) {
  served srv;
  netkit::socket s = srv.connect();
  s.sendall("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  s.shutdown(SHUT_WR);
  reader r(s);
  EXPECT_EQ(r.next().body, "Hello, World!");
  EXPECT_EQ(r.next().body, "GET /echo ? ");
  EXPECT_TRUE(r.closed());
}

TEST(HttpServer, AStreamedBodyIsChunkedAndTheNextAnswerFollowsIt) {
  served srv;
  netkit::socket s = srv.connect();
  s.sendall("GET /stream?n=5 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
  reader r(s);
  const answer a = r.next();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.get("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(a.has("Content-Length"));
  EXPECT_EQ(a.body, pieces(5));
  EXPECT_EQ(r.next().body, "Hello, World!");  // kept alive, in order
}

TEST(HttpServer, AStreamedBodyGoesToAnHttp10ClientUntilTheClose) {
  served srv;
  netkit::socket s = srv.connect();
  s.sendall("GET /stream?n=4 HTTP/1.0\r\n\r\n");
  s.shutdown(SHUT_WR);  // as `printf ... | nc` does: the answer must still be whole
  reader r(s);
  const answer a = r.next();
  EXPECT_EQ(a.status, 200);
  EXPECT_FALSE(a.has("Transfer-Encoding"));
  EXPECT_EQ(a.get("Connection"), "close");
  EXPECT_EQ(a.body, pieces(4));
  EXPECT_TRUE(r.closed());
}

TEST(HttpServer, AStreamThroughASmallWindowLosesNothing) {
  served srv;
  netkit::socket s = srv.connect(16384);
  s.sendall("GET /big-stream HTTP/1.1\r\nHost: x\r\n\r\nHEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  // The client's small receive window fills the server's queue past its high-water mark: the
  // stream must pause and resume without losing or reordering a byte.
  reader r(s);
  const answer a = r.next();
  ASSERT_EQ(a.body.size(), 128u * 64 * 1024);
  for (std::size_t i = 0; i < 128; ++i)
    ASSERT_EQ(a.body[i * 64 * 1024], static_cast<char>('a' + i % 26)) << "piece " << i;
  const answer head = r.next("HEAD");
  EXPECT_EQ(head.get("Transfer-Encoding"), "chunked");
  EXPECT_EQ(head.body, "");
}

struct refusal {
  std::string name;
  std::string request;
  int status;
};

class HttpServerRefuses : public testing::TestWithParam<refusal> {};

TEST_P(HttpServerRefuses, WithItsStatusThenCloses) {
  served srv;
  netkit::socket s = srv.connect();
  s.sendall(GetParam().request);
  reader r(s);
  const answer a = r.next();
  EXPECT_EQ(a.status, GetParam().status);
  EXPECT_EQ(a.get("Connection"), "close");
  EXPECT_TRUE(r.closed());
  // ... and the server carries on.
  netkit::socket t = srv.connect();
  t.sendall("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  reader rt(t);
  EXPECT_EQ(rt.next().status, 200);
}

std::string many_fields(int n) {
  std::string s = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < n; ++i) s += "X-" + std::to_string(i) + ": v\r\n";
  return s + "\r\n";
}

INSTANTIATE_TEST_SUITE_P(
    Limits, HttpServerRefuses,
    testing::Values(
        refusal{"LongTarget", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
                414},
        refusal{"TooManyFields", many_fields(10000), 431},
        refusal{"HugeField",
                "GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(70000, 'v') + "\r\n\r\n", 431},
        refusal{"OneGigabyteBodyAnnounced",
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n", 413},
        refusal{"Garbage", "\x16\x03\x01 hello\r\n\r\n", 400},
        refusal{"NoHost", "GET / HTTP/1.1\r\n\r\n", 400},
        refusal{"LengthAndChunked",
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: "
                "chunked\r\n\r\n0\r\n\r\n",
                400},
        refusal{"Http2", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
        refusal{"BadChunk",
                "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
        refusal{"Throws", "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n", 500}),
    [](const testing::TestParamInfo<refusal>& p) { return p.param.name; });

TEST(HttpServer, AClientTooSlowToSendItsHeadGets408) {
  http::server_options o = netkit_test::quiet();
  o.header_timeout = 200ms;
  served srv(o);
  netkit::socket s = srv.connect();
  s.sendall("GET / HTTP/1.1\r\nHo");
  reader r(s);
  const answer a = r.next();  // waits on the socket (bounded by its 10 s timeout)
  EXPECT_EQ(a.status, 408);
  EXPECT_TRUE(r.closed());
}

TEST(HttpServer, AnIdleConnectionIsClosed) {
  http::server_options o = netkit_test::quiet();
  o.idle_timeout = 200ms;
  served srv(o);
  netkit::socket s = srv.connect();
  s.sendall("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  reader r(s);
  EXPECT_EQ(r.next().status, 200);
  EXPECT_TRUE(r.closed());  // no second request: the server hangs up
}

TEST(HttpServer, LogsEachAnswerAsPythonDoes) {
  std::mutex m;
  std::vector<std::string> lines;
  http::server_options o;
  o.access_log_sink = [&](std::string_view line) {
    std::lock_guard<std::mutex> lock(m);
    lines.emplace_back(line);
  };
  {
    served srv(o);
    netkit::socket s = srv.connect();
    s.sendall("GET /?q=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    reader r(s);
    EXPECT_EQ(r.next().status, 200);
    EXPECT_TRUE(r.closed());
  }
  ASSERT_EQ(lines.size(), 1u);
  const std::string& l = lines[0];
  EXPECT_EQ(l.rfind("127.0.0.1 - - [", 0), 0u) << l;
  EXPECT_NE(l.find("] \"GET /?q=1 HTTP/1.1\" 200 -\n"), std::string::npos) << l;
}

}  // namespace
