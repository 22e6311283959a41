#include "sim/Run.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <cstring>
#include <memory>
#include <system_error>

#include <fmt/format.h>

#include "models/InputError.hpp"
#include "models/units/Calendar.hpp"
#include "sim/datacentre/Simulation.hpp"
#include "sim/output/Hdf5Recorder.hpp"
#include "sim/output/TempFiles.hpp"

namespace dcsim::sim {

const char* version() { return DCSIM_VERSION; }

analysis::RunInfo run_info(const scenario::Scenario& scenario) {
  analysis::RunInfo info;
  info.dcsim_version = version();
  info.scenario_name = scenario.name;
  info.scenario_yaml = scenario.resolved_yaml;
  info.seed = scenario.seed;
  info.start_time = units::format_utc(scenario.start_ms);
  return info;
}

bool needs_baseline(const scenario::Scenario& scenario) {
  const scenario::SchedulerSetup& s = scenario.scheduler;
  return s.baseline && (s.policy != scenario::Policy::fifo || s.spatial);
}

RunOutcome run_scenario(const scenario::Scenario& scenario, const std::optional<std::filesystem::path>& output,
                        const RunOptions& options) {
  if (output)
    for (const auto& [key, file] : scenario.inputs) {
      std::error_code ec;
      if (std::filesystem::equivalent(*output, file, ec))
        throw InputError(Location{output->string(), 0, 0}, "", fmt::format("the output path is an input of the scenario ({})", key));
    }
  RunOutcome outcome;
  outcome.info = run_info(scenario);
  const bool baseline = needs_baseline(scenario);
  SimulationOptions sim_options{false, baseline};
  if (!output) sim_options.max_rows = options.keep_jobs;  // a file gets every row
  Simulation simulation(scenario, sim_options);
  std::unique_ptr<output::Hdf5Recorder> recorder;
  if (output) {
    const std::size_t racks =
        scenario.rack_power ? static_cast<std::size_t>(scenario.sites.front().physical->hall.racks) : std::size_t{0};
    recorder = std::make_unique<output::Hdf5Recorder>(*output, outcome.info, scenario.sample_interval_ms, racks);
    recorder->attach(simulation);
  }
  if (options.keep_jobs > 0)
    simulation.job_finished.connect([&outcome, &options](const analysis::JobRow& row) {
      if (outcome.jobs.size() < options.keep_jobs) outcome.jobs.push_back(row);
    });
  // Each 64-bit word of each change folded in with one multiply (an FNV-1a-style step on whole
  // words, then the order-dependent rotation), finished with a murmur3-style avalanche.
  std::uint64_t h = 0xcbf29ce484222325ull;
  const auto mix = [&h](std::uint64_t x) {
    h = (h ^ x) * 0x100000001b3ull;
    h ^= h >> 29;
  };
  if (options.fingerprint)
    simulation.changed.connect([&mix](engine::Time t, const PowerState& s) {
      mix(static_cast<std::uint64_t>(t.ms()));
      for (const double x : {s.power.total_w(), s.power.it_w, s.gross_kg_per_j, s.net_rate_kg_per_s}) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &x, sizeof bits);
        mix(bits);
      }
    });
  // A write that fails mid-run (a full disk, a file-size limit) is reported against the output
  // file; the recorder's destructor removes the temporary, so nothing is left at the path.
  const auto write_error = [&output](const std::exception& e) {
    output::mark_failed_write();
    return InputError(Location{output ? output->string() : std::string(), 0, 0}, "",
                      fmt::format("cannot write the output ({}): is the disk full, or a file-size limit reached? "
                                  "Nothing was written",
                                  e.what()));
  };
  analysis::Summary summary;
  try {
    summary = simulation.run();
  } catch (const h5::Error& e) {
    throw write_error(e);
  }
  outcome.events = simulation.events_processed();
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  outcome.fingerprint = options.fingerprint ? h : 0;
  if (baseline) {
    // The same scenario under FIFO at fixed placement, for the delay added and the CO2e saved.
    Simulation fifo(scenario, SimulationOptions{true, true});
    const analysis::Summary b = fifo.run();
    const std::vector<double>& ends = simulation.job_ends_s();
    const std::vector<double>& base_ends = fifo.job_ends_s();
    double delay = 0.0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < std::min(ends.size(), base_ends.size()); ++i)
      if (!std::isnan(ends[i]) && !std::isnan(base_ends[i])) {
        delay += ends[i] - base_ends[i];
        ++n;
      }
    summary.baseline_co2e_net_t = b.co2e_net_t;
    summary.co2e_saved_vs_baseline_t = b.co2e_net_t - summary.co2e_net_t;
    summary.delay_added_h = n > 0 ? delay / static_cast<double>(n) / 3600.0 : 0.0;
  }
  outcome.summary = summary;
  outcome.warnings = scenario.warnings;
  outcome.warnings.insert(outcome.warnings.end(), simulation.warnings().begin(), simulation.warnings().end());
  try {
    if (recorder) recorder->commit(outcome.summary);
  } catch (const h5::Error& e) {
    throw write_error(e);
  } catch (const std::filesystem::filesystem_error& e) {
    throw write_error(e);
  }
  return outcome;
}

}  // namespace dcsim::sim
