#pragma once
// Outdoor weather: the hourly series the cooling-plant models read, and a synthetic climate model
// that produces one from a site's monthly climate normals where no measured file is at hand.
//
// Scope: dry bulb, relative humidity, pressure and wet bulb at one site, hourly. The synthetic
// model reproduces monthly means, a mean diurnal cycle and day-to-day (synoptic) variability; it
// is not a weather generator for extremes (no fronts, heat waves or precipitation).
// Equations, for hour t with UTC start t0, mid-hour tm = t0 + 30 min, local standard time
// tl = tm + utc_offset, x = month position of tl (month index + fraction of that month elapsed,
// 0..12, so that every month has equal weight whatever its length), h = local hour of day:
//   T(t)  = Tbar(x) + (R(x)/2) cos(2 pi (h - h_peak)/24) + n_T(t)
//   Td(t) = min(T(t), Dbar(x) + c n_T(t) + n_D(t))                (dew point, C)
//   RH(t) = e_w(Td) / e_w(T)                                        (Psychrometrics.hpp)
//   Tbar, R, Dbar: periodic Catmull-Rom splines through one node per mid-month. The nodes of Tbar
//   solve a 12 x 12 linear system (the spline is linear in its nodes) so that each month's mean of
//   Tbar equals the normal exactly; the nodes of Dbar so that each month's mean of RH, over the noise-free diurnal
//   cycle, equals the RH normal (so RH falls in the afternoon and rises at night, the observed
//   anti-correlation, with the dew point held near the month's mean dew point).
//   n_T, n_D: AR(1), n(t) = phi n(t-1) + sqrt(1 - phi^2) sd e(t), stationary from the first hour;
//   e ~ N(0,1) by Box-Muller on std::mt19937_64 (output fixed by the C++ standard) with our own
//   53-bit uniform transform, so a seed gives the same trace on every platform up to libm rounding.
//   pressure: constant, from elevation (ASHRAE 2017 ch. 1 eq. 3); wet bulb: psychrometric (ASHRAE
//   eqs. 33/35), Psychrometrics.hpp.
// Parameters: monthly normals of dry bulb (C), mean daily range (max - min, K) and RH (0..1);
// h_peak 15 h local (the daily maximum falls mid-afternoon, typically 14-16 h); noise sd and lag-1
// correlation (default 2.5 K and 0.97/h, i.e. anomalies lasting ~1.5 days: an assumption of
// plausible synoptic variability, not fitted to any station).
// Outputs: WeatherTrace of `hours` samples from start_utc_ms.
// Validation: tests/models/test_climate.cpp (monthly means reproduce the normals, determinism).
// Limitations: no daylight-saving time; no leap-second or year-to-year climate variation; noise
// is Gaussian and the same in every season; clamping Td <= T lowers mean RH slightly in humid
// climates when noise is on; pressure has no weather variation.

#include <array>
#include <atomic>
#include <cstddef>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <cstdint>
#include <string>
#include <vector>

