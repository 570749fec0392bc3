// netkit/socket/socket_file.hpp — socket.makefile(): a buffered byte stream over a socket
// (public). What socketserver's rfile/wfile and line-based clients read and write through.
//
//   auto f = conn.makefile("rwb");
//   for (netkit::bytes line; !(line = f.readline()).empty();)  // "" at end of stream
//     f.write(line);
//   f.flush();
//
// The stream borrows the socket: the socket must outlive it. Reads honour the socket's
// timeout (timeout_error); a read that times out keeps what was already buffered.
//
// Thread safety: one thread at a time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netkit/bytes.hpp"

namespace netkit {

class socket;

class socket_file {
 public:
  socket_file(socket& sock, std::string_view mode, std::size_t buffer_size = 8192);
  socket_file(socket_file&&) noexcept = default;
  socket_file& operator=(socket_file&&) noexcept = default;
  socket_file(const socket_file&) = delete;
  socket_file& operator=(const socket_file&) = delete;
  // Flushes what is left to write; errors on that last flush are swallowed, as in Python's
  // destructor. Call close() to see them.
  ~socket_file();

  bool readable() const noexcept { return readable_; }
  bool writable() const noexcept { return writable_; }
  bool closed() const noexcept { return sock_ == nullptr; }

  // read(): until end of stream. read(n): up to n bytes, fewer only at end of stream.
  bytes read(std::optional<std::size_t> n = std::nullopt);
  // One recv at most: what is buffered, or what one read brings (Python's read1).
  bytes read1(std::size_t n = 8192);
  // Up to and including '\n' (or `limit` bytes); "" at end of stream.
  bytes readline(std::optional<std::size_t> limit = std::nullopt);
  std::vector<bytes> readlines();

  // Buffers data; sends when the buffer is full. Returns data.size().
  std::size_t write(bytes_view data);
  void flush();
  void close();

 private:
  // Reads once into the buffer; returns false at end of stream.
  bool fill();
  void require_open(const char* call) const;

  socket* sock_;
  std::size_t buffer_size_;
  bool readable_ = false;
  bool writable_ = false;
  std::string rbuf_;
  std::size_t rpos_ = 0;
  std::string wbuf_;
};

}  // namespace netkit
