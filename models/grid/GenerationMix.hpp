#pragma once
// The generation-mix grid model: hourly generation by source for a region, dispatched to meet
// demand, and the carbon intensity that mix implies.
//
// Scope: one balancing region as a single bus (no transmission limits inside it), hourly steps.
// It produces a plausible intensity trace (annual mean, diurnal and seasonal shape) where no
// measured trace exists or where counterfactual mixes are wanted; it is not a unit-commitment or
// market model. Pure: no files, no events; deterministic for a seed.
//
// Equations, for hour t with UTC start t0 and mid-hour tm = t0 + 30 min (doy = day of year,
// h = local standard hour = UTC hour + utc_offset, S(doy; m, a, p) = m (1 + a cos(2 pi (doy - p) / 365.25))):
//   demand     D(t)  = D_mean x (1 + a_s cos(2 pi (doy - p_s)/365.25)) x (1 + a_d cos(2 pi (h - h_peak)/24)) x W(t)
//              W = weekend_factor on local Saturday/Sunday, (7 - 2 weekend_factor)/5 on weekdays (mean 1);
//              grid demand = max(0, D - C_roof x max(0, sin elev(tm)) x k(day)) (behind-the-meter PV).
//   solar      P_s(t) = C_s x max(0, sin elev(tm)) x k(day)        (elev: SolarPosition.hpp, NOAA/Spencer 1971)
//              k(day) = k_min + (1 - k_min) Phi(z_d)^q, z_d = r_d z_{d-1} + sqrt(1 - r_d^2) e_d   (daily AR(1))
//              q = (1 - k_min)/(k_mean - k_min) - 1, so that E[k] = k_mean (Phi(z) is uniform on [0,1]).
//   wind       P_w(t) = C_w x Phi(x_t)^((1 - m)/m), m = S(doy; cf_mean, a_w, p_w),
//              x_t = r_w x_{t-1} + sqrt(1 - r_w^2) e_t   (hourly AR(1), r_w ~ 0.97), so E[P_w/C_w] = m.
//   hydro, nuclear, gas, coal, oil, other (biomass / geothermal): available A_j(t) = C_j x S(doy; avail_j, a_j, p_j),
//              clamped to [0, 1] x C_j; must-run part M_j = must_run_j x A_j; flexible part A_j - M_j.
//   imports    optional source of constant intensity, flexible part = import capacity.
//   dispatch   R = D - P_s - P_w - sum_j M_j. If R < 0 the surplus is curtailed: solar and wind
//              are scaled down together first, then the must-run parts (proportionally); the
//              curtailed power is recorded. If R > 0 the flexible parts are taken in merit
//              order (cheapest first, a parameter) until R is met. Demand still unmet after the
//              whole merit order is served by imports when the region has them, otherwise by the
//              last merit-order source beyond its capacity; either way it is recorded as backstop.
//   intensity  I(t) = (G(t,:) . ef) / sum(G(t,:)) with G the hours x sources generation matrix
//              (Eigen); CFE share = (solar + wind + hydro + nuclear) / sum(G) (imports count as not
//              carbon-free).
//   Phi(x) = erfc(-x / sqrt 2) / 2; e ~ N(0,1) by Box-Muller on std::mt19937_64 (whose output the
//   C++ standard fixes) with our own 53-bit uniform transform, so traces match across platforms
//   up to libm rounding.
//
// Parameters (SI): capacities in W; availability / capacity-factor means, seasonal amplitudes,
// must-run fractions, clearness as fractions; peak days as day of year; latitude / longitude in
// degrees; UTC offset in hours (standard time); emission factors in kg/J, defaulting to the
// IPCC AR5 WG3 Annex III (2014) lifecycle medians (Table A.III.2), as Electricity Maps'
// config/defaults.yaml also uses them: coal 820, gas 490, biomass 230, solar 48 (utility PV),
// hydro 24, nuclear 12, wind 11 (onshore) g/kWh; oil 650 g/kWh is Electricity Maps' default
// (citing UK POST), AR5 gives none (reference/facts.md section 4.1).
// Outputs: an IntensityTrace of `hours` hourly samples from start_utc_ms (kg/J and CFE share);
// the generation matrix (hours x kSourceCount, W); demand, curtailment and backstop per hour.
// Validation: tests/models/test_generation_mix.cpp: first-principles unit tests, and the
// scenarios/catalog/grid-mix.yaml regions against Electricity Maps 2021-23 annual means and
// diurnal / seasonal shapes (reference/facts.md sections 4.2, 4.3).
// Limitations: no storage, no ramping or start-up limits, no transmission, no price model; the
// merit order is fixed (it does not move with fuel prices); hydro is an availability profile,
// not an energy-limited reservoir; imports have one constant intensity; no daylight-saving time
// (local shapes use standard time); solar is a horizontal clear-sky factor times a daily
// clearness (no hourly clouds, no tracking); wind has no diurnal cycle; demand has no weather
// response beyond its seasonal term and no random component.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "models/grid/IntensityTrace.hpp"

