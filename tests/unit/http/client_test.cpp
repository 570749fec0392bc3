// netkit/http/client.hpp: urlopen and urlretrieve against netkit's own server on a reactor
// thread, and against small raw servers (written here) for the answers a well-behaved server
// never gives: bodies until close, chunked with extensions and trailers, bodies cut short,
// silence, redirect loops.
#include "netkit/http/client.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "helpers.hpp"
#include "netkit/socket/functions.hpp"
#include "netkit/socket/socket.hpp"

namespace http = netkit::http;
using namespace std::chrono_literals;

namespace {

std::string big_body() {
  std::string b(1 << 20, '\0');
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<char>((i * 7919) >> 3);
  return b;
}

// The routes the tests use.
void add_routes(http::server& srv) {
  srv.route("GET", "/", [](const http::request&, http::response& r) { r.body = "Hello, World!"; });
  srv.route("POST", "/echo", [](const http::request& q, http::response& r) {
    r.body = std::string(q.method) + " " + std::string(q.body);
  });
  srv.route("GET", "/echo", [](const http::request& q, http::response& r) {
    r.body = std::string(q.method) + " " + std::string(q.target);
  });
  srv.route("GET", "/lines",
            [](const http::request&, http::response& r) { r.body = "one\ntwo\r\n\nthree"; });
  srv.route("GET", "/big", [](const http::request&, http::response& r) {
    r.content_type = "application/octet-stream";
    r.body = big_body();
  });
  srv.route("GET", "/missing", [](const http::request&, http::response& r) {
    r.status = 404;
    r.body = "no such thing";
    r.headers.add("X-Why", "test");
  });
  srv.route("GET", "/empty", [](const http::request&, http::response& r) { r.status = 204; });
  // /to/<code>?<location>: a redirect with that status to that Location.
  srv.set_fallback([](const http::request& q, http::response& r) {
    if (q.path.substr(0, 4) == "/to/") {
      r.status = std::stoi(std::string(q.path.substr(4)));
      if (!q.query.empty()) r.headers.add("Location", q.query);
      r.body = "moved";
      return;
    }
    r.set_error(404);
  });
}

// netkit's server with those routes on a reactor of its own thread (helpers.hpp).
struct served : netkit_test::server_thread {
  served() : server_thread(add_routes) {}
};

// A loopback server that hands every connection, with the request head it sent (and the body
// its Content-Length announces), to `answer` on its own thread, one connection at a time.
class raw_server {
 public:
  using answer_fn = std::function<void(netkit::socket&, const std::string& request)>;

  explicit raw_server(answer_fn answer) : answer_(std::move(answer)) {
    listener_.bind({"127.0.0.1", 0});
    listener_.listen();
    port_ = listener_.getsockname().port();
    thread_ = std::thread([this] { serve(); });
  }
  raw_server(const raw_server&) = delete;
  raw_server& operator=(const raw_server&) = delete;
  ~raw_server() {
    stopping_ = true;
    try {
      netkit::create_connection({"127.0.0.1", port_}, 5.0);  // wakes accept()
    } catch (const netkit::socket_error&) {
    }
    thread_.join();
  }

  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  std::vector<std::string> requests() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stopping_) {
      auto [conn, peer] = listener_.accept();
      if (stopping_) break;
      conn.settimeout(5.0);
      std::string request;
      try {
        while (request.find("\r\n\r\n") == std::string::npos) {
          const netkit::bytes b = conn.recv(4096);
          if (b.empty()) break;
          request += b;
        }
        const auto cl = request.find("Content-Length: ");
        if (cl != std::string::npos) {
          const std::size_t want =
              request.find("\r\n\r\n") + 4 + std::stoul(request.substr(cl + 16));
          while (request.size() < want) {
            const netkit::bytes b = conn.recv(4096);
            if (b.empty()) break;
            request += b;
          }
        }
        {
          const std::lock_guard<std::mutex> lock(mutex_);
          requests_.push_back(request);
        }
        answer_(conn, request);
      } catch (const netkit::socket_error&) {  // the client went away: next connection
      }
    }
  }

  answer_fn answer_;
  netkit::socket listener_{AF_INET, SOCK_STREAM};
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// The path of a request ("GET /a HTTP/1.1..." -> "/a").
std::string path_of(const std::string& request) {
  const auto sp = request.find(' ');
  return request.substr(sp + 1, request.find(' ', sp + 1) - sp - 1);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// A port nothing listens on: bound, then closed.
int closed_port() {
  netkit::socket s(AF_INET, SOCK_STREAM);
  s.bind({"127.0.0.1", 0});
  return s.getsockname().port();
}

TEST(HttpClient, GetsAPageFromNetkitsServer) {
  served srv;
  http::url_response r = http::urlopen(srv.url("/"));
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.reason(), "OK");
  EXPECT_EQ(r.version(), 11);
  EXPECT_EQ(r.url(), srv.url("/"));
  EXPECT_EQ(r.headers().get("content-length"), "13");
  EXPECT_EQ(r.headers().get("Server"), "netkit");
  EXPECT_EQ(r.read(), "Hello, World!");
  EXPECT_EQ(r.read(), "");
  EXPECT_TRUE(r.closed());
}

