#include "models/workload/Inference.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace dcsim::models {
namespace {

constexpr std::int64_t kMsPerHour = 3'600'000;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;
constexpr double kMinOffsetH = -12.0;
constexpr double kMaxOffsetH = 14.0;
// Factors scaled by the constructor have a mean within a few ulps of 1; a shape edited by hand
// afterwards is caught by this much looser bound.
constexpr double kMeanTolerance = 1e-9;

std::string num(double v) {
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}

// Collects every problem, then throws them together, one per line.
class Problems {
 public:
  explicit Problems(std::string prefix) : prefix_(std::move(prefix)) {}
  void add(const std::string& field, const std::string& message) {
    if (!text_.empty()) text_ += '\n';
    text_ += prefix_ + field + ": " + message;
  }
  void throw_if_any() const {
    if (!text_.empty()) throw std::invalid_argument(text_);
  }

 private:
  std::string prefix_;
  std::string text_;
};

bool finite_non_negative(double v) { return std::isfinite(v) && v >= 0.0; }

void check_rate(double queries_per_s) {
  if (!finite_non_negative(queries_per_s))
    throw std::invalid_argument("queries_per_s: must be finite and >= 0 (got " + num(queries_per_s) + ")");
}

void check_offset(Problems& p, const std::string& field, double offset_h) {
  if (!std::isfinite(offset_h) || offset_h < kMinOffsetH || offset_h > kMaxOffsetH)
    p.add(field, "must be within [-12, 14] h (got " + num(offset_h) + ")");
}

// Checks factors that the constructor is about to scale; returns their sum.
template <std::size_t N>
double check_factors(Problems& p, const std::string& field, const std::array<double, N>& f) {
  bool ok = true;
  for (std::size_t i = 0; i < N; ++i) {
    if (!finite_non_negative(f[i])) {
      p.add(field + "[" + std::to_string(i) + "]", "must be finite and >= 0 (got " + num(f[i]) + ")");
      ok = false;
    }
  }
  const double sum = std::accumulate(f.begin(), f.end(), 0.0);
  if (ok && sum <= 0.0) p.add(field, "factors are all zero");
  return sum;
}

// Checks factors that should already have mean 1.
template <std::size_t N>
void check_normalised(Problems& p, const std::string& field, const std::array<double, N>& f) {
  const double sum = check_factors(p, field, f);
  const double mean = sum / static_cast<double>(N);
  if (std::isfinite(mean) && sum > 0.0 && std::abs(mean - 1.0) > kMeanTolerance)
    p.add(field, "factors must have mean 1 (mean is " + num(mean) + "); build the shape with QueryShape(...)");
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::int64_t floor_mod(std::int64_t a, std::int64_t b) { return a - floor_div(a, b) * b; }

std::int64_t offset_ms(double offset_h) { return std::llround(offset_h * static_cast<double>(kMsPerHour)); }

}  // namespace

QueryShape::QueryShape(const std::array<double, 24>& hour_factors, const std::array<double, 7>& day_factors,
                       double offset_h)
    : hour(hour_factors), day(day_factors), utc_offset_h(offset_h) {
  Problems p("query shape: ");
  const double hour_sum = check_factors(p, "hour", hour);
  const double day_sum = check_factors(p, "day", day);
  check_offset(p, "utc_offset_h", utc_offset_h);
  p.throw_if_any();
  for (double& f : hour) f *= static_cast<double>(hour.size()) / hour_sum;
  for (double& f : day) f *= static_cast<double>(day.size()) / day_sum;
}

double QueryShape::factor(std::int64_t utc_ms) const {
  const std::int64_t local_ms = utc_ms + offset_ms(utc_offset_h);
  const std::int64_t h = floor_mod(floor_div(local_ms, kMsPerHour), 24);
  // 1970-01-01 was a Thursday: day 3 counting from Monday = 0.
  const std::int64_t d = floor_mod(floor_div(local_ms, kMsPerDay) + 3, 7);
  return hour[static_cast<std::size_t>(h)] * day[static_cast<std::size_t>(d)];
}

QueryShape flat_shape() {
  std::array<double, 24> hour{};
  std::array<double, 7> day{};
  hour.fill(1.0);
  day.fill(1.0);
  return QueryShape(hour, day);
}

QueryShape diurnal_shape(double peak_to_trough, double peak_hour_local, double weekend_factor, double utc_offset_h) {
  Problems p("diurnal shape: ");
  if (!std::isfinite(peak_to_trough) || peak_to_trough < 1.0)
    p.add("peak_to_trough", "must be finite and >= 1 (got " + num(peak_to_trough) + ")");
  if (!std::isfinite(peak_hour_local) || peak_hour_local < 0.0 || peak_hour_local >= 24.0)
    p.add("peak_hour_local", "must be within [0, 24) (got " + num(peak_hour_local) + ")");
  if (!finite_non_negative(weekend_factor))
    p.add("weekend_factor", "must be finite and >= 0 (got " + num(weekend_factor) + ")");
  check_offset(p, "utc_offset_h", utc_offset_h);
  p.throw_if_any();

  const double a = (peak_to_trough - 1.0) / (peak_to_trough + 1.0);
  std::array<double, 24> hour{};
  for (std::size_t h = 0; h < hour.size(); ++h)
    hour[h] = 1.0 + a * std::cos(2.0 * std::numbers::pi * (static_cast<double>(h) - peak_hour_local) / 24.0);
  std::array<double, 7> day{1.0, 1.0, 1.0, 1.0, 1.0, weekend_factor, weekend_factor};
  return QueryShape(hour, day, utc_offset_h);
}

double ServiceTotals::it_energy_per_served_query_j() const {
  return served_queries > 0.0 ? it_energy_j / served_queries : std::numeric_limits<double>::quiet_NaN();
}

double InferenceService::queries_per_s(std::int64_t utc_ms) const { return mean_queries_per_s * shape.factor(utc_ms); }

std::int64_t InferenceService::chips() const { return energy_per_query_j ? 0 : replicas * chips_per_replica; }

double InferenceService::capacity_queries_per_s() const {
  if (energy_per_query_j) return std::numeric_limits<double>::infinity();
  return static_cast<double>(chips()) * max_queries_per_s_per_chip;
}

double InferenceService::utilisation(double offered_queries_per_s) const {
  check_rate(offered_queries_per_s);
  if (energy_per_query_j) return std::numeric_limits<double>::quiet_NaN();
  return std::min(offered_queries_per_s / capacity_queries_per_s(), 1.0);
}

double InferenceService::it_power_w(double offered_queries_per_s) const {
  check_rate(offered_queries_per_s);
  if (energy_per_query_j) return offered_queries_per_s * *energy_per_query_j;
  const double u = utilisation(offered_queries_per_s);
  return static_cast<double>(chips()) * (chip_idle_w + (chip_max_w - chip_idle_w) * u);
}

double InferenceService::served_queries_per_s(double offered_queries_per_s) const {
  check_rate(offered_queries_per_s);
  return std::min(offered_queries_per_s, capacity_queries_per_s());
}

std::vector<ServiceStep> InferenceService::steps(std::int64_t from_ms, std::int64_t to_ms) const {
  if (to_ms < from_ms)
    throw std::invalid_argument("steps: to_ms (" + std::to_string(to_ms) + ") is before from_ms (" +
                                std::to_string(from_ms) + ")");
  const std::int64_t off = offset_ms(shape.utc_offset_h);
  const bool whole_hours = floor_mod(off, kMsPerHour) == 0;
  std::vector<ServiceStep> out;
  out.reserve(static_cast<std::size_t>((to_ms - from_ms) / kMsPerHour + 1) * (whole_hours ? 1 : 2) + 1);
  for (std::int64_t t = from_ms; t < to_ms;) {
    const std::int64_t next_utc = (floor_div(t, kMsPerHour) + 1) * kMsPerHour;
    const std::int64_t next_local = (floor_div(t + off, kMsPerHour) + 1) * kMsPerHour - off;
    const std::int64_t end = std::min({next_utc, next_local, to_ms});
    const double rate = queries_per_s(t);
    out.push_back(ServiceStep{t, end, rate, served_queries_per_s(rate), it_power_w(rate)});
    t = end;
  }
  return out;
}

void InferenceService::validate() const {
  Problems p(name.empty() ? std::string("inference service: ") : "inference service '" + name + "': ");
  if (name.empty()) p.add("name", "must not be empty");
  if (!finite_non_negative(mean_queries_per_s))
    p.add("mean_queries_per_s", "must be finite and >= 0 (got " + num(mean_queries_per_s) + ")");
  check_normalised(p, "shape.hour", shape.hour);
  check_normalised(p, "shape.day", shape.day);
  check_offset(p, "shape.utc_offset_h", shape.utc_offset_h);

  const bool fleet_given = replicas != 0 || chips_per_replica != 0 || max_queries_per_s_per_chip != 0.0 ||
                           chip_idle_w != 0.0 || chip_max_w != 0.0;
  const std::string fleet_fields = "replicas, chips_per_replica, max_queries_per_s_per_chip, chip_idle_w, chip_max_w";
  if (energy_per_query_j) {
    if (fleet_given)
      p.add("energy_per_query_j", "give either energy_per_query_j or a replica fleet (" + fleet_fields + "), not both");
    if (!std::isfinite(*energy_per_query_j) || *energy_per_query_j <= 0.0)
      p.add("energy_per_query_j", "must be finite and > 0 (got " + num(*energy_per_query_j) + ")");
  } else if (!fleet_given) {
    p.add("energy_per_query_j", "give energy_per_query_j or a replica fleet (" + fleet_fields + ")");
  } else {
    if (replicas < 1) p.add("replicas", "must be >= 1 (got " + std::to_string(replicas) + ")");
    if (chips_per_replica < 1)
      p.add("chips_per_replica", "must be >= 1 (got " + std::to_string(chips_per_replica) + ")");
    if (replicas >= 1 && chips_per_replica >= 1 && replicas > std::numeric_limits<std::int64_t>::max() / chips_per_replica)
      p.add("replicas", "replicas x chips_per_replica is too large");
    if (!std::isfinite(max_queries_per_s_per_chip) || max_queries_per_s_per_chip <= 0.0)
      p.add("max_queries_per_s_per_chip", "must be finite and > 0 (got " + num(max_queries_per_s_per_chip) + ")");
    if (!finite_non_negative(chip_idle_w))
      p.add("chip_idle_w", "must be finite and >= 0 (got " + num(chip_idle_w) + ")");
    if (!std::isfinite(chip_max_w) || chip_max_w < chip_idle_w)
      p.add("chip_max_w", "must be finite and >= chip_idle_w (got " + num(chip_max_w) + ")");
  }
  p.throw_if_any();
}

ServiceTotals totals(std::span<const ServiceStep> steps) {
  ServiceTotals t;
  for (const ServiceStep& s : steps) {
    const double dt_s = s.duration_s();
    t.duration_s += dt_s;
    t.offered_queries += s.queries_per_s * dt_s;
    t.served_queries += s.served_queries_per_s * dt_s;
    t.dropped_queries += (s.queries_per_s - s.served_queries_per_s) * dt_s;
    if (s.served_queries_per_s < s.queries_per_s) t.saturated_s += dt_s;
    t.it_energy_j += s.it_power_w * dt_s;
    t.peak_it_power_w = std::max(t.peak_it_power_w, s.it_power_w);
  }
  return t;
}

Lifecycle lifecycle_footprint(double training_kg, double per_query_kg, double queries, double mean_queries_per_s) {
  Problems p("lifecycle: ");
  const auto check = [&p](const std::string& field, double v) {
    if (!finite_non_negative(v)) p.add(field, "must be finite and >= 0 (got " + num(v) + ")");
  };
  check("training_kg", training_kg);
  check("per_query_kg", per_query_kg);
  check("queries", queries);
  check("mean_queries_per_s", mean_queries_per_s);
  p.throw_if_any();

  constexpr double inf = std::numeric_limits<double>::infinity();
  Lifecycle l;
  l.training_kg = training_kg;
  l.per_query_kg = per_query_kg;
  l.queries = queries;
  l.serving_kg = queries * per_query_kg;
  l.total_kg = training_kg + l.serving_kg;
  if (training_kg == 0.0) {
    l.break_even_queries = 0.0;
  } else {
    l.break_even_queries = per_query_kg > 0.0 ? training_kg / per_query_kg : inf;
  }
  if (l.break_even_queries == 0.0) {
    l.break_even_s = 0.0;
  } else {
    l.break_even_s = mean_queries_per_s > 0.0 ? l.break_even_queries / mean_queries_per_s : inf;
  }
  l.serving_share = l.total_kg > 0.0 ? l.serving_kg / l.total_kg : 0.0;
  return l;
}

}  // namespace dcsim::models
