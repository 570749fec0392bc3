// parse_range and content_range: every case of RFC 9110 §14 we serve, ignore or refuse.
#include "netkit/http/byte_range.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace {

namespace http = netkit::http;
using http::parse_range;
using http::range_kind;
using http::range_result;

constexpr range_result whole{};
constexpr range_result unsatisfiable{range_kind::unsatisfiable, 0, 0};
constexpr range_result partial(std::uint64_t a, std::uint64_t b) {
  return {range_kind::partial, a, b};
}
constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();

TEST(http_byte_range, first_last) {
  EXPECT_EQ(parse_range("bytes=0-0", 100), partial(0, 0));
  EXPECT_EQ(parse_range("bytes=0-99", 100), partial(0, 99));
  EXPECT_EQ(parse_range("bytes=10-20", 100), partial(10, 20));
  EXPECT_EQ(parse_range("bytes=10-10", 100), partial(10, 10));
  EXPECT_EQ(parse_range("bytes=99-99", 100), partial(99, 99));
  EXPECT_EQ(parse_range("bytes=50-1000", 100), partial(50, 99));  // last clamped
  EXPECT_EQ(parse_range("bytes=0-18446744073709551615", 100), partial(0, 99));
  EXPECT_EQ(parse_range("bytes=00010-020", 100), partial(10, 20));  // leading zeros
  EXPECT_EQ(parse_range("bytes=20-10", 100), whole);                // last < first: invalid
  EXPECT_EQ(parse_range("bytes=100-100", 100), unsatisfiable);
  EXPECT_EQ(parse_range("bytes=100-200", 100), unsatisfiable);
  EXPECT_EQ(parse_range("bytes=0-0", 0), unsatisfiable);
}

TEST(http_byte_range, open_ended) {
  EXPECT_EQ(parse_range("bytes=0-", 100), partial(0, 99));
  EXPECT_EQ(parse_range("bytes=99-", 100), partial(99, 99));
  EXPECT_EQ(parse_range("bytes=100-", 100), unsatisfiable);
  EXPECT_EQ(parse_range("bytes=0-", 0), unsatisfiable);
  EXPECT_EQ(parse_range("bytes=0-", 1), partial(0, 0));
}

TEST(http_byte_range, suffix) {
  EXPECT_EQ(parse_range("bytes=-1", 100), partial(99, 99));
  EXPECT_EQ(parse_range("bytes=-10", 100), partial(90, 99));
  EXPECT_EQ(parse_range("bytes=-100", 100), partial(0, 99));
  EXPECT_EQ(parse_range("bytes=-1000", 100), partial(0, 99));
  EXPECT_EQ(parse_range("bytes=-0", 100), unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-000", 100), unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-5", 0), whole);  // nothing to select in an empty file
  EXPECT_EQ(parse_range("bytes=-0", 0), unsatisfiable);
}

TEST(http_byte_range, huge_numbers_saturate) {
  const char* huge = "99999999999999999999999999999999999999";
  EXPECT_EQ(parse_range(std::string("bytes=") + huge + "-", 100), unsatisfiable);
  EXPECT_EQ(parse_range(std::string("bytes=") + huge + "-" + huge, 100), unsatisfiable);
  EXPECT_EQ(parse_range(std::string("bytes=5-") + huge, 100), partial(5, 99));
  EXPECT_EQ(parse_range(std::string("bytes=-") + huge, 100), partial(0, 99));
  EXPECT_EQ(parse_range("bytes=18446744073709551615-", max_u64), unsatisfiable);
  EXPECT_EQ(parse_range("bytes=18446744073709551614-", max_u64), partial(max_u64 - 1, max_u64 - 1));
  EXPECT_EQ(parse_range("bytes=0-", max_u64), partial(0, max_u64 - 1));
  EXPECT_EQ(parse_range("bytes=-1", max_u64), partial(max_u64 - 1, max_u64 - 1));
  EXPECT_EQ(parse_range("bytes=18446744073709551616-18446744073709551615", max_u64),
            unsatisfiable);  // both saturate to 2^64-1: first >= size
}

TEST(http_byte_range, several_ranges_serve_the_whole_file) {
  EXPECT_EQ(parse_range("bytes=0-0,-1", 100), whole);
  EXPECT_EQ(parse_range("bytes=0-10, 20-30", 100), whole);
  EXPECT_EQ(parse_range("bytes=200-300,400-500", 100), whole);
  EXPECT_EQ(parse_range("bytes=0-1,0-1", 100), whole);
}

TEST(http_byte_range, whitespace_case_and_empty_elements) {
  EXPECT_EQ(parse_range("  bytes=0-1\t", 100), partial(0, 1));
  EXPECT_EQ(parse_range("BYTES=0-1", 100), partial(0, 1));
  EXPECT_EQ(parse_range("Bytes=-3", 100), partial(97, 99));
  EXPECT_EQ(parse_range("bytes= 0-1 ", 100), partial(0, 1));
  EXPECT_EQ(parse_range("bytes=, 0-1 ,,", 100), partial(0, 1));
  EXPECT_EQ(parse_range("bytes=0 - 1", 100), whole);
  EXPECT_EQ(parse_range("bytes =0-1", 100), whole);
}

TEST(http_byte_range, invalid_syntax_is_ignored) {
  for (const char* h : {"",
                        "bytes",
                        "bytes=",
                        "bytes=,",
                        "bytes=-",
                        "bytes=--1",
                        "bytes=1",
                        "bytes=a-b",
                        "bytes=1-a",
                        "bytes=+1-2",
                        "bytes=1-+2",
                        "bytes=-+1",
                        "bytes=-1-2",
                        "bytes=1--2",
                        "bytes=0x10-0x20",
                        "bytes=1.5-2",
                        "items=0-1",
                        "byte=0-1",
                        "bytes0-1",
                        "=0-1",
                        "bytes=0-1;q",
                        "bytes=\xEF\xBC\x91-2",
                        "bytes=1 2-3",
                        "bytes=\x00"}) {
    EXPECT_EQ(parse_range(h, 100), whole) << h;
  }
}

TEST(http_byte_range, content_range) {
  EXPECT_EQ(http::content_range(partial(0, 99), 100), "bytes 0-99/100");
  EXPECT_EQ(http::content_range(partial(5, 5), 6), "bytes 5-5/6");
  EXPECT_EQ(http::content_range(unsatisfiable, 100), "bytes */100");
  EXPECT_EQ(http::content_range(unsatisfiable, 0), "bytes */0");
  EXPECT_EQ(http::content_range(whole, 100), "");
  EXPECT_EQ(http::content_range(partial(max_u64 - 1, max_u64 - 1), max_u64),
            "bytes 18446744073709551614-18446744073709551614/18446744073709551615");
  EXPECT_EQ(partial(10, 19).length(), 10u);
  EXPECT_EQ(whole.length(), 0u);
}

}  // namespace
