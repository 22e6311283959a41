#pragma once
// The generation-mix catalog (scenarios/catalog/grid-mix.yaml): one MixRegionSpec per region,
// each field declared once in its describe(), and the models::MixRegion it builds.
//
// Capacities are powers ("2.5 GW"), shares and factors plain numbers, days of year numbers
// 1..366, emission factors carbon intensities ("820 g/kWh", default IPCC AR5 medians, see
// models/grid/GenerationMix.hpp). A source a region does not have is left out.

#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/InputError.hpp"
#include "models/grid/GenerationMix.hpp"
#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {

inline constexpr Range kCapacityRange = Range::between(0.0, 10e12);  // <= 10 TW
inline constexpr Range kShareRange = Range::between(0.0, 1.0);
inline constexpr Range kDayRange = Range::between(1.0, 366.0);

struct MixSolarSpec {
  double capacity_w = 0.0;
  double clearness_mean = 0.7;
  double clearness_min = 0.3;
  double day_correlation = 0.6;
  std::optional<double> intensity_kg_per_j;
  std::string source;
};

template <class V>
void describe(V& v, MixSolarSpec& s) {
  v.field("capacity", Need::required, "installed solar capacity (AC)", s.capacity_w,
          QuantityKind{Dimension::power, kCapacityRange});
  v.field("clearness_mean", Need::optional, "mean daily clearness: output / clear-sky output", s.clearness_mean,
          NumberKind{Range::between(0.01, 1.0)});
  v.field("clearness_min", Need::optional, "clearness of the darkest day", s.clearness_min,
          NumberKind{Range::between(0.0, 0.99)});
  v.field("day_correlation", Need::optional, "lag-1 correlation of daily clearness (AR(1))", s.day_correlation,
          NumberKind{Range::between(0.0, 0.999)});
  v.field("intensity", Need::optional, "lifecycle emission factor; default 48 g/kWh (IPCC AR5 median)",
          s.intensity_kg_per_j, QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("source", Need::optional, "where the figures come from", s.source, TextKind{});
}

struct MixWindSpec {
  double capacity_w = 0.0;
  double capacity_factor = 0.3;
  double seasonal_amplitude = 0.0;
  double peak_day = 1.0;
  double hour_correlation = 0.97;
  std::optional<double> intensity_kg_per_j;
  std::string source;
};

template <class V>
void describe(V& v, MixWindSpec& s) {
  v.field("capacity", Need::required, "installed wind capacity", s.capacity_w,
          QuantityKind{Dimension::power, kCapacityRange});
  v.field("capacity_factor", Need::required, "annual mean output / capacity", s.capacity_factor,
          NumberKind{Range::between(0.01, 0.99)});
  v.field("seasonal_amplitude", Need::optional, "seasonal swing of the capacity factor, fraction of its mean",
          s.seasonal_amplitude, NumberKind{kShareRange});
  v.field("peak_day", Need::optional, "day of year of the windiest season", s.peak_day, NumberKind{kDayRange});
  v.field("hour_correlation", Need::optional, "lag-1 correlation of the hourly AR(1) wind process",
          s.hour_correlation, NumberKind{Range::between(0.0, 0.999)});
  v.field("intensity", Need::optional, "lifecycle emission factor; default 11 g/kWh (IPCC AR5 median)",
          s.intensity_kg_per_j, QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("source", Need::optional, "where the figures come from", s.source, TextKind{});
}

/// Hydro, nuclear, gas, coal, oil, other (biomass, geothermal, waste).
struct MixPlantSpec {
  double capacity_w = 0.0;
  double availability = 0.9;
  double seasonal_amplitude = 0.0;
  double peak_day = 1.0;
  double must_run = 0.0;
  std::optional<double> intensity_kg_per_j;
  std::string source;
};

template <class V>
void describe(V& v, MixPlantSpec& s) {
  v.field("capacity", Need::required, "installed capacity", s.capacity_w,
          QuantityKind{Dimension::power, kCapacityRange});
  v.field("availability", Need::optional, "mean available fraction of capacity", s.availability,
          NumberKind{kShareRange});
  v.field("seasonal_amplitude", Need::optional, "seasonal swing of availability, fraction of its mean",
          s.seasonal_amplitude, NumberKind{kShareRange});
  v.field("peak_day", Need::optional, "day of year of the highest availability", s.peak_day,
          NumberKind{kDayRange});
  v.field("must_run", Need::optional, "fraction of the available output that runs whatever the demand",
          s.must_run, NumberKind{kShareRange});
  v.field("intensity", Need::optional, "lifecycle emission factor; default: the IPCC AR5 median of the source",
          s.intensity_kg_per_j, QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("source", Need::optional, "where the figures come from", s.source, TextKind{});
}

struct MixDemandSpec {
  double mean_w = 0.0;
  double daily_amplitude = 0.0;
  double peak_hour = 18.0;
  double weekend_factor = 1.0;
  double seasonal_amplitude = 0.0;
  double peak_day = 1.0;
  double rooftop_solar_w = 0.0;
  std::string source;
};

template <class V>
void describe(V& v, MixDemandSpec& s) {
  v.field("mean", Need::required, "annual mean consumption (load served, incl. imports)", s.mean_w,
          QuantityKind{Dimension::power, Range::positive(10e12)});
  v.field("daily_amplitude", Need::optional, "daily swing, fraction of the mean", s.daily_amplitude,
          NumberKind{kShareRange});
  v.field("peak_hour", Need::optional, "hour of the daily peak, local standard time", s.peak_hour,
          NumberKind{Range::between(0.0, 24.0)});
  v.field("weekend_factor", Need::optional, "Saturday and Sunday demand relative to the weekly mean",
          s.weekend_factor, NumberKind{Range::between(0.5, 1.2)});
  v.field("seasonal_amplitude", Need::optional, "seasonal swing, fraction of the mean", s.seasonal_amplitude,
          NumberKind{kShareRange});
  v.field("peak_day", Need::optional, "day of year of the seasonal peak", s.peak_day, NumberKind{kDayRange});
  v.field("rooftop_solar", Need::optional,
          "behind-the-meter PV capacity netted off demand (mean is then the gross consumption)", s.rooftop_solar_w,
          QuantityKind{Dimension::power, kCapacityRange});
  v.field("source", Need::optional, "where the figures come from", s.source, TextKind{});
}

struct MixImportSpec {
  double intensity_kg_per_j = 0.0;
  double capacity_w = 0.0;
  std::string source;
};

template <class V>
void describe(V& v, MixImportSpec& s) {
  v.field("intensity", Need::required, "constant intensity of imported energy", s.intensity_kg_per_j,
          QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("capacity", Need::optional,
          "imports taken in merit order; demand the merit order cannot meet is imported on top", s.capacity_w,
          QuantityKind{Dimension::power, kCapacityRange});
  v.field("source", Need::optional, "where the figures come from", s.source, TextKind{});
}

struct MixRegionSpec {
  std::string name;
  std::string source;
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;
  double utc_offset_s = 0.0;
  MixDemandSpec demand;
  std::optional<MixSolarSpec> solar;
  std::optional<MixWindSpec> wind;
  std::optional<MixPlantSpec> hydro, nuclear, gas, coal, oil, other;
  std::optional<MixImportSpec> imports;
  std::string merit_order = "hydro nuclear other coal gas imports oil";
};

template <class V>
void describe(V& v, MixRegionSpec& s) {
  v.field("name", Need::optional, "display name, e.g. 'California (CAISO)'", s.name, TextKind{});
  v.field("source", Need::required, "where the region's figures come from", s.source, TextKind{});
  v.field("latitude", Need::required, "degrees north of a representative point (solar geometry)", s.latitude_deg,
          NumberKind{Range::between(-90.0, 90.0)});
  v.field("longitude", Need::required, "degrees east of that point", s.longitude_deg,
          NumberKind{Range::between(-180.0, 180.0)});
  v.field("utc_offset", Need::required, "local standard time minus UTC, e.g. '-8 h' (no daylight saving)",
          s.utc_offset_s, QuantityKind{Dimension::time, Range::between(-14.0 * 3600.0, 14.0 * 3600.0)});
  v.field("demand", Need::required, "load to be served", s.demand, ObjectKind{});
  v.field("solar", Need::optional, "solar photovoltaics", s.solar, ObjectKind{});
  v.field("wind", Need::optional, "wind power", s.wind, ObjectKind{});
  v.field("hydro", Need::optional, "hydropower (must-run share is run-of-river)", s.hydro, ObjectKind{});
  v.field("nuclear", Need::optional, "nuclear power", s.nuclear, ObjectKind{});
  v.field("gas", Need::optional, "natural gas", s.gas, ObjectKind{});
  v.field("coal", Need::optional, "coal and lignite", s.coal, ObjectKind{});
  v.field("oil", Need::optional, "oil and diesel", s.oil, ObjectKind{});
  v.field("other", Need::optional, "biomass, geothermal, waste and other", s.other, ObjectKind{});
  v.field("imports", Need::optional, "imported energy of constant intensity", s.imports, ObjectKind{});
  v.field("merit_order", Need::optional,
          "flexible sources cheapest first, names separated by spaces, commas or '<' "
          "(hydro nuclear other coal gas imports oil); unlisted sources run at must-run only",
          s.merit_order, TextKind{});
}

/// The model a catalog entry describes. Throws dcsim::InputError on an unknown merit-order name.
inline models::MixRegion to_model(const MixRegionSpec& s) {
  models::MixRegion r;
  r.name = s.name;
  r.latitude_deg = s.latitude_deg;
  r.longitude_deg = s.longitude_deg;
  r.utc_offset_h = s.utc_offset_s / 3600.0;
  r.demand = {s.demand.mean_w,        s.demand.daily_amplitude,    s.demand.peak_hour,
              s.demand.weekend_factor, s.demand.seasonal_amplitude, s.demand.peak_day, s.demand.rooftop_solar_w};
  if (s.solar) {
    r.solar = {s.solar->capacity_w, s.solar->clearness_mean, s.solar->clearness_min, s.solar->day_correlation};
    if (s.solar->intensity_kg_per_j) r.ef.solar = *s.solar->intensity_kg_per_j;
  }
  if (s.wind) {
    r.wind.capacity_w = s.wind->capacity_w;
    r.wind.capacity_factor = {s.wind->capacity_factor, s.wind->seasonal_amplitude, s.wind->peak_day};
    r.wind.hour_correlation = s.wind->hour_correlation;
    if (s.wind->intensity_kg_per_j) r.ef.wind = *s.wind->intensity_kg_per_j;
  }
  const auto plant = [](const std::optional<MixPlantSpec>& p, models::DispatchableSource& out, double& ef) {
    if (!p) return;
    out.capacity_w = p->capacity_w;
    out.availability = {p->availability, p->seasonal_amplitude, p->peak_day};
    out.must_run = p->must_run;
    if (p->intensity_kg_per_j) ef = *p->intensity_kg_per_j;
  };
  plant(s.hydro, r.hydro, r.ef.hydro);
  plant(s.nuclear, r.nuclear, r.ef.nuclear);
  plant(s.gas, r.gas, r.ef.gas);
  plant(s.coal, r.coal, r.ef.coal);
  plant(s.oil, r.oil, r.ef.oil);
  plant(s.other, r.other, r.ef.other);
  if (s.imports) r.imports = models::ImportParams{s.imports->intensity_kg_per_j, s.imports->capacity_w};

  r.merit_order.clear();
  std::string word;
  const auto flush = [&] {
    if (word.empty()) return;
    const auto src = models::source_from_name(word);
    if (!src || *src == models::Source::solar || *src == models::Source::wind)
      throw InputError(Location{}, "merit_order",
                       fmt::format("'{}' is not a dispatchable source (hydro, nuclear, gas, coal, oil, other, imports)",
                                   word));
    r.merit_order.push_back(*src);
    word.clear();
  };
  for (const char c : s.merit_order) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '<') flush();
    else word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  flush();
  return r;
}

}  // namespace dcsim::scenario
