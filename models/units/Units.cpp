#include "models/units/Units.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace dcsim::units {
namespace {

constexpr double kWh = 3.6e6;
constexpr double kPound = 0.45359237;

constexpr std::array kUnits{
    Unit{"W", Dimension::power, 1.0},
    Unit{"kW", Dimension::power, 1e3},
    Unit{"MW", Dimension::power, 1e6},
    Unit{"GW", Dimension::power, 1e9},
    Unit{"J", Dimension::energy, 1.0},
    Unit{"kJ", Dimension::energy, 1e3},
    Unit{"MJ", Dimension::energy, 1e6},
    Unit{"GJ", Dimension::energy, 1e9},
    Unit{"Wh", Dimension::energy, 3.6e3},
    Unit{"kWh", Dimension::energy, kWh},
    Unit{"MWh", Dimension::energy, kWh * 1e3},
    Unit{"GWh", Dimension::energy, kWh * 1e6},
    Unit{"ms", Dimension::time, 1e-3},
    Unit{"s", Dimension::time, 1.0},
    Unit{"min", Dimension::time, 60.0},
    Unit{"h", Dimension::time, 3600.0},
    Unit{"d", Dimension::time, 86400.0},
    Unit{"y", Dimension::time, 365.25 * 86400.0},  // Julian year, for service lives
    Unit{"g", Dimension::mass, 1e-3},
    Unit{"kg", Dimension::mass, 1.0},
    Unit{"t", Dimension::mass, 1e3},
    Unit{"g/kWh", Dimension::carbon_intensity, 1e-3 / kWh},
    Unit{"kg/kWh", Dimension::carbon_intensity, 1.0 / kWh},
    Unit{"kg/MWh", Dimension::carbon_intensity, 1.0 / (kWh * 1e3)},
    Unit{"t/MWh", Dimension::carbon_intensity, 1.0 / kWh},
    Unit{"lb/MWh", Dimension::carbon_intensity, kPound / (kWh * 1e3)},
    Unit{"FLOP", Dimension::flop, 1.0},
    Unit{"PFLOP", Dimension::flop, 1e15},
    Unit{"EFLOP", Dimension::flop, 1e18},
    Unit{"ZFLOP", Dimension::flop, 1e21},
    Unit{"FLOP/s", Dimension::flop_rate, 1.0},
    Unit{"GFLOP/s", Dimension::flop_rate, 1e9},
    Unit{"TFLOP/s", Dimension::flop_rate, 1e12},
    Unit{"PFLOP/s", Dimension::flop_rate, 1e15},
};

std::string_view display_unit(Dimension d) {
  switch (d) {
    case Dimension::power: return "W";
    case Dimension::energy: return "kWh";
    case Dimension::time: return "s";
    case Dimension::mass: return "kg";
    case Dimension::carbon_intensity: return "g/kWh";
    case Dimension::flop: return "FLOP";
    case Dimension::flop_rate: return "TFLOP/s";
    case Dimension::dimensionless: return "";
  }
  return "";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string units_of(Dimension d) {
  std::string out;
  for (const Unit& u : kUnits) {
    if (u.dimension != d) continue;
    if (!out.empty()) out += ", ";
    out += u.symbol;
  }
  return out;
}

// Splits a leading number from the rest; the rest is trimmed.
double leading_number(std::string_view text, std::string_view& rest) {
  const std::string_view s = trim(text);
  if (s.empty()) throw UnitError("empty value");
  std::string_view digits = s;
  if (digits.front() == '+') digits.remove_prefix(1);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range) throw UnitError(fmt::format("'{}' is out of range", s));
  if (ec != std::errc() || end == digits.data()) throw UnitError(fmt::format("'{}' does not start with a number", s));
  if (!std::isfinite(v)) throw UnitError(fmt::format("'{}' is not a finite number", s));
  rest = trim(std::string_view(end, static_cast<std::size_t>(digits.data() + digits.size() - end)));
  return v;
}

}  // namespace

std::string_view describe(Dimension d) {
  switch (d) {
    case Dimension::dimensionless: return "a plain number";
    case Dimension::power: return "a power";
    case Dimension::energy: return "an energy";
    case Dimension::time: return "a duration";
    case Dimension::mass: return "a mass";
    case Dimension::carbon_intensity: return "a carbon intensity";
    case Dimension::flop: return "a FLOP count";
    case Dimension::flop_rate: return "a FLOP rate";
  }
  return "a value";
}

std::string_view example(Dimension d) {
  switch (d) {
    case Dimension::dimensionless: return "1.1";
    case Dimension::power: return "330 W";
    case Dimension::energy: return "1287 MWh";
    case Dimension::time: return "14.8 d";
    case Dimension::mass: return "552.1 t";
    case Dimension::carbon_intensity: return "0.429 kg/kWh";
    case Dimension::flop: return "3.14e23";
    case Dimension::flop_rate: return "24.6 TFLOP/s";
  }
  return "";
}

std::span<const Unit> known_units() { return kUnits; }

double parse_number(std::string_view text) {
  std::string_view rest;
  const double v = leading_number(text, rest);
  if (!rest.empty()) throw UnitError(fmt::format("'{}' is not a plain number", trim(text)));
  return v;
}

double parse_quantity(std::string_view text, Dimension d) {
  std::string_view unit;
  const double v = leading_number(text, unit);
  if (unit.empty()) {
    if (d == Dimension::dimensionless || d == Dimension::flop) return v;
    throw UnitError(fmt::format("'{}' has no unit: expected {} with one of [{}], e.g. '{}'", trim(text), describe(d),
                                units_of(d), example(d)));
  }
  if (d == Dimension::dimensionless)
    throw UnitError(fmt::format("'{}' has a unit where a plain number is expected", trim(text)));
  for (const Unit& u : kUnits) {
    if (u.symbol != unit) continue;
    if (u.dimension != d)
      throw UnitError(fmt::format("'{}' is {} but {} is expected, e.g. '{}'", trim(text), describe(u.dimension),
                                  describe(d), example(d)));
    const double si = v * u.to_si;
    if (!std::isfinite(si)) throw UnitError(fmt::format("'{}' is out of range", trim(text)));
    return si;
  }
  throw UnitError(fmt::format("unknown unit '{}' in '{}': {} takes one of [{}]", unit, trim(text), describe(d),
                              units_of(d)));
}

std::string format_quantity(double si_value, Dimension d) {
  const std::string_view unit = display_unit(d);
  double scale = 1.0;
  for (const Unit& u : kUnits)
    if (u.dimension == d && u.symbol == unit) scale = u.to_si;
  if (unit.empty()) return fmt::format("{}", si_value);
  return fmt::format("{} {}", si_value / scale, unit);
}

}  // namespace dcsim::units
