// netkit/http/client.hpp — a blocking HTTP/1.1 client for http:// URLs (public); Python's
// urllib.request.urlopen, urlretrieve and urlcleanup with urllib.error's exceptions.
//
//   auto r = netkit::http::urlopen("http://127.0.0.1:8000/");   // follows redirects
//   for (const auto& line : r) std::cout << line;                 // or r.read(), r.read(8192)
//   auto [file, hdrs] = netkit::http::urlretrieve("http://127.0.0.1:8000/x", "x.html");
//
// One request per connection, as urllib.request: the request says "Connection: close". The
// request is Python's, field for field and in its order, with our User-Agent (user_agent below):
//   GET /p?q HTTP/1.1 | Accept-Encoding: identity | [Content-Type:
//   application/x-www-form-urlencoded | Content-Length: n] | Host | User-Agent | Connection: close
// The body is read from the socket as the caller asks for it, through one buffer (64 KiB), and
// decoded by body_decoder: Content-Length, chunked (extensions and trailers skipped) or until
// the server closes.
//
// Errors, as urllib raises them:
//   url_error     (URLError, an OSError)  the connection could not be made or the request not
//                 sent: refused, DNS (the gai message), a connect timeout; "unknown url type".
//   http_error    (HTTPError)  a final status outside 2xx, a redirect loop or more than 10
//                 redirects; its body stays readable.
//   timeout_error (TimeoutError)  a timeout while waiting for the answer or its body: urllib
//                 does not wrap those (do_open wraps only the connect and the send).
//   remote_disconnected (RemoteDisconnected)  the server closed without answering.
//   http_exception (http.client.HTTPException)  an answer that is not HTTP we can read;
//   incomplete_read (IncompleteRead)  a body cut short (read() of a Content-Length body; any
//                 read of a chunked one).
//   content_too_short_error (ContentTooShortError)  urlretrieve got fewer bytes than announced.
//   value_error   (ValueError)  a URL without a scheme ("unknown url type: 'www'"); its
//                 invalid_url (InvalidURL): control characters or a space, a nonnumeric port.
// Redirects are HTTPRedirectHandler's (3.11): 301, 302, 303, 307 and 308 of a GET are followed
// as a GET; 301, 302 and 303 of a POST as a GET without the body; 307 and 308 of a POST are an
// http_error (Python does not re-send a body). Location (or URI) is percent-encoded as Python
// does and resolved with urljoin; only http, https, ftp or relative targets are followed (the
// others: http_error "... - Redirection to url '...' is not allowed"); a URL reached for the
// fifth time, or an eleventh redirect, is an http_error with Python's infinite-loop message.
//
// Thread safety: urlopen and urlretrieve may run on many threads at once; a url_response (and
// an http_error's body) belongs to one thread at a time. urlcleanup is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "netkit/bytes.hpp"
#include "netkit/error.hpp"
#include "netkit/http/body_decoder.hpp"
#include "netkit/http/header_fields.hpp"
#include "netkit/http/parser.hpp"
#include "netkit/socket/functions.hpp"
#include "netkit/socket/socket.hpp"

namespace netkit::http {

// Ours in place of Python's "Python-urllib/3.11": the project's major.minor version.
inline constexpr std::string_view user_agent = "netkit-urllib/0.1";

// URLError: an OSError whose reason is the underlying error (code() is its code: ECONNREFUSED,
// a gai_category() code, errc::timed_out) or a text alone (code() is then empty).
// what(): "<urlopen error [Errno 111] Connection refused>".
class url_error : public socket_error {
 public:
  url_error(std::error_code ec, std::string reason);
  // Python's str(e.reason): "[Errno 111] Connection refused", "timed out", "unknown url type:
  // ftp".
  const std::string& reason() const noexcept { return reason_; }

 protected:
  url_error(std::error_code ec, std::string reason, std::string what);

