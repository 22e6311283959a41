#include "sim/engine/EventQueue.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace dcsim::engine {

std::uint32_t EventQueue::new_slot() {
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

EventHandle EventQueue::file(Time t, std::uint32_t slot) {
  const std::uint64_t seq = next_seq_++;
  slots_[slot].seq = seq;
  const Entry e{t, seq, slot};
  heap_.push_back(e);
  sift_up(heap_.size() - 1, e);
  ++live_;
  return EventHandle{slot, seq};
}

EventQueue::Lane EventQueue::add_lane() {
  lanes_.emplace_back();
  return static_cast<Lane>(lanes_.size() - 1);
}

EventHandle EventQueue::file_lane(Lane lane, Time t) {
  LaneSlot& l = lanes_[lane];
  assert(l.seq == 0);
  l.t = t;
  l.seq = next_seq_++;
  ++live_;
  return EventHandle{kLaneBit | lane, l.seq};
}

int EventQueue::first_lane() const {
  int best = -1;
  const Entry* top = heap_.empty() ? nullptr : &heap_.front();
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    const LaneSlot& l = lanes_[i];
    if (l.seq == 0) continue;
    const Entry e{l.t, l.seq, 0};
    if (best >= 0) {
      const LaneSlot& b = lanes_[static_cast<std::size_t>(best)];
      if (!e.before(Entry{b.t, b.seq, 0})) continue;
    } else if (top != nullptr && !e.before(*top)) {
      continue;
    }
    best = static_cast<int>(i);
  }
  return best;
}

bool EventQueue::cancel_pending(EventHandle h) {
  if ((h.slot & kLaneBit) != 0) {
    LaneSlot& l = lanes_[h.slot & ~kLaneBit];
    l.cb.reset();
    l.seq = 0;
    --live_;
    return true;
  }
  Slot& s = slots_[h.slot];
  s.cb.reset();
  s.seq = 0;
  free_.push_back(h.slot);
  --live_;
  // Stale entries are normally discarded lazily; compact when they dominate so the heap stays
  // proportional to the live events.
  if (heap_.size() > 64 && heap_.size() > 4 * live_) {
    std::vector<Entry> kept;
    kept.reserve(live_);
    for (const Entry& e : heap_)
      if (slots_[e.slot].seq == e.seq()) kept.push_back(e);
    heap_.swap(kept);
    for (std::size_t i = heap_.size() / kArity + 1; i-- > 0;) sift_down(i);
  }
  return true;
}

void EventQueue::drop_stale_top() {
  while (!heap_.empty() && slots_[heap_.front().slot].seq != heap_.front().seq()) pop_top();
}

std::optional<Time> EventQueue::next_time() {
  drop_stale_top();
  if (const int lane = first_lane(); lane >= 0) return lanes_[static_cast<std::size_t>(lane)].t;
  if (heap_.empty()) return std::nullopt;
  return heap_.front().t();
}

Time EventQueue::pop(Callback& out) {
  Time t;
  [[maybe_unused]] const bool any = pop_due(Time::max(), t, out);
  assert(any);
  return t;
}

bool EventQueue::pop_due(Time limit, Time& t, Callback& out) {
  drop_stale_top();
  if (const int lane = first_lane(); lane >= 0) {
    LaneSlot& l = lanes_[static_cast<std::size_t>(lane)];
    if (l.t > limit) return false;
    t = l.t;
    out = std::move(l.cb);
    l.seq = 0;
    --live_;
    return true;
  }
  if (heap_.empty() || heap_.front().t() > limit) return false;
  const Entry top = heap_.front();
  pop_top();
  Slot& s = slots_[top.slot];
  out = std::move(s.cb);
  s.seq = 0;
  free_.push_back(top.slot);
  --live_;
  t = top.t();
  return true;
}

// A 4-ary heap: half the levels of a binary one, and the four children of a node share a cache
// line or two, so a pop compares more keys per level but touches fewer lines.
//
// The smallest of the children from `first` (< n): for a node with all four (every level but
// the last) a tournament of three independent comparisons, without a loop; a last node with
// fewer scans them.
std::size_t EventQueue::smallest_child(const Entry* h, std::size_t first, std::size_t n) {
  static_assert(kArity == 4);
  if (first + kArity <= n) {
    const Key k0 = h[first].key, k1 = h[first + 1].key, k2 = h[first + 2].key, k3 = h[first + 3].key;
    const bool right_a = k1 < k0, right_b = k3 < k2;
    const Key ka = right_a ? k1 : k0, kb = right_b ? k3 : k2;
    const bool second = kb < ka;
    return first + (second ? 2 + static_cast<std::size_t>(right_b) : static_cast<std::size_t>(right_a));
  }
  std::size_t best = first;
  for (std::size_t c = first + 1; c < n; ++c) best = h[c].key < h[best].key ? c : best;
  return best;
}

void EventQueue::pop_top() {
  // Floyd: the hole at the root goes down to a leaf along the smaller children (no comparison
  // with the moved element, which usually belongs near the bottom), then the last entry rises
  // from there.
  const Entry last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return;
  Entry* const h = heap_.data();
  std::size_t i = 0;
  for (std::size_t first = 1; first < n; first = kArity * i + 1) {
    const std::size_t best = smallest_child(h, first, n);
    h[i] = h[best];
    i = best;
  }
  sift_up(i, last);
}

// Puts e at i or above it, moving the entries it comes before down.
void EventQueue::sift_up(std::size_t i, const Entry e) {
  Entry* const h = heap_.data();
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!e.before(h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = e;
}

void EventQueue::sift_down(std::size_t i) {
  const std::size_t n = heap_.size();
  Entry* const h = heap_.data();
  const Entry e = h[i];
  for (std::size_t first = kArity * i + 1; first < n; first = kArity * i + 1) {
    const std::size_t best = smallest_child(h, first, n);
    if (!h[best].before(e)) break;
    h[i] = h[best];
    i = best;
  }
  h[i] = e;
}

}  // namespace dcsim::engine
