#include "sim/datacentre/CarbonAware.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dcsim::sim {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

IntensityForecast::IntensityForecast(const scenario::GridSetup& grid, std::int64_t start_utc_ms, double relative_error,
                                     std::uint64_t seed)
    : grid_(grid), start_utc_ms_(start_utc_ms), error_(relative_error), seed_(seed) {}

IntensityForecast::Value IntensityForecast::value_at(std::int64_t t_ms) const {
  if (grid_.trace) {
    try {
      const auto s = grid_.trace->at(start_utc_ms_ + t_ms);
      return {s.value, s.next_change_ms == models::TraceSeries::kNever ? std::numeric_limits<std::int64_t>::max()
                                                                        : s.next_change_ms - start_utc_ms_};
    } catch (const models::TraceRangeError&) {
      // Beyond a trace that does not wrap: the run itself will report it; plan with its last value.
      const auto& tr = grid_.trace->trace();
      return {tr.intensity_kg_per_j.back(), std::numeric_limits<std::int64_t>::max()};
    }
  }
  const auto& steps = grid_.steps.steps();
  const double t_s = static_cast<double>(t_ms) / 1000.0;
  auto it = std::upper_bound(steps.begin(), steps.end(), t_s,
                             [](double t, const models::IntensityStep& s) { return t < s.from_s; });
  const auto& step = it == steps.begin() ? steps.front() : *(it - 1);
  const std::int64_t next =
      it == steps.end() ? std::numeric_limits<std::int64_t>::max() : std::llround(it->from_s * 1000.0);
  return {step.gross_kg_per_j, next};
}

double IntensityForecast::error_factor(std::int64_t t_ms) const {
  if (error_ <= 0.0) return 1.0;
  const auto hour = static_cast<std::uint64_t>(floor_div(start_utc_ms_ + t_ms, kHourMs));
  const double u = static_cast<double>(mix(seed_ ^ (hour * 0x9E3779B97F4A7C15ull)) >> 11) * 0x1.0p-53;
  return std::max(0.0, 1.0 + error_ * std::sqrt(3.0) * (2.0 * u - 1.0));  // uniform with sd = error_
}

double IntensityForecast::integral(std::int64_t from_ms, std::int64_t to_ms) const {
  double sum = 0.0;
  std::int64_t t = from_ms;
  while (t < to_ms) {
    const Value v = value_at(t);
    std::int64_t end = std::min(v.next_ms, to_ms);
    if (error_ > 0.0) {
      const std::int64_t next_hour = (floor_div(start_utc_ms_ + t, kHourMs) + 1) * kHourMs - start_utc_ms_;
      end = std::min(end, next_hour);
    }
    if (end <= t) end = t + 1;
    sum += v.kg_per_j * error_factor(t) * static_cast<double>(end - t) / 1000.0;
    t = end;
  }
  return sum;
}

std::int64_t best_start_ms(const IntensityForecast& f, std::int64_t arrival_ms, std::int64_t slack_ms,
                           std::int64_t duration_ms) {
  std::int64_t best = arrival_ms;
  double best_value = f.integral(arrival_ms, arrival_ms + duration_ms);
  const auto consider = [&](std::int64_t s) {
    const double v = f.integral(s, s + duration_ms);
    if (v < best_value) {
      best_value = v;
      best = s;
    }
  };
  for (std::int64_t s = (floor_div(arrival_ms, kHourMs) + 1) * kHourMs; s < arrival_ms + slack_ms; s += kHourMs) consider(s);
  if (slack_ms > 0) consider(arrival_ms + slack_ms);
  return best;
}

}  // namespace dcsim::sim
