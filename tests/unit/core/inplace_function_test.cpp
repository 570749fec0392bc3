// Tests for netkit/inplace_function.hpp: the inline, copyable callable selectors keep as a key's
// data. Behaves as std::function where a user can see it: call, copy, move, empty call throws
// std::bad_function_call, nullptr; and every stored callable is destroyed exactly once.
#include "netkit/inplace_function.hpp"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace {

using fn_int = netkit::inplace_function<int(int), 48>;

// Counts live instances, constructions and destructions, so a leaked or doubly destroyed
// callable shows up as a mismatch.
struct counted {
  static inline int live = 0;
  static inline int constructed = 0;
  static inline int destroyed = 0;
  static void reset() { live = constructed = destroyed = 0; }

  int add = 0;
  explicit counted(int a) : add(a) {
    ++live;
    ++constructed;
  }
  counted(const counted& o) : add(o.add) {
    ++live;
    ++constructed;
  }
  counted(counted&& o) noexcept : add(o.add) {
    ++live;
    ++constructed;
  }
  counted& operator=(const counted&) = default;
  counted& operator=(counted&&) = default;
  ~counted() {
    --live;
    ++destroyed;
  }
  int operator()(int x) const { return x + add; }
};

class InplaceFunction : public ::testing::Test {
 protected:
  void SetUp() override { counted::reset(); }
  void TearDown() override { EXPECT_EQ(counted::live, 0) << "a stored callable leaked"; }
};

TEST_F(InplaceFunction, CallsLambdaFunctionPointerAndFunctor) {
  fn_int lambda = [](int x) { return x * 2; };
  EXPECT_EQ(lambda(21), 42);

  int (*negate)(int) = [](int x) { return -x; };
  fn_int ptr = negate;
  EXPECT_EQ(ptr(5), -5);

  fn_int functor = counted(10);
  EXPECT_EQ(functor(1), 11);
}

TEST_F(InplaceFunction, ReturnTypeConverts) {
  // std::function<long(int)> accepts a callable returning int; so does inplace_function.
  netkit::inplace_function<long(int)> widen = [](int x) { return x; };
  EXPECT_EQ(widen(7), 7L);
}

// std::function<void()> accepts a callable that returns a value and discards it; so does
// inplace_function (a selector callback may well end in `return conn.send(...)`).
TEST_F(InplaceFunction, VoidSignatureDiscardsTheResult) {
  int calls = 0;
  netkit::inplace_function<void()> discard = [&calls] {
    ++calls;
    return 123;
  };
  discard();
  EXPECT_EQ(calls, 1);
}

TEST_F(InplaceFunction, ArgumentsAreForwarded) {
  // A move-only argument passes through by value, and a reference parameter stays a reference.
  netkit::inplace_function<int(std::unique_ptr<int>)> take = [](std::unique_ptr<int> p) {
    return *p;
  };
  EXPECT_EQ(take(std::make_unique<int>(9)), 9);

  netkit::inplace_function<void(std::string&)> append = [](std::string& s) { s += "!"; };
  std::string text = "hi";
  append(text);
  EXPECT_EQ(text, "hi!");
}

TEST_F(InplaceFunction, EmptyIsFalseAndCallThrowsBadFunctionCall) {
  fn_int empty;
  EXPECT_FALSE(empty);
  EXPECT_THROW(empty(1), std::bad_function_call);

  fn_int from_null = nullptr;
  EXPECT_FALSE(from_null);
  EXPECT_THROW(from_null(1), std::bad_function_call);

  fn_int full = [](int x) { return x; };
  EXPECT_TRUE(full);
  full = nullptr;  // as std::function: assigning nullptr empties it
  EXPECT_FALSE(full);
  EXPECT_THROW(full(1), std::bad_function_call);
}

TEST_F(InplaceFunction, NullptrReleasesTheStoredCallable) {
  fn_int f = counted(1);
  EXPECT_EQ(counted::live, 1);
  f = nullptr;
  EXPECT_EQ(counted::live, 0);
  EXPECT_EQ(counted::destroyed, counted::constructed);
}

