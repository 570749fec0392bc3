#include "netkit/http/server.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <exception>
#include <utility>

#include "netkit/http/access_log.hpp"
#include "netkit/http/body_decoder.hpp"
#include "netkit/http/http_date.hpp"
#include "netkit/http/status.hpp"
#include "netkit/reactor/port.hpp"
#include "netkit/reactor/protocol.hpp"
#include "netkit/reactor/reactor.hpp"

namespace netkit::http {

struct route_entry {
  std::string method;
  std::string path;
  handler fn;
};

struct server::state {
  server_options options;
  std::vector<route_entry> routes;
  handler fallback;
};

namespace {

using namespace std::string_view_literals;

using clock_type = reactor_time::clock;

// How long a closing connection waits for the client's FIN, reading and dropping its bytes.
constexpr std::chrono::duration<double> linger_time{2.0};

// The methods Python's BaseHTTPRequestHandler would look for a do_<METHOD> of; any other is
// answered 501 when no route takes it.
bool is_known_method(std::string_view m) noexcept {
  static constexpr std::string_view known[] = {"GET",     "HEAD",  "POST",  "PUT",    "DELETE",
                                               "OPTIONS", "PATCH", "TRACE", "CONNECT"};
  return std::find(std::begin(known), std::end(known), m) != std::end(known);
}

bool has_no_body(int status) noexcept {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

// The Date field, formatted once a second per thread rather than once per response.
std::string_view current_date() {
  struct cache {
    std::time_t second = -1;
    std::string text;
  };
  thread_local cache c;
  const std::time_t now = std::time(nullptr);
  if (now != c.second) {
    c.second = now;
    c.text = format_http_date(now);
  }
  return c.text;
}

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), n);
  out.append(digits, end);
}

// "HTTP/1.1 <status> <reason>\r\n[Server: <name>\r\n]Date: <date>\r\n".
void append_head_start(std::string& out, int status, std::string_view reason,
                       std::string_view server_name, std::string_view date) {
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::uint64_t>(status));
  out += ' ';
  out += reason;
  out += "\r\n";
  if (!server_name.empty()) {
    out += "Server: ";
    out += server_name;
    out += "\r\n";
  }
  out += "Date: ";
  out += date;
  out += "\r\n";
}

// append_head_start for 200 OK, made once per second and server name on each thread.
std::string_view ok_head_start(std::string_view server_name) {
  struct cache {
    std::time_t second = -1;
    std::string name;
    std::string text;
  };
  thread_local cache c;
  const std::time_t now = std::time(nullptr);
  if (now != c.second || server_name != c.name) {
    c.second = now;
    c.name.assign(server_name);
    c.text.clear();
    append_head_start(c.text, 200, "OK", server_name, current_date());
  }
  return c.text;
}

// "GET / HTTP/1.1": the request line, for the access log.
std::string_view request_line_of(const request_head& h) {
  const char* begin = h.method.data();
  const char* end = h.target.data() + h.target.size() + 9;  // " HTTP/1.x"
  return {begin, static_cast<std::size_t>(end - begin)};
}

class http_connection final : public protocol {
 public:
  http_connection(std::shared_ptr<const server::state> st, const socket_address& peer)
      : st_(std::move(st)) {
    req_.client_address = peer;
  }

  void connection_made() override {
    clock_ = transport().clock();
    last_activity_ = now();
    request_start_ = last_activity_;  // the first request's head is due from the accept
    arm_timer(std::min(st_->options.header_timeout, st_->options.idle_timeout));
  }

  void data_received(bytes_view data) override {
    if (closing_) return;
    last_activity_ = now();
    if (in_.empty()) {
      // The usual case: a whole request (or several) in one read, parsed where it lies.
      const std::size_t used = process(data);
      if (!closing_ && used < data.size()) start_partial(data.substr(used));
      return;
    }
    in_.append(data);
    consume(process(in_));
  }

  bool eof_received() override {
    // The client sent everything (`printf 'GET / HTTP/1.0\r\n\r\n' | nc`), or is done after
    // our last answer: the answers are written already; close once they are sent. A request
    // cut short goes unanswered. An answer being streamed is finished first.
    if (streaming_) {
      keep_after_stream_ = false;
      return true;
    }
    closing_ = true;
    transport().lose_connection();
    return true;
  }

