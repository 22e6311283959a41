#include "models/uncertainty/Distribution.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include <fmt/format.h>

namespace dcsim::models {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMinMass = 1e-6;

[[noreturn]] void bad(const std::string& message) { throw std::invalid_argument(message); }

void finite(double x, const char* name) {
  if (!std::isfinite(x)) bad(fmt::format("{} must be a finite number", name));
}

double standard_normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Acklam's approximation of the lower half of Phi^-1, p in (0, 0.5].
double acklam_lower(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01,  -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  if (p < 0.02425) {
    const double q = std::sqrt(-2.0 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

}  // namespace

double standard_normal_quantile(double p) {
  if (!(p > 0.0)) return -kInf;
  if (!(p < 1.0)) return kInf;
  // The upper half by symmetry: 1 - p is exact for p >= 0.5, and erfc stays accurate in the tail.
  if (p > 0.5) return -standard_normal_quantile(1.0 - p);
  double x = acklam_lower(p);
  const double e = standard_normal_cdf(x) - p;
  const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
  x -= u / (1.0 + 0.5 * x * u);  // Halley's step
  return x;
}

Distribution Distribution::uniform(double low, double high) {
  finite(low, "low");
  finite(high, "high");
  if (!(low < high)) bad(fmt::format("low ({}) must be below high ({})", low, high));
  return Distribution(Kind::uniform, low, high, 0.0);
}

Distribution Distribution::normal(double mean, double sd) {
  finite(mean, "mean");
  finite(sd, "sd");
  if (!(sd > 0.0)) bad(fmt::format("sd ({}) must be positive (for a fixed value write the number)", sd));
  return Distribution(Kind::normal, mean, sd, 0.0);
}

Distribution Distribution::triangular(double low, double mode, double high) {
  finite(low, "low");
  finite(mode, "mode");
  finite(high, "high");
  if (!(low < high)) bad(fmt::format("low ({}) must be below high ({})", low, high));
  if (mode < low || mode > high) bad(fmt::format("mode ({}) must be between low ({}) and high ({})", mode, low, high));
  return Distribution(Kind::triangular, low, mode, high);
}

Distribution Distribution::lognormal(double median, double sigma) {
  finite(median, "median");
  finite(sigma, "sigma");
  if (!(median > 0.0)) bad(fmt::format("median ({}) must be positive", median));
  if (!(sigma > 0.0)) bad(fmt::format("sigma ({}) must be positive (for a fixed value write the number)", sigma));
  return Distribution(Kind::lognormal, median, sigma, 0.0);
}

Distribution Distribution::truncated(double min, double max) const {
  if (std::isnan(min) || std::isnan(max)) bad("min and max must be numbers");
  if (!(min < max)) bad(fmt::format("min ({}) must be below max ({})", min, max));
  Distribution d = *this;
  d.min_ = std::max(min, min_);
  d.max_ = std::min(max, max_);
  d.f_min_ = std::isfinite(d.min_) ? cdf(d.min_) : 0.0;
  d.f_max_ = std::isfinite(d.max_) ? cdf(d.max_) : 1.0;
  if (!(d.f_max_ - d.f_min_ >= kMinMass))
    bad(fmt::format("min and max keep {:.2g} of the distribution's probability (at least {} is needed): check them",
                    std::max(0.0, d.f_max_ - d.f_min_), kMinMass));
  return d;
}

double Distribution::cdf(double x) const {
  switch (kind_) {
    case Kind::uniform: return std::clamp((x - a_) / (b_ - a_), 0.0, 1.0);
    case Kind::normal: return standard_normal_cdf((x - a_) / b_);
    case Kind::triangular:
      if (x <= a_) return 0.0;
      if (x >= c_) return 1.0;
      if (x <= b_) return (x - a_) * (x - a_) / ((c_ - a_) * (b_ - a_));
      return 1.0 - (c_ - x) * (c_ - x) / ((c_ - a_) * (c_ - b_));
    case Kind::lognormal: return x <= 0.0 ? 0.0 : standard_normal_cdf(std::log(x / a_) / b_);
  }
  return 0.0;
}

double Distribution::raw_quantile(double u) const {
  switch (kind_) {
    case Kind::uniform: return a_ + u * (b_ - a_);
    case Kind::normal: return a_ + b_ * standard_normal_quantile(u);
    case Kind::triangular: {
      const double width = c_ - a_;
      if (u * width <= b_ - a_) return a_ + std::sqrt(u * width * (b_ - a_));
      return c_ - std::sqrt((1.0 - u) * width * (c_ - b_));
    }
    case Kind::lognormal: return a_ * std::exp(b_ * standard_normal_quantile(u));
  }
  return 0.0;
}

double Distribution::quantile(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  return std::clamp(raw_quantile(f_min_ + u * (f_max_ - f_min_)), min_, max_);
}

std::string Distribution::describe(std::string_view unit) const {
  const auto q = [unit](double x) { return unit.empty() ? fmt::format("{}", x) : fmt::format("{} {}", x, unit); };
  std::string s;
  switch (kind_) {
    case Kind::uniform: s = fmt::format("uniform({}, {})", q(a_), q(b_)); break;
    case Kind::normal: s = fmt::format("normal(mean {}, sd {})", q(a_), q(b_)); break;
    case Kind::triangular: s = fmt::format("triangular({}, {}, {})", q(a_), q(b_), q(c_)); break;
    case Kind::lognormal: s = fmt::format("lognormal(median {}, sigma {})", q(a_), b_); break;
  }
  // Only bounds that cut the distribution are shown.
  const bool cut_low = f_min_ > 0.0, cut_high = f_max_ < 1.0;
  if (cut_low || cut_high)
    s += fmt::format(" in [{}, {}]", cut_low ? q(min_) : std::string("-inf"), cut_high ? q(max_) : std::string("inf"));
  return s;
}

}  // namespace dcsim::models