namespace dcsim::models {

/// Columns of the generation matrix.
enum class Source : std::size_t { solar, wind, hydro, nuclear, gas, coal, oil, other, imports };
inline constexpr std::size_t kSourceCount = 9;

/// "solar", "wind", ..., "imports".
std::string_view source_name(Source s);
/// The source of a name, or nullopt.
std::optional<Source> source_from_name(std::string_view name);

inline constexpr double kGPerKWh = 1e-3 / 3.6e6;  ///< 1 g/kWh in kg/J

/// Lifecycle emission factors, kg CO2e / J.
struct EmissionFactors {
  double solar = 48 * kGPerKWh;    ///< IPCC AR5 WG3 Annex III Table A.III.2 median, utility PV
  double wind = 11 * kGPerKWh;     ///< IPCC AR5 median, onshore
  double hydro = 24 * kGPerKWh;    ///< IPCC AR5 median
  double nuclear = 12 * kGPerKWh;  ///< IPCC AR5 median
  double gas = 490 * kGPerKWh;     ///< IPCC AR5 median, combined cycle
  double coal = 820 * kGPerKWh;    ///< IPCC AR5 median, pulverised coal
  double oil = 650 * kGPerKWh;     ///< Electricity Maps config/defaults.yaml (UK POST); not in AR5
  double other = 230 * kGPerKWh;   ///< IPCC AR5 median, dedicated biomass
};

/// m (1 + a cos(2 pi (doy - p) / 365.25)): a yearly cycle around a mean.
struct SeasonalFactor {
  double mean = 1.0;
  double amplitude = 0.0;  ///< fraction of the mean
  double peak_day = 1.0;   ///< day of year of the maximum
  double at(double day_of_year) const;
};

/// A source whose output is set by availability and dispatch (hydro, nuclear, fossil, other).
struct DispatchableSource {
  double capacity_w = 0.0;
  SeasonalFactor availability{0.9, 0.0, 1.0};  ///< available fraction of capacity
  double must_run = 0.0;                        ///< fraction of the available output that always runs
};

struct SolarParams {
  double capacity_w = 0.0;
  double clearness_mean = 0.7;    ///< mean daily clearness (output / clear-sky output)
  double clearness_min = 0.3;     ///< clearness on the darkest day
  double day_correlation = 0.6;   ///< lag-1 correlation of daily clearness
};

struct WindParams {
  double capacity_w = 0.0;
  SeasonalFactor capacity_factor{0.3, 0.0, 1.0};  ///< mean output / capacity through the year
  double hour_correlation = 0.97;                 ///< lag-1 correlation of the hourly AR(1) process
};

struct DemandParams {
  double mean_w = 0.0;
  double daily_amplitude = 0.0;     ///< fraction of the mean
  double peak_hour = 18.0;          ///< local standard time
  double weekend_factor = 1.0;      ///< Saturday / Sunday demand relative to the weekly mean
  double seasonal_amplitude = 0.0;  ///< fraction of the mean
  double peak_day = 1.0;            ///< day of year of the seasonal maximum
  double rooftop_solar_w = 0.0;     ///< behind-the-meter PV netted off demand (grid demand as EIA-930 measures it)
};

struct ImportParams {
  double intensity_kg_per_j = 0.0;  ///< constant intensity of imported energy
  double capacity_w = 0.0;          ///< imports dispatched in merit order; unmet demand beyond the merit order comes on top
};

struct MixRegion {
  std::string name;
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;
  double utc_offset_h = 0.0;  ///< local standard time minus UTC, hours
  DemandParams demand;
  SolarParams solar;
  WindParams wind;
  DispatchableSource hydro, nuclear, gas, coal, oil, other;
  std::optional<ImportParams> imports;
  /// Flexible sources, cheapest first. Sources not listed run at their must-run level only.
  std::vector<Source> merit_order{Source::hydro, Source::nuclear, Source::other, Source::coal,
                                  Source::gas,   Source::imports, Source::oil};
  EmissionFactors ef;
};

/// Everything one run of the dispatch produces, per hour.
struct MixDispatch {
  Eigen::MatrixXd generation_w;  ///< hours x kSourceCount, columns in Source order
  Eigen::VectorXd demand_w;
  Eigen::VectorXd curtailed_w;   ///< renewable / must-run output discarded as surplus
  Eigen::VectorXd backstop_w;    ///< demand left after the merit order, served by imports or beyond capacity
  std::size_t backstop_hours = 0;
};

/// Emission factors as a column vector in Source order (imports: their intensity, or 0).
Eigen::VectorXd emission_factor_vector(const MixRegion& region);

/// (G ef) ./ rowsum(G); rows with no generation give 0.
Eigen::VectorXd intensity_of(const Eigen::MatrixXd& generation_w, const Eigen::VectorXd& ef_kg_per_j);

MixDispatch dispatch_mix(const MixRegion& region, std::int64_t start_utc_ms, std::size_t hours, std::uint64_t seed);

/// Hourly generation by source (hours x kSourceCount, W).
Eigen::MatrixXd generation_w(const MixRegion& region, std::int64_t start_utc_ms, std::size_t hours, std::uint64_t seed);

/// Hourly intensity (and CFE share) of the dispatched mix.
IntensityTrace generate_mix(const MixRegion& region, std::int64_t start_utc_ms, std::size_t hours, std::uint64_t seed);

}  // namespace dcsim::models
