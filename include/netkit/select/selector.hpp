// netkit/select/selector.hpp — Python's selectors module: register descriptors with the events
// wanted and a piece of data (usually the callback), then wait for any of them (public).
//
//   netkit::default_selector sel;
//   sel.register_(server, netkit::EVENT_READ, [&](const netkit::selector_key&, unsigned) {
//     auto [conn, addr] = server.accept();
//     ...
//   });
//   while (running)
//     for (const auto& [key, mask] : sel.select(1s)) key.data(key, mask);
//
// The backends (select_selector, poll_selector, epoll_selector, default_selector) are in
// netkit/select/selectors.hpp; they share this class's bookkeeping and errors, which are
// Python's: registering a descriptor twice or with no valid events, or looking up one never
// registered, throws key_error / value_error with Python's message; a closed descriptor is
// refused at registration with socket_error EBADF.
//
// `data` is an inplace_function: any copyable callable up to 48 bytes (a few captured
// references), stored inside the key with no allocation. The keys live in the selector until
// unregistered; select() returns copies of them, so unregistering inside a callback is safe.
//
// Thread safety: one thread at a time (as Python's selectors).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "netkit/inplace_function.hpp"
#include "netkit/select/fileno.hpp"
#include "netkit/socket/socket.hpp"  // timeout_t

namespace netkit {

inline constexpr unsigned EVENT_READ = 1U << 0;
inline constexpr unsigned EVENT_WRITE = 1U << 1;

struct selector_key;
// What a key carries as `data`: called as data(key, events) by the usual loop.
using selector_callback = inplace_function<void(const selector_key&, unsigned), 48>;

// Python's SelectorKey(fileobj, fd, events, data). C++ has no duck-typed file objects, so
// fileobj is the descriptor that was registered (the same as fd); reach your object through
// what `data` captures.
struct selector_key {
  int fileobj = -1;
  int fd = -1;
  unsigned events = 0;
  selector_callback data;
};

// One (key, events) pair of select()'s result.
struct selector_event {
  selector_key key;
  unsigned events;
};

class selector {
 public:
  selector() = default;
  selector(const selector&) = delete;
  selector& operator=(const selector&) = delete;
  virtual ~selector() = default;

  const selector_key& register_(int fd, unsigned events, selector_callback data = {});
  template <file_like T>
  requires(!std::integral<T>) const selector_key& register_(const T& obj, unsigned events,
                                                            selector_callback data = {}) {
    return register_(fileno_of(obj), events, std::move(data));
  }
  // Returns the key as it was.
  selector_key unregister(int fd);
  template <file_like T>
  requires(!std::integral<T>) selector_key unregister(const T& obj) {
    return unregister(fileno_of(obj));
  }
  // New events, same data.
  const selector_key& modify(int fd, unsigned events);
  // New events and data.
  const selector_key& modify(int fd, unsigned events, selector_callback data);
  template <file_like T>
  requires(!std::integral<T>) const selector_key& modify(const T& obj, unsigned events) {
    return modify(fileno_of(obj), events);
  }

  // Waits until a registered descriptor is ready or the timeout passes (std::nullopt: forever;
  // <= 0: just look) and returns (key, events) for each ready one; an empty result on timeout.
  // The result is reused by the next call.
  const std::vector<selector_event>& select(timeout_t timeout = std::nullopt);

  const selector_key& get_key(int fd) const;  // key_error when not registered
  template <file_like T>
  requires(!std::integral<T>) const selector_key& get_key(const T& obj) const {
    return get_key(fileno_of(obj));
  }
  const std::unordered_map<int, selector_key>& get_map() const noexcept { return keys_; }

  // Forgets every key and releases the backend; the selector is unusable afterwards.
  virtual void close();
  bool closed() const noexcept { return closed_; }

 protected:
  // The backend's part: keep the kernel's view in step with the keys, and wait.
  virtual void backend_add(int fd, unsigned events) = 0;
  virtual void backend_modify(int fd, unsigned old_events, unsigned new_events) = 0;
  virtual void backend_remove(int fd, unsigned events) noexcept = 0;
  // Appends (fd, EVENT_* mask) for each ready descriptor.
  virtual void backend_wait(timeout_t timeout, std::vector<std::pair<int, unsigned>>& ready) = 0;

 private:
  void require_open(const char* call) const;
  std::unordered_map<int, selector_key> keys_;
  std::vector<std::pair<int, unsigned>> ready_;
  std::vector<selector_event> events_;
  bool closed_ = false;
};

}  // namespace netkit
