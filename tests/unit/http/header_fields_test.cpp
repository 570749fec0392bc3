// netkit/http/header_fields.hpp: headers behaves like Python's http.client.HTTPMessage for the
// calls it shares (case-insensitive names, order kept, repeats kept), and the token helpers.
#include "netkit/http/header_fields.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using netkit::http::has_token;
using netkit::http::header_field;
using netkit::http::headers;
using netkit::http::iequals;

TEST(Iequals, ComparesAsciiCaseInsensitively) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("Host", "Hosts"));
  EXPECT_FALSE(iequals("a", "b"));
  // Only ASCII letters fold: 0xC0 and 0xE0 stay different, '@' is not '`'.
  EXPECT_FALSE(iequals("\xC0", "\xE0"));
  EXPECT_FALSE(iequals("@", "`"));
}

TEST(HasToken, FindsAnElementOfACommaList) {
  EXPECT_TRUE(has_token("keep-alive, Upgrade", "upgrade"));
  EXPECT_TRUE(has_token("keep-alive, Upgrade", "KEEP-ALIVE"));
  EXPECT_TRUE(has_token("close", "close"));
  EXPECT_TRUE(has_token(" ,\t close \t, ", "close"));
  EXPECT_FALSE(has_token("closed", "close"));
  EXPECT_FALSE(has_token("keep-alive", "alive"));
  EXPECT_FALSE(has_token("", "close"));
  EXPECT_FALSE(has_token("a,,b", ""));
}

TEST(Headers, AddGetAndGetAllKeepOrderAndRepeats) {
  headers h;
  EXPECT_TRUE(h.empty());
  h.add("Set-Cookie", "a=1");
  h.add("Content-Type", "text/html");
  h.add("set-cookie", "b=2");
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.get("SET-COOKIE"), "a=1");
  EXPECT_EQ(h.get_all("Set-Cookie"), (std::vector<std::string_view>{"a=1", "b=2"}));
  EXPECT_EQ(h.get("missing"), std::nullopt);
  EXPECT_TRUE(h.get_all("missing").empty());
  EXPECT_TRUE(h.contains("content-type"));
  EXPECT_FALSE(h.contains("content"));
  std::vector<std::pair<std::string, std::string>> seen(h.begin(), h.end());
  EXPECT_EQ(seen,
            (std::vector<std::pair<std::string, std::string>>{
                {"Set-Cookie", "a=1"}, {"Content-Type", "text/html"}, {"set-cookie", "b=2"}}));
}

TEST(Headers, SetReplacesEveryFieldOfTheNameAtTheFirstOnesPlace) {
  headers h;
  h.add("A", "1");
  h.add("B", "2");
  h.add("a", "3");
  h.set("A", "new");
  EXPECT_EQ(h.str(), "A: new\r\nB: 2\r\n");
  h.set("C", "appended");
  EXPECT_EQ(h.str(), "A: new\r\nB: 2\r\nC: appended\r\n");
}

TEST(Headers, EraseRemovesAllAndCounts) {
  headers h;
  h.add("X", "1");
  h.add("Y", "2");
  h.add("x", "3");
  EXPECT_EQ(h.erase("X"), 2u);
  EXPECT_EQ(h.erase("X"), 0u);
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.str(), "Y: 2\r\n");
  h.clear();
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.str(), "");
}

TEST(Headers, CopiesParsedFields) {
  std::string buffer = "Host: example\r\nAccept: */*\r\n";
  const std::vector<header_field> fields = {
      {std::string_view(buffer).substr(0, 4), std::string_view(buffer).substr(6, 7)},
      {std::string_view(buffer).substr(15, 6), std::string_view(buffer).substr(23, 3)}};
  const headers h(fields);
  buffer.assign(buffer.size(), 'x');  // the copy owns its strings
  EXPECT_EQ(h.str(), "Host: example\r\nAccept: */*\r\n");
  headers same;
  same.add("Host", "example");
  same.add("Accept", "*/*");
  EXPECT_EQ(h, same);
}

}  // namespace
