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
#include <limits>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dcsim::analysis {

inline constexpr std::int64_t kFormatVersion = 1;

/// One site's totals, the attributes of /summary/sites/<name>.
struct SiteSummary {
  std::string name;
  double it_energy_mwh = 0.0;
  double facility_energy_mwh = 0.0;
  double pue = 0.0;
  double co2e_gross_t = 0.0;
  double co2e_net_t = 0.0;
  double electricity_cost = 0.0;
  double jobs = 0.0;  ///< jobs that ran there
};

struct SiteField {
  std::string_view name;
  std::string_view units;
  double SiteSummary::*member;
};
inline constexpr std::array<SiteField, 7> kSiteFields{{
    {"it_energy_mwh", "MWh", &SiteSummary::it_energy_mwh},
    {"facility_energy_mwh", "MWh", &SiteSummary::facility_energy_mwh},
    {"pue", "1", &SiteSummary::pue},
    {"co2e_gross_t", "t CO2e", &SiteSummary::co2e_gross_t},
    {"co2e_net_t", "t CO2e", &SiteSummary::co2e_net_t},
    {"electricity_cost", "currency", &SiteSummary::electricity_cost},
    {"jobs", "1", &SiteSummary::jobs},
}};

/// One inference service, the attributes of /summary/services/<name>: what it served and emitted,
/// and its model's lifecycle footprint (training + queries x CO2e per query, net basis).
struct ServiceSummary {
  std::string name;
  std::string site;
  double queries_offered = 0.0;
  double queries_served = 0.0;
  double queries_dropped = 0.0;      ///< offered above the replica fleet's capacity
  double it_energy_kwh = 0.0;
  double facility_energy_kwh = 0.0;
  double co2e_gross_kg = 0.0;
  double co2e_net_kg = 0.0;
  double energy_per_query_wh = 0.0;  ///< facility energy per served query
  double co2e_per_query_g = 0.0;     ///< net, per served query
  double training_co2e_kg = std::numeric_limits<double>::quiet_NaN();  ///< net, of its training job; NaN if none named
  double lifecycle_co2e_kg = std::numeric_limits<double>::quiet_NaN(); ///< training + serving
  double serving_share = std::numeric_limits<double>::quiet_NaN();     ///< serving / lifecycle
  double break_even_queries = std::numeric_limits<double>::quiet_NaN();///< queries whose CO2e equals training's
  double break_even_days = std::numeric_limits<double>::quiet_NaN();   ///< at its mean query rate
};

struct ServiceField {
  std::string_view name;
  std::string_view units;
  double ServiceSummary::*member;
};
inline constexpr std::array<ServiceField, 14> kServiceFields{{
    {"queries_offered", "1", &ServiceSummary::queries_offered},
    {"queries_served", "1", &ServiceSummary::queries_served},
    {"queries_dropped", "1", &ServiceSummary::queries_dropped},
    {"it_energy_kwh", "kWh", &ServiceSummary::it_energy_kwh},
    {"facility_energy_kwh", "kWh", &ServiceSummary::facility_energy_kwh},
    {"co2e_gross_kg", "kg CO2e", &ServiceSummary::co2e_gross_kg},
    {"co2e_net_kg", "kg CO2e", &ServiceSummary::co2e_net_kg},
    {"energy_per_query_wh", "Wh", &ServiceSummary::energy_per_query_wh},
    {"co2e_per_query_g", "g CO2e", &ServiceSummary::co2e_per_query_g},
    {"training_co2e_kg", "kg CO2e", &ServiceSummary::training_co2e_kg},
    {"lifecycle_co2e_kg", "kg CO2e", &ServiceSummary::lifecycle_co2e_kg},
    {"serving_share", "1", &ServiceSummary::serving_share},
    {"break_even_queries", "1", &ServiceSummary::break_even_queries},
    {"break_even_days", "d", &ServiceSummary::break_even_days},
}};

