#pragma once
// An IntensityTrace placed on the simulation clock: the value in force at any instant and when it
// next changes, so the simulation schedules one event per change and never polls.
//
// Alignment is by timestamp (UTC). With `wrap`, a run outside the trace's range replays it by
// whole calendar years: an instant maps to the same month, day and time of day in the trace's
// year (a trace covering at least a year is required). Day 366 of a leap year maps past the end
// of a 365-day trace and is taken from the trace's start. Without `wrap`, an instant outside the
// range is an error (TraceRangeError) that the caller reports as bad input.

#include <cstdint>
#include <limits>
#include <stdexcept>

#include "models/grid/IntensityTrace.hpp"

namespace dcsim::models {

class TraceRangeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TraceSeries {
 public:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

  struct Sample {
    double value = 0.0;              ///< intensity, kg/J
    double cfe_share = 0.0;          ///< the trace's CFE share, 0 when it gives none
    std::int64_t next_change_ms = kNever;  ///< UTC ms of the next change (after the queried instant)
    bool wrapped = false;            ///< the instant was mapped from another year
  };

  /// Precondition: trace non-empty with strictly increasing times. Throws TraceRangeError when
  /// `wrap` is asked of a trace shorter than 365 days.
  TraceSeries(IntensityTrace trace, bool wrap);

  /// The sample in force at `utc_ms`. Throws TraceRangeError outside the range without wrap.
  Sample at(std::int64_t utc_ms) const;

  const IntensityTrace& trace() const { return trace_; }
  bool wrap() const { return wrap_; }

 private:
  IntensityTrace trace_;
  bool wrap_;
};

}  // namespace dcsim::models
