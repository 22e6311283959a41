#pragma once
// A scenario ready to simulate: the models it builds, and the resolved text it came from.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/Published.hpp"
#include "sim/scenario/Distributions.hpp"
#include "models/climate/Climate.hpp"
#include "models/cooling/CoolingPlant.hpp"
#include "models/facility/FixedPue.hpp"
#include "models/power/PowerTree.hpp"
#include "models/grid/GridIntensity.hpp"
#include "models/grid/TraceSeries.hpp"
#include "models/hardware/Accelerator.hpp"
#include "models/workload/Inference.hpp"
#include "models/workload/TrainingRun.hpp"
#include "sim/input/JobTraceReader.hpp"

namespace dcsim::scenario {

struct ScheduledJob {
  models::TrainingRun run;
  std::int64_t start_offset_ms = 0;  ///< from the scenario start
  std::int64_t duration_ms = 0;      ///< the work's duration (without failures), on the millisecond tick
  double embodied_kg_per_s = 0.0;    ///< amortised manufacturing CO2e of its accelerators per occupied second
  double failure_rate_per_s = 0.0;   ///< chips / MTBF; 0: no failures
  std::int64_t checkpoint_interval_ms = 0;  ///< 0: no checkpoints (a failure loses all progress)
  std::int64_t restart_ms = 0;
  std::uint64_t seed = 0;            ///< of its failure process
  std::int64_t slack_ms = 0;         ///< it may start up to this long after its arrival
  int campaign = -1;                 ///< index into Scenario::campaign_concurrency, -1: a single job
  int site = -1;                     ///< index into Scenario::sites; -1: the scheduler places it
  std::int64_t spares = 0;           ///< spare accelerators held idle beside run.chips
  double idle_w_per_chip = 0.0;      ///< an accelerator of this job held but idle (spares, suspension)
  std::int64_t repair_ms = 0;        ///< added to each restart when there are no spares
  // Phases other than steady training (power per accelerator; duration 0: no such phase).
  std::int64_t startup_ms = 0;
  double startup_w_per_chip = 0.0;   ///< also drawn while restarting after a failure
  std::int64_t checkpoint_ms = 0;    ///< each checkpoint, every checkpoint_interval_ms of work
  double checkpoint_w_per_chip = 0.0;
  std::int64_t eval_every_ms = 0;    ///< work between evaluations; 0: none
  std::int64_t eval_ms = 0;
  double eval_w_per_chip = 0.0;

  std::int64_t trace_row = 0;         ///< of a job trace: its job number there (1-based; names "trace#N")

  std::int64_t allocated_chips() const { return run.chips + spares; }
  /// Wall time without failures or suspension: start-up, work, checkpoints and evaluations.
  std::int64_t planned_wall_ms() const {
    const std::int64_t checkpoints =
        checkpoint_interval_ms > 0 && checkpoint_ms > 0 ? (duration_ms - 1) / checkpoint_interval_ms : 0;
    const std::int64_t evals = eval_every_ms > 0 && eval_ms > 0 ? (duration_ms - 1) / eval_every_ms : 0;
    return startup_ms + duration_ms + checkpoints * checkpoint_ms + evals * eval_ms;
  }
};

enum class NetBasis { given, hourly, annual, gross };

/// A contracted carbon-free generator: output = capacity x (profile or constant capacity factor).
struct SupplyContract {
  std::string name;
  double capacity_w = 0.0;
  double capacity_factor = 0.0;              ///< used when there is no profile
  std::optional<models::TraceSeries> profile;
};

/// Everything the simulation needs to know about the electricity a facility draws.
struct GridSetup {
  /// Gross and net-given intensity as steps: the constant source (`gross`, `net`, `changes`),
  /// or, when `trace` is set, only the net-given steps.
  models::GridIntensity steps{{models::IntensityStep{}}};
  std::optional<models::TraceSeries> trace;     ///< gross from a trace file or the mix model
  std::string trace_origin;                     ///< file or model, for messages
  bool has_net_given = false;
  std::optional<models::TraceSeries> marginal;
  std::string marginal_origin;
  double cfe_share = 0.0;                       ///< fixed share of the load matched hour by hour
  std::vector<SupplyContract> contracts;
  bool has_hourly = false;                      ///< cfe configured (share, contracts or a region's CFE)
  std::optional<double> certificates_j;         ///< annual matching: certificates retired
  std::optional<double> certificate_share;      ///< annual matching: as a share of the energy
  bool has_annual = false;
  NetBasis net_basis = NetBasis::gross;
};

/// A facility whose overhead is computed from load and weather (absent: the fixed PUE).
struct PhysicalFacilitySetup {
  std::string preset;
  models::HallDesign hall;
  models::CoolingParams cooling;
  double design_it_w = 0.0;
  int accelerators_per_rack = 32;
  double switch_power_w = 0.0;
  double rack_cap_w = 0.0;  ///< 0: no cap
  /// Hourly, one calendar year, replayed by whole years; synthetic weather may still be being
  /// made (models::WeatherFeed) while the run starts.
  std::shared_ptr<const models::WeatherFeed> weather;
};

/// One datacentre: its facility, its electricity and its machines.
struct SiteSetup {
  std::string name = "site";
  models::FixedPue facility{1.0};                 ///< used when `physical` is absent
  std::optional<PhysicalFacilitySetup> physical;
  GridSetup grid;
  std::int64_t capacity_chips = 0;  ///< accelerators jobs are scheduled onto; 0: unlimited
  double idle_w_per_chip = 0.0;     ///< drawn by each accelerator no job holds (with a capacity)
  double latency_s = 0.0;
  double price_per_mwh = 0.0;
  std::optional<models::TraceSeries> price;  ///< hourly price per MWh; replaces price_per_mwh
};

/// An inference service (or a replayed measured run) placed in the run: its steps drive its
/// site's IT power.
struct ServiceSetup {
  models::InferenceService service;
  int site = 0;
  std::int64_t start_offset_ms = 0;
  std::optional<std::int64_t> end_offset_ms;  ///< absent: to the horizon
  int training_job = -1;                      ///< index into Scenario::jobs; -1: none named
  /// A replay of a measured run: its steps (ms since the Unix epoch), used instead of the
  /// service model's; empty for an inference service.
  std::vector<models::ServiceStep> measured;
};

enum class Policy { fifo, backfill, carbon_aware };

struct SchedulerSetup {
  Policy policy = Policy::fifo;
  bool suspend = false;          ///< carbon_aware: suspend and resume instead of shifting the start
  double forecast_error = 0.0;
  bool spatial = false;          ///< place jobs across sites by the weighted objective
  double weight_co2e = 1.0, weight_price = 0.0, weight_latency = 0.0;
  bool baseline = true;          ///< also run FIFO at fixed placement, for the delay and saving
};

/// The jobs of a scenario's job trace, made one at a time as the run reaches them: a trace in
/// arrival order (the dcsim layout) is read from its file as it is replayed, so a run holds only
/// the jobs that have arrived and not yet ended, never the whole file. A public trace (which must
/// be sorted) is read whole when the scenario is loaded, and replayed from memory.
///
/// A streamed trace of 1 MiB or more is read and parsed on a reader thread of its cursor's own,
/// ahead of the run (options.read_ahead, input::JobTraceReadAhead): the run's thread only takes
/// parsed jobs and makes them. Not inside an active OpenMP parallel region: the simulations of a
/// sweep or a Monte Carlo run already keep every core busy, so theirs are read inline (as is any
/// with read_ahead = off). Either way the jobs, their order and the results are the same.
struct TraceJobs {
  std::string file;
  input::JobTraceOptions options;
  std::shared_ptr<const input::JobTrace> loaded;  ///< read whole (public layouts); null when streamed
  std::size_t first_ordinal = 0;  ///< jobs before the trace's in the scenario's order
  /// Fills a scheduled job from the k-th job of the trace (0-based); its name is left empty
  /// when the trace names none (trace_row names it).
  std::function<void(const input::TraceJob&, std::size_t, ScheduledJob&)> make;

