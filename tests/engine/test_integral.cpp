#include <doctest/doctest.h>

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
