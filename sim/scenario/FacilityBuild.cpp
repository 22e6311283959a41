#include "sim/scenario/FacilityBuild.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "models/Memo.hpp"
#include "models/power/LossModel.hpp"
#include "models/units/Calendar.hpp"
#include "sim/SpareCore.hpp"
#include "sim/input/EpwReader.hpp"
#include "sim/scenario/Catalog.hpp"
#include "sim/scenario/DataDir.hpp"
#include "sim/scenario/ClimateSpec.hpp"
#include "sim/scenario/FacilitySpec.hpp"

namespace dcsim::scenario {
namespace {

namespace fs = std::filesystem;

// A site's weather, by what makes it: the same for every variant of a sweep that does not vary
// the site, the year or the seed, so made once (a year of synthetic weather is ~3 ms, more than
// a short run). The feeds are immutable once made and safe to read from several threads. A key
// is empty when its file cannot be examined: then nothing is kept.
MemoTable<std::shared_ptr<const models::WeatherFeed>>& weather_memo() {
  static MemoTable<std::shared_ptr<const models::WeatherFeed>> memo(8);  // a year of hours is ~0.35 MB
  return memo;
}

models::CoolingParams cooling_params(const FacilityPresetSpec& p) {
  // Ideal: the heat leaves at no cost (an overhead of PUE 1 exactly): a bound, and the facility
  // of benchmarks that need the physical path without its losses.
  if (p.cooling == "ideal") return models::FixedPueParams{1.0};
  // The tree gives UPS and distribution losses; the plant must not count them again.
  models::ElectricalParams electrical;
  electrical.ups_efficiency = 1.0;
  electrical.pd_loss_rate = 0.0;
  if (p.lighting_fraction) electrical.lighting_fraction = *p.lighting_fraction;
  const auto common = [&](auto& c) {
    c.electrical = electrical;
    if (p.pcop) c.pcop = *p.pcop;
    if (p.chiller_part_load) c.chiller_part_load = *p.chiller_part_load;
    if (p.crah_fan_dp_pa) c.crah_fan_dp_pa = *p.crah_fan_dp_pa;
    if (p.crah_fan_efficiency) c.crah_fan_efficiency = *p.crah_fan_efficiency;
  };
  if (p.cooling == "airside_economiser") {
    models::AirsideEconomiserParams c;
    common(c);
    return c;
  }
  models::ChilledWaterParams cw;
  common(cw);
  if (p.supply_air_c) cw.supply_air_c = *p.supply_air_c;
  // Without an economiser the heat exchanger never carries load: an unreachable approach.
  if (!p.economiser) cw.hx_approach_k = 1e3;
  if (p.cooling == "direct_liquid") {
    models::DirectLiquidParams d;
    d.electrical = electrical;
    d.air_side = cw;
    return d;
  }
  return cw;
}

}  // namespace

void resolve_facility_paths(FacilitySpec& f, const std::string& prefix, const SourceMap& sources) {
  if (f.preset.empty()) return;
  if (f.catalog.empty()) f.catalog = (catalog_dir() / "facilities.yaml").string();
  else resolve_relative(f.catalog, prefix + ".catalog", sources);
  if (!f.site.empty()) {
    if (f.sites_catalog.empty()) f.sites_catalog = (catalog_dir() / "sites.yaml").string();
    else resolve_relative(f.sites_catalog, prefix + ".sites_catalog", sources);
  }
  if (f.weather) resolve_relative(f.weather->file, prefix + ".weather.file", sources);
}

PhysicalFacilitySetup build_facility(const FacilitySpec& f, const std::string& prefix, const ScenarioSpec& spec,
                                     std::int64_t cluster_chips, double cluster_max_w_per_chip) {
  const FacilityPresetSpec p =
      load_catalog_entry<FacilityPresetSpec>(f.catalog, "facilities", f.preset, prefix + ".preset", "facility", "catalog");

  PhysicalFacilitySetup out;
  out.preset = f.preset;
  out.accelerators_per_rack = static_cast<int>(p.accelerators_per_rack);
  out.switch_power_w = p.switch_power_w;
  out.rack_cap_w = p.rack_cap_w.value_or(0.0);
  // Sized for the site's cluster, or else for every job running at once.
  std::int64_t chips = cluster_chips;
  double all_it_w = static_cast<double>(cluster_chips) * cluster_max_w_per_chip;
  if (cluster_chips == 0)
    for (const JobSpec& j : spec.jobs) {
      chips += j.chips + j.spares;
      const AcceleratorSpec& a = spec.accelerators.at(j.accelerator);
      all_it_w += static_cast<double>(j.chips) * j.system_power_per_chip_w.value_or(a.system_power_w.value_or(0.0));
    }
  const auto racks = static_cast<int>(
      f.racks.value_or(std::max<std::int64_t>(1, (chips + p.accelerators_per_rack - 1) / p.accelerators_per_rack)));
  out.design_it_w = f.design_it_w.value_or(all_it_w);

  models::HallDesign hall = models::default_hall_design(racks, p.rack_rating_w);
  hall.racks_per_pdu = static_cast<int>(p.racks_per_pdu);
  hall.psu = p.psu == "lossless" ? models::LossModel::lossless() : *models::eighty_plus_psu(p.psu, "230v_redundant", 0.0);
  hall.ups_redundancy = *models::redundancy_from_name(p.ups_redundancy);
  if (p.ups_no_load || p.ups_proportional || p.ups_square_law) {
    const models::LossModel d = models::default_ups(0.0);
    hall.ups = models::LossModel::coefficients(0.0, p.ups_no_load.value_or(d.no_load),
                                               p.ups_proportional.value_or(d.proportional),
                                               p.ups_square_law.value_or(d.square_law));
  }
  if (p.pdu_proportional) hall.pdu = models::LossModel::coefficients(0.0, 0.0, *p.pdu_proportional, 0.0);
  if (p.transformer_no_load || p.transformer_square_law) {
    const models::LossModel d = models::default_transformer(0.0);
    hall.transformer = models::LossModel::coefficients(0.0, p.transformer_no_load.value_or(d.no_load), d.proportional,
                                                       p.transformer_square_law.value_or(d.square_law));
  }
  out.hall = hall;
  out.cooling = cooling_params(p);

  const int year = units::utc_year(spec.start_ms);
  if (f.weather) {
    const std::string file = file_identity(f.weather->file);
    out.weather = weather_memo().get_or_make(file.empty() ? file : fmt::format("epw|{}|{}", file, year), [&] {
      return std::make_shared<const models::WeatherFeed>(input::read_epw(f.weather->file, year));
    });
  } else {
    const SiteClimateSpec site =
        load_catalog_entry<SiteClimateSpec>(f.sites_catalog, "sites", f.site, prefix + ".site", "site", "site catalog");
    const std::int64_t from = units::start_of_year_ms(year);
    const auto hours = static_cast<std::size_t>((units::start_of_year_ms(year + 1) - from) / 3'600'000);
    const std::string catalog = file_identity(f.sites_catalog);
    // Made ahead on a thread of its own when the cooling reads it; else only if a run records it
    // (Simulation asks for that, WeatherFeed::make_ahead), so a run of such a hall that prints
    // its totals makes none.
    const bool ahead = sim::spare_core() && models::cooling_reads_weather(out.cooling);
    out.weather = weather_memo().get_or_make(catalog.empty() ? catalog : fmt::format("site|{}|{}|{}|{}|{}", catalog, f.site, from, hours, spec.seed), [&] {
      return std::make_shared<const models::WeatherFeed>(site.to_model(), from, hours, static_cast<std::uint64_t>(spec.seed),
                                                         ahead);
    });
  }
  return out;
}

}  // namespace dcsim::scenario
