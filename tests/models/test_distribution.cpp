// The distributions of uncertain inputs: quantiles against published values, and the moments of
// many draws against the analytic ones.

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

#include "models/uncertainty/Distribution.hpp"

namespace {

using dcsim::models::Distribution;

struct Moments {
  double mean = 0.0, variance = 0.0;
};

// Mean and variance of n draws Q(u), u from a fixed-seed Mersenne twister.
Moments draw(const Distribution& d, int n = 200'000) {
  std::mt19937_64 rng(12345);
  double sum = 0.0, squares = 0.0;
  std::vector<double> x(static_cast<std::size_t>(n));
  for (double& v : x) {
    const double u = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
    v = d.quantile(u);
    sum += v;
  }
  const double mean = sum / n;
  for (const double v : x) squares += (v - mean) * (v - mean);
  return {mean, squares / (n - 1)};
}

// |sample mean - mean| within 5 standard errors, and the variance within 3%.
void check_moments(const Distribution& d, double mean, double variance) {
  const int n = 200'000;
  const Moments m = draw(d, n);
  CHECK(std::fabs(m.mean - mean) < 5.0 * std::sqrt(variance / n));
  CHECK(m.variance == doctest::Approx(variance).epsilon(0.03));
}

}  // namespace

TEST_SUITE("uncertainty") {

TEST_CASE("the standard normal quantile matches the tabulated values to 1e-12") {
  using dcsim::models::standard_normal_quantile;
  CHECK(standard_normal_quantile(0.5) == doctest::Approx(0.0));
  CHECK(standard_normal_quantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-12));
  CHECK(standard_normal_quantile(0.05) == doctest::Approx(-1.6448536269514722).epsilon(1e-12));
  CHECK(standard_normal_quantile(0.8413447460685429) == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(standard_normal_quantile(1e-10) == doctest::Approx(-6.361340902404056).epsilon(1e-12));
  CHECK(std::isinf(standard_normal_quantile(0.0)));
  CHECK(std::isinf(standard_normal_quantile(1.0)));
}

TEST_CASE("each quantile inverts its CDF") {
  const Distribution ds[] = {Distribution::uniform(1.1, 1.3), Distribution::normal(429.0, 40.0),
                             Distribution::triangular(300.0, 330.0, 380.0), Distribution::lognormal(0.4, 0.15)};
  for (const Distribution& d : ds)
    for (const double u : {1e-6, 0.01, 0.05, 0.3, 0.5, 0.77, 0.95, 0.999999}) CHECK(d.cdf(d.quantile(u)) == doctest::Approx(u).epsilon(1e-9));
}

TEST_CASE("a uniform's draws have mean (a + b) / 2 and variance (b - a)^2 / 12") {
  check_moments(Distribution::uniform(1.1, 1.3), 1.2, 0.04 / 12.0);
  CHECK(Distribution::uniform(1.1, 1.3).quantile(0.05) == doctest::Approx(1.11));
}

TEST_CASE("a normal's draws have its mean and sd") { check_moments(Distribution::normal(429.0, 40.0), 429.0, 1600.0); }

TEST_CASE("a triangular's draws have mean (a + m + b) / 3 and variance (a2 + m2 + b2 - am - ab - mb) / 18") {
  const double a = 300.0, m = 330.0, b = 380.0;
  check_moments(Distribution::triangular(a, m, b), (a + m + b) / 3.0, (a * a + m * m + b * b - a * m - a * b - m * b) / 18.0);
  // The mode at an end: a right triangle.
  check_moments(Distribution::triangular(0.0, 0.0, 1.0), 1.0 / 3.0, 1.0 / 18.0);
}

TEST_CASE("a lognormal's draws have mean median e^(s2/2) and variance (e^s2 - 1) median2 e^s2") {
  const double median = 0.4, s = 0.15;
  check_moments(Distribution::lognormal(median, s), median * std::exp(s * s / 2.0),
                (std::exp(s * s) - 1.0) * median * median * std::exp(s * s));
  CHECK(Distribution::lognormal(median, s).median() == doctest::Approx(median));
}

TEST_CASE("a normal cut at its mean is a half-normal: mean + sd sqrt(2 / pi), variance sd2 (1 - 2 / pi)") {
  const Distribution d = Distribution::normal(1.0, 0.2).truncated(1.0, std::numeric_limits<double>::infinity());
  check_moments(d, 1.0 + 0.2 * std::sqrt(2.0 / std::numbers::pi), 0.04 * (1.0 - 2.0 / std::numbers::pi));
  CHECK(d.quantile(0.0) == 1.0);
  CHECK(std::isinf(d.quantile(1.0)));
}

TEST_CASE("truncation keeps every draw inside its bounds") {
  const Distribution d = Distribution::normal(1.2, 0.3).truncated(1.0, 1.5);
  for (int k = 0; k <= 1000; ++k) {
    const double x = d.quantile(k / 1000.0);
    CHECK(x >= 1.0);
    CHECK(x <= 1.5);
  }
  CHECK(d.quantile(0.0) == doctest::Approx(1.0));
  CHECK(d.quantile(1.0) == doctest::Approx(1.5));
}

TEST_CASE("the nominal value is the median: the mean of a symmetric distribution") {
  CHECK(Distribution::uniform(1.1, 1.3).median() == doctest::Approx(1.2));
  CHECK(Distribution::normal(429.0, 40.0).median() == doctest::Approx(429.0));
  // Triangular(0, 0, 1): F(x) = 1 - (1 - x)^2 = 1/2 at x = 1 - 1/sqrt(2).
  CHECK(Distribution::triangular(0.0, 0.0, 1.0).median() == doctest::Approx(1.0 - 1.0 / std::sqrt(2.0)));
}

TEST_CASE("bad parameters are refused with the parameter named") {
  CHECK_THROWS_WITH_AS(Distribution::uniform(1.3, 1.1), "low (1.3) must be below high (1.1)", std::invalid_argument);
  CHECK_THROWS_AS(Distribution::normal(1.2, -0.1), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::normal(1.2, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::triangular(1.0, 2.0, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::lognormal(-1.0, 0.1), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::uniform(0.0, std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::normal(1.2, 0.1).truncated(1.5, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(Distribution::normal(1.2, 0.01).truncated(2.0, 3.0), std::invalid_argument);  // keeps ~0 probability
}

}  // TEST_SUITE
