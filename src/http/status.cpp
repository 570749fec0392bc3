// reason_phrase, status_description and error_page (see netkit/http/status.hpp).
#include "netkit/http/status.hpp"

#include <algorithm>

#include "status_table.hpp"
#include "text.hpp"

namespace netkit::http {
namespace {

const detail::status_entry* find(int code) noexcept {
  const auto table = detail::status_table();
  const auto it = std::lower_bound(table.begin(), table.end(), code,
                                   [](const detail::status_entry& e, int c) { return e.code < c; });
  return it != table.end() && it->code == code ? &*it : nullptr;
}

}  // namespace

std::string_view reason_phrase(int code) noexcept {
  const auto* e = find(code);
  return e ? e->phrase : std::string_view();
}

std::string_view status_description(int code) noexcept {
  const auto* e = find(code);
  return e ? e->description : std::string_view();
}

std::string error_page(int code, std::optional<std::string_view> message,
                       std::optional<std::string_view> explain) {
  const auto* e = find(code);
  const std::string_view shortmsg = e ? e->phrase : "???";
  const std::string_view longmsg = e ? e->description : "???";
  const std::string number = std::to_string(code);
  std::string out;
  out.reserve(400);
  out +=
      "<!DOCTYPE HTML>\n"
      "<html lang=\"en\">\n"
      "    <head>\n"
      "        <meta charset=\"utf-8\">\n"
      "        <title>Error response</title>\n"
      "    </head>\n"
      "    <body>\n"
      "        <h1>Error response</h1>\n"
      "        <p>Error code: ";
  out += number;
  out += "</p>\n        <p>Message: ";
  detail::append_html_escaped(out, message.value_or(shortmsg));
  out += ".</p>\n        <p>Error code explanation: ";
  out += number;
  out += " - ";
  detail::append_html_escaped(out, explain.value_or(longmsg));
  out +=
      ".</p>\n"
      "    </body>\n"
      "</html>\n";
  return out;
}

}  // namespace netkit::http
