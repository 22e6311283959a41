#pragma once
// Exact integral of a piecewise-constant rate over simulated time.
//
// The rate (a power, or a power times an intensity) is constant between changes, so
// integral = sum of rate_i * dt_i exactly; the owner calls set_rate() at every change
// ("update before change") and nothing ever polls. The sum is compensated: the rounding error of
// each addition, found exactly by Knuth's TwoSum (branch-free, so no mispredicted branch per
// event; the same error term as Neumaier's comparison-based form), is summed apart, so a year of
// millisecond-resolution steps loses no significant digits. Units are the caller's: W -> J.

#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <cmath>
#include <cstddef>

#include "sim/engine/Time.hpp"

namespace dcsim::engine {

/// a + b rounded, with its exact rounding error added to `error` (Knuth's TwoSum: six additions,
/// no branch, exact for any a and b without overflow).
inline double two_sum(double a, double b, double& error) {
  const double s = a + b;
  const double b_part = s - a;
  const double a_part = s - b_part;
  error += (a - a_part) + (b - b_part);
  return s;
}

class Integral {
 public:
  explicit Integral(Time start = Time::zero()) : last_(start) {}

  /// Integrates the current rate up to `now`, then switches to `rate`.
  void set_rate(Time now, double rate) {
    advance(now);
    rate_ = rate;
  }
  /// Integrates the current rate up to `now`.
  void advance(Time now) {
    if (now == last_) return;  // no time passed: nothing to add (even for a rate not yet known)
    add(rate_ * (now - last_).seconds());
    last_ = now;
  }
  /// The integral up to `t` >= last(), without changing state.
  double value_at(Time t) const { return sum_ + comp_ + rate_ * (t - last_).seconds(); }

  double total() const { return sum_ + comp_; }
  double rate() const { return rate_; }
  Time last() const { return last_; }

 private:
  void add(double x) {
    sum_ = two_sum(sum_, x, comp_);
  }

  double sum_ = 0.0;
  double comp_ = 0.0;
  double rate_ = 0.0;
  Time last_;
};

/// N integrals whose rates change at the same instants: one clock, one time step per advance,
/// N compensated sums. Each sum is exactly what N separate Integrals would hold. A rate of zero
/// adds nothing and a NaN rate (a quantity not defined, such as the intensity of a signal the
/// scenario does not have) makes its total NaN once it has held over any time: neither is summed
/// per step, only the others are.
template <std::size_t N>
class Integrals {
  static_assert(N <= 32);

 public:
  explicit Integrals(Time start = Time::zero()) : last_(start) {}

  /// Integrates every current rate up to `now`.
  void advance(Time now) {
    if (now == last_) return;
    const double dt = (now - last_).seconds();
    undefined_ |= nan_rates_;
    for (std::uint32_t m = active_; m != 0; m &= m - 1) {
      const auto i = static_cast<std::size_t>(std::countr_zero(m));
      sum_[i] = two_sum(sum_[i], rate_[i] * dt, comp_[i]);
    }
    last_ = now;
  }
  /// Sets rate `i` from the last advance() on.
  void set_rate(std::size_t i, double rate) {
    const std::uint32_t bit = std::uint32_t{1} << i;
    rate_[i] = rate;
    // Zero and NaN are not summed (NaN != 0, so the NaN test comes first).
    const bool nan = std::isnan(rate);
    nan_rates_ = nan ? nan_rates_ | bit : nan_rates_ & ~bit;
    active_ = nan || rate == 0.0 ? active_ & ~bit : active_ | bit;
  }
  double total(std::size_t i) const {
    if ((undefined_ >> i) & 1u) return std::numeric_limits<double>::quiet_NaN();
    return sum_[i] + comp_[i];
  }
  double rate(std::size_t i) const { return rate_[i]; }
  Time last() const { return last_; }

 private:
  std::array<double, N> sum_{}, comp_{}, rate_{};
  std::uint32_t active_ = 0;     ///< rates neither zero nor NaN
  std::uint32_t nan_rates_ = 0;  ///< rates that are NaN now
  std::uint32_t undefined_ = 0;  ///< totals that a NaN rate held over a positive time
  Time last_;
};

}  // namespace dcsim::engine
