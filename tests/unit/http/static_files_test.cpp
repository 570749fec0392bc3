// netkit/http/static_files.hpp: the handler behind a real server on a reactor thread, over a
// temporary directory, driven over loopback by a blocking client that parses the answers with
// netkit's own response parser. What SimpleHTTPRequestHandler does (301, index.html, listing,
// 304, 404, 501) and what netkit adds (Range, no symlink out of the root, sendfile bodies under
// flow control).
#include "netkit/http/static_files.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "helpers.hpp"
#include "netkit/http/directory_listing.hpp"
#include "netkit/http/http_date.hpp"
#include "netkit/socket/socket.hpp"

namespace http = netkit::http;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Every file gets this modification time, so Last-Modified and 304s are known in advance.
constexpr std::time_t file_mtime = 1700000000;  // Tue, 14 Nov 2023 22:13:20 GMT
constexpr const char* file_date = "Tue, 14 Nov 2023 22:13:20 GMT";

// A temporary directory, removed with everything in it on destruction.
class temp_dir {
 public:
  temp_dir() {
    std::string templ = (fs::temp_directory_path() / "netkit_static_files_XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = fs::canonical(templ);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& p, std::string_view content) {
  std::ofstream f(p, std::ios::binary);
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  f.close();
  const struct timespec times[2] = {{file_mtime, 0}, {file_mtime, 0}};
  if (::utimensat(AT_FDCWD, p.c_str(), times, 0) != 0) throw std::runtime_error("utimensat");
}

using netkit_test::answer;
using netkit_test::reader;

// static_files(root) on a reactor of its own thread (helpers.hpp).
struct served : netkit_test::server_thread {
  explicit served(const fs::path& root)
      : server_thread([&root](http::server& srv) { srv.set_fallback(http::static_files(root)); }) {}
};

class HttpStaticFiles : public testing::Test {
 protected:
  HttpStaticFiles() {
    const fs::path& r = root();
    write_file(r / "hello.txt", "Hello, static world!\n");
    write_file(r / "page.html", "<p>a page</p>\n");
    write_file(r / "a b.txt", "spaces\n");
    write_file(r / "empty.bin", "");
    write_file(r / "blob.unknownext", "\x00\x01\x02", 3);
    fs::create_directory(r / "with_index");
    write_file(r / "with_index" / "index.html", "<h1>index</h1>\n");
    write_file(r / "with_index" / "other.txt", "other\n");
    fs::create_directory(r / "list");
    write_file(r / "list" / "B.txt", "B\n");
    write_file(r / "list" / "a&<b>.txt", "amp\n");
    fs::create_directory(r / "list" / "sub dir");
    fs::create_symlink("../hello.txt", r / "list" / "link_in");
    write_file(outside_.path() / "secret.txt", "SECRET\n");
    fs::create_symlink(outside_.path() / "secret.txt", r / "link_out");
    fs::create_directory_symlink(outside_.path(), r / "dir_out");
    fs::create_symlink("hello.txt", r / "link_in.txt");
    fs::create_directory_symlink("with_index", r / "dir_in");
  }

  static void write_file(const fs::path& p, const char* data, std::size_t n) {
    ::write_file(p, std::string_view(data, n));
  }
  static void write_file(const fs::path& p, std::string_view content) { ::write_file(p, content); }

  const fs::path& root() const { return root_.path(); }

  // One request on a fresh connection; its answer.
  answer fetch(std::string_view target, std::string_view method = "GET",
               std::string_view extra_fields = "") {
    netkit::socket s = srv_.connect();
    s.sendall(std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" +
              std::string(extra_fields) + "\r\n");
    reader r(s);
    return r.next(method);
  }

  temp_dir root_;
  temp_dir outside_;
  served srv_{root_.path()};
};

TEST_F(HttpStaticFiles, ADirectoryWithoutItsSlashIsRedirected) {
  const answer a = fetch("/with_index?x=1#f");
  EXPECT_EQ(a.status, 301);
  EXPECT_EQ(a.get("Location"), "/with_index/?x=1#f");
  EXPECT_EQ(a.get("Content-Length"), "0");
  EXPECT_FALSE(a.has("Content-Type"));
  EXPECT_EQ(fetch("/list").get("Location"), "/list/");
  EXPECT_EQ(fetch("/list/sub%20dir").get("Location"), "/list/sub%20dir/");
}

TEST_F(HttpStaticFiles, ADirectoryWithAnIndexServesIt) {
  const answer a = fetch("/with_index/");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.get("Content-Type"), "text/html");
  EXPECT_EQ(a.body, "<h1>index</h1>\n");
  EXPECT_EQ(a.get("Last-Modified"), file_date);
  EXPECT_EQ(fetch("/dir_in/").body, "<h1>index</h1>\n");  // a symlink inside the root
}

TEST_F(HttpStaticFiles, ADirectoryWithoutAnIndexIsListed) {
  for (const std::string target : {"/list/", "/list/?q=1", "/", "/list/sub%20dir/"}) {
    const answer a = fetch(target);
    EXPECT_EQ(a.status, 200) << target;
    EXPECT_EQ(a.get("Content-Type"), "text/html; charset=utf-8") << target;
    const std::string dir = target == "/"                  ? root().string()
                            : target == "/list/sub%20dir/" ? (root() / "list" / "sub dir").string()
                                                           : (root() / "list").string();
    EXPECT_EQ(a.body, http::list_directory_html(target, http::read_directory(dir))) << target;
    EXPECT_EQ(a.get("Content-Length"), std::to_string(a.body.size())) << target;
    EXPECT_FALSE(a.has("Last-Modified")) << target;
  }
  const answer list = fetch("/list/");
  EXPECT_NE(list.body.find("<a href=\"a%26%3Cb%3E.txt\">a&amp;&lt;b&gt;.txt</a>"),
            std::string::npos)
      << list.body;
  EXPECT_NE(list.body.find("<a href=\"link_in\">link_in@</a>"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("<a href=\"sub%20dir/\">sub dir/</a>"), std::string::npos) << list.body;
}

TEST_F(HttpStaticFiles, AFileHasItsTypeLengthAndDate) {
  const answer a = fetch("/hello.txt");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "Hello, static world!\n");
  EXPECT_EQ(a.get("Content-Type"), "text/plain");
  EXPECT_EQ(a.get("Content-Length"), "21");
  EXPECT_EQ(a.get("Last-Modified"), file_date);
  EXPECT_EQ(http::format_http_date(file_mtime), file_date);
  EXPECT_FALSE(a.has("Connection"));  // keep-alive: a file is not an error
  EXPECT_EQ(fetch("/page.html").get("Content-Type"), "text/html");
  EXPECT_EQ(fetch("/blob.unknownext").get("Content-Type"), "application/octet-stream");
  EXPECT_EQ(fetch("/blob.unknownext").body, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(fetch("/a%20b.txt").body, "spaces\n");
  EXPECT_EQ(fetch("/hello.txt?x=1").body, "Hello, static world!\n");
  EXPECT_EQ(fetch("/list/../hello.txt").body, "Hello, static world!\n");
}

TEST_F(HttpStaticFiles, AnEmptyFileIsServedWithLengthZero) {
  const answer a = fetch("/empty.bin");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.get("Content-Length"), "0");
  EXPECT_EQ(a.body, "");
  EXPECT_EQ(a.get("Last-Modified"), file_date);
  const answer r = fetch("/empty.bin", "GET", "Range: bytes=0-\r\n");
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.get("Content-Range"), "bytes */0");
  EXPECT_EQ(fetch("/empty.bin", "GET", "Range: bytes=-5\r\n").status, 200);
}

