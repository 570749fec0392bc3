// log_message_line and access_log_line (see netkit/http/access_log.hpp).
#include "netkit/http/access_log.hpp"

#include "netkit/http/http_date.hpp"

namespace netkit::http {

std::string log_message_line(std::string_view client_ip, std::time_t when,
                             std::string_view message) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(client_ip.size() + message.size() + 32);
  out += client_ip;
  out += " - - [";
  out += log_date_time_string(when);
  out += "] ";
  for (const char ch : message) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {  // 3.11's _control_char_table
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x80) {
      out.push_back(ch);
    } else {  // U+00A0..U+00FF, written to stderr as UTF-8
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  out.push_back('\n');
  return out;
}

std::string access_log_line(std::string_view client_ip, std::time_t when,
                            std::string_view request_line, int code, std::string_view size) {
  std::string message;
  message.reserve(request_line.size() + size.size() + 8);
  message += '"';
  message += request_line;
  message += "\" ";
  message += std::to_string(code);
  message += ' ';
  message += size;
  return log_message_line(client_ip, when, message);
}

}  // namespace netkit::http