/// Whole-run totals, the /summary attributes.
struct Summary {
  double it_energy_mwh = 0.0;
  double facility_energy_mwh = 0.0;
  double pue = 0.0;  ///< facility energy / IT energy over the run
  double co2e_gross_t = 0.0;
  double co2e_net_t = 0.0;       ///< under the scenario's net basis (`net_basis`)
  double makespan_h = 0.0;       ///< from the scenario start to the end of the last job
  double embodied_co2e_t = 0.0;  ///< manufacturing share amortised over the devices' service life (0 if not configured)
  double wasted_energy_mwh = 0.0; ///< IT energy lost to failures (lost work and restarts)
  double co2e_net_given_t = 0.0; ///< each basis side by side; NaN where the scenario does not configure it
  double co2e_hourly_t = 0.0;
  double co2e_annual_t = 0.0;
  double co2e_marginal_t = 0.0;
  double cfe_supply_mwh = 0.0;    ///< contracted carbon-free generation over the run
  double cfe_matched_share = 0.0; ///< share of facility energy matched hour by hour
  std::string net_basis;          ///< "given", "hourly", "annual" or "gross"
  std::int64_t over_rating_episodes = 0;  ///< times a power-delivery node went over its rating
  std::int64_t capped_rack_episodes = 0;  ///< times a rack's IT power was clipped at its cap
  std::int64_t capped_jobs = 0;           ///< jobs whose power curve was clipped at the server cap
  double electricity_cost = 0.0;  ///< sum over sites of price per MWh x facility energy (the price's currency)
  double mean_wait_h = 0.0;       ///< mean over started jobs of start - arrival (queueing and shifting)
  double jobs_completed = 0.0;    ///< jobs that ran to completion
  double jobs_cut = 0.0;          ///< jobs still running at the horizon (counted up to it)
  double jobs_not_started = 0.0;  ///< jobs still queued or not yet arrived at the horizon, or that fit no site
  /// Against the same scenario run FIFO at fixed placement (NaN when not run): CO2e under the
  /// net basis avoided (positive: this scheduler emits less), and mean completion delay added.
  double baseline_co2e_net_t = std::numeric_limits<double>::quiet_NaN();
  double co2e_saved_vs_baseline_t = std::numeric_limits<double>::quiet_NaN();
  double delay_added_h = std::numeric_limits<double>::quiet_NaN();
  std::vector<SiteSummary> sites;  ///< totals per site (one entry for a single-site scenario)
  std::vector<ServiceSummary> services;
};