TEST_F(HttpStaticFiles, HeadHasTheFieldsOfGetButNoBody) {
  netkit::socket s = srv_.connect();
  s.sendall(
      "HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /list/ HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /missing HTTP/1.1\r\nHost: x\r\n\r\n");
  reader r(s);
  const answer head = r.next("HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.get("Content-Length"), "21");
  EXPECT_EQ(head.get("Content-Type"), "text/plain");
  EXPECT_EQ(head.get("Last-Modified"), file_date);
  EXPECT_EQ(head.body, "");
  const answer list = r.next("HEAD");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.get("Content-Length"),
            std::to_string(
                http::list_directory_html("/list/", http::read_directory(root() / "list")).size()));
  // Had a body followed either HEAD, this answer would not parse as one.
  EXPECT_EQ(r.next().body, "Hello, static world!\n");
  const answer missing = r.next("HEAD");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.get("Content-Length"), "0");  // the error page's length, as Python sends
  EXPECT_EQ(missing.body, "");
  EXPECT_TRUE(r.closed());
}

TEST_F(HttpStaticFiles, IfModifiedSinceGives304UnlessIfNoneMatchIsThere) {
  const answer same =
      fetch("/hello.txt", "GET", "If-Modified-Since: " + std::string(file_date) + "\r\n");
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.body, "");
  EXPECT_FALSE(same.has("Content-Length"));
  EXPECT_FALSE(same.has("Content-Type"));
  EXPECT_FALSE(same.has("Connection"));
  EXPECT_EQ(
      fetch("/hello.txt", "GET", "If-Modified-Since: Wed, 01 Jan 2100 00:00:00 GMT\r\n").status,
      304);
  EXPECT_EQ(
      fetch("/hello.txt", "GET", "If-Modified-Since: Tue, 14 Nov 2023 22:13:19 GMT\r\n").status,
      200);
  EXPECT_EQ(fetch("/hello.txt", "GET",
                  "If-Modified-Since: " + std::string(file_date) + "\r\nIf-None-Match: \"x\"\r\n")
                .status,
            200);
  EXPECT_EQ(fetch("/hello.txt", "GET", "If-Modified-Since: not a date\r\n").status, 200);
  // A non-zero offset: Python's comparison does not apply and the file is sent.
  EXPECT_EQ(
      fetch("/hello.txt", "GET", "If-Modified-Since: Wed, 01 Jan 2100 00:00:00 +0100\r\n").status,
      200);
  // A directory's listing has no date to compare: always 200.
  EXPECT_EQ(fetch("/list/", "GET", "If-Modified-Since: Wed, 01 Jan 2100 00:00:00 GMT\r\n").status,
            200);
}

