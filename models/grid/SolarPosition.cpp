#include "models/grid/SolarPosition.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dcsim::models {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;
constexpr std::int64_t kMsPerDay = 86'400'000;

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

UtcDayHour utc_day_hour(std::int64_t utc_ms) {
  const std::int64_t days = floor_div(utc_ms, kMsPerDay);
  const std::int64_t ms_of_day = utc_ms - days * kMsPerDay;
  UtcDayHour out;
  out.hour = static_cast<double>(ms_of_day) / 3'600'000.0;
  out.weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);
  // Walk whole years from 1970; simulations span decades at most, so this is cheap enough,
  // and the 400-year jump keeps far dates bounded.
  std::int64_t d = days;
  int year = 1970;
  constexpr std::int64_t kDaysPer400Years = 146'097;
  year += static_cast<int>(400 * floor_div(d, kDaysPer400Years));
  d -= floor_div(d, kDaysPer400Years) * kDaysPer400Years;
  while (d >= (is_leap(year) ? 366 : 365)) {
    d -= is_leap(year) ? 366 : 365;
    ++year;
  }
  out.year = year;
  out.day_of_year = static_cast<int>(d) + 1;
  return out;
}

double solar_elevation_deg(double latitude_deg, double longitude_deg, int day_of_year, double utc_hour) {
  const double g = 2.0 * std::numbers::pi / 365.0 * (day_of_year - 1 + (utc_hour - 12.0) / 24.0);
  const double eqtime_min = 229.18 * (0.000075 + 0.001868 * std::cos(g) - 0.032077 * std::sin(g) -
                                      0.014615 * std::cos(2 * g) - 0.040849 * std::sin(2 * g));
  const double decl = 0.006918 - 0.399912 * std::cos(g) + 0.070257 * std::sin(g) - 0.006758 * std::cos(2 * g) +
                      0.000907 * std::sin(2 * g) - 0.002697 * std::cos(3 * g) + 0.00148 * std::sin(3 * g);
  const double true_solar_min = 60.0 * utc_hour + eqtime_min + 4.0 * longitude_deg;
  const double hour_angle = (true_solar_min / 4.0 - 180.0) * kDeg;
  const double lat = latitude_deg * kDeg;
  const double cos_zenith =
      std::clamp(std::sin(lat) * std::sin(decl) + std::cos(lat) * std::cos(decl) * std::cos(hour_angle), -1.0, 1.0);
  return 90.0 - std::acos(cos_zenith) / kDeg;
}

double solar_elevation_deg_at(double latitude_deg, double longitude_deg, std::int64_t utc_ms) {
  const UtcDayHour t = utc_day_hour(utc_ms);
  return solar_elevation_deg(latitude_deg, longitude_deg, t.day_of_year, t.hour);
}

double clear_sky_factor(double latitude_deg, double longitude_deg, std::int64_t utc_ms) {
  return std::max(0.0, std::sin(solar_elevation_deg_at(latitude_deg, longitude_deg, utc_ms) * kDeg));
}

}  // namespace dcsim::models
