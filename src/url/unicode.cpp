// The NFKC netloc check over UTF-8 text.
#include <algorithm>

#include "../unicode_case.hpp"
#include "unicode_tables.hpp"

namespace netkit::url::detail {

bool has_nfkc_delimiter(std::string_view text) {
  for (char32_t cp : netkit::detail::decode_utf8(text)) {
    if (std::binary_search(nfkc_delimiters, nfkc_delimiters + nfkc_delimiters_size, cp))
      return true;
  }
  return false;
}

}  // namespace netkit::url::detail
