// access_log_line and log_message_line against tests/data/http/access_log_vectors.json
// (BaseHTTPRequestHandler.log_request and log_message of CPython 3.11.7 with TZ=UTC0, written by
// tests/tools/gen_http_access_log_vectors.py).
#include "netkit/http/access_log.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "../vectors.hpp"

namespace {

using netkit_test::latin1;
using json = nlohmann::json;
namespace http = netkit::http;

class access_log : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* old = std::getenv("TZ")) saved_ = old;
    ::setenv("TZ", "UTC0", 1);
    ::tzset();
  }
  void TearDown() override {
    if (saved_) {
      ::setenv("TZ", saved_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  static json vectors() { return netkit_test::load_json("http/access_log_vectors.json"); }
  std::optional<std::string> saved_;
};

TEST_F(access_log, request_lines_as_log_request) {
  const json v = vectors();
  std::size_t n = 0;
  for (const json& row : v["request"]) {
    const std::string line = http::access_log_line(
        row[0].get<std::string>(), static_cast<std::time_t>(row[1].get<long long>()),
        latin1(row[2].get<std::string>()), row[3].get<int>(), latin1(row[4].get<std::string>()));
    EXPECT_EQ(line, row[5].get<std::string>()) << row.dump();
    ++n;
  }
  EXPECT_GT(n, 2000u);
}

TEST_F(access_log, messages_as_log_message) {
  const json v = vectors();
  std::size_t n = 0;
  for (const json& row : v["message"]) {
    EXPECT_EQ(http::log_message_line(row[0].get<std::string>(),
                                     static_cast<std::time_t>(row[1].get<long long>()),
                                     latin1(row[2].get<std::string>())),
              row[3].get<std::string>())
        << row.dump();
    ++n;
  }
  EXPECT_EQ(n, 300u);
}

TEST_F(access_log, example) {
  EXPECT_EQ(http::access_log_line("127.0.0.1", 1795572600, "GET / HTTP/1.1", 200),
            "127.0.0.1 - - [25/Nov/2026 02:10:00] \"GET / HTTP/1.1\" 200 -\n");
  EXPECT_EQ(http::access_log_line("::1", 0, "GET /\r\n\\ HTTP/1.0", 404, "-"),
            "::1 - - [01/Jan/1970 00:00:00] \"GET /\\x0d\\x0a\\\\ HTTP/1.0\" 404 -\n");
}

}  // namespace
