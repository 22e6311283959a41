// Quantities written as text ("330 W", "0.429 kg/kWh") and their SI values.
//
// Expected SI values are derived here from the definitions of the units:
//   1 Wh = 1 W x 3600 s = 3600 J, so 1 kWh = 3.6e6 J and 1 MWh = 3.6e9 J
//   1 min = 60 s, 1 h = 3600 s, 1 d = 24 x 3600 s = 86400 s
//   1 g = 1e-3 kg, 1 t = 1e3 kg, 1 lb = 0.45359237 kg (international avoirdupois pound)
//   1 kg/kWh = 1 kg / 3.6e6 J

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "models/units/Units.hpp"

namespace {

using dcsim::units::Dimension;
using dcsim::units::format_quantity;
using dcsim::units::parse_number;
using dcsim::units::parse_quantity;
using dcsim::units::UnitError;

constexpr double kJoulesPerWh = 1.0 * 3600.0;           // 1 W for one hour
constexpr double kJoulesPerKWh = 1000.0 * kJoulesPerWh;  // 3.6e6 J
constexpr double kSecondsPerDay = 24.0 * 60.0 * 60.0;    // 86400 s
constexpr double kKgPerPound = 0.45359237;

// A (practically) relative comparison: doctest's default Approx adds an absolute scale of 1, which would
// accept any two carbon intensities (they are ~1e-7 kg/J); a 1e-300 scale still lets 0 equal 0.
doctest::Approx rel(double expected, double epsilon = 1e-12) { return doctest::Approx(expected).epsilon(epsilon).scale(1e-300); }

// The message of the UnitError that parsing throws, or "" when it does not throw.
std::string quantity_error(const std::string& text, Dimension d) {
  try {
    parse_quantity(text, d);
  } catch (const UnitError& e) {
    return e.what();
  }
  return "";
}

std::string number_error(const std::string& text) {
  try {
    parse_number(text);
  } catch (const UnitError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

struct UnitCase {
  const char* symbol;
  Dimension dimension;
  double si_per_unit;  // from first principles, see the top of the file
};

const std::vector<UnitCase>& every_unit() {
  static const std::vector<UnitCase> cases{
      {"W", Dimension::power, 1.0},
      {"kW", Dimension::power, 1e3},
      {"MW", Dimension::power, 1e6},
      {"GW", Dimension::power, 1e9},
      {"J", Dimension::energy, 1.0},
      {"kJ", Dimension::energy, 1e3},
      {"MJ", Dimension::energy, 1e6},
      {"GJ", Dimension::energy, 1e9},
      {"Wh", Dimension::energy, kJoulesPerWh},
      {"kWh", Dimension::energy, kJoulesPerKWh},
      {"MWh", Dimension::energy, 1000.0 * kJoulesPerKWh},
      {"GWh", Dimension::energy, 1e6 * kJoulesPerKWh},
      {"ms", Dimension::time, 1e-3},
      {"s", Dimension::time, 1.0},
      {"min", Dimension::time, 60.0},
      {"h", Dimension::time, 60.0 * 60.0},
      {"d", Dimension::time, kSecondsPerDay},
      {"y", Dimension::time, 365.25 * kSecondsPerDay},  // the Julian year
      {"g", Dimension::mass, 1e-3},
      {"kg", Dimension::mass, 1.0},
      {"t", Dimension::mass, 1e3},
      {"g/kWh", Dimension::carbon_intensity, 1e-3 / kJoulesPerKWh},
      {"kg/kWh", Dimension::carbon_intensity, 1.0 / kJoulesPerKWh},
      {"kg/MWh", Dimension::carbon_intensity, 1.0 / (1000.0 * kJoulesPerKWh)},
      {"t/MWh", Dimension::carbon_intensity, 1e3 / (1000.0 * kJoulesPerKWh)},
      {"lb/MWh", Dimension::carbon_intensity, kKgPerPound / (1000.0 * kJoulesPerKWh)},
      {"FLOP", Dimension::flop, 1.0},
      {"PFLOP", Dimension::flop, 1e15},
      {"EFLOP", Dimension::flop, 1e18},
      {"ZFLOP", Dimension::flop, 1e21},
      {"FLOP/s", Dimension::flop_rate, 1.0},
      {"GFLOP/s", Dimension::flop_rate, 1e9},
      {"TFLOP/s", Dimension::flop_rate, 1e12},
      {"PFLOP/s", Dimension::flop_rate, 1e15},
  };
  return cases;
}

const std::vector<Dimension> kAllDimensions{Dimension::dimensionless, Dimension::power,           Dimension::energy,
                                            Dimension::time,          Dimension::mass,            Dimension::carbon_intensity,
                                            Dimension::flop,          Dimension::flop_rate};

}  // namespace

TEST_SUITE("units") {

TEST_CASE("the quantities the paper scenarios write parse to their SI values") {
  CHECK(parse_quantity("330 W", Dimension::power) == 330.0);
  CHECK(parse_quantity("1.2 MW", Dimension::power) == rel(1.2 * 1e6));
  CHECK(parse_quantity("14.8 d", Dimension::time) == rel(14.8 * kSecondsPerDay));
  CHECK(parse_quantity("36 h", Dimension::time) == rel(36.0 * 3600.0));  // 129600 s
  CHECK(parse_quantity("0.429 kg/kWh", Dimension::carbon_intensity) == rel(0.429 / 3.6e6));
  CHECK(parse_quantity("429 g/kWh", Dimension::carbon_intensity) == rel(0.429 / 3.6e6));
  CHECK(parse_quantity("3.14e23", Dimension::flop) == 3.14e23);
  CHECK(parse_quantity("24.6 TFLOP/s", Dimension::flop_rate) == rel(24.6e12));
  CHECK(parse_quantity("1287 MWh", Dimension::energy) == rel(1287.0 * 3.6e9));
  CHECK(parse_quantity("552.1 t", Dimension::mass) == rel(552.1e3));
  // 1000 lb/MWh = 453.59237 kg / 3.6e9 J
  CHECK(parse_quantity("1000 lb/MWh", Dimension::carbon_intensity) == rel(453.59237 / 3.6e9));
}

TEST_CASE("every known unit converts to SI by its definition") {
  for (const UnitCase& c : every_unit()) {
    CAPTURE(c.symbol);
    CHECK(parse_quantity(std::string("2.5 ") + c.symbol, c.dimension) == rel(2.5 * c.si_per_unit));
    CHECK(parse_quantity(std::string("1 ") + c.symbol, c.dimension) == rel(c.si_per_unit));
  }
}

TEST_CASE("the unit table lists exactly the units this test knows, with the same factors") {
  std::set<std::string> tested;
  for (const UnitCase& c : every_unit()) tested.insert(c.symbol);
  std::set<std::string> listed;
  for (const dcsim::units::Unit& u : dcsim::units::known_units()) {
    const std::string symbol(u.symbol);
    CAPTURE(symbol);
    listed.insert(symbol);
    CHECK(tested.count(symbol) == 1);
    for (const UnitCase& c : every_unit()) {
      if (symbol != c.symbol) continue;
      CHECK(u.dimension == c.dimension);
      CHECK(u.to_si == rel(c.si_per_unit));
    }
  }
  CHECK(listed == tested);
}

TEST_CASE("the grid-intensity constants agree with the definition of the kilowatt-hour") {
  CHECK(dcsim::units::kJPerKWh == 3.6e6);
  CHECK(dcsim::units::kKgPerJPerGPerKWh == rel(1e-3 / 3.6e6));
}

TEST_CASE("a FLOP count may be written bare or with a unit") {
  CHECK(parse_quantity("3.14e23", Dimension::flop) == 3.14e23);
  CHECK(parse_quantity("314 ZFLOP", Dimension::flop) == rel(3.14e23));
  CHECK(parse_quantity("3.14e23 FLOP", Dimension::flop) == 3.14e23);
}

TEST_CASE("a dimensionless value is a bare number") {
  CHECK(parse_quantity("1.1", Dimension::dimensionless) == 1.1);
  CHECK(parse_quantity("  1.58 ", Dimension::dimensionless) == 1.58);
}

TEST_CASE("surrounding whitespace, a leading plus sign, exponents and negative numbers are accepted") {
  CHECK(parse_quantity("  330 W  ", Dimension::power) == 330.0);
  CHECK(parse_quantity("\t330\tW", Dimension::power) == 330.0);
  CHECK(parse_quantity("+330 W", Dimension::power) == 330.0);
  CHECK(parse_quantity("3.3e2 W", Dimension::power) == rel(330.0));
  CHECK(parse_quantity("-5 W", Dimension::power) == -5.0);  // ranges are checked by the scenario reader
  CHECK(parse_quantity("0 s", Dimension::time) == 0.0);
}

TEST_CASE("units are case-sensitive: milli and mega are different prefixes") {
  CHECK(parse_quantity("1 MW", Dimension::power) == 1e6);
  CHECK(contains(quantity_error("1 mW", Dimension::power), "unknown unit 'mW'"));
  CHECK(contains(quantity_error("1 w", Dimension::power), "unknown unit 'w'"));
  CHECK(parse_quantity("1 ms", Dimension::time) == rel(1e-3));
  CHECK(contains(quantity_error("1 Ms", Dimension::time), "unknown unit 'Ms'"));
}

TEST_CASE("an unknown unit is rejected and the units of the dimension are listed") {
  const std::string message = quantity_error("330 parsecs", Dimension::power);
  CAPTURE(message);
  CHECK(contains(message, "unknown unit 'parsecs'"));
  CHECK(contains(message, "330 parsecs"));
  CHECK(contains(message, "a power"));
  CHECK(contains(message, "W, kW, MW, GW"));
}

TEST_CASE("a unit of another dimension is rejected and names both dimensions") {
  const std::string message = quantity_error("330 kWh", Dimension::power);
  CAPTURE(message);
  CHECK(contains(message, "'330 kWh' is an energy"));
  CHECK(contains(message, "a power is expected"));
  CHECK(contains(message, "330 W"));  // the example of a power

  CHECK(contains(quantity_error("14.8 kg", Dimension::time), "is a mass"));
  CHECK(contains(quantity_error("14.8 kg", Dimension::time), "a duration"));
  CHECK(contains(quantity_error("24.6 FLOP", Dimension::flop_rate), "is a FLOP count"));
  CHECK(contains(quantity_error("24.6 FLOP/s", Dimension::flop), "is a FLOP rate"));
  CHECK(contains(quantity_error("0.429 kg", Dimension::carbon_intensity), "is a mass"));
  CHECK(contains(quantity_error("0.429 kg", Dimension::carbon_intensity), "a carbon intensity"));
}

TEST_CASE("a bare number where a power is expected names the dimension") {
  const std::string message = quantity_error("330", Dimension::power);
  CAPTURE(message);
  CHECK(contains(message, "'330' has no unit"));
  CHECK(contains(message, "a power"));
  CHECK(contains(message, "W, kW, MW, GW"));
  CHECK(contains(message, "'330 W'"));
}

TEST_CASE("a bare number is rejected for every dimension other than dimensionless and FLOP count") {
  for (const Dimension d : kAllDimensions) {
    if (d == Dimension::dimensionless || d == Dimension::flop) continue;
    const std::string message = quantity_error("42", d);
    CAPTURE(message);
    CHECK(contains(message, "has no unit"));
    CHECK(contains(message, std::string(dcsim::units::describe(d))));
  }
}

TEST_CASE("a unit on a dimensionless value is rejected") {
  const std::string message = quantity_error("1.1 W", Dimension::dimensionless);
  CAPTURE(message);
  CHECK(contains(message, "'1.1 W' has a unit"));
  CHECK(contains(message, "plain number"));
}

TEST_CASE("an empty value is rejected") {
  CHECK(contains(quantity_error("", Dimension::power), "empty value"));
  CHECK(contains(quantity_error("   ", Dimension::power), "empty value"));
  CHECK(contains(number_error(""), "empty value"));
}

TEST_CASE("not-a-number and infinities are rejected") {
  for (const char* text : {"nan", "NaN", "inf", "-inf", "infinity", "nan W", "inf W", "-inf W"}) {
    CAPTURE(text);
    const std::string message = quantity_error(text, Dimension::power);
    CAPTURE(message);
    CHECK(contains(message, "is not a finite number"));
    CHECK(contains(number_error(text), "is not a finite number"));
  }
  CHECK(contains(quantity_error("nan", Dimension::dimensionless), "is not a finite number"));
  CHECK(contains(quantity_error("inf", Dimension::flop), "is not a finite number"));
}

TEST_CASE("a number beyond the range of a double is rejected") {
  CHECK(contains(quantity_error("1e400", Dimension::flop), "'1e400' is out of range"));
  CHECK(contains(quantity_error("1e400 W", Dimension::power), "out of range"));
  CHECK(contains(number_error("1e400"), "out of range"));
  CHECK(contains(number_error("-1e400"), "out of range"));
}

TEST_CASE("a finite number whose SI value overflows is rejected") {
  // 1e300 GW = 1e309 W > DBL_MAX (about 1.8e308)
  CHECK(contains(quantity_error("1e300 GW", Dimension::power), "out of range"));
  CHECK(contains(quantity_error("1e305 GWh", Dimension::energy), "out of range"));
}

TEST_CASE("garbage is rejected as not starting with a number") {
  for (const char* text : {"W", "watts", "abc", "W 330", "--5 W", "++5", ".", "e5", "#!@$"}) {
    CAPTURE(text);
    const std::string message = quantity_error(text, Dimension::power);
    CAPTURE(message);
    CHECK(contains(message, "does not start with a number"));
  }
}

TEST_CASE("trailing text after the unit is rejected as an unknown unit") {
  CHECK(contains(quantity_error("330 W W", Dimension::power), "unknown unit 'W W'"));
  CHECK(contains(quantity_error("330 W,", Dimension::power), "unknown unit"));
  CHECK(contains(quantity_error("1,000 W", Dimension::power), "unknown unit ',000 W'"));
}

TEST_CASE("parse_number reads plain finite numbers") {
  CHECK(parse_number("12") == 12.0);
  CHECK(parse_number("-3.5") == -3.5);
  CHECK(parse_number("+2") == 2.0);
  CHECK(parse_number(" 7 ") == 7.0);
  CHECK(parse_number("1e3") == 1000.0);
  CHECK(parse_number("0.000001") == 1e-6);
}

TEST_CASE("parse_number rejects a unit") {
  const std::string message = number_error("330 W");
  CAPTURE(message);
  CHECK(contains(message, "'330 W' is not a plain number"));
  CHECK(contains(number_error("12abc"), "is not a plain number"));
  CHECK(contains(number_error("abc"), "does not start with a number"));
}

TEST_CASE("format_quantity writes the display unit of each dimension") {
  CHECK(format_quantity(330.0, Dimension::power) == "330 W");
  CHECK(format_quantity(3.6e6, Dimension::energy) == "1 kWh");
  CHECK(format_quantity(1287.0 * 3.6e9, Dimension::energy) == "1287000 kWh");
  CHECK(format_quantity(86400.0, Dimension::time) == "86400 s");
  CHECK(format_quantity(552.1, Dimension::mass) == "552.1 kg");
  CHECK(format_quantity(24.6e12, Dimension::flop_rate) == "24.6 TFLOP/s");
  CHECK(format_quantity(1.1, Dimension::dimensionless) == "1.1");
  // 1 g/kWh is the display unit of a carbon intensity: 1e-3 kg / 3.6e6 J
  CHECK(format_quantity(1e-3 / 3.6e6, Dimension::carbon_intensity) == "1 g/kWh");
  const std::string flops = format_quantity(3.14e23, Dimension::flop);
  CHECK(flops.size() > 5);
  CHECK(flops.substr(flops.size() - 5) == " FLOP");
}

TEST_CASE("format_quantity output parses back to the same SI value") {
  const std::vector<double> magnitudes{1.0, 330.0, 0.1, 1.1, 14.8, 0.429, 3.14e23, 24.6e12, 1.0 / 3.0, 123456.789, 1e-9, 7e15};
  for (const Dimension d : kAllDimensions) {
    for (const double m : magnitudes) {
      // Scale the magnitude to a value typical of the dimension so the display digits vary.
      const double si = d == Dimension::carbon_intensity ? m * 1e-7 : m;
      for (const double v : {si, -si}) {
        const std::string text = format_quantity(v, d);
        CAPTURE(text);
        CAPTURE(static_cast<int>(d));
        double back = 0.0;
        REQUIRE_NOTHROW(back = parse_quantity(text, d));
        // Shortest round-trip digits of v / unit, multiplied back by the unit: within one rounding.
        CHECK(back == rel(v, 4 * std::numeric_limits<double>::epsilon()));
      }
    }
  }
}

TEST_CASE("format_quantity of the paper's figures round-trips exactly where the unit is a power of ten") {
  CHECK(parse_quantity(format_quantity(330.0, Dimension::power), Dimension::power) == 330.0);
  CHECK(parse_quantity(format_quantity(1.2e6, Dimension::power), Dimension::power) == 1.2e6);
  CHECK(parse_quantity(format_quantity(14.8 * 86400.0, Dimension::time), Dimension::time) == 14.8 * 86400.0);
  CHECK(parse_quantity(format_quantity(3.14e23, Dimension::flop), Dimension::flop) == 3.14e23);
  CHECK(parse_quantity(format_quantity(552.1e3, Dimension::mass), Dimension::mass) == 552.1e3);
}

TEST_CASE("describe and example name every dimension, and each example parses as its dimension") {
  for (const Dimension d : kAllDimensions) {
    const std::string description(dcsim::units::describe(d));
    const std::string example(dcsim::units::example(d));
    CAPTURE(description);
    CHECK_FALSE(description.empty());
    CHECK_FALSE(example.empty());
    CHECK_NOTHROW(parse_quantity(example, d));
  }
  CHECK(dcsim::units::describe(Dimension::power) == "a power");
  CHECK(dcsim::units::describe(Dimension::energy) == "an energy");
}

}  // TEST_SUITE

TEST_CASE("seconds_to_ms rounds half away from zero exactly as std::llround does") {
  using dcsim::units::seconds_to_ms;
  const auto same = [](double s) { return seconds_to_ms(s) == std::llround(s * 1000.0); };
  // Halves, the largest double below a half, both signs, integers, and the ends of the fast path.
  for (const double ms : {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                          0.5000000000000001, 1.0, -1.0, 999.5, -999.5, 4503599627370495.5, -4503599627370495.5,
                          4503599627370496.0, 9.0e15, -9.0e15, 1.0e18}) {
    CAPTURE(ms);
    CHECK(seconds_to_ms(ms / 1000.0) == std::llround((ms / 1000.0) * 1000.0));
  }
  CHECK(seconds_to_ms(0.0025) == 3);    // 2.5 ms: away from zero
  CHECK(seconds_to_ms(-0.0025) == -3);
  CHECK(seconds_to_ms(1.0) == 1000);
  // A spread of trace-like values (arrivals and durations up to a year, and small ones): a fixed
  // sequence of doubles, each compared with the library's rounding.
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const double u = static_cast<double>(x >> 11) * 0x1.0p-53;
    const double s = (i % 2 == 0 ? 1.0 : -1.0) * u * (i % 3 == 0 ? 3.2e7 : i % 3 == 1 ? 60.0 : 1e-3);
    if (!same(s)) {
      CAPTURE(s);
      CHECK(same(s));
    }
    ++checked;
  }
  CHECK(checked == 200000);
}