struct SummaryField {
  std::string_view name;
  std::string_view units;
  double Summary::*member;
};
inline constexpr std::array<SummaryField, 22> kSummaryFields{{
    {"it_energy_mwh", "MWh", &Summary::it_energy_mwh},
    {"facility_energy_mwh", "MWh", &Summary::facility_energy_mwh},
    {"pue", "1", &Summary::pue},
    {"co2e_gross_t", "t CO2e", &Summary::co2e_gross_t},
    {"co2e_net_t", "t CO2e", &Summary::co2e_net_t},
    {"makespan_h", "h", &Summary::makespan_h},
    {"embodied_co2e_t", "t CO2e", &Summary::embodied_co2e_t},
    {"wasted_energy_mwh", "MWh", &Summary::wasted_energy_mwh},
    {"co2e_net_given_t", "t CO2e", &Summary::co2e_net_given_t},
    {"co2e_hourly_t", "t CO2e", &Summary::co2e_hourly_t},
    {"co2e_annual_t", "t CO2e", &Summary::co2e_annual_t},
    {"co2e_marginal_t", "t CO2e", &Summary::co2e_marginal_t},
    {"cfe_supply_mwh", "MWh", &Summary::cfe_supply_mwh},
    {"cfe_matched_share", "1", &Summary::cfe_matched_share},
    {"electricity_cost", "currency", &Summary::electricity_cost},
    {"mean_wait_h", "h", &Summary::mean_wait_h},
    {"jobs_completed", "1", &Summary::jobs_completed},
    {"jobs_cut", "1", &Summary::jobs_cut},
    {"jobs_not_started", "1", &Summary::jobs_not_started},
    {"baseline_co2e_net_t", "t CO2e", &Summary::baseline_co2e_net_t},
    {"co2e_saved_vs_baseline_t", "t CO2e", &Summary::co2e_saved_vs_baseline_t},
    {"delay_added_h", "h", &Summary::delay_added_h},
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
  double wasted_energy_kwh = 0.0;  ///< IT energy of work lost to failures and of restarts
  double total_flop = 0.0;         ///< the work, when known (0 otherwise)
  double mfu = 0.0;                ///< achieved / peak FLOP/s, when both are known (0 otherwise)
  double delay_s = 0.0;            ///< start after arrival: queueing and carbon-aware shifting
  double co2e_saved_kg = 0.0;      ///< carbon-aware: gross CO2e avoided against running at arrival, by the true intensities
  std::string site;                ///< where it ran
  std::int64_t completed = 1;      ///< 1: ran to completion; 0: cut at the horizon
  std::int64_t checkpoints = 0;    ///< checkpoints completed
  double startup_energy_kwh = 0.0;     ///< IT energy of the start-up phase
  double checkpoint_energy_kwh = 0.0;  ///< IT energy of checkpoint phases
  double eval_energy_kwh = 0.0;        ///< IT energy of evaluation phases
  double suspended_s = 0.0;        ///< carbon-aware suspension: time held but paused
};

/// The numeric columns of /jobs after `name` and `site`, in order; each member is a double or an
/// int64 (exactly one of the two pointers is set).
struct JobColumn {
  std::string_view name;
  std::string_view units;
  double JobRow::*real = nullptr;
  std::int64_t JobRow::*integer = nullptr;
};
inline constexpr std::array<JobColumn, 19> kJobColumns{{
    {"start_s", "s", &JobRow::start_s, nullptr},
    {"end_s", "s", &JobRow::end_s, nullptr},
    {"chips", "1", nullptr, &JobRow::chips},
    {"it_energy_kwh", "kWh", &JobRow::it_energy_kwh, nullptr},
    {"facility_energy_kwh", "kWh", &JobRow::facility_energy_kwh, nullptr},
    {"co2e_gross_kg", "kg CO2e", &JobRow::co2e_gross_kg, nullptr},
    {"co2e_net_kg", "kg CO2e", &JobRow::co2e_net_kg, nullptr},
    {"restarts", "1", nullptr, &JobRow::restarts},
    {"wasted_energy_kwh", "kWh", &JobRow::wasted_energy_kwh, nullptr},
    {"total_flop", "FLOP", &JobRow::total_flop, nullptr},
    {"mfu", "1", &JobRow::mfu, nullptr},
    {"delay_s", "s", &JobRow::delay_s, nullptr},
    {"co2e_saved_kg", "kg CO2e", &JobRow::co2e_saved_kg, nullptr},
    {"completed", "1", nullptr, &JobRow::completed},
    {"checkpoints", "1", nullptr, &JobRow::checkpoints},
    {"startup_energy_kwh", "kWh", &JobRow::startup_energy_kwh, nullptr},
    {"checkpoint_energy_kwh", "kWh", &JobRow::checkpoint_energy_kwh, nullptr},
    {"eval_energy_kwh", "kWh", &JobRow::eval_energy_kwh, nullptr},
    {"suspended_s", "s", &JobRow::suspended_s, nullptr},
}};

/// One row of /timeseries: interval averages of powers and intensities, interval emissions.
struct TimeseriesRow {
  double time_s = 0.0;  ///< interval start, seconds from start_time
  double duration_s = 0.0;  ///< interval length (the last interval may be shorter)
  double it_power_w = 0.0;
  double delivery_loss_w = 0.0;
  double cooling_power_w = 0.0;
  double other_power_w = 0.0;
  double facility_power_w = 0.0;
  double pue = 0.0;  ///< interval facility energy / IT energy; NaN when no IT load
  double grid_gross_g_per_kwh = 0.0;
  double grid_net_g_per_kwh = 0.0;
  double grid_net_given_g_per_kwh = 0.0;
  double grid_marginal_g_per_kwh = 0.0;
  double cfe_supply_w = 0.0;
  double co2e_gross_kg = 0.0;
  double co2e_net_kg = 0.0;
  double co2e_net_given_kg = 0.0;
  double co2e_hourly_kg = 0.0;
  double co2e_marginal_kg = 0.0;
  double outdoor_temp_c = 0.0;  ///< NaN when no climate is modelled
  double outdoor_wet_bulb_c = 0.0;
  double psu_loss_w = 0.0, pdu_loss_w = 0.0, ups_loss_w = 0.0, transformer_loss_w = 0.0;
  double chiller_w = 0.0, economiser_w = 0.0, fans_w = 0.0, pumps_w = 0.0, tower_w = 0.0, humidifier_w = 0.0;
  double lighting_w = 0.0;
  double over_rating_nodes = 0.0;  ///< most nodes over their rating at any instant of the interval
  double capped_racks = 0.0;       ///< most racks clipped at their cap at any instant of the interval
};

/// How a column's interval value comes from the piecewise-constant state within the interval.
enum class Aggregate {
  average,  ///< time average (powers, intensities, temperatures)
  total,    ///< integral of a rate (emissions: kg/s -> kg)
  maximum,  ///< most at any instant (counts)
  derived,  ///< computed from other columns (time_s, pue)
};

struct TimeseriesColumn {
  std::string_view name;
  std::string_view units;
  std::string_view long_name;
  double TimeseriesRow::*member;
  Aggregate aggregate = Aggregate::average;
};
inline constexpr std::array<TimeseriesColumn, 33> kTimeseriesColumns{{
    {"time_s", "s", "interval start since start_time", &TimeseriesRow::time_s, Aggregate::derived},
    {"duration_s", "s", "interval length (the last may be shorter)", &TimeseriesRow::duration_s, Aggregate::derived},
    {"it_power_w", "W", "IT power (interval average)", &TimeseriesRow::it_power_w},
    {"delivery_loss_w", "W", "power-delivery losses (interval average)", &TimeseriesRow::delivery_loss_w},
    {"cooling_power_w", "W", "cooling plant power (interval average)", &TimeseriesRow::cooling_power_w},
    {"other_power_w", "W", "overhead not attributed to a modelled subsystem (interval average)", &TimeseriesRow::other_power_w},
    {"facility_power_w", "W", "facility power (interval average)", &TimeseriesRow::facility_power_w},
    {"pue", "1", "interval facility energy / IT energy", &TimeseriesRow::pue, Aggregate::derived},
    {"grid_gross_g_per_kwh", "g/kWh", "gross grid intensity (interval time average)", &TimeseriesRow::grid_gross_g_per_kwh},
    {"grid_net_g_per_kwh", "g/kWh", "effective intensity under the net basis (interval time average)", &TimeseriesRow::grid_net_g_per_kwh},
    {"grid_net_given_g_per_kwh", "g/kWh", "published net intensity, NaN when not given", &TimeseriesRow::grid_net_given_g_per_kwh},
    {"grid_marginal_g_per_kwh", "g/kWh", "marginal emissions signal, NaN when none", &TimeseriesRow::grid_marginal_g_per_kwh},
    {"cfe_supply_w", "W", "carbon-free supply matched hour by hour (interval average)", &TimeseriesRow::cfe_supply_w},
    {"co2e_gross_kg", "kg CO2e", "location-based emissions in the interval", &TimeseriesRow::co2e_gross_kg, Aggregate::total},
    {"co2e_net_kg", "kg CO2e", "emissions under the net basis in the interval", &TimeseriesRow::co2e_net_kg, Aggregate::total},
    {"co2e_net_given_kg", "kg CO2e", "emissions at the published net intensity, NaN when not given", &TimeseriesRow::co2e_net_given_kg, Aggregate::total},
    {"co2e_hourly_kg", "kg CO2e", "emissions under 24/7 hourly matching", &TimeseriesRow::co2e_hourly_kg, Aggregate::total},
    {"co2e_marginal_kg", "kg CO2e", "emissions at the marginal signal, NaN when none", &TimeseriesRow::co2e_marginal_kg, Aggregate::total},
    {"outdoor_temp_c", "degC", "outdoor dry-bulb temperature (interval average)", &TimeseriesRow::outdoor_temp_c},
    {"outdoor_wet_bulb_c", "degC", "outdoor wet-bulb temperature (interval average)", &TimeseriesRow::outdoor_wet_bulb_c},
    {"psu_loss_w", "W", "server power-supply losses (interval average)", &TimeseriesRow::psu_loss_w},
    {"pdu_loss_w", "W", "PDU losses (interval average)", &TimeseriesRow::pdu_loss_w},
    {"ups_loss_w", "W", "UPS losses (interval average)", &TimeseriesRow::ups_loss_w},
    {"transformer_loss_w", "W", "transformer losses (interval average)", &TimeseriesRow::transformer_loss_w},
    {"chiller_w", "W", "chiller power (interval average)", &TimeseriesRow::chiller_w},
    {"economiser_w", "W", "economiser pumps (interval average)", &TimeseriesRow::economiser_w},
    {"fans_w", "W", "air-handler and dry-cooler fans (interval average)", &TimeseriesRow::fans_w},
    {"pumps_w", "W", "chilled- and condenser-water pumps (interval average)", &TimeseriesRow::pumps_w},
    {"tower_w", "W", "cooling-tower fans (interval average)", &TimeseriesRow::tower_w},
    {"humidifier_w", "W", "humidifier (interval average)", &TimeseriesRow::humidifier_w},
    {"lighting_w", "W", "lighting (interval average)", &TimeseriesRow::lighting_w},
    {"over_rating_nodes", "1", "most power-delivery nodes over their rating at once in the interval", &TimeseriesRow::over_rating_nodes, Aggregate::maximum},
    {"capped_racks", "1", "most racks clipped at their power cap at once in the interval", &TimeseriesRow::capped_racks, Aggregate::maximum},
}};

}  // namespace dcsim::analysis
