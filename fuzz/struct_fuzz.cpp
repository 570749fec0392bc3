// libFuzzer target for netkit/struct: format parsing, unpacking arbitrary bytes and the round
// trip. Input: FORMAT '\n' DATA. Checked invariants: a format either compiles or raises
// struct_error; for a compiled format, unpack(DATA[:size]) either raises one of struct's errors
// or gives values that pack back into bytes which unpack to the same values (by repr, so NaNs
// compare equal), and pack_into/unpack_from/iter_unpack agree with pack/unpack.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "netkit/struct.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const std::string_view format = input.substr(0, nl);
  const std::string_view bytes =
      nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);

  std::optional<netkit::Struct> s;
  try {
    s.emplace(format);
  } catch (const netkit::struct_error&) {
    return 0;
  }
  if (s->size() > (1U << 16)) {
    // Only check that size-mismatch errors come out cleanly for huge structs.
    try {
      (void)s->unpack(bytes);
      std::abort();  // cannot match: the input is smaller
    } catch (const netkit::struct_error&) {
    }
    return 0;
  }
  std::string buffer(bytes.substr(0, s->size()));
  buffer.resize(s->size(), '\0');
  netkit::struct_values values;
  try {
    values = s->unpack(buffer);
  } catch (const netkit::struct_system_error&) {
    return 0;  // a '0p' field: CPython's SystemError
  }
  const std::string first = netkit::repr(values);
  const netkit::bytes packed = s->pack(std::span<const netkit::struct_value>(values));
  if (packed.size() != s->size()) std::abort();
  if (netkit::repr(s->unpack(packed)) != first) std::abort();

  std::string into(s->size() + 3, '\x5a');
  s->pack_into(netkit::mutable_buffer(into.data(), into.size()), 3,
               std::span<const netkit::struct_value>(values));
  if (into.substr(3) != packed) std::abort();
  if (netkit::repr(s->unpack_from(into, 3)) != first) std::abort();
  if (s->size() != 0) {
    std::size_t records = 0;
    const std::string twice = packed + packed;  // the range views it: keep it alive
    for (const auto& record : s->iter_unpack(twice)) {
      if (netkit::repr(record) != first) std::abort();
      ++records;
    }
    if (records != 2) std::abort();
  }
  return 0;
}
