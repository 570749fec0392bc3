// reason_phrase, status_description and error_page against tests/data/http/status.json
// (CPython 3.11.7's HTTPStatus and send_error body, written by tests/tools/gen_http_status.py).
#include "netkit/http/status.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace {

using json = nlohmann::json;
namespace http = netkit::http;

json load() {
  const auto path = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
                    "data" / "http" / "status.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return json::parse(in);
}

std::optional<std::string> opt(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::string>();
}

TEST(http_status, every_code_0_to_999_as_python) {
  const json v = load();
  ASSERT_EQ(v["codes"].size(), 1000u);
  int known = 0;
  for (const json& row : v["codes"]) {
    const int code = row[0].get<int>();
    EXPECT_EQ(http::reason_phrase(code), row[1].get<std::string>()) << code;
    EXPECT_EQ(http::status_description(code), row[2].get<std::string>()) << code;
    if (!row[1].get<std::string>().empty()) ++known;
  }
  EXPECT_EQ(known, 62);  // len(http.HTTPStatus) in 3.11.7
  EXPECT_EQ(http::reason_phrase(-1), "");
  EXPECT_EQ(http::reason_phrase(100000), "");
}

TEST(http_status, error_pages_as_send_error) {
  const json v = load();
  EXPECT_EQ(http::error_content_type, v["error_content_type"].get<std::string>());
  std::size_t checked = 0;
  for (const json& row : v["error_pages"]) {
    const std::optional<std::string> message = opt(row[1]);
    const std::optional<std::string> explain = opt(row[2]);
    std::optional<std::string_view> m, e;
    if (message) m = *message;
    if (explain) e = *explain;
    EXPECT_EQ(http::error_page(row[0].get<int>(), m, e), row[3].get<std::string>()) << row.dump();
    ++checked;
  }
  EXPECT_GT(checked, 500u);
}

TEST(http_status, examples) {
  EXPECT_EQ(http::reason_phrase(404), "Not Found");
  EXPECT_EQ(http::reason_phrase(416), "Requested Range Not Satisfiable");
  EXPECT_EQ(http::status_description(404), "Nothing matches the given URI");
  const std::string page = http::error_page(404, "File not found");
  EXPECT_NE(page.find("<p>Message: File not found.</p>"), std::string::npos);
  EXPECT_NE(page.find("Error code explanation: 404 - Nothing matches the given URI."),
            std::string::npos);
  EXPECT_NE(http::error_page(404, "<a&b>").find("Message: &lt;a&amp;b&gt;."), std::string::npos);
  EXPECT_NE(http::error_page(404, "").find("<p>Message: .</p>"), std::string::npos);
  EXPECT_NE(http::error_page(999).find("Message: ???.</p>"), std::string::npos);
}

}  // namespace
