// netkit/select/fileno.hpp — "anything with a file descriptor", as Python's select and
// selectors accept it (public): an int, or an object (or pointer, or reference_wrapper to one)
// with a fileno() member, such as netkit::socket.
//
//   netkit::fileno_of(sock);       // sock.fileno()
//   netkit::fileno_of(&sock);      // the same through a pointer
//   netkit::fileno_of(0);          // stdin
#pragma once

#include <concepts>
#include <functional>
#include <type_traits>

namespace netkit {

template <class T>
concept has_fileno_member = requires(const T& x) {
  { x.fileno() } -> std::convertible_to<int>;
};

template <class T>
concept file_like = std::integral<T> || has_fileno_member<T> ||
                    (std::is_pointer_v<T>&& has_fileno_member<std::remove_pointer_t<T>>) ||
                    requires(const T& x) {
  { x.get().fileno() } -> std::convertible_to<int>;
};

template <file_like T>
constexpr int fileno_of(const T& x) {
  if constexpr (std::integral<T>)
    return static_cast<int>(x);
  else if constexpr (has_fileno_member<T>)
    return x.fileno();
  else if constexpr (std::is_pointer_v<T>)
    return x->fileno();
  else
    return x.get().fileno();
}

}  // namespace netkit
