#pragma once
// A continuous probability distribution of an uncertain input, sampled by inversion.
//
// Each distribution is its quantile function Q (the inverse of its CDF F): a draw is Q(u) for u
// uniform on (0, 1), one uniform per draw (inverse-transform sampling; Law, "Simulation Modeling
// and Analysis", 5th ed., section 8.2.1). Truncation to [min, max] keeps the shape inside the
// bounds exactly: Q_t(u) = Q(F(min) + u (F(max) - F(min))).
//
//   uniform(low, high)           F(x) = (x - low) / (high - low)
//   normal(mean, sd)             F(x) = Phi((x - mean) / sd); Q from Acklam's rational
//                                approximation of Phi^-1 (relative error 1.15e-9) refined by one
//                                Halley step against erfc, to about 1e-15
//   triangular(low, mode, high)  F(x) = (x - low)^2 / ((high - low)(mode - low)) up to the mode,
//                                1 - (high - x)^2 / ((high - low)(high - mode)) above it
//   lognormal(median, sigma)     ln X ~ normal(ln median, sigma): sigma is the standard deviation
//                                of ln X (the geometric standard deviation is e^sigma)
//
// The median, Q(1/2), is what a scenario runs at when it is not sampled: the mean for the
// symmetric ones, `median` for the lognormal, and always inside the truncation bounds.

#include <limits>
#include <string>
#include <string_view>

namespace dcsim::models {

class Distribution {
 public:
  enum class Kind { uniform, normal, triangular, lognormal };

  /// Each throws std::invalid_argument naming the bad parameter (low >= high, sd <= 0, ...).
  static Distribution uniform(double low, double high);
  static Distribution normal(double mean, double sd);
  static Distribution triangular(double low, double mode, double high);
  static Distribution lognormal(double median, double sigma);

  /// The same distribution restricted to [min, max] (either may be infinite). Throws
  /// std::invalid_argument when min >= max or the bounds keep less than 1e-6 of the probability.
  Distribution truncated(double min, double max) const;

  /// The CDF of the untruncated distribution.
  double cdf(double x) const;
  /// The quantile of the (truncated) distribution at u in [0, 1]; Q(0) and Q(1) are the ends of
  /// its support (infinite for an unbounded side).
  double quantile(double u) const;
  double median() const { return quantile(0.5); }

  Kind kind() const { return kind_; }
  /// "uniform(1.1, 1.3)", "normal(mean 1.2, sd 0.05) in [1, inf]" (bounds that cut it); `unit` follows every
  /// parameter in the distribution's own units ("uniform(300 W, 400 W)").
  std::string describe(std::string_view unit = {}) const;

 private:
  Distribution(Kind kind, double a, double b, double c) : kind_(kind), a_(a), b_(b), c_(c) {}
  double raw_quantile(double u) const;

  Kind kind_;
  double a_, b_, c_;  ///< the parameters in the order of the factory's arguments
  double min_ = -std::numeric_limits<double>::infinity();
  double max_ = std::numeric_limits<double>::infinity();
  double f_min_ = 0.0, f_max_ = 1.0;  ///< F at the truncation bounds
};

/// Phi^-1(p), the standard normal quantile, for p in (0, 1) (-inf at 0, +inf at 1).
double standard_normal_quantile(double p);

}  // namespace dcsim::models