TEST_F(InplaceFunction, CopyIsIndependent) {
  int calls = 0;
  // A stateful callable: each copy has its own counter, as std::function copies would.
  fn_int original = [n = 0, &calls](int x) mutable {
    ++calls;
    return x + ++n;
  };
  EXPECT_EQ(original(0), 1);
  fn_int copy = original;
  EXPECT_EQ(copy(0), 2);      // continues from the copied state (n was 1)
  EXPECT_EQ(original(0), 2);  // the original's state did not move
  EXPECT_EQ(copy(0), 3);
  EXPECT_EQ(calls, 4);

  fn_int assigned;
  assigned = original;
  EXPECT_EQ(assigned(0), 3);
  EXPECT_EQ(original(0), 3);
}

TEST_F(InplaceFunction, StatefulCallableKeepsStateAcrossCalls) {
  // operator() is const, but the stored callable is mutable state (std::function allows it).
  netkit::inplace_function<int()> counter = [n = 0]() mutable { return ++n; };
  EXPECT_EQ(counter(), 1);
  EXPECT_EQ(counter(), 2);
  const auto& as_const = counter;
  EXPECT_EQ(as_const(), 3);
}

TEST_F(InplaceFunction, CapturesUpToCapacity) {
  // 48 bytes of captures fit (six pointers or one 48-byte array).
  std::array<char, 48> big{};
  big[0] = 'a';
  big[47] = 'z';
  netkit::inplace_function<int(), 48> f = [big] { return big[0] + big[47]; };
  EXPECT_EQ(f(), 'a' + 'z');
}

TEST_F(InplaceFunction, MoveLeavesAWorkingTarget) {
  fn_int source = counted(5);
  fn_int moved = std::move(source);
  EXPECT_EQ(moved(1), 6);
  // A move copies (the callable lives inline); whatever the source holds now, it must still be
  // safe to destroy or reassign, and the counts must balance at the end.
  source = [](int x) { return x; };
  EXPECT_EQ(source(3), 3);

  fn_int target = [](int) { return 0; };
  target = std::move(moved);
  EXPECT_EQ(target(2), 7);
}

TEST_F(InplaceFunction, DestructorRunsOncePerCopy) {
  {
    fn_int a = counted(1);
    const int after_construction = counted::live;
    EXPECT_EQ(after_construction, 1);  // the temporary is gone, one stored instance remains
    {
      fn_int b = a;             // copy construction
      fn_int c = std::move(a);  // move construction
      fn_int d;
      d = b;  // copy assignment into an empty one
      fn_int e = counted(2);
      e = c;  // copy assignment over a live callable destroys it first
      fn_int f = counted(3);
      f = std::move(d);             // move assignment over a live callable
      EXPECT_EQ(counted::live, 6);  // a, b, c, d, e, f each hold one
      EXPECT_EQ(e(0), 1);
      EXPECT_EQ(f(0), 1);
    }
    EXPECT_EQ(counted::live, 1);
  }
  EXPECT_EQ(counted::live, 0);
  EXPECT_EQ(counted::constructed, counted::destroyed);
}

TEST_F(InplaceFunction, SelfAssignmentIsHarmless) {
  fn_int f = counted(4);
  auto& same = f;
  f = same;
  EXPECT_EQ(f(1), 5);
  EXPECT_EQ(counted::live, 1);
}

TEST_F(InplaceFunction, SharedStateSurvivesCopies) {
  // A shared_ptr capture: copies share it, and the last destroyed copy releases it.
  auto shared = std::make_shared<int>(0);
  std::weak_ptr<int> watch = shared;
  {
    netkit::inplace_function<void()> f = [shared] { ++*shared; };
    shared.reset();
    auto g = f;
    f();
    g();
    EXPECT_EQ(*watch.lock(), 2);
    EXPECT_EQ(watch.use_count(), 2);
  }
  EXPECT_TRUE(watch.expired());
}

// Compile-time properties: copyable, nothrow default and nullptr construction, and a callable
// with the wrong signature or too big a capture is not accepted (too big fails a static_assert
// inside the constructor, so only the signature check is observable here).
static_assert(std::is_copy_constructible_v<fn_int>);
static_assert(std::is_copy_assignable_v<fn_int>);
static_assert(std::is_nothrow_default_constructible_v<fn_int>);
static_assert(std::is_nothrow_constructible_v<fn_int, std::nullptr_t>);
static_assert(!std::is_constructible_v<fn_int, int>);
static_assert(!std::is_constructible_v<fn_int, void (*)(std::string)>);

}  // namespace