  void connection_lost(std::error_code /*reason*/) override { timer_ = delayed_call(); }

  void pause_writing() override {
    // The client does not read its answers: stop reading (and answering) its requests.
    paused_ = true;
    transport().pause_producing();
  }

  void resume_writing() override {
    paused_ = false;
    transport().resume_producing();
    if (streaming_) pump();
    if (!streaming_ && !in_.empty() && !closing_) consume(process(in_));
  }

 private:
  clock_type::time_point now() const noexcept {
    return clock_ != nullptr ? clock_->now() : clock_type::time_point{};
  }

  void start_partial(bytes_view rest) {
    in_.assign(rest);
    request_start_ = last_activity_;
  }

  void consume(std::size_t used) {
    if (used == 0) return;
    in_.erase(0, used);
    if (!in_.empty()) request_start_ = last_activity_;
  }

  // Answers every whole request at the start of `in`; returns the bytes they took. Stops at
  // a partial request, on an error (answered, and the connection closes) or when paused. The
  // answers to requests that arrived together leave in one write (as nginx and h2o do for
  // pipelined requests): one system call for a read's worth of requests, not one per answer.
  std::size_t process(std::string_view in) {
    batching_ = true;
    const std::size_t used = answer_all(in);
    batching_ = false;
    flush();
    return used;
  }

  std::size_t answer_all(std::string_view in) {
    std::size_t pos = 0;
    const server_options& opt = st_->options;
    while (pos < in.size() && !closing_ && !paused_ && !streaming_) {
      const std::string_view rest = in.substr(pos);
      const parse_status s = parse_request_head(rest, opt.limits, head_, err_);
      if (s == parse_status::incomplete) break;
      if (s == parse_status::error) {
        fail(err_.status, err_.message);
        return in.size();
      }
      const std::string_view after = rest.substr(head_.size);
      std::size_t used = head_.size;
      std::string_view body;
      if (head_.framing == body_framing::length) {
        if (after.size() < head_.content_length) {
          send_continue();
          break;
        }
        body = after.substr(0, static_cast<std::size_t>(head_.content_length));
        used += body.size();
      } else if (head_.framing == body_framing::chunked) {
        if (!decode_chunked(after)) {
          if (!closing_) send_continue();
          break;
        }
        body = body_;
        used += fed_;
      }
      answer(body);
      reset_request();
      pos += used;
    }
    return pos;
  }

  // Feeds the chunked body's bytes not fed yet; true once it is whole (in body_).
  bool decode_chunked(std::string_view after) {
    if (!decoding_) {
      decoder_ =
          body_decoder::chunked(st_->options.limits.max_body, st_->options.limits.max_header_bytes);
      decoding_ = true;
      fed_ = 0;
      body_.clear();
    }
    while (!decoder_.done()) {
      const body_decoder::step st = decoder_.feed(after.substr(fed_), err_);
      if (err_.status != 0) {
        fail(err_.status, err_.message);
        return false;
      }
      fed_ += st.consumed;
      body_.append(st.data);
      if (st.consumed == 0) break;  // needs more bytes
    }
    return decoder_.done();
  }

  void reset_request() {
    decoding_ = false;
    continue_sent_ = false;
    body_.clear();
  }

  // RFC 9110 §10.1.1: the client waits for this before sending a body it announced.
  void send_continue() {
    if (!head_.expect_continue || continue_sent_) return;
    continue_sent_ = true;
    flush();
    transport().write("HTTP/1.1 100 Continue\r\n\r\n");
  }

