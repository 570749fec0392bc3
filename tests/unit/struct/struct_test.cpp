// The C++ API of netkit/struct: the variadic forms, Struct, values and their repr, errors, and
// static_struct (checked against the runtime Struct on the same formats).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>

#include "netkit/struct.hpp"

namespace {

using namespace std::string_literals;

TEST(Struct, PacksLikePython) {
  EXPECT_EQ(netkit::pack("I 2s f", 1, "ab", 2.7f),
            "\x01\x00\x00\x00"
            "ab\x00\x00\xcd\xcc\x2c\x40"s);
  EXPECT_EQ(netkit::pack("!HH", 1, 2), "\x00\x01\x00\x02"s);
  EXPECT_EQ(netkit::pack("<q", std::int64_t{-2}), "\xfe\xff\xff\xff\xff\xff\xff\xff"s);
  EXPECT_EQ(netkit::pack("<Q", UINT64_MAX), "\xff\xff\xff\xff\xff\xff\xff\xff"s);
  EXPECT_EQ(netkit::pack("c?x", 'a', true), "a\x01\x00"s);
  EXPECT_EQ(netkit::pack("5p", "abcdef"),
            "\x04"
            "abcd"s);
  EXPECT_EQ(netkit::calcsize("@bq"), 16U);
  EXPECT_EQ(netkit::calcsize("llh0l"), 24U);
}

TEST(Struct, UnpacksToValuesWithPythonsRepr) {
  const auto v = netkit::unpack("I 2s f", netkit::pack("I 2s f", 1, "ab", 2.7));
  ASSERT_EQ(v.size(), 3U);
  EXPECT_EQ(v[0].as_int().to_int64(), 1);
  EXPECT_EQ(v[1].as_bytes(), "ab");
  EXPECT_EQ(netkit::repr(v), "(1, b'ab', 2.700000047683716)");
  EXPECT_EQ(netkit::repr(netkit::unpack("<h", "\xff\xff"s)), "(-1,)");
  EXPECT_EQ(netkit::repr(netkit::unpack("", "")), "()");
  EXPECT_EQ(netkit::repr(netkit::unpack("<?d", netkit::pack("<?d", false, 1e16))),
            "(False, 1e+16)");
}

TEST(Struct, RaisesPythonsErrors) {
  auto message = [](auto f) -> std::string {
    try {
      f();
    } catch (const netkit::struct_error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(message([] { netkit::pack("B", 256); }), "ubyte format requires 0 <= number <= 255");
  EXPECT_EQ(message([] { netkit::pack("i", 1.5); }), "required argument is not an integer");
  EXPECT_EQ(message([] { netkit::pack("I", -1); }), "argument out of range");
  EXPECT_EQ(message([] { netkit::unpack("q", "1234"); }), "unpack requires a buffer of 8 bytes");
  EXPECT_EQ(message([] { netkit::calcsize("z"); }), "bad char in struct format");
  EXPECT_EQ(message([] { netkit::calcsize("12"); }), "repeat count given without format specifier");
  EXPECT_EQ(message([] { netkit::calcsize("<n"); }), "bad char in struct format");
  EXPECT_EQ(message([] { netkit::pack("ii", 1); }), "pack expected 2 items for packing (got 1)");
  EXPECT_THROW(netkit::pack("<f", 1e300), netkit::struct_overflow_error);
  EXPECT_THROW(netkit::pack("e", 65520.0), netkit::struct_overflow_error);
  // struct.error is a ValueError here.
  EXPECT_THROW(netkit::pack("b", 200), netkit::value_error);
}

TEST(Struct, IntegersCoverInt64AndUint64) {
  const netkit::struct_value big = netkit::struct_value::from_decimal("18446744073709551615");
  EXPECT_EQ(big.as_int().to_uint64(), UINT64_MAX);
  const netkit::struct_value huge = netkit::struct_value::from_decimal("-100000000000000000000");
  EXPECT_TRUE(huge.is_big_int());
  EXPECT_EQ(netkit::repr(huge), "-100000000000000000000");
  EXPECT_EQ(netkit::pack("<d", huge), netkit::pack("<d", -1e20));
  EXPECT_THROW(netkit::pack("q", huge), netkit::struct_error);
  EXPECT_THROW(netkit::struct_value::from_decimal("12a"), netkit::value_error);
}

TEST(Struct, FloatRepr) {
  EXPECT_EQ(netkit::float_repr(0.1), "0.1");
  EXPECT_EQ(netkit::float_repr(1e16), "1e+16");
  EXPECT_EQ(netkit::float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(netkit::float_repr(1e-5), "1e-05");
  EXPECT_EQ(netkit::float_repr(0.0001), "0.0001");
  EXPECT_EQ(netkit::float_repr(-0.0), "-0.0");
  EXPECT_EQ(netkit::float_repr(HUGE_VAL), "inf");
  EXPECT_EQ(netkit::float_repr(-HUGE_VAL), "-inf");
  EXPECT_EQ(netkit::float_repr(NAN), "nan");
  EXPECT_EQ(netkit::float_repr(5e-324), "5e-324");
  EXPECT_EQ(netkit::float_repr(1.5e300), "1.5e+300");
}

TEST(Struct, PackIntoUnpackFromIterUnpack) {
  const netkit::Struct s("<H");
  std::string buffer(6, '\0');
  s.pack_into(netkit::mutable_buffer(buffer.data(), buffer.size()), -2, 0x0102);
  EXPECT_EQ(buffer, "\0\0\0\0\x02\x01"s);
  EXPECT_EQ(netkit::repr(s.unpack_from(buffer, 4)), "(258,)");
  std::string all;
  for (const auto& record : netkit::iter_unpack("<H", "\x01\x00\x02\x00"s))
    all += netkit::repr(record);
  EXPECT_EQ(all, "(1,)(2,)");
  EXPECT_THROW(netkit::iter_unpack("", ""), netkit::struct_error);
}

// static_struct: the same bytes as Struct, typed results.
TEST(StaticStruct, MatchesTheRuntimeStruct) {
  using header = netkit::static_struct<"<I2sf">;
  static_assert(header::size == 10);
  static_assert(header::count == 3);
  static_assert(
      std::is_same_v<header::tuple_type, std::tuple<std::uint32_t, netkit::fixed_bytes<2>, float>>);
  const auto packed = header::pack(1U, "ab", 2.7f);
  EXPECT_EQ(std::string(packed.data(), packed.size()), netkit::pack("<I2sf", 1, "ab", 2.7f));
  const auto [a, b, c] = header::unpack(packed);
  EXPECT_EQ(a, 1U);
  EXPECT_EQ(b.view(), "ab");
  EXPECT_EQ(c, 2.7f);
}

TEST(StaticStruct, EveryCodeAndOrder) {
  using native = netkit::static_struct<"@bhiqcd?xNnPe3s5p">;
  static_assert(native::size == netkit::detail::static_format<"@bhiqcd?xNnPe3s5p">::layout.size);
  EXPECT_EQ(native::size, netkit::calcsize("@bhiqcd?xNnPe3s5p"));
  const auto packed = native::pack(-1, -2, -3, -4, 'z', 0.5, true, std::size_t{7}, -8,
                                   std::uintptr_t{9}, 1.5f, "abcd", "xy");
  const std::string expected = netkit::pack("@bhiqcd?xNnPe3s5p", -1, -2, -3, -4, 'z', 0.5, true, 7,
                                            -8, 9, 1.5, "abcd", "xy");
  EXPECT_EQ(std::string(packed.data(), packed.size()), expected);
  const auto values = native::unpack(netkit::bytes_view(expected));
  EXPECT_EQ(std::get<0>(values), -1);
  EXPECT_EQ(std::get<4>(values), 'z');
  EXPECT_EQ(std::get<10>(values), 1.5f);
  EXPECT_EQ(std::get<11>(values).view(), "abc");
  EXPECT_EQ(std::get<12>(values), "xy");

  using big = netkit::static_struct<"!hHiIlLqQe">;
  const auto b = big::pack(-2, 65535, -3, 4000000000U, -5, 6U, -7, 8U, -0.5f);
  EXPECT_EQ(std::string(b.data(), b.size()),
            netkit::pack("!hHiIlLqQe", -2, 65535, -3, 4000000000U, -5, 6, -7, 8, -0.5));
  EXPECT_EQ(std::get<7>(big::unpack(b)), 8U);
  EXPECT_THROW(netkit::static_struct<">e">::pack(1e6f), netkit::struct_overflow_error);
  EXPECT_THROW(big::unpack(netkit::bytes_view("short")), netkit::struct_error);
}

}  // namespace
