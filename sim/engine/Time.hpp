#pragma once
// Simulated time: a strong type over int64 milliseconds.
//
// Integer ticks make hour boundaries exact and runs bit-reproducible; conversion to double
// seconds happens only at the physics boundary (`seconds()`). `Duration` is a span, `Time` an
// instant counted from the simulation's start; mixing them up does not compile.

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

namespace dcsim::engine {

/// A span of simulated time in whole milliseconds.
class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration from_ms(std::int64_t ms) { return Duration(ms); }
  /// Rounds to the nearest millisecond.
  static Duration from_seconds(double s) { return Duration(std::llround(s * 1000.0)); }
  static constexpr Duration hours(std::int64_t h) { return Duration(h * 3'600'000); }

  constexpr std::int64_t ms() const { return ms_; }
  constexpr double seconds() const { return static_cast<double>(ms_) / 1000.0; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(ms_ + o.ms_); }
  constexpr Duration operator-(Duration o) const { return Duration(ms_ - o.ms_); }
  constexpr Duration operator*(std::int64_t k) const { return Duration(ms_ * k); }

 private:
  constexpr explicit Duration(std::int64_t ms) : ms_(ms) {}
  std::int64_t ms_ = 0;
};

/// An instant of simulated time, in milliseconds since the simulation's start.
class Time {
 public:
  constexpr Time() = default;
  static constexpr Time from_ms(std::int64_t ms) { return Time(ms); }
  static constexpr Time zero() { return Time(0); }
  static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t ms() const { return ms_; }
  constexpr double seconds() const { return static_cast<double>(ms_) / 1000.0; }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Duration d) const { return Time(ms_ + d.ms()); }
  constexpr Time operator-(Duration d) const { return Time(ms_ - d.ms()); }
  constexpr Duration operator-(Time o) const { return Duration::from_ms(ms_ - o.ms_); }

 private:
  constexpr explicit Time(std::int64_t ms) : ms_(ms) {}
  std::int64_t ms_ = 0;
};

}  // namespace dcsim::engine