TEST_F(HttpStaticFiles, WhatIsNotThereIs404) {
  for (const char* target : {"/missing", "/hello.txt/", "/list/missing/", "/with_index/nope.html",
                             "/%00", "/hello.txt%00", "/list/B.txt/x"}) {
    const answer a = fetch(target);
    EXPECT_EQ(a.status, 404) << target;
    EXPECT_EQ(a.reason, "File not found") << target;
    EXPECT_EQ(a.get("Content-Type"), "text/html;charset=utf-8") << target;
    EXPECT_EQ(a.get("Connection"), "close") << target;
    EXPECT_NE(a.body.find("<p>Error code: 404</p>"), std::string::npos) << target;
  }
}

TEST_F(HttpStaticFiles, MethodsOtherThanGetAndHeadAre501) {
  netkit::socket s = srv_.connect();
  s.sendall("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  reader r(s);
  const answer a = r.next("POST");
  EXPECT_EQ(a.status, 501);
  EXPECT_EQ(a.reason, "Unsupported method ('POST')");
  EXPECT_TRUE(r.closed());
  EXPECT_EQ(fetch("/", "PUT").status, 501);
  EXPECT_EQ(fetch("/", "DELETE").status, 501);
}

TEST_F(HttpStaticFiles, ASingleRangeIs206AndAnUnsatisfiableOne416) {
  netkit::socket s = srv_.connect();
  s.sendall(
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=7-12\r\n\r\n"
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=-7\r\n\r\n"
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=100-\r\n\r\n"
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1,3-4\r\n\r\n"
      "HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=1-2\r\n\r\n"
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=5-\r\nConnection: close\r\n\r\n");
  reader r(s);
  const answer part = r.next();
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, "static");
  EXPECT_EQ(part.get("Content-Range"), "bytes 7-12/21");
  EXPECT_EQ(part.get("Content-Length"), "6");
  EXPECT_EQ(part.get("Content-Type"), "text/plain");
  EXPECT_EQ(part.get("Last-Modified"), file_date);
  const answer suffix = r.next();
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.body, "world!\n");
  EXPECT_EQ(suffix.get("Content-Range"), "bytes 14-20/21");
  const answer beyond = r.next();
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.get("Content-Range"), "bytes */21");
  EXPECT_FALSE(beyond.has("Connection"));  // still usable: the next answers come on it
  const answer several = r.next();
  EXPECT_EQ(several.status, 200);  // several ranges: the whole file
  EXPECT_EQ(several.body, "Hello, static world!\n");
  const answer head = r.next("HEAD");
  EXPECT_EQ(head.status, 206);
  EXPECT_EQ(head.get("Content-Length"), "2");
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(r.next().body, ", static world!\n");
  EXPECT_TRUE(r.closed());
}

