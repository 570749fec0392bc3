// netkit/url/parse.hpp and result.hpp: the cases urllib.parse's documentation and its quirks
// single out (every expected value is what CPython 3.11.7 answers). vectors_test.cpp checks
// tens of thousands more.
#include "netkit/url/parse.hpp"

#include <gtest/gtest.h>

#include <string>

#include "netkit/url/error.hpp"

namespace {

namespace url = netkit::url;

TEST(UrlParse, AllFieldsAndAttributes) {
  const url::parse_result r = url::urlparse("http://User:Pa:ss@[FE80::1%Eth0]:8080/p;a?q#f");
  EXPECT_EQ(r, (url::parse_result{"http", "User:Pa:ss@[FE80::1%Eth0]:8080", "/p", "a", "q", "f"}));
  EXPECT_EQ(r.username(), "User");
  EXPECT_EQ(r.password(), "Pa:ss");
  EXPECT_EQ(r.hostname(), "fe80::1%Eth0");  // the zone id keeps its case
  EXPECT_EQ(r.port(), 8080);
  EXPECT_EQ(r.geturl(), "http://User:Pa:ss@[FE80::1%Eth0]:8080/p;a?q#f");
  EXPECT_EQ(netkit::repr(r),
            "ParseResult(scheme='http', netloc='User:Pa:ss@[FE80::1%Eth0]:8080', path='/p', "
            "params='a', query='q', fragment='f')");
}

TEST(UrlParse, NoneAttributes) {
  const url::split_result r = url::urlsplit("file:///x");
  EXPECT_EQ(r.netloc, "");
  EXPECT_EQ(r.username(), std::nullopt);
  EXPECT_EQ(r.password(), std::nullopt);
  EXPECT_EQ(r.hostname(), std::nullopt);
  EXPECT_EQ(r.port(), std::nullopt);
}

TEST(UrlParse, EmptyNetlocIsWrittenBackForNetlocSchemes) {
  EXPECT_EQ(url::urlsplit("file:/x").geturl(), "file:///x");
  EXPECT_EQ(url::urlsplit("file:///x").geturl(), "file:///x");
  EXPECT_EQ(url::urlunsplit("http", "", "//x", "", ""), "http://x");
  EXPECT_EQ(url::urlunsplit("", "", "//x", "", ""), "//x");
  EXPECT_EQ(url::urlunsplit("mailto", "", "a@b", "", ""), "mailto:a@b");
  EXPECT_EQ(url::urlunparse("http", "h", "p", "x", "q", "f"), "http://h/p;x?q#f");
}

TEST(UrlParse, ParamsOnlyForUsesParamsSchemes) {
  EXPECT_EQ(url::urlparse("mailto:a;b").params, "");
  EXPECT_EQ(url::urlparse("x://h/p;q").path, "/p;q");
  EXPECT_EQ(url::urlparse("http://h/a;b/c;d").path, "/a;b/c");
  EXPECT_EQ(url::urlparse("http://h/a;b/c;d").params, "d");
}

TEST(UrlParse, SchemeRules) {
  EXPECT_EQ(url::urlsplit("HTTP://h/").scheme, "http");
  EXPECT_EQ(url::urlsplit("a:b").scheme, "a");
  EXPECT_EQ(url::urlsplit("1a:b").scheme, "");
  EXPECT_EQ(url::urlsplit("1a:b").path, "1a:b");
  EXPECT_EQ(url::urlsplit("//h/p", "ftp").scheme, "ftp");
}

TEST(UrlParse, StripsLeadingControlsAndRemovesTabsAndNewlines) {
  const url::split_result r = url::urlsplit(std::string("\0\x1f http://h/\t\r\n", 14));
  EXPECT_EQ(r, (url::split_result{"http", "h", "/", "", ""}));
  EXPECT_EQ(url::urlsplit("http://a\nb/c").netloc, "ab");
  EXPECT_EQ(url::urlsplit("http://h/p ").path, "/p ");  // trailing space kept
}

TEST(UrlParse, Hostnames) {
  EXPECT_EQ(url::urlsplit("HTTP://\xce\xa3\xce\x91\xce\xa3.GR/").hostname(),
            "\xcf\x83\xce\xb1\xcf\x83.gr");  // ΣΑΣ.GR -> σασ.gr
  EXPECT_EQ(url::urlsplit("http://\xce\x91\xce\xa3/").hostname(), "\xce\xb1\xcf\x82");  // ας
  EXPECT_EQ(url::urlsplit("http://\xc4\xb0/").hostname(), "i\xcc\x87");  // İ -> i + U+0307
  // Final sigma as python3 has it: '.' is case-ignorable, so the sigma before ".com" is not final.
  EXPECT_EQ(url::urlsplit("http://\xce\xa3\xce\x91\xce\xa3:80/").hostname(),
            "\xcf\x83\xce\xb1\xcf\x82");  // ΣΑΣ -> σας
  EXPECT_EQ(url::urlsplit("http://\xce\xa3\xce\x91\xce\xa3.com/").hostname(),
            "\xcf\x83\xce\xb1\xcf\x83.com");  // ΣΑΣ.com -> σασ.com
}

TEST(UrlParse, Ports) {
  EXPECT_EQ(url::urlsplit("http://h:0065535").port(), 65535);
  EXPECT_EQ(url::urlsplit("http://h:").port(), std::nullopt);
  EXPECT_EQ(url::urlsplit("http://[::1]:0/").port(), 0);
  try {
    (void)url::urlsplit("http://h:65536").port();
    FAIL();
  } catch (const netkit::value_error& e) {
    EXPECT_STREQ(e.what(), "Port out of range 0-65535");
  }
  try {
    (void)url::urlsplit("http://h:-1").port();
    FAIL();
  } catch (const url::url_error& e) {
    EXPECT_STREQ(e.what(), "Port could not be cast to integer value as '-1'");
  }
}

std::string split_error(std::string_view text) {
  try {
    url::urlsplit(text);
  } catch (const netkit::value_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(UrlParse, Errors) {
  EXPECT_EQ(split_error("http://[::1"), "Invalid IPv6 URL");
  EXPECT_EQ(split_error("http://::1]/"), "Invalid IPv6 URL");
  EXPECT_EQ(split_error("http://[1.2.3.4]/"), "An IPv4 address cannot be in brackets");
  EXPECT_EQ(split_error("http://[v1.x]/"), "no error");
  EXPECT_EQ(split_error("http://[vx.]/"), "IPvFuture address is invalid");
  EXPECT_EQ(split_error("http://[::1%]/"), "'::1%' does not appear to be an IPv4 or IPv6 address");
  EXPECT_EQ(split_error("http://a\xe2\x84\x80"
                        "b/"),  // U+2100 is a/c under NFKC
            "netloc 'a\xe2\x84\x80"
            "b' contains invalid characters under NFKC normalization");
}

TEST(UrlJoin, Rfc3986ExamplesAsPythonResolvesThem) {
  const std::string base = "http://a/b/c/d;p?q";
  const std::pair<const char*, const char*> cases[] = {
      {"g", "http://a/b/c/g"},         {"../g", "http://a/b/g"},
      {"../../../../g", "http://a/g"}, {"/./g", "http://a/g"},
      {"g.", "http://a/b/c/g."},       {"..g", "http://a/b/c/..g"},
      {"./g/.", "http://a/b/c/g/"},    {"g;x=1/../y", "http://a/b/c/y"},
      {"http:g", "http://a/b/c/g"},    {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},    {"#s", "http://a/b/c/d;p?q#s"},
      {"", "http://a/b/c/d;p?q"},      {".", "http://a/b/c/"},
      {"..", "http://a/b/"},
  };
  for (const auto& [rel, want] : cases) EXPECT_EQ(url::urljoin(base, rel), want) << rel;
  EXPECT_EQ(url::urljoin("", "g"), "g");
  EXPECT_EQ(url::urljoin("mailto:x@y", "z"), "z");  // not in uses_relative: the url as given
}

TEST(UrlDefrag, SplitsTheFragment) {
  EXPECT_EQ(url::urldefrag("http://a/b#f"), (url::defrag_result{"http://a/b", "f"}));
  EXPECT_EQ(url::urldefrag("x#"), (url::defrag_result{"x", ""}));
  EXPECT_EQ(url::urldefrag(" x"), (url::defrag_result{" x", ""}));  // untouched without '#'
  EXPECT_EQ(netkit::repr(url::urldefrag("a#b")), "DefragResult(url='a', fragment='b')");
}

}  // namespace
