// The generated mimetypes tables (src/http/mime_types_table.cpp); internal to src/http.
#pragma once

#include <span>
#include <string_view>

namespace netkit::http::detail {

struct mime_entry {
  std::string_view extension;  // with its dot: ".html"
  std::string_view value;
};

// Each sorted by extension (byte order).
std::span<const mime_entry> mime_types_map() noexcept;          // MimeTypes().types_map[True]
std::span<const mime_entry> mime_suffix_map() noexcept;         // suffix_map: ".tgz" → ".tar.gz"
std::span<const mime_entry> mime_encodings_map() noexcept;      // encodings_map: ".gz" → "gzip"
std::span<const mime_entry> handler_extensions_map() noexcept;  // the handler's overrides

}  // namespace netkit::http::detail
