#pragma once
// The datacentre simulation: drives the scenario's models over simulated time on the engine.
//
// Events: job start, job end, and a change of any exogenous series (grid intensity steps or
// trace, marginal signal, contracted carbon-free supply). At each, every integral (IT power,
// facility power, and facility power x intensity under each accounting basis) is brought up to
// date *before* the state changes, then the new state is published on `changed`. Between events
// everything is constant, so the totals are exact sums of power x intensity x dt.
//
// Per-job facility energy and emissions are attributed in proportion to the job's share of IT
// power. Because a job's IT power is constant while it runs, its share is P_job x (R(end) -
// R(start)), where R is the running integral of (facility power or emission rate) / IT power:
// O(1) per job event however many jobs run at once.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/OutputFormat.hpp"
#include "models/facility/FacilityPower.hpp"
#include "models/facility/PhysicalFacility.hpp"
#include "models/workload/Failures.hpp"
#include "sim/engine/Engine.hpp"
#include "sim/engine/Integral.hpp"
#include "sim/engine/Signal.hpp"
#include "sim/scenario/Scenario.hpp"

namespace dcsim::sim {

class SeriesPlayer;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// What the facility draws and what its electricity emits, constant until the next change.
struct PowerState {
  models::FacilityPower power;
  double gross_kg_per_j = 0.0;         ///< location-based grid intensity
  double net_given_kg_per_j = kNaN;    ///< a site's published net intensity; NaN when not given
  double marginal_kg_per_j = kNaN;     ///< marginal signal; NaN when none
  double cfe_supply_w = 0.0;           ///< carbon-free supply matched hour by hour
  double hourly_rate_kg_per_s = 0.0;   ///< emissions under 24/7 matching
  double net_rate_kg_per_s = 0.0;      ///< emissions under the scenario's net basis (annual: gross, rescaled at the end)
  double net_kg_per_j = 0.0;           ///< effective intensity under the net basis
  double outdoor_temp_c = kNaN;
  double outdoor_wet_bulb_c = kNaN;
  std::size_t over_rating_nodes = 0;   ///< power-delivery nodes above their rating
  std::size_t capped_racks = 0;        ///< racks clipped at their power cap
  const models::PhysicalFacility* hall = nullptr;  ///< rack loads, for a preset facility
};

class Simulation {
 public:
  explicit Simulation(const scenario::Scenario& scenario);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Runs every job to completion and returns the run's totals. Call once. Throws
  /// dcsim::InputError when the run leaves the range of a trace that does not wrap.
  analysis::Summary run();

  engine::Signal<engine::Time, const PowerState&> changed;  ///< after every change of state
  engine::Signal<const analysis::JobRow&> job_finished;
  /// At the end: the totals, and the factor by which the net series must be scaled (1 except
  /// under annual matching, whose netting is known only once the period's energy is).
  engine::Signal<engine::Time, const analysis::Summary&, double> finished;

  std::uint64_t events_processed() const { return engine_.events_processed(); }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct ActiveJob {
    const scenario::ScheduledJob* job = nullptr;
    double it_w = 0.0;
    double facility_at_start = 0.0;  ///< R(start) for facility power / IT power
    double gross_at_start = 0.0;
    double net_at_start = 0.0;
    std::size_t placement = 0;       ///< in the physical hall
    engine::Time arrived, started, segment_start;
    double co2e_saved_kg = 0.0;
    std::int64_t progress_ms = 0;    ///< work kept (up to the last checkpoint) at the segment start
    engine::EventHandle completion, failure;
    std::optional<models::FailureProcess> failures;
    std::int64_t restarts = 0;
    double wasted_j = 0.0;
  };

  void start_job(std::size_t index);
  /// Computes from the work kept so far until done or the next failure.
  void run_segment(std::size_t index);
  void fail_job(std::size_t index);
  void end_job(std::size_t index);
  /// Integrates every rate up to now, then recomputes rates from the current state.
  void update();
  double annual_factor() const;
  void apply_weather();

  const scenario::Scenario& scenario_;
  const scenario::GridSetup& grid_;
  engine::Engine engine_;
  std::vector<ActiveJob> active_;  ///< indexed like scenario_.jobs
  std::vector<analysis::JobRow> held_rows_;  ///< annual basis: rows wait for the netting factor
  std::size_t jobs_left_ = 0;
  std::vector<std::unique_ptr<SeriesPlayer>> players_;
  std::vector<double> contract_w_;
  std::vector<std::string> warnings_;
  std::vector<std::vector<std::size_t>> waiting_;  ///< per campaign: trials not started, last first

  double it_w_ = 0.0;
  double embodied_kg_ = 0.0;
  double wasted_j_ = 0.0;
  std::optional<models::PhysicalFacility> hall_;
  models::Weather weather_;
  std::int64_t over_rating_episodes_ = 0;
  std::int64_t capped_episodes_ = 0;
  std::int64_t capped_jobs_ = 0;
  PowerState state_;
  engine::Integral it_j_, facility_j_, gross_kg_, given_kg_, hourly_kg_, marginal_kg_, supply_j_, matched_j_;
  engine::Integral per_it_facility_, per_it_gross_, per_it_net_;
};

}  // namespace dcsim::sim
