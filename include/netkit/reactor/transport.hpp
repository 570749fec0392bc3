// netkit/reactor/transport.hpp — what a protocol writes to and controls its connection
// through, Twisted's ITransport (public). Protocols get theirs from transport(); the TCP one is
// netkit/reactor/tcp.hpp's tcp_connection.
//
//   transport().write("hello");
//   transport().lose_connection();   // after everything queued has gone out
//
// Thread safety: the reactor's thread only.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "netkit/bytes.hpp"
#include "netkit/file_descriptor.hpp"
#include "netkit/socket/socket_address.hpp"

namespace netkit {

class reactor_time;

class transport {
 public:
  // Sends data, at once if the socket takes it, else queued in order. Ignored (returns false)
  // once lose_connection() or abort_connection() was called.
  //
  // Not virtual, as std::streambuf::sputc is not: a server answering as it reads writes once
  // per message, and this way that write is one send(2) and a compare, with no call through the
  // vtable. A transport that can send straight to a socket publishes it (set_direct_socket);
  // every other case goes to the virtual write_queued / write_rest.
  bool write(bytes_view data) {
    if (direct_fd_ >= 0) [[likely]] {
      const ssize_t n = ::send(direct_fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n == static_cast<ssize_t>(data.size())) [[likely]]
        return true;
      return write_rest(data, n);
    }
    return write_queued(data);
  }
  virtual bool write_sequence(std::span<const bytes_view> data) = 0;
  // Sends `count` bytes of an open file from `offset`, in order after what was written before,
  // and closes the file once sent (or when the connection goes). The TCP transport uses
  // sendfile(2), so the bytes never pass through user space; this default reads the file and
  // writes it. False, like write(), when writes are refused or the file cannot be read.
  virtual bool send_file(file_descriptor file, std::uint64_t offset, std::uint64_t count);
  // Closes after everything queued has been sent (Twisted's loseConnection).
  virtual void lose_connection() = 0;
  // Closes now, dropping what is queued, and resets the connection.
  virtual void abort_connection() = 0;
  // Half-close: sends FIN after what is queued; reading goes on.
  virtual void write_eof() = 0;
  virtual socket_address get_peer() const = 0;
  virtual socket_address get_host() const = 0;
  // Stops / restarts reading from the peer (Twisted's IPushProducer on the transport).
  virtual void pause_producing() = 0;
  virtual void resume_producing() = 0;
  // lose_connection() or abort_connection() was called, or the connection is gone (Twisted's
  // transport.disconnecting): no more data is delivered and writes are refused.
  virtual bool disconnecting() const noexcept = 0;
  // Bytes written but not yet taken by the kernel.
  virtual std::size_t buffered() const noexcept = 0;
  // The flow-control marks (defaults: 64 KiB and 16 KiB).
  virtual void set_write_buffer_limits(std::size_t high, std::size_t low) = 0;
  // The clock this transport's timers run on (Twisted's transport.reactor), for a protocol's
  // timeouts: its reactor, or null when there is none (a test double without a clock).
  virtual reactor_time* clock() noexcept { return nullptr; }

 protected:
  ~transport() = default;

  // write() without a direct socket: queue, record, or refuse data.
  virtual bool write_queued(bytes_view data) = 0;
  // write()'s send(2) to the direct socket returned n (-1 with errno, or fewer bytes than
  // data): retry, queue the rest, or close on an error.
  virtual bool write_rest(bytes_view data, ssize_t n) = 0;
  // The socket write() sends to at once, or -1: only while nothing is queued and writes are
  // allowed, so that bytes never overtake queued ones.
  void set_direct_socket(int fd) noexcept { direct_fd_ = fd; }

 private:
  int direct_fd_ = -1;
};

}  // namespace netkit
