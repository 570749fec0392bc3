#include "netkit/http/client.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>

#include "netkit/repr.hpp"
#include "netkit/url/parse.hpp"
#include "netkit/url/quote.hpp"

namespace netkit::http {

namespace {

constexpr std::size_t receive_size = 64 * 1024;
constexpr std::size_t retrieve_block = 8 * 1024;  // urlretrieve's bs
constexpr int max_repeats = 4;                    // HTTPRedirectHandler.max_repeats
constexpr std::size_t max_redirections = 10;      // HTTPRedirectHandler.max_redirections
constexpr std::string_view infinite_loop_message =
    "The HTTP server returned a redirect error that would lead to an infinite loop.\n"
    "The last 30x error message was:\n";
// string.punctuation: what http_error_302 leaves unquoted in a Location.
constexpr std::string_view punctuation = R"(!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~)";

std::string_view trim(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n\f\v";
  const auto first = s.find_first_not_of(ws);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(ws) - first + 1);
}

// str() of the OSError behind a failed call: "[Errno 104] Connection reset by peer".
[[noreturn]] void throw_os_error(std::error_code ec) {
  if (ec == errc::timed_out) throw timeout_error(ec, "timed out");
  throw socket_error(ec, python_message(ec));
}

// http.client's _contains_disallowed_url_pchar_re: [\x00-\x20\x7f].
void validate_no_controls(std::string_view text) {
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7f) {
      throw invalid_url("URL can't contain control characters. " + repr_str(text) +
                        " (found at least " + repr_str(std::string_view(&c, 1)) + ")");
    }
  }
}

// What urllib.request.Request makes of a URL, and what HTTPConnection makes of its host.
struct target {
  std::string full_url;  // r.geturl(): unwrapped, fragment kept
  std::string host;      // req.host: the netloc, unquoted (the Host field)
  std::string connect_host;
  int port = 80;
  std::string selector;  // "/path?query", never empty
};

// urllib.parse.unwrap: '<URL:http://x>' -> 'http://x'.
std::string_view unwrap(std::string_view url) {
  url = trim(url);
  if (url.size() >= 2 && url.front() == '<' && url.back() == '>')
    url = trim(url.substr(1, url.size() - 2));
  if (url.substr(0, 4) == "URL:") url = trim(url.substr(4));
  return url;
}

target parse_target(std::string_view url) {
  target t;
  t.full_url = std::string(unwrap(url));
  std::string_view rest = t.full_url;
  // _splittag: the fragment is after the last '#'.
  if (const auto hash = rest.rfind('#'); hash != std::string_view::npos)
    rest = rest.substr(0, hash);
  // _splittype: ([^/:]+):(.*)
  const auto colon = rest.find_first_of(":/");
  if (colon == std::string_view::npos || colon == 0 || rest[colon] != ':')
    throw value_error("unknown url type: " + repr_str(t.full_url));
  std::string scheme(rest.substr(0, colon));
  for (char& c : scheme)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  rest.remove_prefix(colon + 1);
  if (scheme != "http") throw url_error({}, "unknown url type: " + scheme);
  // _splithost: //([^/#?]*)(.*)
  std::string_view host_port;
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    const auto end = std::min(rest.find_first_of("/#?"), rest.size());
    host_port = rest.substr(0, end);
    rest.remove_prefix(end);
    t.selector = std::string(rest);
    if (!t.selector.empty() && t.selector.front() != '/') t.selector.insert(0, 1, '/');
  } else {
    t.selector = std::string(rest);
  }
  if (host_port.empty()) throw url_error({}, "no host given");
  t.host = url::unquote(host_port);
  // HTTPConnection._get_hostport
  std::string_view h = t.host;
  const auto i = h.rfind(':');
  const auto j = h.rfind(']');
  if (i != std::string_view::npos && (j == std::string_view::npos || i > j)) {
    const std::string_view digits = h.substr(i + 1);
    if (!digits.empty()) {
      int port = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
      if (ec != std::errc() || end != digits.data() + digits.size())
        throw invalid_url("nonnumeric port: '" + std::string(digits) + "'");
      t.port = port;
    }
    h = h.substr(0, i);
  }
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  t.connect_host = std::string(h);
  validate_no_controls(t.connect_host);
  if (t.selector.empty()) t.selector = "/";
  validate_no_controls(t.selector);
  return t;
}

