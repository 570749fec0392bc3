// struct_bench — netkit's struct: the runtime Struct (Python's semantics, values as
// struct_value) against static_struct (format checked by the compiler, plain loads and stores)
// and a hand-written memcpy/byte-swap baseline, packing and unpacking the seed's 'I 2s f'
// record and a network header '!HHIQ'. Results and the generated code: docs/struct.md.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <tuple>

#include "netkit/struct.hpp"

namespace {

using record = netkit::static_struct<"<I2sf">;
using header = netkit::static_struct<"!HHIQ">;

void runtime_pack_record(benchmark::State& state) {
  const netkit::Struct s("<I2sf");
  std::uint32_t i = 0;
  for (auto _ : state) {
    netkit::bytes b = s.pack(i++, "ab", 2.7f);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(runtime_pack_record);

void static_pack_record(benchmark::State& state) {
  std::uint32_t i = 0;
  for (auto _ : state) {
    auto b = record::pack(i++, "ab", 2.7f);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(static_pack_record);

void runtime_unpack_record(benchmark::State& state) {
  const netkit::Struct s("<I2sf");
  const netkit::bytes data = s.pack(1, "ab", 2.7f);
  for (auto _ : state) {
    auto v = s.unpack(data);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(runtime_unpack_record);

void static_unpack_record(benchmark::State& state) {
  const auto data = record::pack(1U, "ab", 2.7f);
  for (auto _ : state) {
    benchmark::DoNotOptimize(data);
    auto v = record::unpack(data);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(static_unpack_record);

void static_pack_header(benchmark::State& state) {
  std::uint64_t n = 0;
  for (auto _ : state) {
    auto b = header::pack(std::uint16_t{1}, std::uint16_t{2}, std::uint32_t{3}, n++);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(static_pack_header);

// The baseline a C programmer writes by hand for '!HHIQ'.
void handwritten_pack_header(benchmark::State& state) {
  std::uint64_t n = 0;
  for (auto _ : state) {
    std::array<char, 16> b;
    const std::uint16_t a = __builtin_bswap16(1), c = __builtin_bswap16(2);
    const std::uint32_t d = __builtin_bswap32(3);
    const std::uint64_t e = __builtin_bswap64(n++);
    std::memcpy(b.data(), &a, 2);
    std::memcpy(b.data() + 2, &c, 2);
    std::memcpy(b.data() + 4, &d, 4);
    std::memcpy(b.data() + 8, &e, 8);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(handwritten_pack_header);

void runtime_pack_header(benchmark::State& state) {
  const netkit::Struct s("!HHIQ");
  std::uint64_t n = 0;
  for (auto _ : state) {
    netkit::bytes b = s.pack(1, 2, 3, n++);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(runtime_pack_header);

void static_unpack_header(benchmark::State& state) {
  const auto data =
      header::pack(std::uint16_t{1}, std::uint16_t{2}, std::uint32_t{3}, std::uint64_t{4});
  for (auto _ : state) {
    benchmark::DoNotOptimize(data);
    auto v = header::unpack(data);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(static_unpack_header);

}  // namespace
