// format_http_date, parse_http_date, if_modified_since and log_date_time_string against
// tests/data/http/date_vectors.json (CPython 3.11.7, written by
// tests/tools/gen_http_date_vectors.py).
#include "netkit/http/http_date.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "../vectors.hpp"
#include "netkit/error.hpp"

namespace {

using netkit_test::latin1;
using json = nlohmann::json;
namespace http = netkit::http;

const json& vectors() {
  static const json v = netkit_test::load_json("http/date_vectors.json");
  return v;
}

json as_json(const std::optional<std::time_t>& t) {
  return t ? json(static_cast<long long>(*t)) : json(nullptr);
}

TEST(http_date, format_as_formatdate_usegmt) {
  std::size_t n = 0;
  for (const json& row : vectors()["format"]) {
    const auto t = static_cast<std::time_t>(row[0].get<long long>());
    const std::string expected = row[1].get<std::string>();
    if (expected == "ValueError") {
      EXPECT_THROW(http::format_http_date(t), netkit::value_error) << t;
    } else {
      EXPECT_EQ(http::format_http_date(t), expected) << t;
    }
    ++n;
  }
  EXPECT_GT(n, 4000u);
  EXPECT_EQ(http::format_http_date(1795572600), "Wed, 25 Nov 2026 02:10:00 GMT");
}

TEST(http_date, parse_as_parsedate_to_datetime) {
  std::size_t n = 0, parsed = 0;
  for (const json& row : vectors()["parse"]) {
    const std::string value = latin1(row[0].get<std::string>());
    EXPECT_EQ(as_json(http::parse_http_date(value)), row[1]) << row[0];
    EXPECT_EQ(as_json(http::if_modified_since(value)), row[2]) << row[0];
    ++n;
    parsed += !row[1].is_null();
  }
  EXPECT_GT(n, 6000u);
  EXPECT_GT(parsed, 1000u);
}

TEST(http_date, the_three_http_formats) {
  const std::time_t t = 784111777;
  EXPECT_EQ(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), t);
  EXPECT_EQ(http::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), t);
  EXPECT_EQ(http::parse_http_date("Sun Nov  6 08:49:37 1994"), t);
  EXPECT_EQ(http::parse_http_date("Sun, 06 Nov 1994 09:49:37 +0100"), t);
  EXPECT_EQ(http::if_modified_since("Sun, 06 Nov 1994 09:49:37 +0100"), std::nullopt);
  EXPECT_EQ(http::if_modified_since("Sun, 06 Nov 1994 08:49:37 -0000"), t);
  EXPECT_EQ(http::parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(http::parse_http_date(""), std::nullopt);
}

class local_zone {
 public:
  explicit local_zone(const std::string& tz) {
    if (const char* old = std::getenv("TZ")) saved_ = old;
    ::setenv("TZ", tz.c_str(), 1);
    ::tzset();
  }
  ~local_zone() {
    if (saved_) {
      ::setenv("TZ", saved_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  local_zone(const local_zone&) = delete;
  local_zone& operator=(const local_zone&) = delete;

 private:
  std::optional<std::string> saved_;
};

TEST(http_date, log_date_time_string_in_several_zones) {
  std::size_t n = 0;
  for (const auto& [zone, rows] : vectors()["log"].items()) {
    local_zone z(zone);
    for (const json& row : rows) {
      EXPECT_EQ(http::log_date_time_string(static_cast<std::time_t>(row[0].get<long long>())),
                row[1].get<std::string>())
          << zone << " " << row[0];
      ++n;
    }
  }
  EXPECT_GT(n, 3000u);
}

}  // namespace