 private:
  std::string reason_;
};

class url_response;

// HTTPError: the final answer's status was not 2xx. what(): "HTTP Error 404: Not Found".
// The answer's body can still be read, as from Python's HTTPError (e.read()). Copies of the
// exception share that body.
class http_error : public url_error {
 public:
  http_error(std::string url, int code, std::string reason, http::headers headers,
             std::shared_ptr<url_response> body);

  // Python's e.code (e.status); hides std::system_error::code(), which is empty here.
  int code() const noexcept { return code_; }
  const std::string& url() const noexcept { return url_; }
  const http::headers& headers() const noexcept { return headers_; }
  // The answer's body, read as from url_response (empty when there is none).
  bytes read();
  bytes read(std::size_t n);
  // The answer itself, when there is one (null for an error made without a connection).
  url_response* response() const noexcept { return body_.get(); }

 private:
  int code_;
  std::string url_;
  http::headers headers_;
  std::shared_ptr<url_response> body_;
};

// ContentTooShortError: urlretrieve got fewer bytes than Content-Length announced. content()
// is what urlretrieve would have returned: (filename, headers).
// what(): "<urlopen error retrieval incomplete: got only 5 out of 10 bytes>".
class content_too_short_error : public url_error {
 public:
  content_too_short_error(std::string message, std::pair<std::string, http::headers> content);
  const std::pair<std::string, http::headers>& content() const noexcept { return content_; }

 private:
  std::pair<std::string, http::headers> content_;
};

// http.client.RemoteDisconnected (a ConnectionResetError): the server closed the connection
// before the first byte of an answer. what(): "Remote end closed connection without response".
class remote_disconnected : public socket_error {
 public:
  remote_disconnected();
};

// http.client.HTTPException: the server's answer cannot be read as HTTP (a bad status line or
// field, a broken chunked framing). Not an OSError in Python, so not a socket_error here.
class http_exception : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// http.client.InvalidURL (a ValueError): a nonnumeric port, control characters or spaces in
// the host or the path ("URL can't contain control characters. '/a b' (found at least ' ')").
class invalid_url : public value_error {
 public:
  using value_error::value_error;
};

// http.client.IncompleteRead: the body ended early. partial() is what was read (by the call
// that failed); expected() how many more bytes Content-Length promised (none for chunked).
// what(): "IncompleteRead(5 bytes read, 5 more expected)" or "IncompleteRead(5 bytes read)".
class incomplete_read : public http_exception {
 public:
  incomplete_read(bytes partial, std::optional<std::uint64_t> expected);
  const bytes& partial() const noexcept { return partial_; }
  std::optional<std::uint64_t> expected() const noexcept { return expected_; }

 private:
  bytes partial_;
  std::optional<std::uint64_t> expected_;
};

// What urlopen returns: Python's http.client.HTTPResponse as urllib hands it out. Move-only;
// the connection closes when the body has been read, on close() or on destruction.
// (Named url_response because http::response is the server's answer, server.hpp.)
class url_response {
 public:
  url_response(url_response&&) noexcept;
  url_response& operator=(url_response&&) noexcept;
  url_response(const url_response&) = delete;
  url_response& operator=(const url_response&) = delete;
  ~url_response();

  int status() const noexcept { return status_; }                 // r.status, r.getcode()
  const std::string& reason() const noexcept { return reason_; }  // r.reason, whitespace trimmed
  const http::headers& headers() const noexcept { return headers_; }  // r.headers, r.info()
  const std::string& url() const noexcept { return url_; }  // r.url, r.geturl(): after redirects
  int version() const noexcept { return version_; }         // 10 or 11, as r.version

