#pragma once
// Psychrometrics of moist air: the state functions the weather and cooling-plant models need.
//
// Scope: moist air as an ideal mixture of dry air and water vapour at total pressure p (Pa),
// temperatures in degrees C, humidity ratio W in kg water / kg dry air, enthalpy in J / kg dry air.
// Equations:
//   saturation vapour pressure over liquid water (used for relative humidity, as the WMO defines
//   it, and for the dew point at all temperatures):
//     e_w(T) = 611.21 exp((18.678 - T/234.5) T / (257.14 + T))          Buck (1981), J. Appl.
//     Meteorol. 20:1527, coefficients as revised in the Buck Research CR-1A manual (1996); the
//     same form Lei & Masanet 2020 use (reference/facts.md 3.2).
//   over ice (wet-bulb below 0 C only):
//     e_i(T) = 611.15 exp((23.036 - T/333.7) T / (279.82 + T))           same sources.
//   humidity ratio   W = 0.621945 e / (p - e)                            ASHRAE Handbook -
//                                                                        Fundamentals 2017, ch. 1, eq. 20
//   enthalpy         h = 1006 t + W (2 501 000 + 1860 t)  J/kg          ASHRAE 2017 ch. 1, eq. 32
//   dew point        the exact inverse of e_w (a quadratic in T).
//   wet bulb         the thermodynamic wet-bulb t* solving the psychrometric equation
//                    W = ((2501 - 2.326 t*) W_s(t*) - 1.006 (t - t*)) / (2501 + 1.86 t - 4.186 t*)   (t* >= 0)
//                    W = ((2830 - 0.24 t*) W_s(t*) - 1.006 (t - t*)) / (2830 + 1.86 t - 2.1 t*)       (t* < 0)
//                    ASHRAE 2017 ch. 1, eqs. 33 and 35; solved in the bracket from 5 K below the
//                    dew point to the dry bulb (the residual is monotonic there) by regula falsi
//                    (Illinois), to 1e-9 K.
//   air density      rho = 1.293 (p / 101325) (273.15 / (273.15 + t))    Lei & Masanet 2020 (facts 3.2)
//   pressure at elevation Z (m): p = 101325 (1 - 2.25577e-5 Z)^5.2559    ASHRAE 2017 ch. 1, eq. 3
// Validation: tests/models/test_climate.cpp against ASHRAE 2017 ch. 1 tables (saturation values
// at 20 C, standard pressure at 1500 m) and chart values (wet bulb at 20 C / 40 % RH).
// Limitations: an ideal mixture (no enhancement factor, ~1.004 at sea level), so saturated
// humidity ratios are ~0.4 % below ASHRAE's tables. Buck's fit is within 0.05 % of Wexler/Hyland-Wexler from -40 to 50 C; outside
// that range errors grow (0.1 % at 100 C). Relative humidity is always with respect to water.

namespace dcsim::models::psychro {

inline constexpr double kStandardPressurePa = 101'325.0;

/// Saturation vapour pressure over liquid water, Pa (Buck 1996 coefficients).
double saturation_pressure_water_pa(double t_c);
/// Saturation vapour pressure over ice, Pa (Buck 1996 coefficients); for t_c <= 0.
double saturation_pressure_ice_pa(double t_c);
/// Humidity ratio (kg/kg dry air) of air with vapour partial pressure e_pa at total pressure p_pa.
double humidity_ratio_from_vapour_pressure(double e_pa, double p_pa);
/// Humidity ratio from dry bulb, relative humidity (0..1, to water) and pressure.
double humidity_ratio(double t_c, double rh, double p_pa);
/// Humidity ratio of saturated air (over water at t >= 0, over ice below).
double saturation_humidity_ratio(double t_c, double p_pa);
/// Specific enthalpy, J per kg dry air.
double enthalpy_j_per_kg(double t_c, double humidity_ratio);
/// Dry bulb (C) of air with enthalpy h and humidity ratio W (inverse of enthalpy_j_per_kg).
double dry_bulb_from_enthalpy(double h_j_per_kg, double humidity_ratio);
/// Dew point (C) for a vapour pressure (exact inverse of saturation_pressure_water_pa).
double dew_point_from_vapour_pressure(double e_pa);
/// Dew point (C) from dry bulb and relative humidity (0..1].
double dew_point(double t_c, double rh);
/// Relative humidity (0..1) of air at t_c with dew point td_c; 1 when td_c >= t_c.
double relative_humidity_from_dew_point(double t_c, double td_c);
/// Humidity ratio from dry bulb and thermodynamic wet bulb (ASHRAE eqs. 33/35).
double humidity_ratio_from_wet_bulb(double t_c, double t_wb_c, double p_pa);
/// Thermodynamic wet bulb (C) from dry bulb, relative humidity (0..1) and pressure: the t* at
/// which humidity_ratio_from_wet_bulb gives the air's humidity ratio, to about 1e-12 K. Where the
/// switch from the water to the ice formulas at t* = 0 C leaves two such t* (one just above 0 C,
/// one below), the warmer.
double wet_bulb(double t_c, double rh, double p_pa);
/// Air density, kg/m^3 (Lei & Masanet 2020).
double air_density_kg_per_m3(double p_pa, double t_c);
/// Standard atmospheric pressure at an elevation, Pa (ASHRAE 2017 ch. 1 eq. 3).
double pressure_at_elevation_pa(double elevation_m);

}  // namespace dcsim::models::psychro
