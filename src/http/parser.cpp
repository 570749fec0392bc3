#include "netkit/http/parser.hpp"

#include <cstring>
#include <string>
#include <utility>

#include "chars.hpp"

namespace netkit::http {

namespace {

using detail::describe;
using detail::is_ctl;
using detail::is_field_byte;
using detail::is_tchar;
using detail::is_ws;

constexpr int max_empty_lines = 8;
constexpr std::size_t npos = std::string_view::npos;

parse_status fail(parse_error& err, int status, std::string message) {
  err.status = status;
  err.message = std::move(message);
  return parse_status::error;
}

std::string at(std::size_t offset) { return " at offset " + std::to_string(offset); }

// Why byte c is refused, naming a CR on its own as what it is.
std::string bad_byte(char c, const char* where, std::size_t offset) {
  if (c == '\r') return std::string("bare CR (not followed by LF) in ") + where + at(offset);
  return "invalid byte " + describe(c) + " in " + where + at(offset);
}

std::size_t find_lf(std::string_view buf, std::size_t from) {
  if (from >= buf.size()) return npos;
  const void* p = std::memchr(buf.data() + from, '\n', buf.size() - from);
  return p == nullptr ? npos : static_cast<std::size_t>(static_cast<const char*>(p) - buf.data());
}

// The line's content, [begin, lf) without a final CR.
std::string_view line_at(std::string_view buf, std::size_t begin, std::size_t lf) {
  std::size_t end = lf;
  if (end > begin && buf[end - 1] == '\r') --end;
  return buf.substr(begin, end - begin);
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

// "HTTP/1.0" -> 0, "HTTP/1.1" and any later 1.x -> 1 (RFC 9110 §2.5: a message of a higher
// minor version is processed as the highest one we conform to, as Python does); another
// HTTP/d.d -> 505; anything else -> 400.
parse_status parse_version(std::string_view v, std::size_t offset, int& minor, parse_error& err) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || !digit(v[5]) || v[6] != '.' || !digit(v[7])) {
    std::string shown;
    for (char c : v.substr(0, 16))
      shown += (c >= 0x20 && c < 0x7F) ? std::string(1, c) : describe(c);
    return fail(err, 400, "invalid HTTP version '" + shown + "'" + at(offset));
  }
  if (v[5] != '1')
    return fail(err, 505,
                "HTTP version " + std::string(v.substr(5)) + " not supported" + at(offset));
  minor = v[7] == '0' ? 0 : 1;
  return parse_status::complete;
}

// Finds the end of the field section starting at `from` (the byte after the start line) and
// parses its lines into `fields`. complete: `end` is one past the blank line.
parse_status parse_fields(std::string_view buf, std::size_t from, const parser_limits& limits,
                          std::vector<header_field>& fields, std::size_t& end, parse_error& err) {
  const std::size_t n = buf.size();
  std::size_t p = from;
  std::size_t blank = npos;
  while (true) {
    if (p < n && buf[p] == '\n') {
      blank = p;
      end = p + 1;
      break;
    }
    if (p + 1 < n && buf[p] == '\r' && buf[p + 1] == '\n') {
      blank = p;
      end = p + 2;
      break;
    }
    if (p + 1 < n && buf[p] == '\r') return fail(err, 400, bad_byte('\r', "field line", p));
    const std::size_t lf = find_lf(buf, p);
    if (lf == npos) {
      // The section is at least one byte longer than what is here.
      if (n - from >= limits.max_header_bytes)
        return fail(err, 431,
                    "header section longer than " + std::to_string(limits.max_header_bytes) +
                        " bytes" + at(from));
      return parse_status::incomplete;
    }
    p = lf + 1;
  }
  if (end - from > limits.max_header_bytes)
    return fail(err, 431,
                "header section of " + std::to_string(end - from) + " bytes, more than " +
                    std::to_string(limits.max_header_bytes) + at(from));

  for (p = from; p < blank;) {
    const std::size_t lf = find_lf(buf, p);
    const std::string_view line = line_at(buf, p, lf);
    if (is_ws(line.front()))
      return fail(err, 400, "field line starts with whitespace (obsolete line folding)" + at(p));
    std::size_t i = 0;
    while (i < line.size() && is_tchar(line[i])) ++i;
    if (i == line.size()) return fail(err, 400, "field line without a colon" + at(p));
    if (line[i] != ':') {
      if (is_ws(line[i]))
        return fail(err, 400, "whitespace between field name and colon" + at(p + i));
      return fail(err, 400, bad_byte(line[i], "field name", p + i));
    }
    if (i == 0) return fail(err, 400, "empty field name" + at(p));
    const std::string_view value = trim(line.substr(i + 1));
    for (std::size_t k = 0; k < value.size(); ++k)
      if (!is_field_byte(value[k]))
        return fail(err, 400,
                    bad_byte(value[k], "field value",
                             static_cast<std::size_t>(value.data() + k - buf.data())));
    if (fields.size() >= limits.max_header_count)
      return fail(
          err, 431,
          "more than " + std::to_string(limits.max_header_count) + " header fields" + at(p));
    fields.push_back({line.substr(0, i), value});
    p = lf + 1;
  }
  return parse_status::complete;
}

// What the framing fields say, before the message kind decides.
struct framing_fields {
  bool has_length = false;
  std::uint64_t length = 0;
  bool has_te = false;
  int codings = 0;
  int chunked = 0;
  bool last_chunked = false;
  bool other_coding = false;
  bool close = false;
  bool keep_alive = false;
  int hosts = 0;
  bool expect_continue = false;
};

parse_status read_length(std::string_view value, framing_fields& f, parse_error& err) {
  // RFC 9110 §8.6: a list of identical values may be folded into one.
  while (true) {
    const std::size_t comma = value.find(',');
    const std::string_view item = trim(value.substr(0, comma));
    if (item.empty()) return fail(err, 400, "empty Content-Length value");
    std::uint64_t v = 0;
    for (char c : item) {
      if (c < '0' || c > '9')
        return fail(
            err, 400,
            "Content-Length '" + std::string(item.substr(0, 32)) + "' is not a decimal number");
      const auto d = static_cast<std::uint64_t>(c - '0');
      if (v > (UINT64_MAX - d) / 10)
        return fail(
            err, 400,
            "Content-Length '" + std::string(item.substr(0, 32)) + "' is larger than 2^64-1");
      v = v * 10 + d;
    }
    if (f.has_length && f.length != v)
      return fail(err, 400,
                  "Content-Length values differ (" + std::to_string(f.length) + " and " +
                      std::to_string(v) + ")");
    f.has_length = true;
    f.length = v;
    if (comma == npos) return parse_status::complete;
    value.remove_prefix(comma + 1);
  }
}

void read_codings(std::string_view value, framing_fields& f) {
  f.has_te = true;
  while (true) {
    const std::size_t comma = value.find(',');
    std::string_view coding = value.substr(0, comma);
    coding = trim(coding.substr(0, coding.find(';')));
    if (!coding.empty()) {
      ++f.codings;
      f.last_chunked = iequals(coding, "chunked");
      if (f.last_chunked)
        ++f.chunked;
      else
        f.other_coding = true;
    }
    if (comma == npos) return;
    value.remove_prefix(comma + 1);
  }
}

parse_status read_framing(const std::vector<header_field>& fields, framing_fields& f,
                          parse_error& err) {
  for (const header_field& h : fields) {
    if (iequals(h.name, "content-length")) {
      if (read_length(h.value, f, err) == parse_status::error) return parse_status::error;
    } else if (iequals(h.name, "transfer-encoding")) {
      read_codings(h.value, f);
    } else if (iequals(h.name, "connection")) {
      f.close = f.close || has_token(h.value, "close");
      f.keep_alive = f.keep_alive || has_token(h.value, "keep-alive");
    } else if (iequals(h.name, "host")) {
      ++f.hosts;
    } else if (iequals(h.name, "expect")) {
      f.expect_continue = f.expect_continue || iequals(h.value, "100-continue");
    }
  }
  if (f.has_te && f.has_length)
    return fail(err, 400, "both Transfer-Encoding and Content-Length (request smuggling?)");
  if (f.has_te && f.codings == 0) return fail(err, 400, "Transfer-Encoding names no coding");
  if (f.chunked > 1) return fail(err, 400, "Transfer-Encoding applies chunked more than once");
  return parse_status::complete;
}

// 413 for a Content-Length over the limit, request or response alike.
parse_status length_over_limit(std::uint64_t length, const parser_limits& limits,
                               parse_error& err) {
  return fail(err, 413,
              "Content-Length " + std::to_string(length) + " is over the limit of " +
                  std::to_string(limits.max_body) + " bytes");
}

bool keeps_alive(int minor, const framing_fields& f) {
  if (f.close) return false;
  return minor >= 1 || f.keep_alive;
}

// Skips up to max_empty_lines empty lines; pos is where the start line begins.
parse_status skip_empty_lines(std::string_view buf, std::size_t& pos, parse_error& err) {
  int skipped = 0;
  while (pos < buf.size()) {
    std::size_t next;
    if (buf[pos] == '\n') {
      next = pos + 1;
    } else if (buf[pos] == '\r') {
      if (pos + 1 == buf.size()) return parse_status::incomplete;
      if (buf[pos + 1] != '\n') return fail(err, 400, bad_byte('\r', "request line", pos));
      next = pos + 2;
    } else {
      return parse_status::complete;
    }
    if (++skipped > max_empty_lines)
      return fail(
          err, 400,
          "more than " + std::to_string(max_empty_lines) + " empty lines before the request line");
    pos = next;
  }
  return parse_status::incomplete;
}

// A start line still without its LF: 414 once it cannot fit, else incomplete.
parse_status unfinished_start_line(std::string_view partial, std::size_t offset,
                                   const parser_limits& limits, parse_error& err) {
  std::size_t len = partial.size();
  if (len > 0 && partial.back() == '\r') --len;  // may be the CR of CRLF
  if (len > limits.max_request_line)
    return fail(err, 414,
                "request line longer than " + std::to_string(limits.max_request_line) + " bytes" +
                    at(offset));
  return parse_status::incomplete;
}

}  // namespace

