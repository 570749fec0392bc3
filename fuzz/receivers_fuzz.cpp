// fuzz/receivers_fuzz.cpp — libFuzzer target for netkit/reactor/basic/'s receivers
// (line_receiver with raw-mode switches, int{32,16,8}_string_receiver, netstring_receiver),
// driven through netkit::string_transport. Input: one byte of settings (max_length, delimiter
// choice) then the byte stream. Besides "no crash, no hang, no sanitizer report", it checks the
// receivers' promise that the events do not depend on how the stream is split into reads: all
// at once, one byte at a time and a chunking derived from the input must agree, and every
// string a framing receiver delivers re-encodes (send_string) to the bytes it came from.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "netkit/reactor/basic/int_string_receiver.hpp"
#include "netkit/reactor/basic/line_receiver.hpp"
#include "netkit/reactor/basic/netstring_receiver.hpp"
#include "netkit/testing/string_transport.hpp"

namespace {

using netkit::bytes_view;

void check(bool ok) {
  if (!ok) std::abort();
}

struct settings {
  std::size_t max_length;
  int delimiter;
};

// "RAW n" switches to raw mode for n (< 64) bytes; raw data is coalesced into one event.
struct lines final : netkit::line_receiver {
  std::vector<std::string> events;
  std::size_t want = 0;
  std::string raw;
  void line_received(std::string_view line) override {
    events.push_back("L" + std::string(line));
    if (line.size() >= 5 && line.substr(0, 4) == "RAW ") {
      want = static_cast<unsigned char>(line[4]) % 64;
      if (want > 0) set_raw_mode();
    }
  }
  void raw_data_received(bytes_view data) override {
    const std::size_t take = std::min(want - raw.size(), data.size());
    raw.append(data.substr(0, take));
    if (raw.size() == want) {
      events.push_back("R" + raw);
      raw.clear();
      set_line_mode(data.substr(take));
    }
  }
  void line_length_exceeded(bytes_view rest) override {
    check(!rest.empty());
    events.emplace_back("X");
    line_receiver::line_length_exceeded(rest);
  }
};

template <class Base>
struct strings final : Base {
  std::vector<std::string> events;
  void string_received(bytes_view s) override { events.push_back("S" + std::string(s)); }
};

template <class P>
std::vector<std::string> run(const settings& s, bytes_view stream, std::size_t chunk_seed,
                             std::string* written = nullptr, int* lost = nullptr) {
  netkit::string_transport t;
  P p;
  p.max_length = s.max_length;
  if constexpr (std::is_same_v<P, lines>) {
    static const char* const delimiters[] = {"\r\n", "\n", "ab", "XYZ"};
    p.delimiter = delimiters[s.delimiter % 4];
  }
  p.make_connection(t, nullptr);
  // chunk_seed 0: all at once; 1: byte by byte; else sizes from a small LCG.
  std::uint32_t state = static_cast<std::uint32_t>(chunk_seed);
  for (std::size_t at = 0; at < stream.size();) {
    std::size_t n = stream.size() - at;
    if (chunk_seed == 1) {
      n = 1;
    } else if (chunk_seed > 1) {
      state = state * 1664525u + 1013904223u;
      n = std::min<std::size_t>(n, 1 + (state >> 24) % 23);
    }
    p.data_received(stream.substr(at, n));
    at += n;
  }
  if (written) *written = t.value();
  if (lost) *lost = t.lose_connection_calls();
  return p.events;
}

template <class P>
void same_for_every_chunking(const settings& s, bytes_view stream, std::size_t seed) {
  int lost0 = 0, lost1 = 0, lost2 = 0;
  const auto whole = run<P>(s, stream, 0, nullptr, &lost0);
  check(run<P>(s, stream, 1, nullptr, &lost1) == whole && lost1 == lost0);
  check(run<P>(s, stream, seed, nullptr, &lost2) == whole && lost2 == lost0);
  check(lost0 <= 1);
}

// What a framing receiver delivered, re-encoded, is a prefix of the stream.
template <class P>
void reencodes(const settings& s, bytes_view stream) {
  const auto events = run<P>(s, stream, 0);
  netkit::string_transport t;
  P p;
  p.make_connection(t, nullptr);
  for (const auto& e : events) p.send_string(bytes_view(e).substr(1));
  check(stream.substr(0, t.value().size()) == t.value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const settings s{static_cast<std::size_t>(data[0] & 0x3f), data[0] >> 6};
  const bytes_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t seed = 2 + size;
  same_for_every_chunking<lines>(s, stream, seed);
  same_for_every_chunking<strings<netkit::int32_string_receiver>>(s, stream, seed);
  same_for_every_chunking<strings<netkit::int16_string_receiver>>(s, stream, seed);
  same_for_every_chunking<strings<netkit::int8_string_receiver>>(s, stream, seed);
  same_for_every_chunking<strings<netkit::netstring_receiver>>(s, stream, seed);
  reencodes<strings<netkit::int32_string_receiver>>(s, stream);
  reencodes<strings<netkit::int16_string_receiver>>(s, stream);
  reencodes<strings<netkit::int8_string_receiver>>(s, stream);
  reencodes<strings<netkit::netstring_receiver>>(s, stream);
  return 0;
}
