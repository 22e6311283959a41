#pragma once
// Exact integral of a piecewise-constant rate over simulated time.
//
// The rate (a power, or a power times an intensity) is constant between changes, so
// integral = sum of rate_i * dt_i exactly; the owner calls set_rate() at every change
// ("update before change") and nothing ever polls. The sum is compensated (Neumaier), so a year
// of millisecond-resolution steps loses no significant digits. Units are the caller's: W -> J.

#include <cmath>

#include "sim/engine/Time.hpp"

namespace dcsim::engine {

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
    const double t = sum_ + x;
    comp_ += std::fabs(sum_) >= std::fabs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }

  double sum_ = 0.0;
  double comp_ = 0.0;
  double rate_ = 0.0;
  Time last_;
};

}  // namespace dcsim::engine
