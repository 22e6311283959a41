// Sample statistics of a Monte Carlo run: mean, sd, and type-7 percentiles.

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "analysis/Uncertainty.hpp"

using dcsim::analysis::percentile;
using dcsim::analysis::statistics;

TEST_SUITE("uncertainty") {

TEST_CASE("type-7 percentiles interpolate linearly between order statistics") {
  const std::vector<double> x{1.0, 2.0, 3.0, 4.0};
  // h = (n - 1) p: p = 0.5 -> h = 1.5, halfway between 2 and 3; p = 0.05 -> h = 0.15.
  CHECK(percentile(x, 0.5) == doctest::Approx(2.5));
  CHECK(percentile(x, 0.05) == doctest::Approx(1.15));
  CHECK(percentile(x, 0.95) == doctest::Approx(3.85));
  CHECK(percentile(x, 0.0) == 1.0);
  CHECK(percentile(x, 1.0) == 4.0);
  CHECK(percentile({7.0}, 0.3) == 7.0);
}

TEST_CASE("statistics give the mean, the n - 1 standard deviation and the 90% interval, in any order") {
  const auto s = statistics({4.0, 1.0, 3.0, 2.0});
  CHECK(s.n == 4);
  CHECK(s.mean == doctest::Approx(2.5));
  CHECK(s.sd == doctest::Approx(std::sqrt(5.0 / 3.0)));  // squares 2.25 + 0.25 + 0.25 + 2.25 over 3
  CHECK(s.p05 == doctest::Approx(1.15));
  CHECK(s.p95 == doctest::Approx(3.85));
  CHECK(s.min == 1.0);
  CHECK(s.max == 4.0);
  CHECK(statistics({5.0}).sd == 0.0);
}

TEST_CASE("the standard deviation of large equal-ish values has no cancellation") {
  const auto s = statistics({1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0});
  CHECK(s.sd == doctest::Approx(1.0));
}

}  // TEST_SUITE