std::string request_text(std::string_view method, const target& t,
                         const std::optional<bytes_view>& data) {
  std::string head;
  head.reserve(160 + t.selector.size() + t.host.size());
  head.append(method).append(" ").append(t.selector).append(" HTTP/1.1\r\n");
  head.append("Accept-Encoding: identity\r\n");
  if (data) {
    head.append("Content-Type: application/x-www-form-urlencoded\r\n");
    head.append("Content-Length: ").append(std::to_string(data->size())).append("\r\n");
  }
  head.append("Host: ").append(t.host).append("\r\n");
  head.append("User-Agent: ").append(user_agent).append("\r\n");
  head.append("Connection: close\r\n\r\n");
  return head;
}

std::mutex temp_files_mutex;
std::vector<std::string> temp_files;  // urllib.request._url_tempfiles

[[noreturn]] void throw_file_error(int error, const std::string& filename) {
  const std::error_code ec(error, std::system_category());
  throw socket_error(ec, python_message(ec) + ": " + repr_str(filename));
}

// tempfile.gettempdir(), simplified: the first of $TMPDIR, $TEMP, $TMP that is set, else /tmp.
std::string temp_dir() {
  for (const char* name : {"TMPDIR", "TEMP", "TMP"}) {
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return v;
  }
  return "/tmp";
}

}  // namespace

// --- errors -----------------------------------------------------------------------------------

url_error::url_error(std::error_code ec, std::string reason)
    : url_error(ec, reason, "<urlopen error " + reason + ">") {}

url_error::url_error(std::error_code ec, std::string reason, std::string what)
    : socket_error(ec, std::move(what)), reason_(std::move(reason)) {}

http_error::http_error(std::string url, int code, std::string reason, http::headers headers,
                       std::shared_ptr<url_response> body)
    : url_error({}, reason, "HTTP Error " + std::to_string(code) + ": " + reason),
      code_(code),
      url_(std::move(url)),
      headers_(std::move(headers)),
      body_(std::move(body)) {}

bytes http_error::read() { return body_ ? body_->read() : bytes(); }
bytes http_error::read(std::size_t n) { return body_ ? body_->read(n) : bytes(); }

content_too_short_error::content_too_short_error(std::string message,
                                                 std::pair<std::string, http::headers> content)
    : url_error({}, std::move(message)), content_(std::move(content)) {}

remote_disconnected::remote_disconnected()
    : socket_error(std::make_error_code(std::errc::connection_reset),
                   "Remote end closed connection without response") {}

incomplete_read::incomplete_read(bytes partial, std::optional<std::uint64_t> expected)
    : http_exception("IncompleteRead(" + std::to_string(partial.size()) + " bytes read" +
                     (expected ? ", " + std::to_string(*expected) + " more expected" : "") + ")"),
      partial_(std::move(partial)),
      expected_(expected) {}

// --- url_response -----------------------------------------------------------------------------

url_response::url_response(socket sock, std::string url)
    : sock_(std::move(sock)), url_(std::move(url)) {}
url_response::url_response(url_response&&) noexcept = default;
url_response& url_response::operator=(url_response&&) noexcept = default;
url_response::~url_response() { close(); }

void url_response::close() noexcept {
  try {
    sock_.close();
  } catch (const socket_error&) {  // nothing to report to: the answer is being dropped
  }
  ended_ = true;
  avail_len_ = 0;
}

void url_response::read_head(std::string_view method) {
  buf_.resize(receive_size);
  std::size_t end = 0;
  parser_limits limits;
  response_head head;
  parse_error err;
  for (;;) {
    const auto st =
        parse_response_head(std::string_view(buf_.data(), end), method, limits, head, err);
    if (st == parse_status::error) throw http_exception("bad response head: " + err.message);
    if (st == parse_status::complete) {
      if (head.status >= 100 && head.status < 200) {  // 100 Continue and friends: skipped
        std::memmove(buf_.data(), buf_.data() + head.size, end - head.size);
        end -= head.size;
        continue;
      }
      break;
    }
    if (end == buf_.size()) buf_.resize(buf_.size() * 2);  // the parser's limits bound this
    std::error_code ec;
    const std::size_t n = sock_.recv_into({buf_.data() + end, buf_.size() - end}, ec);
    if (ec) throw_os_error(ec);
    if (n == 0) {
      if (end == 0) throw remote_disconnected();
      throw http_exception("the server closed the connection in the middle of the response head");
    }
    end += n;
  }
  status_ = head.status;
  version_ = 10 + head.minor_version;
  reason_ = std::string(trim(head.reason));
  headers_ = http::headers(head.fields);
  framing_ = head.framing;
  content_length_ = head.content_length;
  limits.max_body = std::numeric_limits<std::uint64_t>::max();  // a client takes what it asked for
  decoder_ = body_decoder::for_response(head, limits);
  raw_at_ = head.size;
  end_ = end;
}

