#pragma once
// The datacentre simulation: drives the scenario's models over simulated time on the engine.
//
// Sites. Each site has its own facility (fixed PUE, or a hall with power tree and cooling in its
// weather), its own grid series and, optionally, a cluster: a fixed number of accelerators that
// jobs are scheduled onto and that draw idle power while no job holds them.
//
// Events: job arrival, start, phase ends (start-up, training segments, checkpoints,
// evaluations, restarts), failures, carbon-aware suspension and resumption, and every change of
// an exogenous series (grid intensity, marginal signal, carbon-free supply, price, weather). At
// each, the site's integrals (IT power, facility power, and facility power x intensity under each
// accounting basis) are brought up to date *before* its state changes; between events everything
// is constant, so the totals are exact sums of power x intensity x dt.
//
// Per-job facility energy and emissions are attributed in proportion to the job's share of its
// site's IT power. While a job's power is constant its share is P_job x (R(t1) - R(t0)), where R
// is the running integral of (facility power or emission rate) / IT power; a job closes that
// account at every change of its own power (a phase change), so the cost is O(1) per job event
// however many jobs run at once.
//
// Scheduling. Each site has one queue. fifo: head of line; a job that does not fit blocks those
// behind it. backfill (EASY): while the head waits, a later job may start if it fits now and
// either ends, by its planned wall time, before the head's reserved start or uses only
// accelerators the head will not need. carbon_aware: a job with slack enters the queue at the
// start of its lowest-forecast window (shift), or holds its accelerators and pauses outside the
// cleanest hours of its window (suspend). Spatial placement picks a job's site at arrival by a
// weighted objective of forecast CO2e, electricity cost and latency.

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/OutputFormat.hpp"
#include "models/workload/Inference.hpp"
#include "models/facility/FacilityPower.hpp"
#include "models/facility/PhysicalFacility.hpp"
#include "models/workload/Failures.hpp"
#include "sim/engine/Engine.hpp"
#include "sim/engine/Integral.hpp"
#include "sim/engine/Profile.hpp"
#include "sim/engine/Signal.hpp"
#include "sim/scenario/Scenario.hpp"

