#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "sim/engine/Integral.hpp"

using dcsim::engine::Duration;
using dcsim::engine::Integral;
using dcsim::engine::Time;

TEST_CASE("150 W for 2 h then 300 W for 1 h integrates to 0.6 kWh") {
  Integral energy_j;
  energy_j.set_rate(Time::zero(), 150.0);
  energy_j.set_rate(Time::zero() + Duration::hours(2), 300.0);
  energy_j.advance(Time::zero() + Duration::hours(3));
  // 150 x 7200 + 300 x 3600 = 2.16e6 J = 0.6 kWh
  CHECK(energy_j.total() == doctest::Approx(2.16e6).epsilon(1e-15));
  CHECK(energy_j.total() / 3.6e6 == doctest::Approx(0.6).epsilon(1e-15));
}

TEST_CASE("value_at extrapolates the current rate without changing the integral") {
  Integral i;
  i.set_rate(Time::zero(), 2.0);
  CHECK(i.value_at(Time::from_ms(1500)) == 3.0);
  CHECK(i.total() == 0.0);
  CHECK(i.last() == Time::zero());
}

TEST_CASE("a million millisecond steps lose no significant digits") {
  // Rate 0.1 for 1 ms, a million times: exactly 100 in real arithmetic. Plain summation of 1e-4
  // a million times drifts in the 12th digit; the compensated sum does not.
  Integral i;
  for (int k = 0; k < 1'000'000; ++k) i.set_rate(Time::from_ms(k), 0.1);
  i.advance(Time::from_ms(1'000'000));
  CHECK(i.total() == doctest::Approx(100.0).epsilon(1e-14));
}

TEST_CASE("two_sum gives the exact rounding error of an addition, in either order of magnitude") {
  using dcsim::engine::two_sum;
  double e = 0.0;
  CHECK(two_sum(1.0, 1e-20, e) == 1.0);
  CHECK(e == 1e-20);
  e = 0.0;
  CHECK(two_sum(1e-20, 1.0, e) == 1.0);  // the smaller operand first
  CHECK(e == 1e-20);
  e = 0.0;
  CHECK(two_sum(1e16, 1.0, e) == 1e16);  // 1e16 + 1 is not a double: the 1 is the error
  CHECK(e == 1.0);
  e = 0.0;
  CHECK(two_sum(0.1, 0.2, e) == 0.30000000000000004);
  CHECK(e == -2.7755575615628914e-17);  // 0.1 + 0.2 - 0.30000000000000004, exactly
  // The error is the one Fast2Sum finds with the larger operand first (Dekker), for any pair.
  std::uint64_t state = 12345;
  const auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const double u = static_cast<double>(state >> 11) * 0x1.0p-53;
    return (u - 0.5) * std::pow(10.0, static_cast<double>((state >> 3) % 40) - 20.0);
  };
  for (int i = 0; i < 10000; ++i) {
    const double a = next(), b = next();
    double err = 0.0;
    const double s = two_sum(a, b, err);
    const double big = std::abs(a) >= std::abs(b) ? a : b, small = std::abs(a) >= std::abs(b) ? b : a;
    CHECK(s == a + b);
    CHECK(err == (big - s) + small);
  }
}

TEST_CASE("Integrals: a NaN rate makes its total NaN only once it has held over time, and for good") {
  using dcsim::engine::Integrals;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Integrals<3> s;
  s.set_rate(0, 2.0);
  s.set_rate(1, nan);  // replaced before any time passes: no effect
  s.set_rate(1, 5.0);
  s.set_rate(2, 0.0);
  s.advance(Time::from_ms(10'000));  // 10 s
  CHECK(s.total(0) == 20.0);
  CHECK(s.total(1) == 50.0);
  CHECK(s.total(2) == 0.0);
  s.set_rate(1, nan);
  s.advance(Time::from_ms(10'000));  // no time passed
  CHECK(s.total(1) == 50.0);
  s.advance(Time::from_ms(11'000));  // NaN held for 1 s
  CHECK(std::isnan(s.total(1)));
  s.set_rate(1, 1.0);
  s.advance(Time::from_ms(20'000));
  CHECK(std::isnan(s.total(1)));  // as a NaN sum would stay
  CHECK(s.total(0) == 40.0);
  CHECK(s.total(2) == 0.0);
}