TEST(HttpClient, SendsPythonsRequestFieldForField) {
  raw_server srv([](netkit::socket& c, const std::string&) {
    c.sendall("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });
  const std::string host = srv.url("").substr(7);
  EXPECT_EQ(http::urlopen(srv.url("/a%20b?x=1#frag")).read(), "ok");
  EXPECT_EQ(http::urlopen(srv.url(""), netkit::bytes_view("k=v&a=1")).read(), "ok");
  const auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 2u);
  // What python3 -c 'urllib.request.urlopen(...)' sends, but for the User-Agent.
  EXPECT_EQ(reqs[0], "GET /a%20b?x=1 HTTP/1.1\r\nAccept-Encoding: identity\r\nHost: " + host +
                         "\r\nUser-Agent: netkit-urllib/0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reqs[1],
            "POST / HTTP/1.1\r\nAccept-Encoding: identity\r\nContent-Type: "
            "application/x-www-form-urlencoded\r\nContent-Length: 7\r\nHost: " +
                host + "\r\nUser-Agent: netkit-urllib/0.1\r\nConnection: close\r\n\r\nk=v&a=1");
}

TEST(HttpClient, PostsDataAndKeepsTheFragmentInTheUrl) {
  served srv;
  EXPECT_EQ(http::urlopen(srv.url("/echo"), netkit::bytes_view("a=1")).read(), "POST a=1");
  auto r = http::urlopen(srv.url("/echo?q=2#top"));
  EXPECT_EQ(r.read(), "GET /echo?q=2");
  EXPECT_EQ(r.url(), srv.url("/echo?q=2#top"));
}

TEST(HttpClient, ReadsInPiecesLinesAndIteration) {
  served srv;
  {
    auto r = http::urlopen(srv.url("/lines"));
    EXPECT_EQ(r.read(2), "on");
    EXPECT_EQ(r.readline(), "e\n");
    EXPECT_EQ(r.readline(3), "two");
    EXPECT_EQ(r.readlines(), (std::vector<std::string>{"\r\n", "\n", "three"}));
    EXPECT_EQ(r.readline(), "");
  }
  {
    auto r = http::urlopen(srv.url("/lines"));
    std::vector<std::string> lines;
    for (const auto& line : r) lines.push_back(line);
    EXPECT_EQ(lines, (std::vector<std::string>{"one\n", "two\r\n", "\n", "three"}));
  }
  {
    auto r = http::urlopen(srv.url("/big"));
    std::string all;
    for (std::string b = r.read1(); !b.empty(); b = r.read1()) {
      EXPECT_LE(b.size(), 64u * 1024);
      all += b;
    }
    EXPECT_EQ(all, big_body());
  }
  {
    auto r = http::urlopen(srv.url("/big"));
    EXPECT_EQ(r.read(1000).size(), 1000u);
    EXPECT_EQ(r.read(1u << 30).size(), (1u << 20) - 1000);
  }
  {
    auto r = http::urlopen(srv.url("/empty"));
    EXPECT_EQ(r.status(), 204);
    EXPECT_EQ(r.read(), "");
  }
}

TEST(HttpClient, ReadsABodyUntilTheServerCloses) {
  raw_server srv([](netkit::socket& c, const std::string&) {
    c.sendall("HTTP/1.0 200  OK \r\nContent-Type: text/plain\r\n\r\nfirst part, ");
    c.sendall("second part");
  });
  auto r = http::urlopen(srv.url());
  EXPECT_EQ(r.reason(), "OK");  // trimmed, as http.client does
  EXPECT_EQ(r.version(), 10);
  EXPECT_EQ(r.read(), "first part, second part");
}

TEST(HttpClient, DecodesChunkedBodiesWithExtensionsAndTrailers) {
  raw_server srv([](netkit::socket& c, const std::string&) {
    c.sendall("HTTP/1.1 100 Continue\r\n\r\n");  // an interim answer is skipped
    c.sendall("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=\"v\"\r\nhel");
    c.sendall("lo\r\n7 ; a=b\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
  });
  auto r = http::urlopen(srv.url());
  EXPECT_EQ(r.read(), "hello, world");
  EXPECT_FALSE(r.headers().contains("X-Trailer"));
}

TEST(HttpClient, ABodyCutShortIsAnIncompleteReadOrAContentTooShortError) {
  raw_server srv([](netkit::socket& c, const std::string& request) {
    if (path_of(request) == "/chunked")
      c.sendall("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n9\r\nwor");
    else
      c.sendall("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
  });
  try {
    (void)http::urlopen(srv.url("/length")).read();
    FAIL() << "no incomplete_read";
  } catch (const http::incomplete_read& e) {
    EXPECT_EQ(e.partial(), "hello");
    EXPECT_EQ(e.expected(), 5u);
    EXPECT_STREQ(e.what(), "IncompleteRead(5 bytes read, 5 more expected)");
  }
  {  // read(n) just ends, as Python's read(amt)
    auto r = http::urlopen(srv.url("/length"));
    EXPECT_EQ(r.read(8), "hello");
    EXPECT_EQ(r.read(8), "");
  }
  try {
    (void)http::urlopen(srv.url("/chunked")).read();
    FAIL() << "no incomplete_read";
  } catch (const http::incomplete_read& e) {
    EXPECT_EQ(e.partial(), "hellowor");
    EXPECT_EQ(e.expected(), std::nullopt);
    EXPECT_STREQ(e.what(), "IncompleteRead(8 bytes read)");
  }
  const std::string file = ::testing::TempDir() + "client_test_short";
  try {
    http::urlretrieve(srv.url("/length"), file);
    FAIL() << "no content_too_short_error";
  } catch (const http::content_too_short_error& e) {
    EXPECT_STREQ(e.what(), "<urlopen error retrieval incomplete: got only 5 out of 10 bytes>");
    EXPECT_EQ(e.content().first, file);
    EXPECT_EQ(e.content().second.get("Content-Length"), "10");
    EXPECT_EQ(read_file(file), "hello");
  }
  std::remove(file.c_str());
}

TEST(HttpClient, FollowsEveryRedirectCodeOfAGet) {
  served srv;
  for (int code : {301, 302, 303, 307, 308}) {
    auto r = http::urlopen(srv.url("/to/" + std::to_string(code) + "?/echo"));
    EXPECT_EQ(r.status(), 200) << code;
    EXPECT_EQ(r.read(), "GET /echo") << code;
    EXPECT_EQ(r.url(), srv.url("/echo")) << code;
  }
}

TEST(HttpClient, RedirectsAPostAsPythonDoes) {
  raw_server srv([](netkit::socket& c, const std::string& request) {
    const std::string path = path_of(request);
    if (path.substr(0, 4) == "/to/") {
      c.sendall("HTTP/1.1 " + path.substr(4) +
                " Moved\r\nLocation: /done\r\nContent-Length: 0\r\n\r\n");
    } else {
      const std::string body = request.substr(0, request.find(' '));
      c.sendall("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                body);
    }
  });
  for (const char* code : {"301", "302", "303"}) {
    EXPECT_EQ(http::urlopen(srv.url(std::string("/to/") + code), netkit::bytes_view("x=1")).read(),
              "GET")
        << code;
    const std::string followed = srv.requests().back();
    EXPECT_EQ(followed.find("Content-"), std::string::npos) << followed;
  }
  for (int code : {307, 308}) {  // Python does not send a body again: HTTPError
    try {
      (void)http::urlopen(srv.url("/to/" + std::to_string(code)), netkit::bytes_view("x=1"));
      FAIL() << code;
    } catch (const http::http_error& e) {
      EXPECT_EQ(e.code(), code);
      EXPECT_EQ(e.url(), srv.url("/to/" + std::to_string(code)));
    }
  }
}

TEST(HttpClient, ResolvesARelativeLocationAndQuotesItAsPythonDoes) {
  raw_server srv([](netkit::socket& c, const std::string& request) {
    const std::string path = path_of(request);
    if (path == "/a/b/c") {
      c.sendall("HTTP/1.1 302 Found\r\nLocation: ../d e/\xe9?x=1#f\r\n\r\n");
    } else if (path == "/host") {
      const auto host = request.find("Host: ") + 6;
      c.sendall("HTTP/1.1 301 Moved\r\nURI: http://" +
                request.substr(host, request.find("\r\n", host) - host) + "\r\n\r\n");
    } else {
      c.sendall("HTTP/1.1 200 OK\r\n\r\n" + path);
    }
  });
  auto r = http::urlopen(srv.url("/a/b/c"));
  EXPECT_EQ(r.read(), "/a/d%20e/%E9?x=1");
  EXPECT_EQ(r.url(), srv.url("/a/d%20e/%E9?x=1#f"));
  auto h = http::urlopen(srv.url("/host"));  // "URI", and an empty path becomes "/"
  EXPECT_EQ(h.read(), "/");
  EXPECT_EQ(h.url(), srv.url("/"));
}

TEST(HttpClient, RedirectLoopsAndTooManyRedirectsAreHttpErrors) {
  raw_server srv([](netkit::socket& c, const std::string& request) {
    const std::string path = path_of(request);
    if (path == "/loop") {
      c.sendall("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 4\r\n\r\nloop");
    } else if (path.substr(0, 7) == "/chain/") {  // /chain/<n>/<limit>
      const auto slash = path.find('/', 7);
      const int n = std::stoi(path.substr(7, slash - 7));
      const int limit = std::stoi(path.substr(slash + 1));
      if (n < limit)
        c.sendall("HTTP/1.1 301 Moved Permanently\r\nLocation: /chain/" + std::to_string(n + 1) +
                  "/" + std::to_string(limit) + "\r\nContent-Length: 0\r\n\r\n");
      else
        c.sendall("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
  });
  try {
    (void)http::urlopen(srv.url("/loop"));
    FAIL() << "no http_error";
  } catch (const http::http_error& e) {
    EXPECT_EQ(e.code(), 302);
    EXPECT_EQ(e.reason(),
              "The HTTP server returned a redirect error that would lead to an infinite loop.\n"
              "The last 30x error message was:\nFound");
    EXPECT_EQ(std::string(e.what()), "HTTP Error 302: " + e.reason());
    EXPECT_EQ(e.url(), srv.url("/loop"));
    EXPECT_EQ(const_cast<http::http_error&>(e).read(), "loop");
  }
  EXPECT_EQ(srv.requests().size(), 5u);  // the first, then 4 repeats: max_repeats
  EXPECT_EQ(http::urlopen(srv.url("/chain/0/10")).read(), "ok");  // 10 redirects: fine
  try {
    (void)http::urlopen(srv.url("/chain/0/11"));
    FAIL() << "no http_error";
  } catch (const http::http_error& e) {
    EXPECT_EQ(e.code(), 301);
    EXPECT_EQ(e.url(), srv.url("/chain/10/11"));
  }
}

TEST(HttpClient, ErrorStatusesAreHttpErrorsWithAReadableBody) {
  served srv;
  try {
    (void)http::urlopen(srv.url("/missing"));
    FAIL() << "no http_error";
  } catch (http::http_error& e) {
    EXPECT_EQ(e.code(), 404);
    EXPECT_EQ(e.reason(), "Not Found");
    EXPECT_STREQ(e.what(), "HTTP Error 404: Not Found");
    EXPECT_EQ(e.url(), srv.url("/missing"));
    EXPECT_EQ(e.headers().get("X-Why"), "test");
    EXPECT_EQ(e.read(4), "no s");
    EXPECT_EQ(e.read(), "uch thing");
    const netkit::socket_error& as_os_error = e;  // HTTPError is a URLError is an OSError
    EXPECT_NE(std::string(as_os_error.what()), "");
  }
  for (const char* path : {"/to/302", "/to/300?/x", "/to/304?/x"}) {  // no Location / not followed
    try {
      (void)http::urlopen(srv.url(path));
      FAIL() << path;
    } catch (const http::http_error& e) {
      EXPECT_EQ(e.code(), std::stoi(std::string(path).substr(4, 3))) << path;
    }
  }
  try {
    (void)http::urlopen(srv.url("/to/302?file:///etc/passwd"));
    FAIL() << "no http_error";
  } catch (const http::http_error& e) {
    EXPECT_EQ(e.reason(), "Found - Redirection to url 'file:///etc/passwd' is not allowed");
    EXPECT_EQ(e.url(), "file:///etc/passwd");
  }
}

TEST(HttpClient, ConnectionFailuresAreUrlErrors) {
  const int port = closed_port();
  try {
    (void)http::urlopen("http://127.0.0.1:" + std::to_string(port) + "/");
    FAIL() << "no url_error";
  } catch (const http::url_error& e) {
    EXPECT_EQ(e.code(), std::errc::connection_refused);
    EXPECT_EQ(e.reason(), "[Errno 111] Connection refused");
    EXPECT_STREQ(e.what(), "<urlopen error [Errno 111] Connection refused>");
  }
  try {  // RFC 2606: .invalid never resolves
    (void)http::urlopen("http://nonexistent.invalid/");
    FAIL() << "no url_error";
  } catch (const http::url_error& e) {
    EXPECT_EQ(&e.code().category(), &netkit::gai_category());
    EXPECT_EQ(std::string(e.what()), "<urlopen error " + e.reason() + ">");
  }
}

TEST(HttpClient, ASilentServerTimesOutAsPythonDoes) {
  raw_server srv([](netkit::socket& c, const std::string&) {
    // Says nothing until the client gives up and closes.
    (void)c.recv(1);
  });
  const auto started = std::chrono::steady_clock::now();
  try {
    (void)http::urlopen(srv.url(), std::nullopt, 0.2);
    FAIL() << "no timeout";
  } catch (const netkit::timeout_error& e) {  // urllib leaves a read timeout unwrapped
    EXPECT_STREQ(e.what(), "timed out");
    EXPECT_EQ(e.code(), netkit::errc::timed_out);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(HttpClient, AServerThatClosesWithoutAnsweringIsRemoteDisconnected) {
  raw_server srv([](netkit::socket&, const std::string&) {});
  EXPECT_THROW((void)http::urlopen(srv.url()), http::remote_disconnected);
}

TEST(HttpClient, BadUrlsAreRefusedBeforeConnecting) {
  const auto reason = [](std::string_view url) -> std::string {
    try {
      (void)http::urlopen(url);
    } catch (const http::url_error& e) {
      return "url_error " + e.reason();
    } catch (const netkit::value_error& e) {
      return std::string("value_error ") + e.what();
    }
    return "no error";
  };
  EXPECT_EQ(reason("ftp://example.invalid/x"), "url_error unknown url type: ftp");
  EXPECT_EQ(reason("HTTPS://example.invalid/x"), "url_error unknown url type: https");
  EXPECT_EQ(reason("www.python.org"), "value_error unknown url type: 'www.python.org'");
  EXPECT_EQ(reason("http:///x"), "url_error no host given");
  EXPECT_EQ(reason("http://127.0.0.1:8x/"), "value_error nonnumeric port: '8x'");
  EXPECT_EQ(reason("http://127.0.0.1:1/a b"),
            "value_error URL can't contain control characters. '/a b' (found at least ' ')");
}

TEST(HttpClient, UrlretrieveCopiesToAFileAndReportsEachBlock) {
  served srv;
  std::vector<std::tuple<long long, long long, long long>> calls;
  const auto hook = [&](long long n, long long bs, long long total) {
    calls.emplace_back(n, bs, total);
  };
  const auto [name, headers] = http::urlretrieve(srv.url("/big"), {}, hook);
  EXPECT_EQ(read_file(name), big_body());
  EXPECT_EQ(headers.get("Content-Length"), std::to_string(1 << 20));
  ASSERT_EQ(calls.size(), 1u + (1u << 20) / 8192);
  for (std::size_t i = 0; i < calls.size(); ++i)
    EXPECT_EQ(calls[i], std::make_tuple(static_cast<long long>(i), 8192LL, 1LL << 20));
  http::urlcleanup();
  EXPECT_FALSE(exists(name));

  const std::string file = ::testing::TempDir() + "client_test_hello";
  EXPECT_EQ(http::urlretrieve(srv.url("/"), file).first, file);
  EXPECT_EQ(read_file(file), "Hello, World!");
  http::urlcleanup();
  EXPECT_TRUE(exists(file));  // only temporary files go
  std::remove(file.c_str());

  try {
    http::urlretrieve(srv.url("/"), ::testing::TempDir() + "no/such/dir/x");
    FAIL() << "no error";
  } catch (const netkit::socket_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_EQ(std::string(e.what()).substr(0, 39), "[Errno 2] No such file or directory: '/");
  }
}

TEST(HttpClient, UrlretrieveOfABodyUntilCloseReportsAnUnknownSize) {
  raw_server srv([](netkit::socket& c, const std::string&) {
    c.sendall("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(10000, 'x'));
  });
  std::vector<long long> totals;
  const auto [name, headers] = http::urlretrieve(
      srv.url(), {}, [&](long long, long long, long long total) { totals.push_back(total); });
  EXPECT_EQ(read_file(name), std::string(10000, 'x'));
  EXPECT_EQ(totals, (std::vector<long long>{-1, -1, -1}));
  http::urlcleanup();
}

}  // namespace
