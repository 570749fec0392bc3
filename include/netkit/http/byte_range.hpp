// netkit/http/byte_range.hpp — the Range request header for one file (public); no Python
// counterpart (http.server 3.11 ignores Range). RFC 9110 §14.
//
//   auto r = netkit::http::parse_range("bytes=0-99", file_size);
//   if (r.kind == netkit::http::range_kind::partial)      // 206, r.first..r.last inclusive
//     headers.add("Content-Range", netkit::http::content_range(r, file_size));
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace netkit::http {

enum class range_kind {
  whole,          // serve the whole file: 200 (no Range, one we ignore, or several ranges)
  partial,        // serve bytes first..last: 206 with Content-Range: bytes first-last/size
  unsatisfiable,  // 416 with Content-Range: bytes */size
};

struct range_result {
  range_kind kind = range_kind::whole;
  std::uint64_t first = 0;  // partial only
  std::uint64_t last = 0;   // partial only, inclusive, < size
  std::uint64_t length() const noexcept {
    return kind == range_kind::partial ? last - first + 1 : 0;
  }
  friend bool operator==(const range_result&, const range_result&) = default;
};

// The answer to a Range header value for a representation of `size` bytes:
//  - "bytes=a-b" (b clamped to size-1), "bytes=a-", "bytes=-n" (the last n bytes, the whole file
//    when n >= size): partial when satisfiable; a >= size, or n == 0, is unsatisfiable;
//  - the unit is case-insensitive; spaces and tabs may surround the value and the list's
//    commas, and empty list elements are skipped (RFC 9110 §5.6.1);
//  - several ranges: whole (a server may ignore Range; we do not send multipart/byteranges);
//  - invalid syntax (another unit, a sign, a missing number, b < a, garbage): whole, as RFC
//    9110 says to ignore such a header;
//  - numbers too big for 64 bits saturate: a huge first position is unsatisfiable, a huge last
//    position or suffix means "to the end";
//  - an empty file: "bytes=-n" is whole (there is nothing to select, and no Content-Range can
//    name zero bytes), any other single range unsatisfiable.
range_result parse_range(std::string_view header, std::uint64_t size);

// The Content-Range value for r: "bytes first-last/size" (partial), "bytes */size"
// (unsatisfiable), or "" (whole: no Content-Range is sent).
std::string content_range(const range_result& r, std::uint64_t size);

}  // namespace netkit::http