  void answer(std::string_view body) {
    std::string_view target = head_.target;
    // Python's parse_request (gh-87389): a path starting with '//' is reduced to one '/', or a
    // redirect built from it ("//evil.example/") would send the client to another host.
    if (target.starts_with("//")) {
      const std::size_t slashes = std::min(target.find_first_not_of('/'), target.size());
      target.remove_prefix(slashes - 1);
    }
    const std::size_t cut = std::min(target.find('?'), target.find('#'));
    req_.method = head_.method;
    req_.target = target;
    req_.path = target.substr(0, cut);
    req_.query = {};
    if (cut != std::string_view::npos && target[cut] == '?') {
      const std::string_view q = target.substr(cut + 1);
      req_.query = q.substr(0, q.find('#'));
    }
    req_.minor_version = head_.minor_version;
    req_.fields = head_.fields;
    req_.body = body;

    resp_.status = 200;
    resp_.reason.clear();
    resp_.content_type = "text/plain; charset=utf-8";
    resp_.headers.clear();
    resp_.body.clear();
    resp_.close = false;
    resp_.file.reset();
    resp_.stream = nullptr;
    resp_.error_log.clear();
    try {
      route();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "netkit http: handler for %.*s %.*s failed: %s\n",
                   static_cast<int>(req_.method.size()), req_.method.data(),
                   static_cast<int>(req_.target.size()), req_.target.data(), e.what());
      resp_.headers.clear();
      resp_.file.reset();
      resp_.set_error(500);
    }
    send(request_line_of(head_), head_.method == "HEAD", head_.keep_alive);
  }

  void route() {
    bool path_known = false;
    for (const route_entry& r : st_->routes) {
      if (r.path != req_.path) continue;
      path_known = true;
      if (r.method == req_.method || (req_.method == "HEAD" && r.method == "GET")) {
        r.fn(req_, resp_);
        return;
      }
    }
    if (st_->fallback) {
      st_->fallback(req_, resp_);
    } else if (!is_known_method(req_.method)) {
      resp_.set_error(501, "Unsupported method ('" + std::string(req_.method) + "')");
    } else if (path_known) {
      resp_.set_error(405);
      std::string allow;
      for (const route_entry& r : st_->routes) {
        if (r.path != req_.path) continue;
        if (!allow.empty()) allow += ", ";
        allow += r.method;
      }
      resp_.headers.add("Allow", allow);
    } else {
      resp_.set_error(404);
    }
  }

  // A request the parser refused: its status and page, then close (Python's send_error).
  void fail(int status, std::string_view why) {
    resp_.headers.clear();
    resp_.body.clear();
    resp_.set_error(status, std::nullopt, why);
    send(std::string_view(), false, false);
  }

  void send(std::string_view request_line, bool head_only, bool keep_alive) {
    const server_options& opt = st_->options;
    response& r = resp_;
    answered_ = true;
    const bool bodyless = has_no_body(r.status);
    const bool streamed = r.stream && !bodyless;
    // A streamed body's end is the last chunk in HTTP/1.1, the close in HTTP/1.0.
    const bool chunked = streamed && head_.minor_version == 1;
    const bool keep = keep_alive && !r.close && (!streamed || chunked);
    if (r.status == 200 && r.reason.empty()) {
      out_ += ok_head_start(opt.server_name);  // most answers: one copy of a cached block
    } else {
      append_head_start(out_, r.status,
                        r.reason.empty() ? reason_phrase(r.status) : std::string_view(r.reason),
                        opt.server_name, current_date());
    }
    if (!r.content_type.empty()) {
      out_ += "Content-Type: "sv;
      out_ += r.content_type;
      out_ += "\r\n"sv;
    }
    for (const auto& [name, value] : r.headers) {
      out_ += name;
      out_ += ": "sv;
      out_ += value;
      out_ += "\r\n"sv;
    }
    if (chunked) {
      out_ += "Transfer-Encoding: chunked\r\n"sv;
    } else if (!bodyless && !streamed) {
      out_ += "Content-Length: "sv;
      append_number(out_, r.file ? r.file_length : r.body.size());
      out_ += "\r\n"sv;
    }
    if (!keep)
      out_ += "Connection: close\r\n"sv;
    else if (head_.minor_version == 0)
      out_ += "Connection: keep-alive\r\n"sv;
    out_ += "\r\n"sv;
    const bool send_body = !head_only && !bodyless;
    const bool inline_body = send_body && !r.file && !streamed;
    if (inline_body && r.body.size() > max_copied_body) {
      const bytes_view parts[2] = {out_, r.body};
      transport().write_sequence(parts);
      out_.clear();
    } else if (inline_body) {
      out_ += r.body;
    }
    // A file or a stream follows the head; a close ends the batch; else gather up to a bound.
    if (!batching_ || !keep || (send_body && (r.file || streamed)) || out_.size() >= max_batch)
      flush();
    if (send_body && r.file) transport().send_file(std::move(r.file), r.file_offset, r.file_length);
    r.file.reset();
    if (opt.access_log) log(request_line, r.status, r.error_log);
    if (send_body && streamed) {
      stream_ = std::move(r.stream);
      streaming_ = true;
      stream_chunked_ = chunked;
      keep_after_stream_ = keep;
      pump();
      return;
    }
    r.stream = nullptr;
    if (!keep) finish();
  }

  void flush() {
    if (out_.empty()) return;
    transport().write(out_);
    out_.clear();
  }

  // Writes the streamed body's pieces until the transport asks for a pause (pause_writing sets
  // paused_; resume_writing calls this again) or the producer says it gave the last one. The
  // requests behind this one wait (answers go in order): process() does not run meanwhile.
  void pump() {
    while (streaming_ && !paused_ && !closing_) {
      piece_.clear();
      bool more = false;
      try {
        more = stream_(piece_);
      } catch (const std::exception& e) {
        // The head is out: no error answer can follow. The client sees the body cut short.
        std::fprintf(stderr, "netkit http: a streamed body failed: %s\n", e.what());
        end_stream();
        closing_ = true;
        transport().abort_connection();
        return;
      }
      if (!piece_.empty()) {
        if (stream_chunked_) {
          const std::string size_line = chunk_header(piece_.size());
          const bytes_view parts[3] = {size_line, piece_, chunk_end};
          transport().write_sequence(parts);
        } else {
          transport().write(piece_);
        }
      }
      if (!more) {
        if (stream_chunked_) transport().write(last_chunk);
        end_stream();
        if (!keep_after_stream_) finish();
        return;
      }
    }
  }

  void end_stream() {
    streaming_ = false;
    stream_ = nullptr;
    piece_.clear();
  }

  // Closes after the last answer without losing it: a close with unread request bytes in the
  // kernel sends RST, which can destroy the answer before the client reads it (a 413 to a
  // client still uploading). So: FIN after the answer, read and drop what still comes, and
  // close at the client's FIN or after linger_time.
  void finish() {
    closing_ = true;
    transport().write_eof();
    last_queued_ = transport().buffered();
    arm_timer(linger_time);
  }

  // BaseHTTPRequestHandler.log_request's line: 'host - - [date] "request line" code -'.
  void log(std::string_view request_line, int status, std::string_view error_log) {
    const std::time_t now = std::time(nullptr);
    const std::string host = req_.client_address.host();
    std::string line;
    if (!error_log.empty()) line = log_message_line(host, now, error_log);
    line += access_log_line(host, now, request_line, status);
    const auto& sink = st_->options.access_log_sink;
    if (sink)
      sink(line);
    else
      std::fwrite(line.data(), 1, line.size(), stderr);
  }

  // One timer per connection, armed for the nearest deadline and, when it fires, re-armed for
  // the deadline that holds then: requests move deadlines without touching the timer heap.
  void arm_timer(std::chrono::duration<double> delay) {
    if (clock_ == nullptr) return;
    timer_ =
        clock_->call_later(std::chrono::duration_cast<seconds_f>(delay), [this] { on_timer(); });
  }

  void on_timer() {
    if (closing_) {
      // Lingered long enough. What the kernel still holds for the client goes out after a
      // plain close (the FIN is queued behind it already). Output still queued here keeps going
      // while the client takes it, however slowly (a large file to an HTTP/1.0 client); only a
      // client that took nothing for a whole linger_time is dropped, with a reset.
      const std::size_t queued = transport().buffered();
      if (queued == 0) {
        transport().lose_connection();
      } else if (queued != last_queued_) {
        last_queued_ = queued;
        arm_timer(linger_time);
      } else {
        transport().abort_connection();
      }
      return;
    }
    const server_options& opt = st_->options;
    // An answer still going out counts as activity while it moves: a long download is not
    // idle, a client that stopped reading it is.
    if (const std::size_t queued = transport().buffered(); queued != 0 && queued != last_queued_) {
      last_queued_ = queued;
      last_activity_ = now();
    }
    const bool partial_head = !in_.empty() && !decoding_ && head_pending();
    // A connection that has sent nothing yet owes its first request's head as much as one that
    // sent half of it: without this, connecting and never sending held a connection for the
    // idle timeout (60 s) where one byte more would have been cut at the header timeout.
    const bool first_head = in_.empty() && !answered_;
    const clock_type::time_point deadline =
        partial_head || first_head
            ? request_start_ + std::chrono::duration_cast<clock_type::duration>(opt.header_timeout)
            : last_activity_ + std::chrono::duration_cast<clock_type::duration>(opt.idle_timeout);
    const clock_type::time_point t = now();
    if (t < deadline) {
      arm_timer(deadline - t);
      return;
    }
    if (partial_head) {
      fail(408, "the request's head did not arrive in time");
    } else {
      finish();  // nothing to answer: close without a word (no log line), as nginx does
    }
  }

  // in_ holds the start of a request whose head is not whole yet.
  bool head_pending() {
    // head_ is free here: process() parses every request afresh.
    return parse_request_head(in_, st_->options.limits, head_, err_) == parse_status::incomplete;
  }

  std::shared_ptr<const server::state> st_;
  reactor_time* clock_ = nullptr;
  std::string in_;  // received, not answered yet: the start of a partial request
  request_head head_;
  parse_error err_;
  body_decoder decoder_ = body_decoder::length(0);
  bool decoding_ = false;  // decoder_ holds the current request's chunked body
  std::size_t fed_ = 0;    // bytes after the head fed to decoder_
  std::string body_;       // the decoded chunked body
  request req_;
  response resp_;
  // Answers not written yet: the heads, and bodies up to max_copied_body, of the requests
  // answered since the last flush (batching_: inside process()).
  static constexpr std::size_t max_copied_body = 16 * 1024;
  static constexpr std::size_t max_batch = 64 * 1024;
  std::string out_;
  bool batching_ = false;
  bool continue_sent_ = false;
  bool answered_ = false;  // a first answer has started: keep-alive waits are idle time
  bool closing_ = false;
  bool paused_ = false;
  // The answer being streamed (response::stream), and how it ends.
  std::function<bool(std::string&)> stream_;
  std::string piece_;
  bool streaming_ = false;
  bool stream_chunked_ = false;
  bool keep_after_stream_ = false;
  clock_type::time_point last_activity_{};
  std::size_t last_queued_ = 0;  // transport().buffered() when the timer last looked
  clock_type::time_point request_start_{};
  delayed_call timer_;
};

