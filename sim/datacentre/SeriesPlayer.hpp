#pragma once
// Plays a TraceSeries on the engine: applies the value in force now, then schedules itself at
// the series' next change. One pending event per series, whatever the trace's length.

#include <cstdint>
#include <functional>
#include <string>

#include "models/grid/TraceSeries.hpp"
#include "sim/engine/Engine.hpp"

namespace dcsim::sim {

class SeriesPlayer {
 public:
  using OnChange = std::function<void(const models::TraceSeries::Sample&)>;

  /// `start_utc_ms` is the UTC instant of engine time zero; `origin` (its file) and `key` (the
  /// scenario key that names it, e.g. grid.trace) name the series in errors.
  SeriesPlayer(engine::Engine& engine, const models::TraceSeries& series, std::int64_t start_utc_ms, std::string origin,
               std::string key, OnChange on_change);
  SeriesPlayer(const SeriesPlayer&) = delete;
  SeriesPlayer& operator=(const SeriesPlayer&) = delete;
  ~SeriesPlayer() { engine_.cancel(pending_); }

  /// Applies the current value and schedules the next change. Throws dcsim::InputError when
  /// the run leaves the series' range and it does not wrap.
  void start() { apply(); }
  bool wrapped() const { return wrapped_; }
  /// Throws dcsim::InputError if the run needs the series beyond its end: at `now` and after
  /// (`run_continues`), or only up to `now` (the run ends now, which may be exactly where the
  /// trace ends).
  void check(engine::Time now, bool run_continues) const {
    if (run_continues ? now.ms() < valid_until_ms_ : now.ms() <= valid_until_ms_) return;
    past_end();
  }

 private:
  void apply();
  [[noreturn]] void past_end() const;

  engine::Engine& engine_;
  const models::TraceSeries& series_;
  std::int64_t start_utc_ms_;
  std::string origin_;
  std::string key_;
  OnChange on_change_;
  engine::EventHandle pending_;
  std::int64_t valid_until_ms_ = models::TraceSeries::kNever;  ///< engine ms where a non-wrapping trace ends
  bool wrapped_ = false;
};

}  // namespace dcsim::sim
