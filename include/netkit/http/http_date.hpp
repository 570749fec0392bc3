// netkit/http/http_date.hpp — HTTP dates (public); Python's email.utils.formatdate(t,
// usegmt=True), email.utils.parsedate_to_datetime and BaseHTTPRequestHandler's
// log_date_time_string.
//
//   netkit::http::format_http_date(1795572600);      // "Wed, 25 Nov 2026 02:10:00 GMT"
//   netkit::http::if_modified_since(value);          // the time send_head compares, or nullopt
//
// Thread safety: pure functions; log_date_time_string reads the process's time zone (TZ).
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace netkit::http {

// email.utils.formatdate(t, usegmt=True), the Date and Last-Modified format (IMF-fixdate).
// Throws value_error outside the years 1..9999, where Python's datetime raises.
std::string format_http_date(std::time_t t);

// The instant email.utils.parsedate_to_datetime(value) denotes, as a Unix time, or nullopt where
// it raises. It accepts what Python's lenient RFC 822 parser accepts: IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT"), asctime
// ("Sun Nov  6 08:49:37 1994"), and beyond them any day name or none, day and month in either
// order, two-digit years (69..99 → 19xx, 0..68 → 20xx), "hh:mm" or "hh.mm.ss" times, the zones
// UT UTC GMT Z AST ADT EST EDT CST CDT MST MDT PST PDT and numeric ones (+hhmm, any digits).
// A zone offset is honoured; no zone, an unknown zone and "-0000" mean UTC (as send_head takes
// them). The value is read as Latin-1, as Python's header parser reads it.
std::optional<std::time_t> parse_http_date(std::string_view value);

// The If-Modified-Since time SimpleHTTPRequestHandler.send_head compares with the file's
// modification time: parse_http_date's answer when the date is in UTC (no zone, "-0000", an
// unknown zone, or a zero offset) and nullopt otherwise, since Python ignores a header that is
// ill-formed or carries a non-zero offset (its datetime is then not timezone.utc). Send 304
// when the file's mtime, in whole seconds, is <= this time.
std::optional<std::time_t> if_modified_since(std::string_view value);

// BaseHTTPRequestHandler.log_date_time_string() for time t: local time as "25/Nov/2026 02:10:00".
std::string log_date_time_string(std::time_t t);

}  // namespace netkit::http