namespace dcsim::models {

/// Outdoor air state for one hour.
struct Weather {
  double dry_bulb_c = 0.0;
  double relative_humidity = 0.0;  ///< 0..1, with respect to liquid water
  double pressure_pa = 101'325.0;
  double wet_bulb_c = 0.0;         ///< thermodynamic wet bulb
};

/// A Weather with its wet bulb computed (Psychrometrics.hpp).
Weather make_weather(double dry_bulb_c, double relative_humidity, double pressure_pa = 101'325.0);

/// Where a weather series is from (an EPW LOCATION line, or a SiteClimate).
struct WeatherSite {
  std::string name;
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;
  double utc_offset_h = 0.0;  ///< local standard time minus UTC, hours
  double elevation_m = 0.0;
};

/// An hourly weather series. Sample i holds from utc_ms[i] for step_ms.
struct WeatherTrace {
  std::vector<std::int64_t> utc_ms;  ///< sample starts, ms since the Unix epoch, strictly increasing
  std::vector<Weather> values;       ///< one per sample
  std::int64_t step_ms = 3'600'000;
  std::string description;
  WeatherSite site;

  std::size_t size() const { return utc_ms.size(); }
  std::int64_t end_ms() const { return utc_ms.empty() ? 0 : utc_ms.back() + step_ms; }
};

/// A site's climate as monthly normals (index 0 = January).
struct SiteClimate {
  std::string name;
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;
  double utc_offset_h = 0.0;  ///< local standard time minus UTC, hours
  double elevation_m = 0.0;
  std::array<double, 12> dry_bulb_c{};         ///< monthly mean dry bulb
  std::array<double, 12> diurnal_range_c{};    ///< monthly mean daily max - min, K
  std::array<double, 12> relative_humidity{};  ///< monthly mean RH, 0..1
  double noise_sd_c = 2.5;                     ///< sd of the dry-bulb anomaly
  double noise_autocorrelation = 0.97;         ///< lag-1 (hourly) correlation of the anomalies
  double dew_point_coupling = 0.7;             ///< c: share of the dry-bulb anomaly the dew point follows
  double dew_point_noise_sd_c = 1.5;           ///< sd of the dew point's own anomaly
  double peak_hour_local = 15.0;               ///< local standard hour of the daily maximum
};

/// Hourly synthetic weather (see the header comment). Deterministic for a seed.
WeatherTrace synthetic_weather(const SiteClimate& climate, std::int64_t start_utc_ms, std::size_t hours,
                               std::uint64_t seed);

/// Hourly weather handed out sample by sample: a trace given whole (an EPW file), or synthetic
/// weather made as far as it is read. With `background`, a thread of the feed's own makes it
/// ahead of the reads (the calibration and a year of hours take a few ms, which then overlap the
/// rest of the set-up and the run) and at(i) waits only while sample i is not yet made; without,
/// the read that first needs a block of samples makes it (a run of a month pays for a month, not
/// a year). The values are those of synthetic_weather() either way, however far it is read and
/// from however many threads. An exception the making throws is rethrown by the reads that need
/// what it stopped. make_ahead() starts such a thread later, for a feed made on demand whose
/// reader turns out to read it all (a run recording the weather of a hall whose cooling does not
/// read it: see Simulation). The destructor stops the thread at its next block and joins it.
class WeatherFeed {
 public:
  static constexpr std::size_t kBlock = 64;  ///< samples made at a time (and between two notices to readers)

  explicit WeatherFeed(WeatherTrace whole);
  WeatherFeed(const SiteClimate& climate, std::int64_t start_utc_ms, std::size_t hours, std::uint64_t seed,
              bool background);
  ~WeatherFeed();
  WeatherFeed(const WeatherFeed&) = delete;
  WeatherFeed& operator=(const WeatherFeed&) = delete;

  // Known at once: the times, the step, where it is from.
  std::size_t size() const { return trace_.size(); }
  std::int64_t first_ms() const { return trace_.utc_ms.empty() ? 0 : trace_.utc_ms.front(); }
  std::int64_t end_ms() const { return trace_.end_ms(); }
  std::int64_t step_ms() const { return trace_.step_ms; }
  const WeatherSite& site() const { return trace_.site; }
  const std::string& description() const { return trace_.description; }
  /// Sample i (i < size()), made if need be.
  const Weather& at(std::size_t i) const {
    if (made_.load(std::memory_order_acquire) <= i) ensure(i + 1);
    return trace_.values[i];
  }
  /// The whole trace, made if need be.
  const WeatherTrace& whole() const;
  /// Samples made so far (for tests: how far the making went).
  std::size_t made() const;
  /// From now on a thread of the feed's own makes the rest ahead of the reads, as with
  /// `background`; nothing if one does already, everything is made, or no thread can be had.
  /// Safe from any thread.
  void make_ahead() const;

 private:
  class Maker;  // the synthesis, resumable block by block
  static constexpr std::size_t kFailed = std::numeric_limits<std::size_t>::max();
  /// Until the first n samples are made: waits for the thread, or makes them here.
  void ensure(std::size_t n) const;
  /// Makes samples up to n (rounded up to a block) under the lock; a failure is kept in error_.
  void make_until(std::size_t n) const;

  mutable WeatherTrace trace_;
  mutable std::atomic<std::size_t> made_{0};  ///< samples final so far; kFailed after an exception
  mutable std::exception_ptr error_;
  mutable std::unique_ptr<Maker> maker_state_;  ///< null for a whole trace, and once all is made
  mutable std::mutex mutex_;                    ///< who makes, when made on demand
  std::atomic<bool> stop_{false};
  mutable std::atomic<bool> background_{false};  ///< a thread makes the samples (readers wait for it)
  mutable std::thread maker_;
  /// Starts the thread that makes every block in turn; false if no thread can be had.
  bool start_maker() const;
};

}  // namespace dcsim::models