  // The rest of the body. A Content-Length body cut short throws incomplete_read.
  bytes read();
  // Up to n bytes: fewer only at the end of the body (blocks until n bytes or the end, as
  // Python's read(n)). A Content-Length body cut short just ends (Python's read(amt) does not
  // raise); a chunked one throws incomplete_read.
  bytes read(std::size_t n);
  // At most n bytes, with at most one receive from the socket; empty only at the end of the
  // body (Python's read1).
  bytes read1(std::size_t n = 64 * 1024);
  // One line, its "\n" included (the last may lack it); empty at the end of the body. limit:
  // at most that many bytes, as Python's readline(limit).
  bytes readline(std::size_t limit = static_cast<std::size_t>(-1));
  std::vector<bytes> readlines();
  // Closes the connection; later reads return nothing.
  void close() noexcept;
  bool closed() const noexcept { return !sock_.is_open() && avail_len_ == 0; }

  // Iteration over the lines of the body (for line in r:), an input range.
  class line_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = bytes;
    using difference_type = std::ptrdiff_t;
    using pointer = const bytes*;
    using reference = const bytes&;

    line_iterator() = default;
    explicit line_iterator(url_response* r) : r_(r) { ++*this; }
    reference operator*() const noexcept { return line_; }
    pointer operator->() const noexcept { return &line_; }
    line_iterator& operator++();
    void operator++(int) { ++*this; }
    friend bool operator==(const line_iterator& a, const line_iterator& b) noexcept {
      return a.r_ == b.r_;
    }

   private:
    url_response* r_ = nullptr;
    bytes line_;
  };
  line_iterator begin() { return line_iterator(this); }
  line_iterator end() noexcept { return {}; }

 private:
  friend struct url_opener;
  url_response(socket sock, std::string url);

  void read_head(std::string_view method);
  // Makes decoded body bytes available (avail_len_ > 0), unless the body has ended.
  void fill();
  std::string_view available() const noexcept { return {buf_.data() + avail_at_, avail_len_}; }
  void take(std::size_t n) noexcept;
  // The body ended early: chunked (or, with `always`, any framing) throws incomplete_read.
  void truncated_check(bytes& partial, bool always);

  socket sock_;
  std::string url_;
  int status_ = 0;
  int version_ = 11;
  std::string reason_;
  http::headers headers_;
  body_framing framing_ = body_framing::until_close;
  std::uint64_t content_length_ = 0;
  body_decoder decoder_ = body_decoder::length(0);
  std::string buf_;  // receive buffer (64 KiB, more for a long head), filled to end_
  std::size_t end_ = 0;
  std::size_t raw_at_ = 0;    // [raw_at_, end_): received, not yet fed to the decoder
  std::size_t avail_at_ = 0;  // decoded body bytes not yet handed out: offsets into buf_
  std::size_t avail_len_ = 0;
  bool ended_ = false;      // the body ended (or the connection closed): nothing more
  bool cut_short_ = false;  // the peer closed before the framing said the body ended
};

// urlopen(url, data=None, timeout): GET, or POST with data; follows redirects; 2xx answers
// come back, others throw http_error. Only http:// URLs (others: url_error "unknown url type:
// <scheme>"). timeout applies to the connect and to every receive.
url_response urlopen(std::string_view url, std::optional<bytes_view> data = std::nullopt,
                     timeout_t timeout = getdefaulttimeout());

// reporthook(block_number, block_size, total_size): once with block 0 before the body, then
// after each block read; total_size is Content-Length, or -1.
using reporthook =
    std::function<void(long long block_number, long long block_size, long long total_size)>;

// urlretrieve(url, filename=None, reporthook=None, data=None) -> (filename, headers): copies
// the body to filename in blocks of 8192 bytes, or to a new temporary file (tempfile's
// directory: $TMPDIR, $TEMP, $TMP or /tmp; name "tmp" + 6 random characters) that urlcleanup()
// removes. Fewer bytes than Content-Length: content_too_short_error (the file keeps what came).
// A file that cannot be opened or written: socket_error (Python's OSError) naming it.
std::pair<std::string, http::headers> urlretrieve(std::string_view url, std::string filename = {},
                                                  const reporthook& hook = {},
                                                  std::optional<bytes_view> data = std::nullopt);

// Removes the temporary files urlretrieve made (errors ignored), as Python's urlcleanup.
void urlcleanup();

}  // namespace netkit::http
