// fuzz/http_fuzz_common.hpp — shared by the http fuzz targets (request, response, chunked): the
// abort-on-failure check, and the driver that feeds a body decoder its input split into reads
// and checks what every single feed() promises, so that the targets can compare the results of
// different splits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "netkit/http/body_decoder.hpp"

namespace netkit_fuzz {

inline void check(bool ok) {
  if (!ok) std::abort();
}

// True when `part` is a view into `whole` (an empty view is anywhere).
inline bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// What a decoder made of its input: equal whatever the reads were.
struct body_result {
  std::string body;
  std::size_t consumed = 0;
  bool done = false;
  int error = 0;
  bool operator==(const body_result&) const = default;
};

// Feeds `reads` to `d` in order, as a connection would bring them (an empty read is fed once,
// which ends a body that needs no bytes); with `peer_closed`, finish() follows them.
inline body_result decode(netkit::http::body_decoder d, const std::vector<std::string_view>& reads,
                          bool peer_closed = false) {
  body_result r;
  netkit::http::parse_error err;
  for (std::string_view in : reads) {
    do {
      if (r.done) break;
      const auto s = d.feed(in, err);
      if (err.status != 0) {
        check(err.status == 400 || err.status == 413 || err.status == 431);
        // Only the error is the same whatever the reads, not the bytes before it.
        r = {};
        r.error = err.status;
        return r;
      }
      check(s.consumed <= in.size() && inside(s.data, in) && s.data.size() <= s.consumed);
      check(s.consumed > 0 || s.done || in.empty());  // framing bytes are always consumed
      r.body += s.data;
      r.consumed += s.consumed;
      in.remove_prefix(s.consumed);
      r.done = s.done;
    } while (!in.empty());
  }
  check(d.received() == r.body.size());
  if (peer_closed && !r.done) {
    d.finish(err);
    r.error = err.status;
    r.done = d.done();
  }
  return r;
}

// `wire` cut into reads of `size` bytes (the last one shorter).
inline std::vector<std::string_view> reads_of(std::string_view wire, std::size_t size) {
  std::vector<std::string_view> out;
  for (; !wire.empty(); wire.remove_prefix(out.back().size())) out.push_back(wire.substr(0, size));
  return out;
}

}  // namespace netkit_fuzz
