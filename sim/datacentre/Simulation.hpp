#pragma once
// The datacentre simulation: drives the scenario's models over simulated time on the engine.
//
// Events: job start, job end, grid-intensity change. At each, the integrals of IT power,
// facility power and facility power x intensity are brought up to date *before* the state
// changes, then the new state is published on `changed`. Between events everything is constant,
// so the totals are exact sums of power x intensity x dt.
//
// Per-job facility energy and emissions are attributed in proportion to the job's share of IT
// power. Because a job's IT power is constant while it runs, its share of facility energy is
// P_job x (R(end) - R(start)), where R is the running integral of facility/IT power: O(1) per
// job event however many jobs run at once.

#include <cstdint>
#include <limits>
#include <vector>

#include "analysis/OutputFormat.hpp"
#include "models/facility/FacilityPower.hpp"
#include "sim/engine/Engine.hpp"
#include "sim/engine/Integral.hpp"
#include "sim/engine/Signal.hpp"
#include "sim/scenario/Scenario.hpp"

namespace dcsim::sim {

/// What the facility draws and what its electricity emits, constant until the next change.
struct PowerState {
  models::FacilityPower power;
  double gross_kg_per_j = 0.0;
  double net_kg_per_j = 0.0;
  double outdoor_temp_c = std::numeric_limits<double>::quiet_NaN();
};

class Simulation {
 public:
  explicit Simulation(const scenario::Scenario& scenario);
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Runs every job to completion and returns the run's totals. Call once.
  analysis::Summary run();

  engine::Signal<engine::Time, const PowerState&> changed;  ///< after every change of state
  engine::Signal<const analysis::JobRow&> job_finished;
  engine::Signal<engine::Time, const analysis::Summary&> finished;

  std::uint64_t events_processed() const { return engine_.events_processed(); }

 private:
  struct ActiveJob {
    const scenario::ScheduledJob* job;
    double it_w;
    double ratio_at_start;  ///< R(start): integral of facility/IT power
    double gross_at_start;  ///< integral of facility/IT power x gross intensity
    double net_at_start;
  };

  void start_job(std::size_t index);
  void end_job(std::size_t index);
  void set_grid(double gross_kg_per_j, double net_kg_per_j);
  /// Integrates every rate up to now, then recomputes rates from the current state.
  void update(engine::Time now);

  const scenario::Scenario& scenario_;
  engine::Engine engine_;
  std::vector<ActiveJob> active_;  ///< indexed like scenario_.jobs
  std::size_t jobs_left_ = 0;

  double it_w_ = 0.0;
  PowerState state_;
  engine::Integral it_energy_j_, facility_energy_j_, gross_kg_, net_kg_;
  engine::Integral ratio_s_, ratio_gross_, ratio_net_;
};

}  // namespace dcsim::sim