void url_response::take(std::size_t n) noexcept {
  avail_at_ += n;
  avail_len_ -= n;
}

void url_response::fill() {
  parse_error err;
  while (avail_len_ == 0 && !ended_) {
    if (raw_at_ < end_) {
      const auto step = decoder_.feed(std::string_view(buf_.data(), end_).substr(raw_at_), err);
      if (err.status != 0) {
        close();
        throw http_exception("bad response body: " + err.message);
      }
      raw_at_ += step.consumed;
      avail_at_ = static_cast<std::size_t>(step.data.data() - buf_.data());
      avail_len_ = step.data.size();
      if (decoder_.done()) break;
      if (avail_len_ > 0 || step.consumed > 0) continue;
    }
    if (decoder_.done()) break;
    // Everything received has been decoded and handed out: receive into the start again.
    raw_at_ = 0;
    end_ = 0;
    std::error_code ec;
    const std::size_t n = sock_.recv_into({buf_.data(), buf_.size()}, ec);
    if (ec) throw_os_error(ec);
    end_ = n;
    if (n == 0) {
      decoder_.finish(err);
      cut_short_ = err.status != 0;
      const std::size_t keep = avail_len_;
      close();
      avail_len_ = keep;
      return;
    }
  }
  if (decoder_.done() && sock_.is_open()) {
    const std::size_t keep = avail_len_;
    close();  // the body is complete: the connection (Connection: close) has nothing more
    avail_len_ = keep;
  }
}

void url_response::truncated_check(bytes& partial, bool always) {
  if (!cut_short_ || avail_len_ != 0) return;
  if (framing_ == body_framing::chunked) {
    cut_short_ = false;  // reported once
    throw incomplete_read(std::move(partial), std::nullopt);
  }
  if (always && framing_ == body_framing::length) {
    cut_short_ = false;
    throw incomplete_read(std::move(partial), content_length_ - decoder_.received());
  }
}

bytes url_response::read() {
  bytes out;
  if (framing_ == body_framing::length)
    out.reserve(static_cast<std::size_t>(
        std::min<std::uint64_t>(content_length_ - decoder_.received() + avail_len_, 1u << 24)));
  for (;;) {
    fill();
    if (avail_len_ == 0) break;
    out.append(available());
    take(avail_len_);
  }
  truncated_check(out, true);
  return out;
}

bytes url_response::read(std::size_t n) {
  bytes out;
  while (out.size() < n) {
    fill();
    if (avail_len_ == 0) break;
    const std::size_t k = std::min(n - out.size(), avail_len_);
    out.append(available().substr(0, k));
    take(k);
  }
  truncated_check(out, false);
  return out;
}

bytes url_response::read1(std::size_t n) {
  fill();
  const std::size_t k = std::min(n, avail_len_);
  bytes out(available().substr(0, k));
  take(k);
  if (out.empty()) truncated_check(out, false);
  return out;
}

bytes url_response::readline(std::size_t limit) {
  bytes out;
  while (out.size() < limit) {
    fill();
    if (avail_len_ == 0) break;
    const std::string_view a = available().substr(0, limit - out.size());
    const auto nl = a.find('\n');
    const std::size_t k = nl == std::string_view::npos ? a.size() : nl + 1;
    out.append(a.substr(0, k));
    take(k);
    if (nl != std::string_view::npos) break;
  }
  truncated_check(out, false);
  return out;
}

std::vector<bytes> url_response::readlines() {
  std::vector<bytes> lines;
  for (bytes line = readline(); !line.empty(); line = readline()) lines.push_back(std::move(line));
  return lines;
}

url_response::line_iterator& url_response::line_iterator::operator++() {
  line_ = r_->readline();
  if (line_.empty()) r_ = nullptr;
  return *this;
}

// --- urlopen ----------------------------------------------------------------------------------

struct url_opener {
  static url_response open_once(const target& t, std::string_view method,
                                const std::optional<bytes_view>& data, timeout_t timeout) {
    const std::string head = request_text(method, t, data);
    socket sock;
    try {
      sock = create_connection({t.connect_host, t.port}, timeout);
      // One segment for a small request; a large body follows the head (MSG_MORE: no
      // half-empty segment between them).
      if (data && data->size() <= receive_size) {
        sock.sendall(head + std::string(*data));
      } else {
        sock.sendall(head, data ? MSG_MORE : 0);
        if (data) sock.sendall(*data);
      }
    } catch (const socket_error& e) {  // urllib: except OSError as err: raise URLError(err)
      throw url_error(e.code(), python_message(e.code()));
    }
    url_response r(std::move(sock), t.full_url);
    r.read_head(method);
    return r;
  }

