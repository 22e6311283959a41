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
/// N compensated sums. Each sum is exactly what N separate Integrals would hold. Every rate is
/// summed at every step, in one loop without a branch that the compiler vectorises: a zero rate
/// adds exactly nothing (TwoSum of s and 0 is s, error 0), and a NaN rate (a quantity not
/// defined, such as the intensity of a signal the scenario does not have) makes its total NaN
/// once it has held over any time, for good, as NaN arithmetic does.
template <std::size_t N>
class Integrals {
 public:
  explicit Integrals(Time start = Time::zero()) : last_(start) {}

  /// Integrates every current rate up to `now`.
  void advance(Time now) {
    if (now == last_) return;
    const double dt = (now - last_).seconds();
    if (n_ == N) {  // all of them: a loop of known length, unrolled
      for (std::size_t i = 0; i < N; ++i) sum_[i] = two_sum(sum_[i], rate_[i] * dt, comp_[i]);
    } else {
      for (std::size_t i = 0; i < n_; ++i) sum_[i] = two_sum(sum_[i], rate_[i] * dt, comp_[i]);
    }
    last_ = now;
  }
  /// From now on integrates rates [0, n) only; the others keep their totals (zero when never
  /// integrated), whatever their rates. For an owner some of whose quantities are zero or unused
  /// throughout a run.
  void integrate_first(std::size_t n) { n_ = n < N ? n : N; }
  /// Sets rate `i` from the last advance() on.
  void set_rate(std::size_t i, double rate) { rate_[i] = rate; }
  double total(std::size_t i) const { return sum_[i] + comp_[i]; }
  double rate(std::size_t i) const { return rate_[i]; }
  Time last() const { return last_; }

 private:
  std::array<double, N> sum_{}, comp_{}, rate_{};
  std::size_t n_ = N;
  Time last_;
};

}  // namespace dcsim::engine
