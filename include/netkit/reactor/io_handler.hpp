// netkit/reactor/io_handler.hpp — what the reactor calls when a descriptor a transport watches is
// ready (public, for transport implementers; a user of add_reader/add_writer never sees it).
//
//   struct my_transport final : netkit::io_handler {
//     void on_events(std::uint32_t events) override;   // EPOLLIN, EPOLLOUT, EPOLLERR ...
//   };
//   loop.watch(fd, EPOLLIN | EPOLLET, handler);
//
// Thread safety: the reactor's thread only.
#pragma once

#include <cstdint>

namespace netkit {

class io_handler {
 public:
  virtual void on_events(std::uint32_t events) = 0;

 protected:
  ~io_handler() = default;
};

}  // namespace netkit
