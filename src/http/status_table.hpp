// The generated HTTPStatus table (src/http/status_table.cpp); internal to src/http.
#pragma once

#include <span>
#include <string_view>

namespace netkit::http::detail {

struct status_entry {
  int code;
  std::string_view phrase;
  std::string_view description;
};

// Sorted by code.
std::span<const status_entry> status_table() noexcept;

}  // namespace netkit::http::detail
