#pragma once
// Inference serving over time, and a model's lifecycle footprint: training once, then every query.
//
// Query rate. A service's rate follows a weekly shape in its own local time:
//   rate(t) = mean_qps x hour[h(t)] x day[d(t)]                                   [queries/s]
// h = local hour of day (0-23), d = local day of week (Monday = 0), local = UTC + utc_offset_h.
// The 24 hour factors and the 7 day factors are each normalised to mean 1, so every week (any
// 168 consecutive hours, whatever its start and offset) covers each (hour, day) pair for exactly
// one hour and its mean rate is mean_qps x mean(hour) x mean(day) = mean_qps.
//
// IT power, one of two forms:
//   energy per query   P = rate x E_query                                         [W]
//                      (no capacity limit: every query is served)
//   replica fleet      capacity C = replicas x chips_per_replica x max_qps_per_chip
//                      u = min(rate / C, 1), load spread evenly over every chip
//                      P = chips x (P_idle + (P_max - P_idle) u)                  [W]
//                      served = min(rate, C); the rest is dropped and counted.
// Per-chip powers are system powers (chip, memory, network, fans and host share), as the paper
// measures them for training (its Table 3).
//
// Lifecycle:
//   total = training + queries x per-query footprint                               [kg CO2e]
//   break-even queries = training / per-query (serving has then emitted as much as training)
// The per-query footprint is the caller's: IT energy per served query x PUE x grid intensity,
// plus any embodied share.
//
// Parameters: SI (queries/s, J, W, kg, ms since the Unix epoch for instants).
// Outputs: rates, IT power and hour steps of a service; totals over steps; a Lifecycle.
// Validation: tests/models/test_inference.cpp (normalisation, rates at known instants and
// offsets, the weekly integral, both power forms, clipping, lifecycle break-even, bad inputs).
// Limitations: the rate is a deterministic expectation, constant within each local hour (no
// arrivals, queueing, latency or batching); the fleet is fixed (no autoscaling or idle replicas
// switched off) and its power is linear in utilisation; no daylight-saving changes (one fixed
// offset); dropped queries are not retried.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace dcsim::models {

/// The weekly shape of a query rate, in the service's local time: 24 hour-of-day factors (hour h
/// covers local [h:00, h+1:00)) and 7 day-of-week factors, Monday first. Built only through the
/// normalising constructor (or flat_shape / diurnal_shape); InferenceService::validate rechecks
/// a shape whose fields were changed afterwards.
struct QueryShape {
  std::array<double, 24> hour;  ///< mean 1
  std::array<double, 7> day;    ///< mean 1, Monday first
  double utc_offset_h = 0.0;    ///< local = UTC + offset; in [-12, 14], any fraction of an hour

  /// Scales each set of factors to mean 1. Throws std::invalid_argument (naming "hour", "day" or
  /// "utc_offset_h") on a negative or non-finite factor, factors that are all zero, or an offset
  /// outside [-12, 14] h.
  QueryShape(const std::array<double, 24>& hour_factors, const std::array<double, 7>& day_factors,
             double offset_h = 0.0);

  /// hour[h] x day[d] at a UTC instant.
  double factor(std::int64_t utc_ms) const;
};

/// Every factor 1: a constant rate.
QueryShape flat_shape();

/// A smooth day and a lighter (or heavier) weekend.
///   hour h:  1 + a cos(2 pi (h - peak_hour_local) / 24),  a = (R - 1) / (R + 1),  R = peak_to_trough
///   days:    Monday-Friday 1, Saturday and Sunday weekend_factor, then scaled to mean 1.
/// The 24 cosine samples already have mean 1. With a whole peak hour, the busiest hour is exactly
/// R times the quietest (12 hours later); a fractional peak hour falls between samples and gives
/// a ratio slightly below R. R = 1 is flat. Throws std::invalid_argument unless R >= 1 is finite,
/// 0 <= peak_hour_local < 24, weekend_factor >= 0 is finite, and the offset is as QueryShape's.
QueryShape diurnal_shape(double peak_to_trough, double peak_hour_local, double weekend_factor,
                         double utc_offset_h = 0.0);

