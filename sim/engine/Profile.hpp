#pragma once
// Exogenous inputs as dated values that schedule their own next change.
//
// A Profile is a step function: `points[i].value` holds from `points[i].at` until the next point.
// Playing it on an engine schedules only the next change, so a profile of a year of hourly values
// costs one pending event at a time and wakes the simulation only when the value changes.

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

#include "sim/engine/Engine.hpp"

namespace dcsim::engine {

template <class T>
struct Dated {
  Time at;
  T value;
};

template <class T>
class ProfilePlayer {
 public:
  using OnChange = std::function<void(const T&)>;

  /// `points` must be sorted by time. Points at or before now() are applied at once, in order.
  ProfilePlayer(Engine& engine, std::vector<Dated<T>> points, OnChange on_change)
      : engine_(engine), points_(std::move(points)), on_change_(std::move(on_change)) {}

  ProfilePlayer(const ProfilePlayer&) = delete;
  ProfilePlayer& operator=(const ProfilePlayer&) = delete;
  ~ProfilePlayer() { engine_.cancel(pending_); }

  void start() {
    while (next_ < points_.size() && points_[next_].at <= engine_.now()) on_change_(points_[next_++].value);
    schedule_next();
  }

 private:
  void schedule_next() {
    if (next_ >= points_.size()) return;
    pending_ = engine_.schedule_at(points_[next_].at, [this] {
      on_change_(points_[next_++].value);
      schedule_next();
    });
  }

  Engine& engine_;
  std::vector<Dated<T>> points_;
  OnChange on_change_;
  std::size_t next_ = 0;
  EventHandle pending_;
};

}  // namespace dcsim::engine
