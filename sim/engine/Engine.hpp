#pragma once
// The discrete-event run loop. It alone advances `now()`; everything else schedules callbacks.
//
// The engine knows nothing of what the events mean. Handlers may schedule and cancel freely,
// including at the current instant (such events run after the ones already due at that instant).

#include <cstdint>
#include <utility>

#include "sim/engine/EventQueue.hpp"
#include "sim/engine/Time.hpp"

namespace dcsim::engine {

class Engine {
 public:
  Time now() const { return now_; }

  /// Schedules `cb` at absolute time `t`, which must not lie in the past.
  /// (The handler is made in the event's slot: see Callback::emplace.)
  template <class F>
  EventHandle schedule_at(Time t, F&& f) {
    if (t < now_) scheduled_in_past();
    return queue_.push(t, std::forward<F>(f));
  }
  template <class F>
  EventHandle schedule_in(Duration d, F&& f) {
    return schedule_at(now_ + d, std::forward<F>(f));
  }
  /// A lane for a source that keeps one event pending at a time (EventQueue.hpp), and scheduling
  /// into it, in the same order as schedule_at. Precondition: the lane's last event ran or was
  /// cancelled.
  EventQueue::Lane add_lane() { return queue_.add_lane(); }
  template <class F>
  EventHandle schedule_in_lane(EventQueue::Lane lane, Time t, F&& f) {
    if (t < now_) scheduled_in_past();
    return queue_.push_lane(lane, t, std::forward<F>(f));
  }
  bool cancel(EventHandle h) { return queue_.cancel(h); }
  bool pending(EventHandle h) const { return queue_.pending(h); }

  /// Runs events until none is pending or stop() is called.
  void run() { run_until(Time::max()); }
  /// Runs every event due at or before `limit`; leaves now() at the last event run.
  void run_until(Time limit);
  /// Makes the current run() return after the handler that called it.
  void stop() { stopped_ = true; }
  /// Calls `fn(context)` once per instant at which events ran: after the last handler due at
  /// that instant, before time moves on, and when a run returns. A model that several changes of
  /// one instant touch (several events, or several changes in one) brings itself up to date once,
  /// there. `fn` must not schedule events (it runs with the next instant's first event already
  /// taken from the queue): std::logic_error if it does.
  void after_each_instant(void (*fn)(void*), void* context) {
    after_ = fn;
    after_context_ = context;
  }

  std::uint64_t events_processed() const { return events_; }
  std::size_t events_pending() const { return queue_.size(); }

 private:
  [[noreturn, gnu::cold]] static void scheduled_in_past();
  void end_instant();

  EventQueue queue_;
  Callback current_;
  void (*after_)(void*) = nullptr;
  void* after_context_ = nullptr;
  Time now_ = Time::zero();
  std::uint64_t events_ = 0;
  bool stopped_ = false;
  bool instant_open_ = false;  ///< an event ran at now_ since after_ was last called
};

}  // namespace dcsim::engine