namespace dcsim::sim {

class SeriesPlayer;
class IntensityForecast;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// What a facility draws and what its electricity emits, constant until the next change. For a
/// multi-site scenario the `changed` signal carries the sum over sites (intensities weighted by
/// facility power).
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

struct SimulationOptions {
  /// Run as the baseline of a scheduler comparison: FIFO, fixed placement, no carbon awareness.
  bool baseline = false;
  /// Keep every job's end for job_ends_s(), also a job trace's (one double per job).
  bool record_ends = false;
  /// Rows handed to job_finished: the first jobs to end (building a row costs more than
  /// simulating the job; a recorder that writes every row needs them all).
  std::size_t max_rows = static_cast<std::size_t>(-1);
  /// The facility side on a second thread (Simulation.cpp, "Pipeline"): `automatic` once no
  /// job's share is read again, for one site with a hall, no inference services and a job trace
  /// read ahead on a thread of its own (a large trace outside a sweep); `on` the same without
  /// the trace condition (tests); `off` never. The output is the same, byte for byte.
  enum class Pipeline : std::uint8_t { automatic, on, off };
  Pipeline pipeline = Pipeline::automatic;
};

class Simulation {
 public:
  explicit Simulation(const scenario::Scenario& scenario, SimulationOptions options = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Runs every job to completion (or to the horizon) and returns the run's totals. Call once.
  /// Throws dcsim::InputError when the run leaves the range of a trace that does not wrap.
  analysis::Summary run();

  engine::Signal<engine::Time, const PowerState&> changed;  ///< after every change of state
  engine::Signal<const analysis::JobRow&> job_finished;
  /// At the end: the totals, and the factor by which the net series must be scaled (1 except
  /// under annual matching, whose netting is known only once the period's energy is).
  engine::Signal<engine::Time, const analysis::Summary&, double> finished;

  std::uint64_t events_processed() const { return engine_.events_processed(); }
  const std::vector<std::string>& warnings() const { return warnings_; }
  /// After run(): each job's end (s from the start; NaN if it never started), in the scenario's
  /// order (its jobs, then its job trace's when options.record_ends). May be shorter than the
  /// number of jobs: those beyond never ended.
  const std::vector<double>& job_ends_s() const { return ends_; }

 private:
  enum class Phase : std::uint8_t { waiting, startup, train, checkpoint, eval, restart, suspended, done };

  /// What a site's refresh reads of the simulation's state: its exogenous series' values now
  /// (written by their players) and, taken at the refresh, its IT power, contracted carbon-free
  /// supply and price.
  struct SiteInputs {
    double gross_kg_per_j = 0.0;
    double net_given_kg_per_j = kNaN;
    double marginal_kg_per_j = kNaN;
    double outdoor_temp_c = kNaN;
    double outdoor_wet_bulb_c = kNaN;
    models::Weather weather;
    double it_w = 0.0, contract_w = 0.0, price = 0.0;
  };

  /// A site's facility side: what its refreshes compute from their inputs. Apart from the rest
  /// of the site, in cache lines of its own: while the pipeline runs, only its thread touches it.
  struct alignas(64) SiteFacility {
    const scenario::SiteSetup* setup = nullptr;
    std::optional<models::PhysicalFacility> hall;
    PowerState state;
    std::int64_t over_rating_episodes = 0, capped_episodes = 0;
    /// Site totals, in slots: slot[kItJ] ... slot[kCost]. Only the quantities the site has (a
    /// net-given series, a marginal signal, carbon-free supply, a price) are integrated; the
    /// others' slots come last and stay zero.
    engine::Integrals<9> sums;
    std::array<std::uint8_t, 9> slot{};
    double total(std::size_t quantity) const { return sums.total(slot[quantity]); }
    /// Per IT watt (kPerItFacility ...): facility power, gross and net emission rate over IT power.
    engine::Integrals<3> per_it;
  };

  /// A site's simulation side (its cluster, queue, series and their inputs) and its facility side.
  struct Site {
    const scenario::SiteSetup* setup = nullptr;
    std::unique_ptr<SiteFacility> fac;
    SiteInputs in;
    std::vector<std::unique_ptr<SeriesPlayer>> players;
    std::unique_ptr<engine::ProfilePlayer<models::IntensityStep>> step_player;
    std::vector<double> contract_w;
    std::unique_ptr<IntensityForecast> forecast;  ///< for carbon-aware and spatial decisions
    double jobs_w = 0.0;            ///< IT power of the jobs it holds
    double services_w = 0.0;        ///< IT power of the inference services it serves
    std::int64_t free_chips = 0;    ///< of its cluster
    double price = 0.0;             ///< per MWh, now
    bool dirty = false;             ///< changed in this event; refreshed after it
    /// An exogenous input (intensity, weather, contract output, price) was set since the last
    /// refresh (set by inputs_changed()); a refresh then takes contract_w and price anew and
    /// passes the inputs on, else only the IT power.
    bool inputs_new = true;
    /// Whether anything reads its hall's weather: its cooling, or a listener of `changed` (a
    /// recorder). If not, the hourly weather changes still come (the same instants, so the same
    /// sums) but no weather is taken from the feed, which then makes none.
    bool weather_read = true;
    std::deque<std::size_t> queue;  ///< jobs waiting, in arrival order
    std::vector<std::size_t> running;
    std::int64_t jobs_run = 0;

    double it_w() const { return jobs_w + services_w + static_cast<double>(free_chips) * setup->idle_w_per_chip; }
    bool limited() const { return setup->capacity_chips > 0; }
  };

  enum SiteSum : std::size_t { kItJ, kFacilityJ, kGrossKg, kGivenKg, kHourlyKg, kMarginalKg, kSupplyJ, kMatchedJ, kCost };
  enum PerIt : std::size_t { kPerItFacility, kPerItGross, kPerItNet };

  /// Anything drawing power at a site, with its share of the site's energy and emissions.
  struct Load {
    int site = -1;
    double w = 0.0;                   ///< IT power now
    engine::Time last_change;         ///< of its power
    double mark_facility = 0.0, mark_gross = 0.0, mark_net = 0.0;  ///< R at last_change
    double it_j = 0.0, facility_j = 0.0, gross_kg = 0.0, net_kg = 0.0;
  };

  struct ServiceRun : Load {
    const scenario::ServiceSetup* setup = nullptr;
    std::vector<models::ServiceStep> steps;
    std::size_t next = 0;
    std::size_t placement = 0;
    std::int64_t slots = 0;  ///< rack slots it occupies in a hall
    bool placed = false;
  };

  struct Job : Load {
    const scenario::ScheduledJob* spec = nullptr;
    Phase phase = Phase::waiting;
    Phase paused_phase = Phase::waiting;
    double phase_j[8] = {};           ///< IT energy per phase
    double energy_at_saved = 0.0;     ///< it_j when the work was last made safe (checkpoint, restart)
    engine::Time arrived, started, phase_start;
    std::int64_t phase_left_ms = 0;   ///< of a paused phase
    std::int64_t progress_ms = 0;     ///< work done at phase_start
    std::int64_t saved_ms = 0;        ///< work safe in the last checkpoint
    std::int64_t next_checkpoint_ms = 0, next_eval_ms = 0;
    std::int64_t planned_end_ms = 0;  ///< start + planned wall time (backfill reservations)
    engine::EventHandle next, failure, plan_event;
    std::optional<models::FailureProcess> failures;
    std::int64_t restarts = 0, checkpoints = 0;
    double wasted_j = 0.0, suspended_s = 0.0, co2e_saved_kg = 0.0;
    engine::Time suspended_at;
    std::size_t placement = 0, running_pos = 0;
    std::size_t plan_index = 0;       ///< into plans_[job]: the next run window
    std::size_t ordinal = 0;          ///< in the scenario's order of jobs (its jobs, then its trace's)
  };

  // Sites and accounting. update() marks a site changed; at the end of the instant (after its
  // last event, engine::Engine::after_each_instant) or of the set-up step that changed it,
  // flush() recomputes its power and rates once and tells the listeners.
  void update(std::size_t site);
  /// update() after one of the site's exogenous inputs was set (Site::inputs_new).
  void inputs_changed(std::size_t site);
  void flush();
  void refresh(std::size_t site);
  /// The facility side of a refresh: power, rates and integrals from `in` at `now`; tells the
  /// listeners. On the pipeline's thread while it runs.
  void refresh_facility(SiteFacility& site, const SiteInputs& in, engine::Time now, bool per_it);
  void check_health(const SiteFacility& site, engine::Time now) const;
  /// check_health() once its quick test failed: the full tests, and the error naming the figures.
  /// `losses` and `cooling` are the sums of the delivery-loss and cooling parts it made.
  [[gnu::cold, gnu::noinline]] void report_health(const SiteFacility& site, engine::Time now, double losses,
                                                  double cooling) const;
  void emit_changed(const SiteFacility& site, engine::Time now);
  // A job's rack placement in its site's hall (none without a hall): done at once, or handed to
  // the pipeline.
  void hall_place(std::size_t index, double w_per_chip);
  void hall_set_power(std::size_t index, double w_per_chip);
  void hall_release(std::size_t index);
  struct Pipeline;
  void start_pipeline();
  /// Hands the rest to the pipeline, waits for it and ends it; the facility side is this
  /// thread's again. Rethrows what the pipeline's thread threw (it happened first).
  void stop_pipeline();
  void apply_weather(std::size_t site);
  double annual_factor(const SiteFacility& site) const;
  double account(Load& load);
  /// A load's IT energy only, up to now; returns it since its last change.
  double account_it(Load& load);
  void account(Job& job);
  void set_power(std::size_t index, double w);
  void service_step(std::size_t index);
  analysis::ServiceSummary service_summary(const ServiceRun& run) const;

  // Scheduling.
  void pull_trace_job();
  void release(std::size_t index);
  std::string name_of(const Job& job) const;
  void arrive(std::size_t index);
  int place(std::size_t index);
  void enqueue(std::size_t index);
  void dispatch(std::size_t site);
  void backfill(Site& site);
  bool fits(const Site& site, const Job& job) const;
  void start(std::size_t index);
  std::vector<std::pair<std::int64_t, std::int64_t>> suspend_plan(const Job& job) const;
  void follow_plan(std::size_t index);
  void suspend(std::size_t index);
  void resume(std::size_t index);

  // A running job's phases.
  void begin(std::size_t index, Phase phase, std::int64_t duration_ms);
  void proceed(std::size_t index);
  void phase_end(std::size_t index);
  double phase_w(const Job& job, Phase phase) const;
  /// A job with a failure process draws its next failure (none without one).
  void arm_failure(std::size_t index) {
    if (jobs_[index].failures) draw_failure(index);
  }
  void draw_failure(std::size_t index);
  void fail(std::size_t index);
  void finish(std::size_t index, bool completed);
  analysis::JobRow row_of(const Job& job, bool completed);

  const scenario::Scenario& scenario_;
  SimulationOptions options_;
  bool carbon_aware_ = false, suspend_mode_ = false, spatial_ = false;
  scenario::Policy policy_ = scenario::Policy::fifo;
  engine::Engine engine_;
  std::vector<Site> sites_;
  std::vector<std::size_t> dirty_;  ///< sites changed in the current event
  bool pipeline_wanted_ = false;    ///< the pipeline starts once no share is kept
  std::unique_ptr<Pipeline> pipeline_;  ///< running: the facility side is on its thread
  // Jobs by slot: the scenario's own first (fixed), then a job trace's, whose slots are reused
  // once a job has ended, so that a run holds only the trace jobs present (arrived, not ended).
  // A vector (indexing is one multiply): it grows only in pull_trace_job, which runs where no
  // reference to a job is held (set-up, and the top of arrive()); the specs the jobs point to
  // stay in a deque, whose elements do not move.
  std::vector<Job> jobs_;
  std::size_t explicit_ = 0;                          ///< the scenario's own jobs: slots [0, explicit_)
  std::deque<scenario::ScheduledJob> trace_specs_;    ///< of trace slot explicit_ + k
  std::vector<std::size_t> free_slots_;
  std::unique_ptr<scenario::TraceCursor> trace_;      ///< the next trace job is read as the previous arrives
  bool trace_done_ = true;
  engine::EventQueue::Lane arrival_lane_ = 0;         ///< the trace's next arrival (EventQueue.hpp: lanes)
  engine::EventHandle trace_arrival_;
  std::size_t trace_jobs_ = 0;                        ///< jobs in the trace (known at the end)
  std::vector<double> ends_;
  std::size_t rows_emitted_ = 0;
  /// Jobs' shares of facility energy and emissions are kept (a row can still be built: rows
  /// only read them); the per-IT-watt integrals are kept (for those shares, or for services).
  bool shares_kept_ = true, per_it_kept_ = true;
  std::vector<ServiceRun> services_;
  std::size_t services_left_ = 0;
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> plans_;  ///< suspend mode: run windows per job
  std::vector<analysis::JobRow> held_rows_;  ///< annual basis: rows wait for the netting factor
  std::size_t jobs_left_ = 0;
  std::vector<std::string> warnings_;
  std::vector<std::vector<std::size_t>> waiting_;  ///< per campaign: trials not released, last first
  PowerState total_state_;
  double embodied_kg_ = 0.0;
  double wasted_j_ = 0.0;
  double wait_s_ = 0.0;
  std::int64_t started_ = 0, completed_ = 0, cut_ = 0, rejected_ = 0;
  std::int64_t capped_jobs_ = 0;
};

}  // namespace dcsim::sim