class http_factory final : public netkit::factory {
 public:
  explicit http_factory(std::shared_ptr<const server::state> st) : st_(std::move(st)) {}
  std::unique_ptr<protocol> build_protocol(const socket_address& address) override {
    return std::make_unique<http_connection>(st_, address);
  }

 private:
  std::shared_ptr<const server::state> st_;
};

}  // namespace

std::optional<std::string_view> request::header(std::string_view name) const noexcept {
  for (const header_field& f : fields)
    if (iequals(f.name, name)) return f.value;
  return std::nullopt;
}

void response::set_error(int code, std::optional<std::string_view> message,
                         std::optional<std::string_view> explain) {
  status = code;
  const std::string_view phrase = reason_phrase(code);
  error_log = "code " + std::to_string(code) + ", message " +
              std::string(message          ? *message
                          : phrase.empty() ? "???"
                                           : phrase);
  reason = message ? std::string(*message) : std::string();
  content_type = error_content_type;
  close = true;
  body = code >= 200 && code != 204 && code != 205 && code != 304
             ? error_page(code, message, explain)
             : std::string();
}

server::server(reactor& loop, server_options options)
    : loop_(loop), state_(std::make_shared<state>()) {
  state_->options = std::move(options);
}

server::~server() = default;

void server::route(std::string_view method, std::string_view path, handler h) {
  state_->routes.push_back({std::string(method), std::string(path), std::move(h)});
}

void server::set_fallback(handler h) { state_->fallback = std::move(h); }

port& server::listen(int port_number, std::string_view interface) {
  return loop_.listen_tcp(port_number, factory(), std::string(interface));
}

std::shared_ptr<netkit::factory> server::factory() {
  return std::make_shared<http_factory>(state_);
}

const server_options& server::options() const noexcept { return state_->options; }

}  // namespace netkit::http