/// One piece of a service's piecewise-constant rate: [start_ms, end_ms).
struct ServiceStep {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  double queries_per_s = 0.0;         ///< offered
  double served_queries_per_s = 0.0;  ///< min(offered, capacity)
  double it_power_w = 0.0;

  double duration_s() const { return static_cast<double>(end_ms - start_ms) / 1000.0; }
};

/// A service's totals over a list of steps.
struct ServiceTotals {
  double duration_s = 0.0;
  double offered_queries = 0.0;
  double served_queries = 0.0;
  double dropped_queries = 0.0;   ///< offered - served: the rate above capacity
  double saturated_s = 0.0;       ///< time with queries dropped
  double it_energy_j = 0.0;
  double peak_it_power_w = 0.0;

  /// IT energy per served query, J; NaN when nothing was served.
  double it_energy_per_served_query_j() const;
};

/// A model served to users: a query rate, and the IT power that serves it.
/// Give either energy_per_query_j, or the fleet (replicas, chips_per_replica,
/// max_queries_per_s_per_chip, chip_idle_w, chip_max_w), not both. The rate and power functions
/// assume a service that passed validate().
struct InferenceService {
  std::string name;
  double mean_queries_per_s = 0.0;  ///< averaged over a week
  QueryShape shape = flat_shape();

  std::optional<double> energy_per_query_j;  ///< IT energy per query, J

  std::int64_t replicas = 0;
  std::int64_t chips_per_replica = 0;
  double max_queries_per_s_per_chip = 0.0;
  double chip_idle_w = 0.0;  ///< system power per chip at no load
  double chip_max_w = 0.0;   ///< system power per chip at capacity

  /// Offered rate at a UTC instant (constant within each local hour).
  double queries_per_s(std::int64_t utc_ms) const;
  /// replicas x chips_per_replica; 0 on the energy-per-query path.
  std::int64_t chips() const;
  /// Queries per second the fleet can serve; +inf on the energy-per-query path.
  double capacity_queries_per_s() const;
  /// Fleet utilisation at an offered rate, min(rate / capacity, 1); NaN on the energy-per-query
  /// path (no fleet).
  double utilisation(double offered_queries_per_s) const;
  /// IT power at an offered rate. Throws std::invalid_argument on a negative or non-finite rate.
  double it_power_w(double offered_queries_per_s) const;
  /// min(rate, capacity). Throws std::invalid_argument on a negative or non-finite rate.
  double served_queries_per_s(double offered_queries_per_s) const;

  /// The steps of [from_ms, to_ms): a new step at from_ms, at every UTC hour boundary and at
  /// every local hour boundary inside. With a whole-hour offset that is one step per UTC hour;
  /// with a fractional one (e.g. +5:30) two, so each step has a single rate and a grid trace's
  /// hours still line up. Empty when from_ms == to_ms; throws std::invalid_argument when to_ms
  /// is before from_ms.
  std::vector<ServiceStep> steps(std::int64_t from_ms, std::int64_t to_ms) const;

  /// Throws std::invalid_argument listing every problem, one per line, each as
  /// "inference service 'NAME': FIELD: message".
  void validate() const;
};

/// Sums steps: queries offered, served and dropped, time saturated, IT energy, peak power.
ServiceTotals totals(std::span<const ServiceStep> steps);

/// A model's lifecycle footprint (kg CO2e; queries are counts). Degenerate cases: no training
/// breaks even at 0 queries (in 0 s); otherwise free queries, or a zero rate, never break even
/// (+inf).
struct Lifecycle {
  double training_kg = 0.0;
  double per_query_kg = 0.0;
  double queries = 0.0;
  double serving_kg = 0.0;          ///< queries x per_query_kg
  double total_kg = 0.0;            ///< training_kg + serving_kg
  double break_even_queries = 0.0;  ///< training_kg / per_query_kg
  double break_even_s = 0.0;        ///< break_even_queries / mean rate
  double serving_share = 0.0;       ///< serving_kg / total_kg; 0 when the total is 0
};

/// Training plus `queries` queries at `per_query_kg` each; break-even time at
/// `mean_queries_per_s`. Throws std::invalid_argument naming the argument when any is negative
/// or not finite.
Lifecycle lifecycle_footprint(double training_kg, double per_query_kg, double queries, double mean_queries_per_s);

}  // namespace dcsim::models
