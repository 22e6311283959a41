#include "models/climate/Psychrometrics.hpp"

#include <algorithm>
#include <cmath>

namespace dcsim::models::psychro {

double saturation_pressure_water_pa(double t_c) {
  return 611.21 * std::exp((18.678 - t_c / 234.5) * t_c / (257.14 + t_c));
}

double saturation_pressure_ice_pa(double t_c) {
  return 611.15 * std::exp((23.036 - t_c / 333.7) * t_c / (279.82 + t_c));
}

double humidity_ratio_from_vapour_pressure(double e_pa, double p_pa) { return 0.621945 * e_pa / (p_pa - e_pa); }

double humidity_ratio(double t_c, double rh, double p_pa) {
  return humidity_ratio_from_vapour_pressure(rh * saturation_pressure_water_pa(t_c), p_pa);
}

double saturation_humidity_ratio(double t_c, double p_pa) {
  const double e = t_c >= 0.0 ? saturation_pressure_water_pa(t_c) : saturation_pressure_ice_pa(t_c);
  return humidity_ratio_from_vapour_pressure(e, p_pa);
}

double enthalpy_j_per_kg(double t_c, double w) { return 1006.0 * t_c + w * (2'501'000.0 + 1860.0 * t_c); }

double dry_bulb_from_enthalpy(double h, double w) { return (h - 2'501'000.0 * w) / (1006.0 + 1860.0 * w); }

double dew_point_from_vapour_pressure(double e_pa) {
  // (18.678 - T/234.5) T = y (257.14 + T)  <=>  T^2/234.5 - (18.678 - y) T + 257.14 y = 0; the
  // smaller root is the branch of the fit (T = 0 at y = 0).
  const double y = std::log(e_pa / 611.21);
  const double b = 18.678 - y;
  const double disc = b * b - 4.0 * 257.14 * y / 234.5;
  return 0.5 * 234.5 * (b - std::sqrt(std::max(disc, 0.0)));
}

double dew_point(double t_c, double rh) { return dew_point_from_vapour_pressure(rh * saturation_pressure_water_pa(t_c)); }

double relative_humidity_from_dew_point(double t_c, double td_c) {
  if (td_c >= t_c) return 1.0;
  return saturation_pressure_water_pa(td_c) / saturation_pressure_water_pa(t_c);
}

double humidity_ratio_from_wet_bulb(double t, double ts, double p_pa) {
  const double ws = saturation_humidity_ratio(ts, p_pa);
  if (ts >= 0.0) return ((2501.0 - 2.326 * ts) * ws - 1.006 * (t - ts)) / (2501.0 + 1.86 * t - 4.186 * ts);
  return ((2830.0 - 0.24 * ts) * ws - 1.006 * (t - ts)) / (2830.0 + 1.86 * t - 2.1 * ts);
}

double wet_bulb(double t_c, double rh, double p_pa) {
  const double w = humidity_ratio(t_c, std::clamp(rh, 0.0, 1.0), p_pa);
  // humidity_ratio_from_wet_bulb rises with t*: below the true t* it is < w, above it > w. The
  // root is bracketed and found by regula falsi with the Illinois modification (the retained
  // end's value halved when the same end is kept twice), which converges superlinearly and
  // keeps the bracket across the water/ice switch at 0 C.
  double lo = rh > 0.0 ? std::min(dew_point(t_c, std::clamp(rh, 1e-6, 1.0)), t_c) - 5.0 : t_c - 80.0;
  double hi = t_c;
  double f_lo = humidity_ratio_from_wet_bulb(t_c, lo, p_pa) - w;
  double f_hi = humidity_ratio_from_wet_bulb(t_c, hi, p_pa) - w;
  if (f_lo >= 0.0) return lo;  // no sign change: the root is at (or beyond) an end
  if (f_hi <= 0.0) return hi;
  int kept = 0;  // -1: lo kept last time, +1: hi kept
  for (int i = 0; i < 200 && hi - lo > 1e-9; ++i) {
    double x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
    if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
    const double f = humidity_ratio_from_wet_bulb(t_c, x, p_pa) - w;
    if (f == 0.0) return x;
    if (f < 0.0) {
      lo = x;
      f_lo = f;
      if (kept == -1) f_hi *= 0.5;
      kept = -1;
    } else {
      hi = x;
      f_hi = f;
      if (kept == 1) f_lo *= 0.5;
      kept = 1;
    }
    if (std::abs(f) < 1e-15 * std::max(1.0, std::abs(w))) break;
  }
  return 0.5 * (lo + hi);
}

double air_density_kg_per_m3(double p_pa, double t_c) {
  return 1.293 * (p_pa / kStandardPressurePa) * (273.15 / (273.15 + t_c));
}

double pressure_at_elevation_pa(double elevation_m) {
  return kStandardPressurePa * std::pow(1.0 - 2.25577e-5 * elevation_m, 5.2559);
}

}  // namespace dcsim::models::psychro
