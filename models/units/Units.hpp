#pragma once
// Physical quantities written as text ("330 W", "14.8 d", "0.429 kg/kWh") and their SI values.
//
// Inside dcsim every quantity is SI: W, J, s, kg, kg/J (carbon intensity), FLOP, FLOP/s.
// Scenario files write them with a unit; a bare number is accepted only where the dimension is
// dimensionless or a FLOP count (FLOPs are conventionally written bare, "3.14e23").

#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dcsim::units {

enum class Dimension { dimensionless, power, energy, time, mass, carbon_intensity, flop, flop_rate };

/// "a power", "an energy", ... for messages.
std::string_view describe(Dimension d);
/// An example value with a unit, e.g. "330 W", for messages.
std::string_view example(Dimension d);

struct Unit {
  std::string_view symbol;
  Dimension dimension;
  double to_si;  ///< SI value of one unit
};

/// Every unit the parser knows, in the order they are listed in messages.
std::span<const Unit> known_units();

/// A quantity text that is not a valid value of the expected dimension.
class UnitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses "<number> [unit]" into the SI value of dimension `d`. Throws UnitError naming the
/// problem: not a number, a non-finite number, an unknown unit, a unit of another dimension, or a
/// bare number where a unit is required.
double parse_quantity(std::string_view text, Dimension d);

/// Parses a plain finite number (no unit). Throws UnitError.
double parse_number(std::string_view text);

/// Formats an SI value with the dimension's display unit, shortest round-trip digits.
std::string format_quantity(double si_value, Dimension d);

/// 1 g/kWh in kg/J, the unit grid intensities are usually quoted in.
inline constexpr double kKgPerJPerGPerKWh = 1e-3 / 3.6e6;
inline constexpr double kJPerKWh = 3.6e6;

/// Seconds to the millisecond tick, rounded half away from zero exactly as std::llround(s * 1000),
/// without the library call for |ms| < 2^52: there the integer part and the fraction are exact (the
/// fraction by Sterbenz's lemma), so the comparisons with 0.5 decide as llround does. Larger values,
/// infinities and NaN go to llround itself.
inline std::int64_t seconds_to_ms(double seconds) {
  const double ms = seconds * 1000.0;
  if (!(std::abs(ms) < 4503599627370496.0)) return std::llround(ms);
  const auto whole = static_cast<std::int64_t>(ms);
  const double fraction = ms - static_cast<double>(whole);
  return whole + (fraction >= 0.5 ? 1 : 0) - (fraction <= -0.5 ? 1 : 0);
}

}  // namespace dcsim::units
