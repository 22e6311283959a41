#pragma once
// The run output contract (DESIGN.md "Output contract"): names, units and record types of what
// a run writes to HDF5 and what `report`, `reproduce` and users' scripts read back.
//
//   /                 attributes format_version, dcsim_version, scenario_name, scenario_yaml, seed,
//                     start_time
//   /summary          attributes it_energy_mwh ... embodied_co2e_t (Summary below)
//   /timeseries/<col> one float64 dataset per column, one row per sample interval (kColumns)
//   /jobs             compound table, one row per job (JobRow)

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dcsim::analysis {

inline constexpr std::int64_t kFormatVersion = 1;

/// Whole-run totals, the /summary attributes.
struct Summary {
  double it_energy_mwh = 0.0;
  double facility_energy_mwh = 0.0;
  double pue = 0.0;  ///< facility energy / IT energy over the run
  double co2e_gross_t = 0.0;
  double co2e_net_t = 0.0;
  double makespan_h = 0.0;       ///< from the scenario start to the end of the last job
  double embodied_co2e_t = 0.0;  ///< manufacturing share; 0 until an embodied model is configured
};

struct SummaryField {
  std::string_view name;
  std::string_view units;
  double Summary::*member;
};
inline constexpr std::array<SummaryField, 7> kSummaryFields{{
    {"it_energy_mwh", "MWh", &Summary::it_energy_mwh},
    {"facility_energy_mwh", "MWh", &Summary::facility_energy_mwh},
    {"pue", "1", &Summary::pue},
    {"co2e_gross_t", "t CO2e", &Summary::co2e_gross_t},
    {"co2e_net_t", "t CO2e", &Summary::co2e_net_t},
    {"makespan_h", "h", &Summary::makespan_h},
    {"embodied_co2e_t", "t CO2e", &Summary::embodied_co2e_t},
}};

/// The root attributes that identify a run.
struct RunInfo {
  std::int64_t format_version = kFormatVersion;
  std::string dcsim_version;
  std::string scenario_name;
  std::string scenario_yaml;
  std::int64_t seed = 0;
  std::string start_time;  ///< ISO 8601 UTC
};

/// One row of /jobs.
struct JobRow {
  std::string name;
  double start_s = 0.0;  ///< from start_time
  double end_s = 0.0;
  std::int64_t chips = 0;
  double it_energy_kwh = 0.0;
  double facility_energy_kwh = 0.0;
  double co2e_gross_kg = 0.0;
  double co2e_net_kg = 0.0;
  std::int64_t restarts = 0;
};

/// One row of /timeseries: interval averages of powers and intensities, interval emissions.
struct TimeseriesRow {
  double time_s = 0.0;  ///< interval start, seconds from start_time
  double it_power_w = 0.0;
  double delivery_loss_w = 0.0;
  double cooling_power_w = 0.0;
  double other_power_w = 0.0;
  double facility_power_w = 0.0;
  double pue = 0.0;  ///< interval facility energy / IT energy; NaN when no IT load
  double grid_gross_g_per_kwh = 0.0;
  double grid_net_g_per_kwh = 0.0;
  double co2e_gross_kg = 0.0;
  double co2e_net_kg = 0.0;
  double outdoor_temp_c = 0.0;  ///< NaN when no climate is modelled
};

struct TimeseriesColumn {
  std::string_view name;
  std::string_view units;
  std::string_view long_name;
  double TimeseriesRow::*member;
};
inline constexpr std::array<TimeseriesColumn, 12> kTimeseriesColumns{{
    {"time_s", "s", "interval start since start_time", &TimeseriesRow::time_s},
    {"it_power_w", "W", "IT power (interval average)", &TimeseriesRow::it_power_w},
    {"delivery_loss_w", "W", "power-delivery losses (interval average)", &TimeseriesRow::delivery_loss_w},
    {"cooling_power_w", "W", "cooling plant power (interval average)", &TimeseriesRow::cooling_power_w},
    {"other_power_w", "W", "overhead not attributed to a modelled subsystem (interval average)", &TimeseriesRow::other_power_w},
    {"facility_power_w", "W", "facility power (interval average)", &TimeseriesRow::facility_power_w},
    {"pue", "1", "interval facility energy / IT energy", &TimeseriesRow::pue},
    {"grid_gross_g_per_kwh", "g/kWh", "gross grid intensity (interval time average)", &TimeseriesRow::grid_gross_g_per_kwh},
    {"grid_net_g_per_kwh", "g/kWh", "net grid intensity (interval time average)", &TimeseriesRow::grid_net_g_per_kwh},
    {"co2e_gross_kg", "kg CO2e", "gross emissions in the interval", &TimeseriesRow::co2e_gross_kg},
    {"co2e_net_kg", "kg CO2e", "net emissions in the interval", &TimeseriesRow::co2e_net_kg},
    {"outdoor_temp_c", "degC", "outdoor dry-bulb temperature (interval average)", &TimeseriesRow::outdoor_temp_c},
}};

}  // namespace dcsim::analysis
