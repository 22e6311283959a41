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

namespace {

/// humidity_ratio_from_wet_bulb(t, ts, p) - w and its derivative in ts, for Newton's method.
/// The saturation pressure is e = a exp(g(ts)) with g = (b - ts/c) ts / (d + ts) (water at or
/// above 0 C, ice below, as saturation_humidity_ratio), so de/dts = e g'(ts); the humidity ratio
/// is N/D with N, D as in humidity_ratio_from_wet_bulb. Three divisions and one exponential.
double wet_bulb_residual(double t, double ts, double p_pa, double w, double& slope) {
  const bool water = ts >= 0.0;
  const double a = water ? 611.21 : 611.15, b = water ? 18.678 : 23.036, inv_c = water ? 1.0 / 234.5 : 1.0 / 333.7,
               d = water ? 257.14 : 279.82;
  const double inv_q = 1.0 / (d + ts);
  const double u = b - ts * inv_c;
  const double g = u * ts * inv_q;
  const double dg = ((u - ts * inv_c) * (d + ts) - u * ts) * inv_q * inv_q;
  const double e = a * std::exp(g);
  const double inv_pe = 1.0 / (p_pa - e);
  const double ws = 0.621945 * e * inv_pe;
  const double dws = ws * p_pa * dg * inv_pe;
  const double k0 = water ? 2501.0 : 2830.0, k1 = water ? 2.326 : 0.24, k2 = water ? 4.186 : 2.1;
  const double n = (k0 - k1 * ts) * ws - 1.006 * (t - ts);
  const double dn = -k1 * ws + (k0 - k1 * ts) * dws + 1.006;
  const double inv_den = 1.0 / (k0 + 1.86 * t - k2 * ts);
  slope = (dn + n * k2 * inv_den) * inv_den;
  return n * inv_den - w;
}

/// The root bracketed by [dew point - 5 K, dry bulb], by regula falsi with the Illinois
/// modification (the retained end's value halved when the same end is kept twice), which keeps
/// the bracket across the water/ice switch at 0 C.
double bracketed_wet_bulb(double t_c, double rh, double p_pa, double w) {
  double lo = rh > 0.0 ? std::min(dew_point(t_c, std::clamp(rh, 1e-6, 1.0)), t_c) - 5.0 : t_c - 80.0;
  double hi = t_c;
  double f_lo = humidity_ratio_from_wet_bulb(t_c, lo, p_pa) - w;
  double f_hi = humidity_ratio_from_wet_bulb(t_c, hi, p_pa) - w;
  if (f_lo >= 0.0) return lo;  // no sign change: the root is at (or beyond) an end
  if (f_hi <= 0.0) return hi;
  int kept = 0;  // -1: lo kept last time, +1: hi kept
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
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

}  // namespace

double wet_bulb(double t_c, double rh, double p_pa) {
  const double w = humidity_ratio(t_c, std::clamp(rh, 0.0, 1.0), p_pa);
  // humidity_ratio_from_wet_bulb rises with t* and is convex on each side of the water/ice
  // switch at 0 C, so Newton's method from the dry bulb (where it is >= w) steps down towards
  // the warmest root without passing it, quadratically: three or four evaluations where a
  // bracketing method needs a dozen. A step that passes the root (possible only across the
  // switch, whose kink breaks convexity) or a curve that is not rising hands over to the
  // bracketing method.
  double slope = 0.0;
  double x = t_c;
  double f = wet_bulb_residual(t_c, x, p_pa, w, slope);
  if (f <= 0.0) return x;  // saturated (or beyond): the wet bulb is the dry bulb
  for (int i = 0; i < 50; ++i) {
    if (!(slope > 0.0)) break;
    const double step = f / slope;
    if (std::abs(step) < 1e-12 * std::max(1.0, std::abs(x))) return x - step;
    x -= step;
    f = wet_bulb_residual(t_c, x, p_pa, w, slope);
    if (f == 0.0) return x;
    if (f < 0.0 && -f > 1e-9 * slope) break;  // passed the root by more than rounding: the kink
  }
  return bracketed_wet_bulb(t_c, rh, p_pa, w);
}

double air_density_kg_per_m3(double p_pa, double t_c) {
  return 1.293 * (p_pa / kStandardPressurePa) * (273.15 / (273.15 + t_c));
}

double pressure_at_elevation_pa(double elevation_m) {
  return kStandardPressurePa * std::pow(1.0 - 2.25577e-5 * elevation_m, 5.2559);
}

}  // namespace dcsim::models::psychro
