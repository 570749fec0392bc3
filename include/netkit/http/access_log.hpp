// netkit/http/access_log.hpp — the lines http.server writes to stderr (public); Python's
// BaseHTTPRequestHandler.log_request and log_message.
//
//   std::cerr << netkit::http::access_log_line("127.0.0.1", std::time(nullptr),
//                                              "GET / HTTP/1.1", 200, "-");
//   // 127.0.0.1 - - [25/Nov/2026 02:10:00] "GET / HTTP/1.1" 200 -
//
// Thread safety: pure functions, but the date is local time (reads TZ).
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace netkit::http {

// BaseHTTPRequestHandler.log_message(format, *args) with the message already formatted:
// "CLIENT - - [DATE] MESSAGE\n", DATE as log_date_time_string(when). As Python 3.11 does,
// control characters of the message (0x00-0x1F, 0x7F-0x9F) are written as \xNN and a
// backslash as \\. The message is read as Latin-1 (Python reads request lines so): bytes
// 0xA0-0xFF come out as their UTF-8 encoding, as Python's stderr writes them. client_ip is
// written as given (Python's address_string()).
std::string log_message_line(std::string_view client_ip, std::time_t when,
                             std::string_view message);

// log_request(code, size): log_message_line with the message "\"REQUEST_LINE\" CODE SIZE", as
// send_response logs every response (size is "-" there, as Python logs it).
// send_error also logs "code 404, message File not found" first: use log_message_line for it.
std::string access_log_line(std::string_view client_ip, std::time_t when,
                            std::string_view request_line, int code, std::string_view size = "-");

}  // namespace netkit::http