const header_field* request_head::find(std::string_view name) const noexcept {
  for (const header_field& f : fields)
    if (iequals(f.name, name)) return &f;
  return nullptr;
}

const header_field* response_head::find(std::string_view name) const noexcept {
  for (const header_field& f : fields)
    if (iequals(f.name, name)) return &f;
  return nullptr;
}

parse_status parse_request_head(std::string_view buf, const parser_limits& limits,
                                request_head& head, parse_error& err) {
  head.method = head.target = {};
  head.minor_version = 1;
  head.fields.clear();
  head.size = 0;
  head.framing = body_framing::none;
  head.content_length = 0;
  head.keep_alive = true;
  head.expect_continue = false;

  std::size_t pos = 0;
  if (parse_status s = skip_empty_lines(buf, pos, err); s != parse_status::complete) return s;

  const std::size_t lf = find_lf(buf, pos);
  if (lf == npos) {
    // Refuse what cannot be a method at once (a TLS hello or other protocol on our port).
    const std::string_view partial = buf.substr(pos);
    for (std::size_t i = 0; i < partial.size(); ++i) {
      const char c = partial[i];
      if (is_tchar(c)) continue;
      if (c == ' ' && i > 0) break;
      if (c == '\r' && i + 1 == partial.size()) break;
      return fail(err, 400, bad_byte(c, "method", pos + i));
    }
    return unfinished_start_line(partial, pos, limits, err);
  }
  const std::string_view line = line_at(buf, pos, lf);
  // The method first, as when the line is still unfinished (garbage is a 400 either way).
  std::size_t i = 0;
  while (i < line.size() && is_tchar(line[i])) ++i;
  if (i == line.size()) return fail(err, 400, "request line has no target" + at(pos));
  if (line[i] != ' ') return fail(err, 400, bad_byte(line[i], "method", pos + i));
  if (i == 0) return fail(err, 400, "empty method" + at(pos));
  if (line.size() > limits.max_request_line)
    return fail(err, 414,
                "request line of " + std::to_string(line.size()) + " bytes, more than " +
                    std::to_string(limits.max_request_line) + at(pos));

  head.method = line.substr(0, i);

  const std::size_t t = i + 1;
  const std::size_t sp = line.find(' ', t);
  if (sp == npos) return fail(err, 400, "request line has no HTTP version" + at(pos));
  if (sp == t) return fail(err, 400, "empty request target" + at(pos + t));
  for (std::size_t k = t; k < sp; ++k)
    if (is_ctl(line[k])) return fail(err, 400, bad_byte(line[k], "request target", pos + k));
  head.target = line.substr(t, sp - t);
  const std::string_view version = line.substr(sp + 1);
  if (version.find(' ') != npos)
    return fail(err, 400, "space in the request target or after the version" + at(pos + sp + 1));
  if (parse_version(version, pos + sp + 1, head.minor_version, err) == parse_status::error)
    return parse_status::error;

  std::size_t end = 0;
  if (parse_status s = parse_fields(buf, lf + 1, limits, head.fields, end, err);
      s != parse_status::complete)
    return s;

  framing_fields f;
  if (read_framing(head.fields, f, err) == parse_status::error) return parse_status::error;
  if (f.hosts == 0 && head.minor_version == 1)
    return fail(err, 400, "HTTP/1.1 request without Host");
  if (f.hosts > 1) return fail(err, 400, "more than one Host field");
  if (f.has_te) {
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
    if (head.minor_version == 0) return fail(err, 400, "Transfer-Encoding in an HTTP/1.0 request");
    if (f.other_coding)
      return fail(err, 501, "Transfer-Encoding other than chunked is not implemented");
    head.framing = body_framing::chunked;
  } else if (f.has_length) {
    if (f.length > limits.max_body) return length_over_limit(f.length, limits, err);
    head.framing = body_framing::length;
    head.content_length = f.length;
  }
  head.keep_alive = keeps_alive(head.minor_version, f);
  head.expect_continue = f.expect_continue && head.minor_version == 1;
  head.size = end;
  return parse_status::complete;
}

