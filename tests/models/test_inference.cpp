// Inference serving and a model's lifecycle footprint (models/workload/Inference.hpp).
//
// Expected values are worked by hand:
// - the test shape has hour factors 1, 2, ..., 24 (sum 300, mean 12.5) and day factors
//   1, 2, ..., 7 (sum 28, mean 4), so after normalisation hour h is (h + 1) / 12.5 and day d is
//   (d + 1) / 4 (Monday = 0);
// - 1970..2019 holds 12 leap years, so 2020-01-01 is 50 x 365 + 12 = 18262 days after the epoch;
//   the epoch was a Thursday and 18262 = 7 x 2608 + 6, so 2020-01-01 was a Wednesday (d = 2);
// - a week is 7 x 24 x 3600 = 604800 s.

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/units/Calendar.hpp"
#include "models/workload/Inference.hpp"

namespace {

using namespace dcsim::models;
using dcsim::units::parse_utc_ms;

constexpr std::int64_t kMsPerHour = 3'600'000;
constexpr double kWeekS = 604800.0;

std::array<double, 24> ramp_hours() {
  std::array<double, 24> h{};
  for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<double>(i + 1);
  return h;
}

std::array<double, 7> ramp_days() { return {1, 2, 3, 4, 5, 6, 7}; }

QueryShape ramp_shape(double utc_offset_h) { return QueryShape(ramp_hours(), ramp_days(), utc_offset_h); }

InferenceService per_query_service(double mean_qps, QueryShape shape, double energy_per_query_j) {
  InferenceService s;
  s.name = "search";
  s.mean_queries_per_s = mean_qps;
  s.shape = shape;
  s.energy_per_query_j = energy_per_query_j;
  return s;
}

// 2 replicas x 4 chips serving 10 q/s each: capacity 80 q/s; 100 W idle, 300 W at capacity.
InferenceService small_fleet() {
  InferenceService s;
  s.name = "chat";
  s.mean_queries_per_s = 40.0;
  s.replicas = 2;
  s.chips_per_replica = 4;
  s.max_queries_per_s_per_chip = 10.0;
  s.chip_idle_w = 100.0;
  s.chip_max_w = 300.0;
  return s;
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

double sum_of(const auto& factors) {
  double s = 0.0;
  for (const double f : factors) s += f;
  return s;
}

}  // namespace

TEST_SUITE("inference") {
  TEST_CASE("an inference query shape is scaled to mean 1 over its hours and over its days") {
    const QueryShape s = ramp_shape(0.0);
    CHECK(s.hour[0] == doctest::Approx(1.0 / 12.5));   // 0.08
    CHECK(s.hour[23] == doctest::Approx(24.0 / 12.5));  // 1.92
    CHECK(s.day[0] == doctest::Approx(0.25));
    CHECK(s.day[6] == doctest::Approx(1.75));
    CHECK(sum_of(s.hour) / 24.0 == doctest::Approx(1.0).epsilon(1e-15));
    CHECK(sum_of(s.day) / 7.0 == doctest::Approx(1.0).epsilon(1e-15));

    // only the proportions matter
    std::array<double, 24> tenfold = ramp_hours();
    for (double& f : tenfold) f *= 10.0;
    CHECK(QueryShape(tenfold, ramp_days()).hour[5] == doctest::Approx(s.hour[5]));

    const QueryShape flat = flat_shape();
    for (const double f : flat.hour) CHECK(f == 1.0);
    for (const double f : flat.day) CHECK(f == 1.0);
    CHECK(flat.utc_offset_h == 0.0);
  }

  TEST_CASE("an inference diurnal shape: cosine day with the given peak-to-trough, weekend scaled") {
    // R = 3: a = (3 - 1) / (3 + 1) = 0.5, so the peak hour is 1.5, twelve hours later 0.5, and
    // six hours either side 1 (cos(pi / 2) = 0).
    const QueryShape s = diurnal_shape(3.0, 14.0, 0.5, -5.0);
    CHECK(s.hour[14] == doctest::Approx(1.5));
    CHECK(s.hour[2] == doctest::Approx(0.5));
    CHECK(s.hour[8] == doctest::Approx(1.0));
    CHECK(s.hour[20] == doctest::Approx(1.0));
    CHECK(s.hour[13] == doctest::Approx(s.hour[15]));  // symmetric about the peak
    CHECK(s.hour[14] / s.hour[2] == doctest::Approx(3.0));
    for (const double f : s.hour) {
      CHECK(f <= s.hour[14]);
      CHECK(f >= s.hour[2]);
    }
    CHECK(sum_of(s.hour) / 24.0 == doctest::Approx(1.0).epsilon(1e-15));
    // weekdays 1 and weekend 0.5 scaled by 7 / (5 + 2 x 0.5): weekdays 7/6, weekend 7/12
    for (std::size_t d = 0; d < 5; ++d) CHECK(s.day[d] == doctest::Approx(7.0 / 6.0));
    CHECK(s.day[5] == doctest::Approx(7.0 / 12.0));
    CHECK(s.day[6] == doctest::Approx(7.0 / 12.0));
    CHECK(s.utc_offset_h == -5.0);

    const QueryShape even = diurnal_shape(1.0, 3.0, 1.0);
    for (const double f : even.hour) CHECK(f == doctest::Approx(1.0));
    for (const double f : even.day) CHECK(f == doctest::Approx(1.0));

    // no weekend traffic at all: weekdays 7/5
    const QueryShape closed = diurnal_shape(2.0, 12.0, 0.0);
    CHECK(closed.day[0] == doctest::Approx(1.4));
    CHECK(closed.day[6] == 0.0);
  }

  TEST_CASE("inference rate at known instants follows the local hour and day of week") {
    // rate = 100 x (h + 1) / 12.5 x (d + 1) / 4 = 2 (h + 1)(d + 1)
    const InferenceService utc = per_query_service(100.0, ramp_shape(0.0), 1.0);
    // 2020-01-01T00:00Z, Wednesday (d = 2), hour 0: 2 x 1 x 3
    CHECK(utc.queries_per_s(parse_utc_ms("2020-01-01T00:00:00Z")) == doctest::Approx(6.0));
    // constant to the end of the hour, then hour 1: 2 x 2 x 3
    CHECK(utc.queries_per_s(parse_utc_ms("2020-01-01T00:59:59.999Z")) == doctest::Approx(6.0));
    CHECK(utc.queries_per_s(parse_utc_ms("2020-01-01T01:00:00Z")) == doctest::Approx(12.0));
    // Sunday 2020-01-05T23:00Z (d = 6), hour 23: 2 x 24 x 7
    CHECK(utc.queries_per_s(parse_utc_ms("2020-01-05T23:00:00Z")) == doctest::Approx(336.0));
    // before the epoch: 1969-12-31T23:00Z is a Wednesday, hour 23: 2 x 24 x 3
    CHECK(utc.queries_per_s(-kMsPerHour) == doctest::Approx(144.0));

    // UTC+1: that Sunday 23:00Z is Monday 2020-01-06T00:00 local: 2 x 1 x 1
    const InferenceService paris = per_query_service(100.0, ramp_shape(1.0), 1.0);
    CHECK(paris.queries_per_s(parse_utc_ms("2020-01-05T23:00:00Z")) == doctest::Approx(2.0));

    // UTC+5:30: 2020-01-01T00:00Z is 05:30 local Wednesday: 2 x 6 x 3; the local hour turns at :30 UTC
    const InferenceService india = per_query_service(100.0, ramp_shape(5.5), 1.0);
    CHECK(india.queries_per_s(parse_utc_ms("2020-01-01T00:00:00Z")) == doctest::Approx(36.0));
    CHECK(india.queries_per_s(parse_utc_ms("2020-01-01T00:29:59.999Z")) == doctest::Approx(36.0));
    CHECK(india.queries_per_s(parse_utc_ms("2020-01-01T00:30:00Z")) == doctest::Approx(42.0));  // 2 x 7 x 3

    // UTC-8: 2020-01-01T00:00Z is Tuesday 2019-12-31T16:00 local: 2 x 17 x 2
    const InferenceService oregon = per_query_service(100.0, ramp_shape(-8.0), 1.0);
    CHECK(oregon.queries_per_s(parse_utc_ms("2020-01-01T00:00:00Z")) == doctest::Approx(68.0));

    // UTC+5:45: 2020-01-01T18:14:59.999Z is 23:59:59.999 Wednesday, 18:15Z is Thursday 00:00
    const InferenceService nepal = per_query_service(100.0, ramp_shape(5.75), 1.0);
    CHECK(nepal.queries_per_s(parse_utc_ms("2020-01-01T18:14:59.999Z")) == doctest::Approx(144.0));  // 2 x 24 x 3
    CHECK(nepal.queries_per_s(parse_utc_ms("2020-01-01T18:15:00Z")) == doctest::Approx(8.0));        // 2 x 1 x 4
  }

  TEST_CASE("inference steps over any week integrate to mean rate x 604800 s") {
    const std::int64_t monday = parse_utc_ms("2020-01-06T00:00:00Z");
    const std::int64_t odd_start = parse_utc_ms("2020-01-01T00:17:23.456Z");
    const std::int64_t week_ms = 7 * 24 * kMsPerHour;

    struct Case {
      double offset_h;
      std::int64_t from_ms;
      std::size_t steps;
    };
    // a whole-hour offset steps once per UTC hour (plus one for a start inside an hour); a
    // fractional offset adds the local hour boundary inside every UTC hour
    for (const Case c : {Case{0.0, monday, 168}, Case{-8.0, monday, 168}, Case{0.0, odd_start, 169},
                         Case{5.5, monday, 336}, Case{5.5, odd_start, 337}, Case{-3.75, odd_start, 337},
                         Case{5.75, monday, 336}}) {
      INFO("offset ", c.offset_h, " h, from ", dcsim::units::format_utc(c.from_ms));
      const InferenceService s = per_query_service(123.0, ramp_shape(c.offset_h), 0.25);
      const std::vector<ServiceStep> steps = s.steps(c.from_ms, c.from_ms + week_ms);
      CHECK(steps.size() == c.steps);
      REQUIRE_FALSE(steps.empty());
      CHECK(steps.front().start_ms == c.from_ms);
      CHECK(steps.back().end_ms == c.from_ms + week_ms);

      double queries = 0.0;
      for (std::size_t i = 0; i < steps.size(); ++i) {
        const ServiceStep& st = steps[i];
        if (i > 0) CHECK(st.start_ms == steps[i - 1].end_ms);
        CHECK(st.end_ms > st.start_ms);
        CHECK(st.end_ms - st.start_ms <= kMsPerHour);
        // one rate over the whole step
        CHECK(st.queries_per_s == s.queries_per_s(st.start_ms));
        CHECK(st.queries_per_s == s.queries_per_s(st.end_ms - 1));
        queries += st.queries_per_s * st.duration_s();
      }
      CHECK(std::abs(queries / (123.0 * kWeekS) - 1.0) < 1e-12);

      const ServiceTotals t = totals(steps);
      CHECK(t.duration_s == doctest::Approx(kWeekS).epsilon(1e-15));
      CHECK(std::abs(t.offered_queries / (123.0 * kWeekS) - 1.0) < 1e-12);
      CHECK(t.served_queries == t.offered_queries);  // no capacity limit on this path
      CHECK(t.dropped_queries == 0.0);
      CHECK(t.saturated_s == 0.0);
      // 0.25 J per query
      CHECK(std::abs(t.it_energy_j / (0.25 * 123.0 * kWeekS) - 1.0) < 1e-12);
      CHECK(t.it_energy_per_served_query_j() == doctest::Approx(0.25));
      // the busiest hour: Sunday (d = 6) hour 23: 123 x 1.92 x 1.75 queries/s at 0.25 J
      CHECK(t.peak_it_power_w == doctest::Approx(0.25 * 123.0 * 1.92 * 1.75));
    }
  }

  TEST_CASE("inference steps of a short or empty interval") {
    const InferenceService s = per_query_service(100.0, ramp_shape(0.0), 1.0);
    const std::int64_t t0 = parse_utc_ms("2020-01-01T00:10:00Z");
    CHECK(s.steps(t0, t0).empty());
    // 00:10-00:20 inside one hour: one step of 600 s at 6 q/s
    const auto one = s.steps(t0, t0 + 600'000);
    REQUIRE(one.size() == 1);
    CHECK(one[0].duration_s() == 600.0);
    CHECK(one[0].queries_per_s == doctest::Approx(6.0));
    // 00:10-01:10 crosses one boundary: 50 min at 6 q/s and 10 min at 12 q/s
    const auto two = s.steps(t0, t0 + kMsPerHour);
    REQUIRE(two.size() == 2);
    CHECK(two[0].end_ms == parse_utc_ms("2020-01-01T01:00:00Z"));
    CHECK(totals(two).offered_queries == doctest::Approx(3000.0 * 6.0 + 600.0 * 12.0));
    CHECK(std::isnan(ServiceTotals{}.it_energy_per_served_query_j()));
  }

  TEST_CASE("inference IT power: rate x energy per query, or a fleet linear between idle and max") {
    const InferenceService q = per_query_service(400.0, flat_shape(), 2.5);
    CHECK(q.it_power_w(400.0) == doctest::Approx(1000.0));  // 400 q/s x 2.5 J
    CHECK(q.it_power_w(0.0) == 0.0);
    CHECK(q.served_queries_per_s(1e9) == 1e9);
    CHECK(std::isinf(q.capacity_queries_per_s()));
    CHECK(std::isnan(q.utilisation(400.0)));
    CHECK(q.chips() == 0);

    // 8 chips: P = 8 x (100 + 200 u), u = rate / 80
    const InferenceService f = small_fleet();
    CHECK(f.chips() == 8);
    CHECK(f.capacity_queries_per_s() == doctest::Approx(80.0));
    CHECK(f.it_power_w(0.0) == doctest::Approx(800.0));
    CHECK(f.utilisation(40.0) == doctest::Approx(0.5));
    CHECK(f.it_power_w(40.0) == doctest::Approx(1600.0));
    CHECK(f.it_power_w(60.0) == doctest::Approx(8 * (100.0 + 200.0 * 0.75)));  // 2000 W
    CHECK(f.it_power_w(80.0) == doctest::Approx(2400.0));
    CHECK(f.served_queries_per_s(40.0) == doctest::Approx(40.0));
  }

  TEST_CASE("an inference fleet clips at capacity and counts the dropped queries") {
    // At 120 q/s the 80 q/s fleet runs flat out and drops 40 q/s.
    InferenceService f = small_fleet();
    CHECK(f.utilisation(120.0) == 1.0);
    CHECK(f.it_power_w(120.0) == doctest::Approx(2400.0));
    CHECK(f.served_queries_per_s(120.0) == doctest::Approx(80.0));
    f.mean_queries_per_s = 120.0;
    const ServiceTotals day = totals(f.steps(parse_utc_ms("2020-01-01"), parse_utc_ms("2020-01-02")));
    CHECK(day.offered_queries == doctest::Approx(120.0 * 86400.0));
    CHECK(day.served_queries == doctest::Approx(80.0 * 86400.0));
    CHECK(day.dropped_queries == doctest::Approx(40.0 * 86400.0));
    CHECK(day.saturated_s == 86400.0);
    CHECK(day.it_energy_j == doctest::Approx(2400.0 * 86400.0));

    // A diurnal week: rate 100 (1 + 0.5 cos(pi k / 12)) with k = h - 14, weekends as weekdays,
    // on 10 chips of 11 q/s (capacity 110 q/s). The rate exceeds 110 when cos(pi k / 12) > 0.2,
    // i.e. |k| <= 5 (cos(5 pi / 12) = 0.259, cos(pi / 2) = 0): 11 hours a day. Over those hours
    // sum cos(pi k / 12) = sin(11 pi / 24) / sin(pi / 24) (the Dirichlet kernel, n = 5), so each
    // day drops 3600 x (11 x 100 + 50 x that sum - 11 x 110) queries.
    InferenceService d;
    d.name = "assistant";
    d.mean_queries_per_s = 100.0;
    d.shape = diurnal_shape(3.0, 14.0, 1.0);
    d.replicas = 1;
    d.chips_per_replica = 10;
    d.max_queries_per_s_per_chip = 11.0;
    d.chip_idle_w = 100.0;
    d.chip_max_w = 300.0;
    CHECK_NOTHROW(d.validate());
    const std::int64_t monday = parse_utc_ms("2020-01-06");
    const ServiceTotals w = totals(d.steps(monday, monday + 7 * 24 * kMsPerHour));
    const double kernel = std::sin(11.0 * std::numbers::pi / 24.0) / std::sin(std::numbers::pi / 24.0);  // 7.5958
    const double dropped_per_day = 3600.0 * (1100.0 + 50.0 * kernel - 1210.0);                         // 971,236
    CHECK(w.offered_queries == doctest::Approx(100.0 * kWeekS).epsilon(1e-12));
    CHECK(w.dropped_queries == doctest::Approx(7.0 * dropped_per_day).epsilon(1e-12));
    CHECK(w.served_queries == doctest::Approx(100.0 * kWeekS - 7.0 * dropped_per_day).epsilon(1e-12));
    CHECK(w.saturated_s == 7.0 * 11.0 * 3600.0);
    // P = 10 x (100 + 200 served / 110): energy = 1000 W x a week + (2000 / 110) J per served query
    CHECK(w.it_energy_j == doctest::Approx(1000.0 * kWeekS + 2000.0 / 110.0 * w.served_queries).epsilon(1e-12));
    CHECK(w.peak_it_power_w == doctest::Approx(3000.0));
  }

  TEST_CASE("lifecycle: training plus queries, and the break-even where serving equals training") {
    // GPT-3's 552 t of training against 2 g per query: 552,000 / 0.002 = 2.76e8 queries, which
    // at 1000 q/s take 2.76e5 s (3.2 days).
    const Lifecycle l = lifecycle_footprint(552'000.0, 0.002, 1e9, 1000.0);
    CHECK(l.training_kg == 552'000.0);
    CHECK(l.per_query_kg == 0.002);
    CHECK(l.queries == 1e9);
    CHECK(l.break_even_queries == doctest::Approx(2.76e8));
    CHECK(l.break_even_s == doctest::Approx(2.76e5));
    CHECK(l.serving_kg == doctest::Approx(2.0e6));          // 1e9 x 0.002
    CHECK(l.total_kg == doctest::Approx(2.552e6));
    CHECK(l.serving_share == doctest::Approx(2000.0 / 2552.0));  // 0.7837

    // at the break-even, serving is half the total
    CHECK(lifecycle_footprint(552'000.0, 0.002, 2.76e8, 1000.0).serving_share == doctest::Approx(0.5));
    // no queries yet: all training
    const Lifecycle fresh = lifecycle_footprint(552'000.0, 0.002, 0.0, 1000.0);
    CHECK(fresh.total_kg == 552'000.0);
    CHECK(fresh.serving_share == 0.0);
  }

  TEST_CASE("lifecycle edge cases: no rate, free queries, no training") {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const Lifecycle idle = lifecycle_footprint(552'000.0, 0.002, 0.0, 0.0);
    CHECK(idle.break_even_queries == doctest::Approx(2.76e8));
    CHECK(idle.break_even_s == inf);
    const Lifecycle free_queries = lifecycle_footprint(552'000.0, 0.0, 1e9, 1000.0);
    CHECK(free_queries.break_even_queries == inf);
    CHECK(free_queries.break_even_s == inf);
    CHECK(free_queries.serving_share == 0.0);
    const Lifecycle untrained = lifecycle_footprint(0.0, 0.002, 1e6, 0.0);
    CHECK(untrained.break_even_queries == 0.0);
    CHECK(untrained.break_even_s == 0.0);
    CHECK(untrained.serving_share == 1.0);
    const Lifecycle nothing = lifecycle_footprint(0.0, 0.0, 0.0, 0.0);
    CHECK(nothing.total_kg == 0.0);
    CHECK(nothing.serving_share == 0.0);
  }

  TEST_CASE("invalid inference shapes throw, naming the field") {
    std::array<double, 24> negative = ramp_hours();
    negative[3] = -1.0;
    CHECK(contains(error_of([&] { QueryShape(negative, ramp_days()); }), "hour[3]"));
    std::array<double, 24> nan_hour = ramp_hours();
    nan_hour[0] = std::numeric_limits<double>::quiet_NaN();
    CHECK(contains(error_of([&] { QueryShape(nan_hour, ramp_days()); }), "hour[0]"));
    CHECK(contains(error_of([&] { QueryShape(ramp_hours(), std::array<double, 7>{}); }), "day: factors are all zero"));
    CHECK(contains(error_of([&] { QueryShape(ramp_hours(), ramp_days(), 15.0); }), "utc_offset_h"));
    CHECK(contains(error_of([&] { QueryShape(ramp_hours(), ramp_days(), -12.5); }), "utc_offset_h"));
    CHECK(error_of([&] { QueryShape(ramp_hours(), ramp_days(), 14.0); }).empty());

    CHECK(contains(error_of([] { diurnal_shape(0.5, 14.0, 1.0); }), "peak_to_trough"));
    CHECK(contains(error_of([] { diurnal_shape(std::numeric_limits<double>::infinity(), 14.0, 1.0); }),
                   "peak_to_trough"));
    CHECK(contains(error_of([] { diurnal_shape(3.0, 24.0, 1.0); }), "peak_hour_local"));
    CHECK(contains(error_of([] { diurnal_shape(3.0, -1.0, 1.0); }), "peak_hour_local"));
    CHECK(contains(error_of([] { diurnal_shape(3.0, 14.0, -0.1); }), "weekend_factor"));
    CHECK(contains(error_of([] { diurnal_shape(3.0, 14.0, 1.0, 20.0); }), "utc_offset_h"));
  }

  TEST_CASE("invalid inference services throw, naming every field at once") {
    CHECK_NOTHROW(small_fleet().validate());
    CHECK_NOTHROW(per_query_service(10.0, flat_shape(), 1.0).validate());

    InferenceService s = small_fleet();
    s.name.clear();
    CHECK(contains(error_of([&] { s.validate(); }), "name: must not be empty"));

    s = small_fleet();
    s.mean_queries_per_s = -1.0;
    CHECK(contains(error_of([&] { s.validate(); }), "inference service 'chat': mean_queries_per_s"));

    s = small_fleet();
    s.energy_per_query_j = 1.0;
    CHECK(contains(error_of([&] { s.validate(); }), "not both"));

    s = InferenceService{};
    s.name = "empty";
    CHECK(contains(error_of([&] { s.validate(); }), "energy_per_query_j: give energy_per_query_j or a replica fleet"));

    s = per_query_service(10.0, flat_shape(), 0.0);
    CHECK(contains(error_of([&] { s.validate(); }), "energy_per_query_j: must be finite and > 0"));

    s = small_fleet();
    s.shape.hour[0] = 5.0;  // edited after normalisation
    CHECK(contains(error_of([&] { s.validate(); }), "shape.hour: factors must have mean 1"));
    s = small_fleet();
    s.shape.day[6] = -1.0;
    CHECK(contains(error_of([&] { s.validate(); }), "shape.day[6]"));
    s = small_fleet();
    s.shape.utc_offset_h = 99.0;
    CHECK(contains(error_of([&] { s.validate(); }), "shape.utc_offset_h"));

    s = small_fleet();
    s.replicas = 0;
    s.chips_per_replica = -2;
    s.max_queries_per_s_per_chip = 0.0;
    s.chip_idle_w = -5.0;
    s.chip_max_w = std::numeric_limits<double>::quiet_NaN();
    const std::string all = error_of([&] { s.validate(); });
    for (const char* field : {"replicas", "chips_per_replica", "max_queries_per_s_per_chip", "chip_idle_w", "chip_max_w"}) {
      INFO(field);
      CHECK(contains(all, std::string("'chat': ") + field + ": "));
    }
    std::size_t lines = 1;
    for (const char ch : all) lines += ch == '\n' ? 1 : 0;
    CHECK(lines == 5);

    s = small_fleet();
    s.chip_max_w = 50.0;  // below idle
    CHECK(contains(error_of([&] { s.validate(); }), "chip_max_w: must be finite and >= chip_idle_w"));

    const InferenceService f = small_fleet();
    CHECK(contains(error_of([&] { f.it_power_w(-1.0); }), "queries_per_s"));
    CHECK(contains(error_of([&] { f.served_queries_per_s(std::numeric_limits<double>::quiet_NaN()); }), "queries_per_s"));
    CHECK(contains(error_of([&] { f.steps(10, 5); }), "to_ms"));
  }

  TEST_CASE("invalid lifecycle inputs throw, naming the argument") {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(contains(error_of([] { lifecycle_footprint(-1.0, 0.002, 1e9, 1000.0); }), "training_kg"));
    CHECK(contains(error_of([] { lifecycle_footprint(552'000.0, nan, 1e9, 1000.0); }), "per_query_kg"));
    CHECK(contains(error_of([] { lifecycle_footprint(552'000.0, 0.002, -1.0, 1000.0); }), "queries"));
    CHECK(contains(error_of([] { lifecycle_footprint(552'000.0, 0.002, 1e9, -3.0); }), "mean_queries_per_s"));
    CHECK(contains(error_of([] { lifecycle_footprint(552'000.0, 0.002, std::numeric_limits<double>::infinity(), 1.0); }),
                   "queries"));
  }
}
