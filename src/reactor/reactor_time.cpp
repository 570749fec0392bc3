#include "netkit/reactor/reactor_time.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace netkit {

std::optional<reactor_time::clock::time_point> reactor_time::next_due() const noexcept {
  if (heap_.empty()) return std::nullopt;
  return slots_[heap_.front()].when;
}

// --- timers -------------------------------------------------------------------------------------

delayed_call reactor_time::call_later(seconds_f delay, callback fn) {
  std::uint32_t slot = 0;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  timer_slot& t = slots_[slot];
  t.fn = std::move(fn);
  t.when = now() + std::chrono::duration_cast<clock::duration>(
                       std::clamp(delay, seconds_f(0), seconds_f(1e9)));
  t.sequence = next_sequence_++;
  t.active = true;
  t.heap_index = static_cast<std::uint32_t>(heap_.size());
  heap_.push_back(slot);
  sift_up(heap_.size() - 1);
  return delayed_call(this, slot, t.generation);
}

bool reactor_time::timer_active(std::uint32_t slot, std::uint32_t generation) const noexcept {
  return slot < slots_.size() && slots_[slot].generation == generation && slots_[slot].active;
}

void reactor_time::timer_cancel(std::uint32_t slot) noexcept {
  heap_remove(slots_[slot].heap_index);
  free_slot(slot);
}

void reactor_time::timer_reschedule(std::uint32_t slot, clock::time_point when) noexcept {
  timer_slot& t = slots_[slot];
  t.when = when;
  t.sequence = next_sequence_++;
  const std::size_t i = t.heap_index;
  sift_up(i);
  sift_down(slots_[slot].heap_index);
}

void reactor_time::free_slot(std::uint32_t slot) noexcept {
  timer_slot& t = slots_[slot];
  t.fn = nullptr;
  t.active = false;
  ++t.generation;
  free_slots_.push_back(slot);
}

bool reactor_time::heap_less(std::uint32_t a, std::uint32_t b) const noexcept {
  const timer_slot& x = slots_[a];
  const timer_slot& y = slots_[b];
  return x.when != y.when ? x.when < y.when : x.sequence < y.sequence;
}

void reactor_time::heap_swap(std::size_t i, std::size_t j) noexcept {
  std::swap(heap_[i], heap_[j]);
  slots_[heap_[i]].heap_index = static_cast<std::uint32_t>(i);
  slots_[heap_[j]].heap_index = static_cast<std::uint32_t>(j);
}

void reactor_time::sift_up(std::size_t i) noexcept {
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!heap_less(heap_[i], heap_[parent])) break;
    heap_swap(i, parent);
    i = parent;
  }
}

void reactor_time::sift_down(std::size_t i) noexcept {
  for (;;) {
    const std::size_t left = 2 * i + 1;
    if (left >= heap_.size()) break;
    std::size_t smallest = left;
    if (left + 1 < heap_.size() && heap_less(heap_[left + 1], heap_[left])) smallest = left + 1;
    if (!heap_less(heap_[smallest], heap_[i])) break;
    heap_swap(i, smallest);
    i = smallest;
  }
}

void reactor_time::heap_remove(std::size_t i) noexcept {
  const std::size_t last = heap_.size() - 1;
  if (i != last) heap_swap(i, last);
  heap_.pop_back();
  if (i < heap_.size()) {
    sift_up(i);
    sift_down(slots_[heap_[i]].heap_index);
  }
}

// --- delayed_call
// ---------------------------------------------------------------------------------

delayed_call::delayed_call(delayed_call&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      slot_(other.slot_),
      generation_(other.generation_),
      cancelled_(other.cancelled_) {}

delayed_call& delayed_call::operator=(delayed_call&& other) noexcept {
  if (this != &other) {
    if (active()) owner_->timer_cancel(slot_);
    owner_ = std::exchange(other.owner_, nullptr);
    slot_ = other.slot_;
    generation_ = other.generation_;
    cancelled_ = other.cancelled_;
  }
  return *this;
}

delayed_call::~delayed_call() {
  if (active()) owner_->timer_cancel(slot_);
}

bool delayed_call::active() const noexcept {
  return owner_ != nullptr && owner_->timer_active(slot_, generation_);
}

void delayed_call::require_active(const char* call) const {
  if (active()) return;
  if (cancelled_) throw already_cancelled(std::string(call) + ": the call was cancelled");
  throw already_called(std::string(call) + ": the call has already run");
}

void delayed_call::cancel() {
  require_active("delayed_call.cancel");
  owner_->timer_cancel(slot_);
  cancelled_ = true;
}

void delayed_call::reset(seconds_f delay) {
  require_active("delayed_call.reset");
  owner_->timer_reschedule(slot_,
                           owner_->now() + std::chrono::duration_cast<deadline::clock::duration>(
                                               std::clamp(delay, seconds_f(0), seconds_f(1e9))));
}

void delayed_call::delay(seconds_f by) {
  require_active("delayed_call.delay");
  const auto when = owner_->timer_when(slot_);
  owner_->timer_reschedule(slot_, when + std::chrono::duration_cast<deadline::clock::duration>(
                                             std::clamp(by, seconds_f(-1e9), seconds_f(1e9))));
}

double delayed_call::get_time() const {
  require_active("delayed_call.get_time");
  return reactor_time::to_seconds(owner_->timer_when(slot_));
}

void delayed_call::release() noexcept { owner_ = nullptr; }

}  // namespace netkit
