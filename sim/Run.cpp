#include "sim/Run.hpp"

#include <memory>

#include "models/units/Calendar.hpp"
#include "sim/datacentre/Simulation.hpp"
#include "sim/output/Hdf5Recorder.hpp"

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

RunOutcome run_scenario(const scenario::Scenario& scenario, const std::optional<std::filesystem::path>& output) {
  RunOutcome outcome;
  outcome.info = run_info(scenario);
  Simulation simulation(scenario);
  std::unique_ptr<output::Hdf5Recorder> recorder;
  if (output) {
    const std::size_t racks =
        scenario.rack_power ? static_cast<std::size_t>(scenario.physical->hall.racks) : std::size_t{0};
    recorder = std::make_unique<output::Hdf5Recorder>(*output, outcome.info, scenario.sample_interval_ms, racks);
    recorder->attach(simulation);
  }
  simulation.job_finished.connect([&outcome](const analysis::JobRow& row) { outcome.jobs.push_back(row); });
  outcome.summary = simulation.run();
  outcome.events = simulation.events_processed();
  outcome.warnings = scenario.warnings;
  outcome.warnings.insert(outcome.warnings.end(), simulation.warnings().begin(), simulation.warnings().end());
  if (recorder) recorder->commit();
  return outcome;
}

}  // namespace dcsim::sim