  /// Opens the trace for one replay.
  std::unique_ptr<input::JobTraceStream> open() const;
  /// Reads every row (dcsim validate): throws InputError listing the problems.
  void check() const;
};

/// One replay of a TraceJobs: the next job, in arrival order.
class TraceCursor {
 public:
  explicit TraceCursor(const TraceJobs& trace) : trace_(trace), stream_(trace.open()) {}
  /// The next job into `out`, which must be new or have held only jobs of this trace (the
  /// fields a trace does not set are left as they are); false after the last.
  bool next(ScheduledJob& out);
  /// Reads the rest of the trace without making jobs; returns how many jobs it held.
  std::size_t drain();
  std::size_t taken() const { return k_; }
  const input::JobTraceStream& stream() const { return *stream_; }

 private:
  const TraceJobs& trace_;
  std::unique_ptr<input::JobTraceStream> stream_;
  std::size_t k_ = 0;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;           ///< the file it was loaded from
  /// Every other file read for it, with the key that names it (`extends`, `grid.trace.file`):
  /// a run's output must not be written over any of them.
  std::vector<std::pair<std::string, std::string>> inputs;
  std::string resolved_yaml;  ///< every layer of `extends` applied and every default filled in
  std::int64_t start_ms = 0;  ///< simulated start, ms since the Unix epoch (UTC)
  std::int64_t seed = 1;
  std::vector<models::Accelerator> accelerators;
  std::vector<SiteSetup> sites;       ///< at least one
  std::vector<std::string> warnings;  ///< printed by the command line, not fatal
  std::vector<ScheduledJob> jobs;     ///< given in the scenario (jobs, campaigns)
  std::shared_ptr<const TraceJobs> trace_jobs;  ///< after them: the job trace's, if any
  std::int64_t sample_interval_ms = 3'600'000;
  bool rack_power = false;
  std::vector<ServiceSetup> services;
  std::vector<int> campaign_concurrency;  ///< per campaign: trials running at once
  SchedulerSetup scheduler;
  std::optional<std::int64_t> horizon_ms;  ///< end of the run; absent: when the last job ends
  std::optional<analysis::PublishedFigures> expected;
  std::vector<DrawnInput> drawn;  ///< its distributions (sim/scenario/Distributions.hpp), with the value each took
};

/// Reads, validates and builds a scenario file (following `extends`). Throws InputError listing
/// every problem found, each with file:line:col and key path.
class SourceMap;

struct LoadOptions {
  bool resolved_text = true;  ///< fill Scenario::resolved_yaml (a sweep without output files needs none)
  DrawRule draws{};           ///< the value each distribution takes; default: its nominal value
  SourceMap* sources = nullptr;  ///< when set, receives where each key was written (`dcsim explain`)
};

/// `overrides` are KEY.PATH=VALUE settings applied over the file (the command line's --set).
Scenario load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides = {},
                       const LoadOptions& options = {});

/// Loads the scenario again with each of its distributions in turn at each end (a choice: at
/// each value), the others nominal, so that a value a sample could take but the nominal run does
/// not (a PUE below 1, a missing trace file) is an input error before anything runs. An
/// unbounded end is taken at its 1e-6 quantile. Throws InputError listing every problem.
void check_distribution_ends(const Scenario& nominal, const std::filesystem::path& file,
                             const std::vector<std::string>& overrides = {});

}  // namespace dcsim::scenario
