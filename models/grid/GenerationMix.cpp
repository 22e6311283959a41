#include "models/grid/GenerationMix.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include <fmt/format.h>

#include "models/grid/SolarPosition.hpp"

namespace dcsim::models {
namespace {

constexpr std::int64_t kMsPerHour = 3'600'000;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;
constexpr std::array<std::string_view, kSourceCount> kNames{"solar", "wind", "hydro", "nuclear", "gas",
                                                            "coal",  "oil",  "other", "imports"};

constexpr std::size_t col(Source s) { return static_cast<std::size_t>(s); }

/// Standard normal and uniform draws on std::mt19937_64, whose sequence the standard fixes;
/// the transforms are ours (std::normal_distribution's algorithm is implementation-defined).
class Noise {
 public:
  explicit Noise(std::uint64_t seed) : engine_(seed) {}
  /// Uniform on (0, 1]: the top 53 bits, plus one, times 2^-53.
  double uniform() { return (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53; }
  /// Box-Muller (one of the pair is used, which keeps the stream position simple).
  double normal() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::mt19937_64 engine_;
};

/// Standard normal CDF.
double phi(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

double available_w(const DispatchableSource& s, double doy) {
  return s.capacity_w * std::clamp(s.availability.at(doy), 0.0, 1.0);
}

const DispatchableSource* dispatchable(const MixRegion& r, Source s) {
  switch (s) {
    case Source::hydro: return &r.hydro;
    case Source::nuclear: return &r.nuclear;
    case Source::gas: return &r.gas;
    case Source::coal: return &r.coal;
    case Source::oil: return &r.oil;
    case Source::other: return &r.other;
    default: return nullptr;
  }
}

constexpr std::array<Source, 6> kDispatchable{Source::hydro, Source::nuclear, Source::gas,
                                              Source::coal,  Source::oil,     Source::other};

}  // namespace

std::string_view source_name(Source s) { return kNames[col(s)]; }

std::optional<Source> source_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kSourceCount; ++i)
    if (kNames[i] == name) return static_cast<Source>(i);
  return std::nullopt;
}

double SeasonalFactor::at(double day_of_year) const {
  return mean * (1.0 + amplitude * std::cos(2.0 * std::numbers::pi * (day_of_year - peak_day) / 365.25));
}

Eigen::VectorXd emission_factor_vector(const MixRegion& r) {
  Eigen::VectorXd ef(kSourceCount);
  ef[col(Source::solar)] = r.ef.solar;
  ef[col(Source::wind)] = r.ef.wind;
  ef[col(Source::hydro)] = r.ef.hydro;
  ef[col(Source::nuclear)] = r.ef.nuclear;
  ef[col(Source::gas)] = r.ef.gas;
  ef[col(Source::coal)] = r.ef.coal;
  ef[col(Source::oil)] = r.ef.oil;
  ef[col(Source::other)] = r.ef.other;
  ef[col(Source::imports)] = r.imports ? r.imports->intensity_kg_per_j : 0.0;
  return ef;
}

Eigen::VectorXd intensity_of(const Eigen::MatrixXd& g, const Eigen::VectorXd& ef) {
  const Eigen::VectorXd emitted = g * ef;                 // kg/s per hour row
  const Eigen::VectorXd total = g.rowwise().sum();        // W
  return (total.array() > 0.0).select(emitted.array() / total.array(), 0.0).matrix();
}

MixDispatch dispatch_mix(const MixRegion& r, std::int64_t start_utc_ms, std::size_t hours, std::uint64_t seed) {
  const auto n = static_cast<Eigen::Index>(hours);
  MixDispatch out;
  out.generation_w = Eigen::MatrixXd::Zero(n, static_cast<Eigen::Index>(kSourceCount));
  out.demand_w = Eigen::VectorXd::Zero(n);
  out.curtailed_w = Eigen::VectorXd::Zero(n);
  out.backstop_w = Eigen::VectorXd::Zero(n);

  // Independent streams, so that adding wind does not change the clouds.
  Noise cloud_noise(seed ^ 0x9E3779B97F4A7C15ULL);
  Noise wind_noise(seed ^ 0xC2B2AE3D27D4EB4FULL);

  const std::int64_t offset_ms = static_cast<std::int64_t>(std::llround(r.utc_offset_h * kMsPerHour));
  const double k_min = std::clamp(r.solar.clearness_min, 0.0, 1.0);
  const double k_mean = std::clamp(r.solar.clearness_mean, k_min + 1e-6, 1.0);
  const double q_cloud = (1.0 - k_min) / (k_mean - k_min) - 1.0;
  const double rho_d = std::clamp(r.solar.day_correlation, -0.999, 0.999);
  const double rho_w = std::clamp(r.wind.hour_correlation, -0.999, 0.999);

  std::int64_t cloud_day = 0;
  bool have_cloud = false;
  double z_cloud = 0.0, clearness = 1.0;
  double x_wind = wind_noise.normal();
  const double weekday_factor = (7.0 - 2.0 * r.demand.weekend_factor) / 5.0;

  const Source last_merit = r.merit_order.empty() ? Source::gas : r.merit_order.back();

  for (Eigen::Index t = 0; t < n; ++t) {
    const std::int64_t t0 = start_utc_ms + static_cast<std::int64_t>(t) * kMsPerHour;
    const std::int64_t tm = t0 + kMsPerHour / 2;
    const UtcDayHour utc = utc_day_hour(tm);
    const double doy = utc.day_of_year - 1 + utc.hour / 24.0;  // fractional, 0 at 1 Jan 00:00
    const UtcDayHour local = utc_day_hour(tm + offset_ms);

    // Demand.
    const bool weekend = local.weekday == 0 || local.weekday == 6;
    const double d = r.demand.mean_w *
                     (1.0 + r.demand.seasonal_amplitude *
                                std::cos(2.0 * std::numbers::pi * (doy + 1.0 - r.demand.peak_day) / 365.25)) *
                     (1.0 + r.demand.daily_amplitude *
                                std::cos(2.0 * std::numbers::pi * (local.hour - r.demand.peak_hour) / 24.0)) *
                     (weekend ? r.demand.weekend_factor : weekday_factor);

    // Solar: clear-sky factor x daily clearness (AR(1) per local day).
    const std::int64_t local_day = floor_div(tm + offset_ms, kMsPerDay);
    if (!have_cloud) {
      z_cloud = cloud_noise.normal();
      have_cloud = true;
      cloud_day = local_day;
      clearness = k_min + (1.0 - k_min) * std::pow(phi(z_cloud), q_cloud);
    }
    while (cloud_day < local_day) {
      z_cloud = rho_d * z_cloud + std::sqrt(1.0 - rho_d * rho_d) * cloud_noise.normal();
      ++cloud_day;
      clearness = k_min + (1.0 - k_min) * std::pow(phi(z_cloud), q_cloud);
    }
    const double sun = (r.solar.capacity_w > 0.0 || r.demand.rooftop_solar_w > 0.0)
                           ? clear_sky_factor(r.latitude_deg, r.longitude_deg, tm) * clearness
                           : 0.0;
    const double p_solar = r.solar.capacity_w * sun;
    out.demand_w[t] = std::max(0.0, d - r.demand.rooftop_solar_w * sun);

    // Wind: hourly AR(1) mapped through Phi to a uniform, then to [0,1] with the seasonal mean.
    if (t > 0) x_wind = rho_w * x_wind + std::sqrt(1.0 - rho_w * rho_w) * wind_noise.normal();
    const double m = std::clamp(r.wind.capacity_factor.at(doy + 1.0), 0.01, 0.99);
    const double p_wind = r.wind.capacity_w * std::pow(phi(x_wind), (1.0 - m) / m);

    // Must-run.
    std::array<double, kSourceCount> g{};
    std::array<double, kSourceCount> flex{};
    double must_run = 0.0;
    for (Source s : kDispatchable) {
      const DispatchableSource& src = *dispatchable(r, s);
      const double a = available_w(src, doy + 1.0);
      const double mr = std::clamp(src.must_run, 0.0, 1.0) * a;
      g[col(s)] = mr;
      flex[col(s)] = a - mr;
      must_run += mr;
    }
    if (r.imports) flex[col(Source::imports)] = std::max(0.0, r.imports->capacity_w);
    g[col(Source::solar)] = p_solar;
    g[col(Source::wind)] = p_wind;

    double residual = out.demand_w[t] - p_solar - p_wind - must_run;
    if (residual < 0.0) {
      // Surplus: curtail solar and wind together, then must-run output.
      double surplus = -residual;
      const double variable = p_solar + p_wind;
      const double cut_var = std::min(surplus, variable);
      if (variable > 0.0) {
        const double keep = (variable - cut_var) / variable;
        g[col(Source::solar)] *= keep;
        g[col(Source::wind)] *= keep;
      }
      surplus -= cut_var;
      if (surplus > 0.0 && must_run > 0.0) {
        const double keep = std::max(0.0, (must_run - surplus) / must_run);
        for (Source s : kDispatchable) g[col(s)] *= keep;
      }
      out.curtailed_w[t] = -residual;
      residual = 0.0;
    } else {
      for (Source s : r.merit_order) {
        if (residual <= 0.0) break;
        if (s == Source::imports && !r.imports) continue;
        const double take = std::min(residual, flex[col(s)]);
        g[col(s)] += take;
        residual -= take;
      }
      if (residual > 1e-9 * std::max(1.0, out.demand_w[t])) {
        const Source backstop = r.imports ? Source::imports : last_merit;
        g[col(backstop)] += residual;
        out.backstop_w[t] = residual;
        ++out.backstop_hours;
      }
    }
    for (std::size_t j = 0; j < kSourceCount; ++j) out.generation_w(t, static_cast<Eigen::Index>(j)) = g[j];
  }
  return out;
}

Eigen::MatrixXd generation_w(const MixRegion& region, std::int64_t start_utc_ms, std::size_t hours, std::uint64_t seed) {
  return dispatch_mix(region, start_utc_ms, hours, seed).generation_w;
}

IntensityTrace generate_mix(const MixRegion& region, std::int64_t start_utc_ms, std::size_t hours, std::uint64_t seed) {
  const MixDispatch mix = dispatch_mix(region, start_utc_ms, hours, seed);
  const Eigen::VectorXd intensity = intensity_of(mix.generation_w, emission_factor_vector(region));
  const Eigen::VectorXd total = mix.generation_w.rowwise().sum();
  const Eigen::VectorXd carbon_free = mix.generation_w.col(col(Source::solar)) + mix.generation_w.col(col(Source::wind)) +
                                      mix.generation_w.col(col(Source::hydro)) +
                                      mix.generation_w.col(col(Source::nuclear));

  IntensityTrace trace;
  trace.step_ms = kMsPerHour;
  trace.utc_ms.resize(hours);
  trace.intensity_kg_per_j.resize(hours);
  trace.cfe_share.resize(hours);
  for (std::size_t i = 0; i < hours; ++i) {
    const auto t = static_cast<Eigen::Index>(i);
    trace.utc_ms[i] = start_utc_ms + static_cast<std::int64_t>(i) * kMsPerHour;
    trace.intensity_kg_per_j[i] = intensity[t];
    trace.cfe_share[i] = total[t] > 0.0 ? carbon_free[t] / total[t] : 0.0;
  }
  trace.description = fmt::format("generation-mix model {} (seed {}; {} h of demand beyond the merit order)",
                                  region.name.empty() ? std::string("region") : region.name, seed,
                                  mix.backstop_hours);
  return trace;
}

}  // namespace dcsim::models
