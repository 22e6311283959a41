#pragma once
// Carbon-aware temporal shifting: a job with slack starts in the window of lowest forecast grid
// intensity. The forecast is the grid's own series (perfect), or that series with a seeded,
// hourly relative error (uniform, of the given standard deviation), so the choice can be wrong
// the way a real forecast is.
//
// Candidate starts are the arrival, every whole hour after it within the slack, and the end of
// the slack; the job's power is constant, so the best start minimises the integral of intensity
// over the job's duration.

#include <cstdint>

#include "sim/scenario/Scenario.hpp"

namespace dcsim::sim {

class IntensityForecast {
 public:
  /// `start_utc_ms` is engine time zero; `relative_error` 0 gives the true series.
  IntensityForecast(const scenario::GridSetup& grid, std::int64_t start_utc_ms, double relative_error,
                    std::uint64_t seed);

  /// Integral of gross intensity (kg/J) over [from_ms, to_ms) of engine time, in kg/J x s.
  double integral(std::int64_t from_ms, std::int64_t to_ms) const;

 private:
  struct Value {
    double kg_per_j;
    std::int64_t next_ms;  ///< engine time of the next change
  };
  Value value_at(std::int64_t t_ms) const;
  double error_factor(std::int64_t t_ms) const;

  const scenario::GridSetup& grid_;
  std::int64_t start_utc_ms_;
  double error_;
  std::uint64_t seed_;
};

/// The start within [arrival, arrival + slack] that minimises the forecast over `duration`.
std::int64_t best_start_ms(const IntensityForecast& forecast, std::int64_t arrival_ms, std::int64_t slack_ms,
                           std::int64_t duration_ms);

}  // namespace dcsim::sim