parse_status parse_response_head(std::string_view buf, std::string_view request_method,
                                 const parser_limits& limits, response_head& head,
                                 parse_error& err) {
  head.minor_version = 1;
  head.status = 0;
  head.reason = {};
  head.fields.clear();
  head.size = 0;
  head.framing = body_framing::until_close;
  head.content_length = 0;
  head.keep_alive = true;

  const std::size_t lf = find_lf(buf, 0);
  if (lf == npos) {
    constexpr std::string_view prefix = "HTTP/";
    for (std::size_t i = 0; i < buf.size() && i < prefix.size(); ++i)
      if (buf[i] != prefix[i]) return fail(err, 400, "status line does not start with HTTP/");
    return unfinished_start_line(buf, 0, limits, err);
  }
  const std::string_view line = line_at(buf, 0, lf);
  if (line.size() > limits.max_request_line)
    return fail(err, 414,
                "status line of " + std::to_string(line.size()) + " bytes, more than " +
                    std::to_string(limits.max_request_line));
  const std::size_t sp = line.find(' ');
  if (parse_version(line.substr(0, sp), 0, head.minor_version, err) == parse_status::error)
    return parse_status::error;
  if (sp == npos) return fail(err, 400, "status line has no status code");
  const std::string_view rest = line.substr(sp + 1);
  if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' '))
    return fail(err, 400, "status code is not 3 digits" + at(sp + 1));
  int status = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    if (rest[k] < '0' || rest[k] > '9')
      return fail(err, 400, "status code is not 3 digits" + at(sp + 1));
    status = status * 10 + (rest[k] - '0');
  }
  if (status < 100) return fail(err, 400, "status code below 100" + at(sp + 1));
  head.status = status;
  if (rest.size() > 3) {
    head.reason = rest.substr(4);
    for (std::size_t k = 0; k < head.reason.size(); ++k)
      if (!is_field_byte(head.reason[k]))
        return fail(err, 400, bad_byte(head.reason[k], "reason phrase", sp + 5 + k));
  }

  std::size_t end = 0;
  if (parse_status s = parse_fields(buf, lf + 1, limits, head.fields, end, err);
      s != parse_status::complete)
    return s;

  framing_fields f;
  if (read_framing(head.fields, f, err) == parse_status::error) return parse_status::error;
  head.content_length = f.length;
  const bool no_body = (status >= 100 && status < 200) || status == 204 || status == 304 ||
                       iequals(request_method, "HEAD") ||
                       (iequals(request_method, "CONNECT") && status >= 200 && status < 300);
  if (no_body) {
    head.framing = body_framing::none;
  } else if (f.has_te) {
    // RFC 9112 §6.3: chunked only when it is the final coding; HTTP/1.0 framing is faulty.
    head.framing = f.last_chunked && head.minor_version == 1 ? body_framing::chunked
                                                             : body_framing::until_close;
  } else if (f.has_length) {
    if (f.length > limits.max_body) return length_over_limit(f.length, limits, err);
    head.framing = body_framing::length;
  }
  head.keep_alive = keeps_alive(head.minor_version, f) && head.framing != body_framing::until_close;
  head.size = end;
  return parse_status::complete;
}

}  // namespace netkit::http
