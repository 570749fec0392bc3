#include "netkit/testing/string_transport.hpp"

#include <utility>

#include "netkit/error.hpp"

namespace netkit {

string_transport::string_transport()
    : string_transport(socket_address::ipv4("10.0.0.1", 12345),
                       socket_address::ipv4("192.168.1.1", 54321)) {}

string_transport::string_transport(socket_address host, socket_address peer)
    : host_(std::move(host)), peer_(std::move(peer)) {}

bool string_transport::write_queued(bytes_view data) { return write_sequence({&data, 1}); }

bool string_transport::write_rest(bytes_view data, ssize_t /*n*/) {
  return write_queued(data);  // unreachable: a string_transport has no direct socket
}

bool string_transport::write_sequence(std::span<const bytes_view> data) {
  if (closing()) {
    ++refused_writes_;
    return false;
  }
  ++write_calls_;
  for (bytes_view part : data) written_.append(part);
  return true;
}

void string_transport::pause_producing() {
  ++pause_calls_;
  paused_ = true;
}

void string_transport::resume_producing() {
  ++resume_calls_;
  paused_ = false;
}

void string_transport::set_write_buffer_limits(std::size_t high, std::size_t low) {
  // The same check a real transport makes, so a protocol's bad limits fail under test too.
  if (low > high) throw value_error("set_write_buffer_limits: low water mark above high");
  high_ = high;
  low_ = low;
}

}  // namespace netkit
