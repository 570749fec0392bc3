#include "netkit/reactor/transport.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace netkit {

bool transport::send_file(file_descriptor file, std::uint64_t offset, std::uint64_t count) {
  // A transport without sendfile(2): the file's bytes go through write(), a block at a time.
  std::vector<char> block(std::min<std::uint64_t>(count, 64 * 1024));
  while (count != 0) {
    const std::size_t want = std::min<std::uint64_t>(count, block.size());
    const ssize_t n = ::pread(file.get(), block.data(), want, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // unreadable, or shorter than `count`
    if (!write(bytes_view(block.data(), static_cast<std::size_t>(n)))) return false;
    offset += static_cast<std::uint64_t>(n);
    count -= static_cast<std::uint64_t>(n);
  }
  return true;
}

}  // namespace netkit
