// netkit/select/select.hpp — select.select(): wait until some descriptors are ready (public).
//
//   std::vector<int> inputs{server.fileno(), 0};          // a socket and stdin
//   auto [readable, writable, exceptional] = netkit::select(inputs, {}, inputs, 1.5s);
//   for (int fd : readable) ...
// The lists hold anything netkit::fileno_of accepts (ints, socket pointers, reference_wrappers)
// and the result holds the ready elements themselves, as Python returns the same objects.
// A descriptor >= FD_SETSIZE is refused with value_error instead of corrupting memory; use
// netkit::poll or netkit::epoll for those. EINTR is retried with the time that is left.
//
// Thread safety: a plain function; safe from any thread.
#pragma once

#include <span>
#include <system_error>
#include <vector>

#include "netkit/select/fileno.hpp"
#include "netkit/socket/socket.hpp"  // timeout_t

namespace netkit {

template <class T>
struct select_result {
  std::vector<T> readable;
  std::vector<T> writable;
  std::vector<T> exceptional;
};

namespace detail {
// The three lists' descriptors in; for each one whether it is ready, out (same order).
void select_fds(std::span<const int> r, std::span<const int> w, std::span<const int> x,
                timeout_t timeout, std::vector<bool>& ready);
}  // namespace detail

// timeout: std::nullopt waits forever, 0 polls, otherwise at most that long.
template <file_like T>
select_result<T> select(const std::vector<T>& rlist, const std::vector<T>& wlist,
                        const std::vector<T>& xlist, timeout_t timeout = std::nullopt) {
  std::vector<int> fds;
  fds.reserve(rlist.size() + wlist.size() + xlist.size());
  for (const auto* list : {&rlist, &wlist, &xlist})
    for (const T& item : *list) fds.push_back(fileno_of(item));
  const std::span<const int> all(fds);
  std::vector<bool> ready;
  detail::select_fds(all.first(rlist.size()), all.subspan(rlist.size(), wlist.size()),
                     all.subspan(rlist.size() + wlist.size()), timeout, ready);
  select_result<T> out;
  std::size_t i = 0;
  for (const T& item : rlist)
    if (ready[i++]) out.readable.push_back(item);
  for (const T& item : wlist)
    if (ready[i++]) out.writable.push_back(item);
  for (const T& item : xlist)
    if (ready[i++]) out.exceptional.push_back(item);
  return out;
}

}  // namespace netkit
