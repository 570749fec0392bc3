// netkit/url/query.hpp: parse_qsl / parse_qs options and urlencode, with the answers of
// CPython 3.11.7.
#include "netkit/url/query.hpp"

#include <gtest/gtest.h>

#include "netkit/url/error.hpp"
#include "netkit/url/quote.hpp"

namespace {

namespace url = netkit::url;

TEST(UrlQuery, ParseQsl) {
  EXPECT_EQ(url::parse_qsl("a=1&b=x+y&c&d=&&e=%41"),
            (url::query_list{{"a", "1"}, {"b", "x y"}, {"e", "A"}}));
  url::parse_qs_options keep;
  keep.keep_blank_values = true;
  EXPECT_EQ(url::parse_qsl("a=1&c&d=&&e", keep),
            (url::query_list{{"a", "1"}, {"c", ""}, {"d", ""}, {"e", ""}}));
  url::parse_qs_options semi;
  semi.separator = ";";
  EXPECT_EQ(url::parse_qsl("a=1;b=2&c=3", semi), (url::query_list{{"a", "1"}, {"b", "2&c=3"}}));
}

TEST(UrlQuery, Errors) {
  url::parse_qs_options strict;
  strict.strict_parsing = true;
  EXPECT_THROW(url::parse_qsl("a=1&b", strict), url::url_error);
  EXPECT_THROW(url::parse_qsl("a=1&&b=2", strict), url::url_error);
  url::parse_qs_options max;
  max.max_num_fields = 2;
  EXPECT_EQ(url::parse_qsl("a=1&b=2", max).size(), 2u);
  try {
    url::parse_qsl("a=1&b=2&c=3", max);
    FAIL();
  } catch (const netkit::value_error& e) {
    EXPECT_STREQ(e.what(), "Max number of fields exceeded");
  }
  url::parse_qs_options empty;
  empty.separator = "";
  EXPECT_THROW(url::parse_qsl("a", empty), netkit::value_error);
}

TEST(UrlQuery, ParseQsKeepsFirstAppearanceOrder) {
  EXPECT_EQ(url::parse_qs("b=1&a=2&b=3"), (url::query_dict{{"b", {"1", "3"}}, {"a", {"2"}}}));
}

TEST(UrlQuery, Urlencode) {
  EXPECT_EQ(url::urlencode({{"q", "a b"}, {"n", "1/2"}}), "q=a+b&n=1%2F2");
  EXPECT_EQ(url::urlencode({{"q", "a b"}}, "", url::quote), "q=a%20b");
  EXPECT_EQ(url::urlencode({{"n", "1/2"}}, "/"), "n=1/2");
  const url::query_dict seq{{"a", {"1", "2"}}, {"b", {}}};
  EXPECT_EQ(url::urlencode(seq, true), "a=1&a=2");
  EXPECT_EQ(url::urlencode(seq, false), "a=%5B%271%27%2C+%272%27%5D&b=%5B%5D");
}

}  // namespace
