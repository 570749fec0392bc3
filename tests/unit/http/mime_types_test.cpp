// guess_type against tests/data/http/mime_types.json (SimpleHTTPRequestHandler.guess_type of
// CPython 3.11.7 over mimetypes' built-in table, written by tests/tools/gen_http_mime_types.py).
#include "netkit/http/mime_types.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using json = nlohmann::json;
namespace http = netkit::http;

TEST(http_mime_types, every_vector_as_python) {
  const auto path = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
                    "data" / "http" / "mime_types.json";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  const json v = json::parse(in);
  std::size_t n = 0;
  for (const json& row : v["guess_type"]) {
    const std::string name = row[0].get<std::string>();
    EXPECT_EQ(http::guess_type(name), row[1].get<std::string>()) << row[0];
    ++n;
  }
  EXPECT_GT(n, 9000u);
}

TEST(http_mime_types, examples) {
  EXPECT_EQ(http::guess_type("/srv/index.html"), "text/html");
  EXPECT_EQ(http::guess_type("/srv/INDEX.HTML"), "text/html");
  EXPECT_EQ(http::guess_type("a.tar.gz"), "application/gzip");
  EXPECT_EQ(http::guess_type("a.tgz"), "application/x-tar");
  EXPECT_EQ(http::guess_type("a.Z"), "application/octet-stream");
  EXPECT_EQ(http::guess_type(".html"), "application/octet-stream");
  EXPECT_EQ(http::guess_type("README"), "application/octet-stream");
  EXPECT_EQ(http::guess_type("data:image/png;base64,AAAA"), "image/png");
}

}  // namespace