  static url_response open(std::string_view url, std::optional<bytes_view> data,
                           timeout_t timeout) {
    std::string current(url);
    std::vector<std::pair<std::string, int>> visited;  // HTTPRedirectHandler's redirect_dict
    for (;;) {
      const target t = parse_target(current);
      const std::string_view method = data ? "POST" : "GET";
      url_response r = open_once(t, method, data, timeout);
      const int code = r.status();
      if (code >= 200 && code < 300) return r;
      const auto fail = [&](std::string where, std::string reason) {
        http::headers h = r.headers();
        throw http_error(std::move(where), code, std::move(reason), std::move(h),
                         std::make_shared<url_response>(std::move(r)));
      };
      std::optional<std::string_view> location = r.headers().get("location");
      if (!location) location = r.headers().get("uri");
      const bool redirect = code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
      if (!redirect || !location) fail(t.full_url, r.reason());

      // http_error_302
      url::parse_result parts = url::urlparse(*location);
      if (parts.scheme != "http" && parts.scheme != "https" && parts.scheme != "ftp" &&
          !parts.scheme.empty()) {
        fail(std::string(*location),
             r.reason() + " - Redirection to url '" + std::string(*location) + "' is not allowed");
      }
      if (parts.path.empty() && !parts.netloc.empty()) parts.path = "/";
      std::string next =
          url::urljoin(t.full_url, url::quote_from_bytes(url::urlunparse(parts), punctuation));
      // redirect_request: only a GET follows every redirect; a POST only 301, 302 and 303.
      if (data && (code == 307 || code == 308)) fail(t.full_url, r.reason());
      auto seen = std::find_if(visited.begin(), visited.end(),
                               [&](const auto& v) { return v.first == next; });
      if ((seen != visited.end() && seen->second >= max_repeats) ||
          visited.size() >= max_redirections) {
        fail(t.full_url, std::string(infinite_loop_message) + r.reason());
      }
      if (seen == visited.end()) {
        visited.emplace_back(next, 1);
      } else {
        ++seen->second;
      }
      // Python reads the redirect's body before closing; closing is enough (Connection: close).
      r.close();
      current = std::move(next);
      data.reset();
    }
  }
};

url_response urlopen(std::string_view url, std::optional<bytes_view> data, timeout_t timeout) {
  return url_opener::open(url, data, timeout);
}

// --- urlretrieve ------------------------------------------------------------------------------

std::pair<std::string, http::headers> urlretrieve(std::string_view url, std::string filename,
                                                  const reporthook& hook,
                                                  std::optional<bytes_view> data) {
  url_response fp = urlopen(url, data);
  http::headers headers = fp.headers();
  int fd = -1;
  if (!filename.empty()) {
    fd = ::open(filename.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw_file_error(errno, filename);
  } else {
    std::string path = temp_dir() + "/tmpXXXXXX";
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) throw_file_error(errno, path);
    filename = path;
    const std::lock_guard<std::mutex> lock(temp_files_mutex);
    temp_files.push_back(path);
  }
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } file{fd};

  long long size = -1;
  if (const auto cl = headers.get("content-length")) {
    const std::string_view text = trim(*cl);
    long long v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
      throw value_error("invalid literal for int() with base 10: " + repr_str(*cl));
    size = v;
  }
  const auto bs = static_cast<long long>(retrieve_block);
  long long read = 0;
  long long blocknum = 0;
  if (hook) hook(blocknum, bs, size);
  for (;;) {
    const bytes block = fp.read(retrieve_block);
    if (block.empty()) break;
    read += static_cast<long long>(block.size());
    for (std::string_view rest = block; !rest.empty();) {
      const ssize_t n = ::write(fd, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw_file_error(errno, filename);
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    ++blocknum;
    if (hook) hook(blocknum, bs, size);
  }
  fp.close();
  if (size >= 0 && read < size) {
    throw content_too_short_error("retrieval incomplete: got only " + std::to_string(read) +
                                      " out of " + std::to_string(size) + " bytes",
                                  {filename, headers});
  }
  return {std::move(filename), std::move(headers)};
}

void urlcleanup() {
  std::vector<std::string> files;
  {
    const std::lock_guard<std::mutex> lock(temp_files_mutex);
    files.swap(temp_files);
  }
  for (const auto& f : files) ::unlink(f.c_str());
}

}  // namespace netkit::http
