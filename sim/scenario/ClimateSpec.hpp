#pragma once
// The site-climate catalog (scenarios/catalog/sites.yaml, root key `sites`): one SiteClimateSpec
// per site, each field declared once in its describe(), and the models::SiteClimate it builds.
//
// Monthly normals are written as a mapping of twelve plain numbers, `{jan: .., feb: .., ..., dec: ..}`:
// dry bulb and diurnal range in degrees C / K, relative humidity in percent (as normals are
// published). `diurnal_range_all` gives one range for every month instead of `diurnal_range`.

#include <array>
#include <optional>
#include <string>

#include "models/climate/Climate.hpp"
#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {

struct MonthlySpec {
  std::array<double, 12> values{};
};

template <class V>
void describe(V& v, MonthlySpec& s) {
  static constexpr const char* kMonths[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                              "jul", "aug", "sep", "oct", "nov", "dec"};
  for (std::size_t m = 0; m < 12; ++m)
    v.field(kMonths[m], Need::required, "monthly value", s.values[m], NumberKind{Range::between(-90.0, 100.0)});
}

struct SiteClimateSpec {
  std::string name;
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;
  double utc_offset_s = 0.0;
  double elevation_m = 0.0;
  MonthlySpec dry_bulb_c;
  std::optional<MonthlySpec> diurnal_range_k;
  std::optional<double> diurnal_range_all_k;
  MonthlySpec relative_humidity_pct;
  std::optional<double> noise_sd_k;
  std::optional<double> noise_autocorrelation;
  std::string source;

  models::SiteClimate to_model() const {
    models::SiteClimate c;
    c.name = name;
    c.latitude_deg = latitude_deg;
    c.longitude_deg = longitude_deg;
    c.utc_offset_h = utc_offset_s / 3600.0;
    c.elevation_m = elevation_m;
    c.dry_bulb_c = dry_bulb_c.values;
    for (std::size_t m = 0; m < 12; ++m) {
      c.diurnal_range_c[m] = diurnal_range_k ? diurnal_range_k->values[m] : diurnal_range_all_k.value_or(8.0);
      c.relative_humidity[m] = relative_humidity_pct.values[m] / 100.0;
    }
    if (noise_sd_k) c.noise_sd_c = *noise_sd_k;
    if (noise_autocorrelation) c.noise_autocorrelation = *noise_autocorrelation;
    return c;
  }
};

template <class V>
void describe(V& v, SiteClimateSpec& s) {
  v.field("name", Need::required, "site name", s.name, TextKind{});
  v.field("latitude", Need::required, "degrees north", s.latitude_deg, NumberKind{Range::between(-90.0, 90.0)});
  v.field("longitude", Need::required, "degrees east", s.longitude_deg, NumberKind{Range::between(-180.0, 180.0)});
  v.field("utc_offset", Need::required, "local standard time minus UTC, e.g. '-6 h'", s.utc_offset_s,
          QuantityKind{Dimension::time, Range::between(-12.0 * 3600.0, 14.0 * 3600.0)});
  v.field("elevation", Need::optional, "metres above sea level", s.elevation_m, NumberKind{Range::between(-500.0, 6000.0)});
  v.field("dry_bulb", Need::required, "monthly mean dry-bulb temperature, C {jan: .., ..., dec: ..}", s.dry_bulb_c,
          ObjectKind{});
  v.field("diurnal_range", Need::optional, "monthly mean daily max - min, K; default diurnal_range_all",
          s.diurnal_range_k, ObjectKind{});
  v.field("diurnal_range_all", Need::optional, "one daily range for every month, K; default 8",
          s.diurnal_range_all_k, NumberKind{Range::between(0.0, 30.0)});
  v.field("relative_humidity", Need::required, "monthly mean relative humidity, %", s.relative_humidity_pct,
          ObjectKind{});
  v.field("noise_sd", Need::optional, "sd of hourly dry-bulb anomalies, K; default 2.5", s.noise_sd_k,
          NumberKind{Range::between(0.0, 10.0)});
  v.field("noise_autocorrelation", Need::optional, "lag-1 hourly correlation of anomalies; default 0.97",
          s.noise_autocorrelation, NumberKind{Range::between(0.0, 0.9999)});
  v.field("source", Need::required, "the climate normals' source (station, period, publisher)", s.source, TextKind{});
}

}  // namespace dcsim::scenario
