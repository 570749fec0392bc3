// netkit/inplace_function.hpp — a copyable callable stored inline, never on the heap (public).
// What selectors keep as a key's `data` and what a loop keeps per handle: std::function's
// convenience without its allocation. A callable larger than Capacity bytes does not compile.
//
//   netkit::inplace_function<void(int), 32> f = [&count](int n) { count += n; };
//   f(2);
//
// Thread safety: as the stored callable.
#pragma once

#include <cstddef>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace netkit {

template <class Signature, std::size_t Capacity = 48>
class inplace_function;

template <class R, class... Args, std::size_t Capacity>
class inplace_function<R(Args...), Capacity> {
 public:
  inplace_function() noexcept = default;
  inplace_function(std::nullptr_t) noexcept {}  // NOLINT: as std::function

  template <class F, class D = std::decay_t<F>>
  requires(!std::is_same_v<D, inplace_function> && std::is_invocable_r_v<R, D&, Args...> &&
           std::is_copy_constructible_v<D>)
      inplace_function(F&& f) {  // NOLINT: implicit, as std::function
    static_assert(sizeof(D) <= Capacity, "callable too large for inplace_function: capture less");
    static_assert(alignof(D) <= alignof(std::max_align_t), "callable over-aligned");
    ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
    ops_ = &ops_for<D>;
  }

  inplace_function(const inplace_function& other) : ops_(other.ops_) {
    if (ops_) ops_->copy(storage_, other.storage_);
  }
  inplace_function& operator=(const inplace_function& other) {
    if (this != &other) {
      reset();
      if (other.ops_) other.ops_->copy(storage_, other.storage_);
      ops_ = other.ops_;
    }
    return *this;
  }
  // A move copies: the callable lives inline, so there is nothing to steal.
  inplace_function(inplace_function&& other) noexcept(false) : inplace_function(other) {}
  inplace_function& operator=(inplace_function&& other) { return *this = other; }
  ~inplace_function() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }

  // Throws std::bad_function_call when empty.
  R operator()(Args... args) const {
    if (!ops_) throw std::bad_function_call();
    return ops_->invoke(storage_, std::forward<Args>(args)...);
  }

 private:
  struct ops {
    R (*invoke)(const void*, Args&&...);
    void (*copy)(void*, const void*);
    void (*destroy)(void*) noexcept;
  };
  template <class D>
  static constexpr ops ops_for{
      [](const void* s, Args&&... args) -> R {
        // operator() is const, but the callable may be stateful as std::function allows.
        D& f = *const_cast<D*>(static_cast<const D*>(s));
        if constexpr (std::is_void_v<R>)
          std::invoke(f, std::forward<Args>(args)...);  // a result, if any, is dropped
        else
          return std::invoke(f, std::forward<Args>(args)...);
      },
      [](void* dst, const void* src) { ::new (dst) D(*static_cast<const D*>(src)); },
      [](void* s) noexcept { static_cast<D*>(s)->~D(); },
  };

  void reset() noexcept {
    if (ops_) ops_->destroy(storage_);
    ops_ = nullptr;
  }

  alignas(std::max_align_t) mutable unsigned char storage_[Capacity];
  const ops* ops_ = nullptr;
};

}  // namespace netkit
