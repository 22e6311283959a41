#pragma once
// The future-event set: pending events ordered by (time, sequence), cancellable by handle.
//
// A 4-ary min-heap of small entries points into a pool of slots that own the handlers. The
// sequence number, unique per scheduled event, breaks ties between events at the same instant in
// scheduling order (so runs are deterministic) and doubles as the slot's generation: cancelling
// frees the slot at once, and the heap entry left behind is recognised as stale when it surfaces.
// After warm-up neither the heap nor the pool grows, so scheduling does not allocate.
//
// Lanes: a source that keeps exactly one event pending at a time and schedules the next when it
// runs (a time-sorted stream, such as the arrivals of a job trace) may hold it in a lane of its
// own, beside the heap: scheduling and running it is O(1) instead of two heap walks. A lane event
// takes its sequence number from the same counter, so the order of events (time, then
// scheduling order) is exactly the one the heap alone would give.

#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/engine/Callback.hpp"
#include "sim/engine/Time.hpp"

namespace dcsim::engine {

/// Names one scheduled event; stays valid (and harmless) after the event ran or was cancelled.
struct EventHandle {
  std::uint32_t slot = 0;
  std::uint64_t seq = 0;  ///< 0 never names an event
};

class EventQueue {
 public:
  using Lane = std::uint32_t;

  EventHandle push(Time t, Callback&& cb) {
    const std::uint32_t slot = take_slot();
    slots_[slot].cb = std::move(cb);
    return file(t, slot);
  }
  /// push() of a handler not yet made into a Callback: made in its slot (Callback::emplace).
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  EventHandle push(Time t, F&& f) {
    const std::uint32_t slot = take_slot();
    slots_[slot].cb.emplace(std::forward<F>(f));
    return file(t, slot);
  }
  /// A new lane, for one pending event at a time.
  Lane add_lane();
  /// Schedules the lane's event. Precondition: the lane holds no pending event.
  EventHandle push_lane(Lane lane, Time t, Callback&& cb) {
    lanes_[lane].cb = std::move(cb);
    return file_lane(lane, t);
  }
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  EventHandle push_lane(Lane lane, Time t, F&& f) {
    lanes_[lane].cb.emplace(std::forward<F>(f));
    return file_lane(lane, t);
  }
  /// True if the event was pending and is now cancelled.
  bool cancel(EventHandle h) { return pending(h) && cancel_pending(h); }
  bool pending(EventHandle h) const {
    if (h.seq == 0) return false;
    if ((h.slot & kLaneBit) != 0) {
      const std::uint32_t lane = h.slot & ~kLaneBit;
      return lane < lanes_.size() && lanes_[lane].seq == h.seq;
    }
    return h.slot < slots_.size() && slots_[h.slot].seq == h.seq;
  }

  /// Events scheduled so far (lanes included): changes whenever one is.
  std::uint64_t scheduled() const { return next_seq_ - 1; }
  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  /// Time of the earliest pending event; nullopt when none is pending.
  std::optional<Time> next_time();
  /// Removes the earliest pending event and hands back its time and handler. Precondition: !empty().
  Time pop(Callback& out);
  /// pop() if the earliest pending event is due at or before `limit`; false (and nothing removed)
  /// when none is pending or it lies beyond.
  bool pop_due(Time limit, Time& t, Callback& out);

 private:
  /// (time, sequence) as one unsigned 128-bit key, time in the high half with its sign bit
  /// flipped (so unsigned order is time order): an entry compares with one wide comparison and
  /// no branch, and the heap picks a node's smallest child with conditional moves.
  __extension__ using Key = unsigned __int128;
  static constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  struct Entry {
    Key key;
    std::uint32_t slot;
    Entry(Time t, std::uint64_t seq, std::uint32_t s)
        : key((static_cast<Key>(static_cast<std::uint64_t>(t.ms()) ^ kSign) << 64) | seq), slot(s) {}
    Time t() const { return Time::from_ms(static_cast<std::int64_t>(static_cast<std::uint64_t>(key >> 64) ^ kSign)); }
    std::uint64_t seq() const { return static_cast<std::uint64_t>(key); }
    bool before(const Entry& o) const { return key < o.key; }
  };
  struct Slot {
    Callback cb;
    std::uint64_t seq = 0;  ///< sequence of the event it holds; 0 when free
  };
  struct LaneSlot {
    Time t;
    std::uint64_t seq = 0;  ///< 0 when empty
    Callback cb;
  };
  static constexpr std::uint32_t kLaneBit = 0x8000'0000u;  ///< in an EventHandle's slot: a lane
  /// The lane whose event comes first (before the heap's top too), or -1 when the heap's does.
  int first_lane() const;

  /// cancel() of a pending event.
  bool cancel_pending(EventHandle h);
  /// A free slot for a new event (its handler is then put there).
  std::uint32_t take_slot() {
    if (free_.empty()) return new_slot();
    const std::uint32_t slot = free_.back();
    free_.pop_back();
    return slot;
  }
  std::uint32_t new_slot();
  /// Files the event whose handler is in `slot`, at t.
  EventHandle file(Time t, std::uint32_t slot);
  /// Files the event whose handler is in the lane, at t.
  EventHandle file_lane(Lane lane, Time t);

  static constexpr std::size_t kArity = 4;
  void drop_stale_top();
  static std::size_t smallest_child(const Entry* h, std::size_t first, std::size_t n);
  void sift_up(std::size_t i, Entry e);
  void sift_down(std::size_t i);
  void pop_top();

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::vector<LaneSlot> lanes_;
  std::uint64_t next_seq_ = 1;
  std::size_t live_ = 0;
};

}  // namespace dcsim::engine