TEST_F(HttpStaticFiles, ASymlinkOutOfTheRootIs404AndOneInsideIsServed) {
  EXPECT_EQ(fetch("/link_out").status, 404);
  EXPECT_EQ(fetch("/dir_out/").status, 404);
  EXPECT_EQ(fetch("/dir_out").status, 404);  // not even a 301 that would reveal a directory
  EXPECT_EQ(fetch("/dir_out/secret.txt").status, 404);
  const answer in = fetch("/link_in.txt");
  EXPECT_EQ(in.status, 200);
  EXPECT_EQ(in.body, "Hello, static world!\n");
  EXPECT_EQ(fetch("/list/link_in").body, "Hello, static world!\n");
  EXPECT_EQ(fetch("/dir_in/other.txt").body, "other\n");
  // A symlink made while serving is checked at each request.
  fs::create_symlink(outside_.path() / "secret.txt", root() / "late_link");
  EXPECT_EQ(fetch("/late_link").status, 404);
}

TEST_F(HttpStaticFiles, AFileRemovedBetweenRequestsIs404) {
  write_file(root() / "gone.txt", "here\n");
  netkit::socket s = srv_.connect();
  reader r(s);
  s.sendall("GET /gone.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.next().body, "here\n");
  fs::remove(root() / "gone.txt");
  s.sendall("GET /gone.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.next().status, 404);
  write_file(root() / "gone.txt", "back\n");
  EXPECT_EQ(fetch("/gone.txt").body, "back\n");
}

TEST_F(HttpStaticFiles, A20MiBFileReachesASlowReaderWholeWhileOthersAreServed) {
  constexpr std::size_t size = 20u << 20;
  std::string content(size, '\0');
  std::mt19937 gen(12345);
  for (char& c : content) c = static_cast<char>(gen() & 0xFF);
  write_file(root() / "big.bin", content);

  // A small receive window and nothing read at first: the server's sendfile must stop
  // (EAGAIN) long before 20 MiB are out, and wait for the window to open again.
  netkit::socket slow = srv_.connect(16384);
  slow.sendall(
      "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=10485760-10485775\r\n\r\n"
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  // Meanwhile the loop serves another client: a stalled body does not block it.
  const answer other = fetch("/hello.txt");
  EXPECT_EQ(other.body, "Hello, static world!\n");

  reader r(slow, 4096);  // small reads: the window opens a little at a time
  const answer a = r.next();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.get("Content-Length"), std::to_string(size));
  ASSERT_EQ(a.body.size(), size);
  std::size_t first_difference = size;
  for (std::size_t i = 0; i < size; ++i) {
    if (a.body[i] != content[i]) {
      first_difference = i;
      break;
    }
  }
  EXPECT_EQ(first_difference, size) << "the body differs from the file at this offset";
  const answer part = r.next();
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, content.substr(10485760, 16));
  EXPECT_EQ(r.next().body, "Hello, static world!\n");  // in order, after both file bodies
}

// Regression (found under ThreadSanitizer by tests/faults/http_server.py, a 50 MB download cut
// at 36 MB): after a connection's last answer the server lingers 2 s for the client's FIN, and
// at the end of the linger it reset a client still taking the file, however steadily. An
// HTTP/1.0 client reading 12 MiB at about 3 MiB/s must get all of it: the kernel's send buffer
// (at most 4 MiB here, net.ipv4.tcp_wmem) takes a third, the rest waits in the server for
// longer than the linger.
TEST_F(HttpStaticFiles, AnHttp10ClientReadingSlowlyGetsTheWholeFile) {
  constexpr std::size_t size = 12u << 20;
  std::string content(size, '\0');
  std::mt19937 gen(2026);
  for (char& c : content) c = static_cast<char>(gen() & 0xFF);
  write_file(root() / "slow.bin", content);

  netkit::socket slow = srv_.connect(16384);
  slow.sendall("GET /slow.bin HTTP/1.0\r\n\r\n");
  std::string got;
  try {
    for (;;) {
      const netkit::bytes chunk = slow.recv(32768);
      if (chunk.empty()) break;
      got += chunk;
      // Paces the reader (at most 32 KiB every 10 ms: 4 s or more in all); not a wait for
      // anything.
      std::this_thread::sleep_for(10ms);
    }
  } catch (const std::exception& e) {
    FAIL() << "after " << got.size() << " bytes: " << e.what();
  }
  const std::size_t end = got.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(got.substr(8, 5), " 200 ") << got.substr(0, end);
  EXPECT_EQ(got.size() - end - 4, size);
  EXPECT_TRUE(got.compare(end + 4, std::string::npos, content) == 0) << "the body differs";
}

// Regression (found by tests/interop/http_server.py): "//host/x" names the directory x, and its
// 301 must not send the browser to "host". The server collapses the leading slashes first, as
// Python 3.11.7's parse_request does (gh-87389).
TEST_F(HttpStaticFiles, ADoubleSlashDoesNotRedirectOffTheSite) {
  EXPECT_EQ(fetch("//list").get("Location"), "/list/");
  const std::string location = fetch("//evil.example/%2e%2e").get("Location");
  EXPECT_FALSE(location.starts_with("//")) << location;
}

// Content-Length was promised from fstat; when the file shrinks mid-body the promise cannot be
// kept: the connection must close short (not hang, not spin) and the server serve on.
TEST_F(HttpStaticFiles, AFileTruncatedWhileSentClosesTheConnectionShort) {
  constexpr std::size_t size = 20u << 20;
  write_file(root() / "shrinks.bin", std::string(size, 'x'));
  netkit::socket s = srv_.connect(16384);
  s.sendall("GET /shrinks.bin HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string received;
  while (received.find("\r\n\r\n") == std::string::npos) {
    const netkit::bytes b = s.recv(4096);
    ASSERT_FALSE(b.empty());
    received += b;
  }
  // The head is here: the handler has run and the file is open with its 20 MiB length.
  fs::resize_file(root() / "shrinks.bin", 1000);
  std::size_t total = received.size();
  for (netkit::bytes b; !(b = s.recv(65536)).empty();) total += b.size();  // EOF, within 10 s
  EXPECT_LT(total, size);
  EXPECT_EQ(fetch("/hello.txt").body, "Hello, static world!\n");
}

}  // namespace
