// netkit/url/quote.hpp: safe sets, UTF-8, and unquote's errors='replace' decoding, with the
// answers of CPython 3.11.7.
#include "netkit/url/quote.hpp"

#include <gtest/gtest.h>

namespace {

namespace url = netkit::url;

TEST(UrlQuote, SafeSets) {
  EXPECT_EQ(url::quote("a b/c"), "a%20b/c");
  EXPECT_EQ(url::quote("a b/c", ""), "a%20b%2Fc");
  EXPECT_EQ(url::quote("_.-~AZaz09"), "_.-~AZaz09");           // always safe
  EXPECT_EQ(url::quote("\xc3\xa9/", "\xc3\xa9/"), "%C3%A9/");  // non-ASCII safe is ignored
  EXPECT_EQ(url::quote(""), "");
  EXPECT_EQ(url::quote(std::string_view("\0\x7f", 2)), "%00%7F");
}

TEST(UrlQuote, Plus) {
  EXPECT_EQ(url::quote_plus("a b+c/d"), "a+b%2Bc%2Fd");
  EXPECT_EQ(url::quote_plus("a b", "+"), "a+b");
  EXPECT_EQ(url::quote_plus("a+b", "+"), "a+b");
}

TEST(UrlUnquote, ValidAndInvalidEscapes) {
  EXPECT_EQ(url::unquote("abc%20def"), "abc def");
  EXPECT_EQ(url::unquote("%C3%A9"), "\xc3\xa9");
  EXPECT_EQ(url::unquote("%zz%4"), "%zz%4");
  EXPECT_EQ(url::unquote("%C3"), "\xef\xbf\xbd");                 // cut short: one U+FFFD
  EXPECT_EQ(url::unquote("%E2%82"), "\xef\xbf\xbd");              // one for the prefix
  EXPECT_EQ(url::unquote("%E0%80"), "\xef\xbf\xbd\xef\xbf\xbd");  // overlong: two
  EXPECT_EQ(url::unquote("%ED%A0%80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_EQ(url::unquote("%FF"), "\xef\xbf\xbd");
  // Each ASCII run is decoded on its own: an escape cut by a literal é does not join across it.
  EXPECT_EQ(url::unquote("%C3\xc3\xa9%A9"), "\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd");
}

TEST(UrlUnquote, Plus) {
  EXPECT_EQ(url::unquote_plus("%7e/abc+def"), "~/abc def");
  EXPECT_EQ(url::unquote("a+b"), "a+b");
  EXPECT_EQ(url::unquote_to_bytes("%FF%41"),
            "\xff"
            "A");
}

}  // namespace
