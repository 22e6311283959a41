#pragma once
// A scenario ready to simulate: the models it builds, and the resolved text it came from.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/Published.hpp"
#include "models/facility/FixedPue.hpp"
#include "models/grid/GridIntensity.hpp"
#include "models/hardware/Accelerator.hpp"
#include "models/workload/TrainingRun.hpp"

namespace dcsim::scenario {

struct ScheduledJob {
  models::TrainingRun run;
  std::int64_t start_offset_ms = 0;  ///< from the scenario start
  std::int64_t duration_ms = 0;      ///< the run's duration rounded to the engine's millisecond tick
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;           ///< the file it was loaded from
  std::string resolved_yaml;  ///< every layer of `extends` applied and every default filled in
  std::int64_t start_ms = 0;  ///< simulated start, ms since the Unix epoch (UTC)
  std::int64_t seed = 1;
  std::vector<models::Accelerator> accelerators;
  models::FixedPue facility{1.0};
  models::GridIntensity grid{{models::IntensityStep{}}};
  std::vector<ScheduledJob> jobs;
  std::int64_t sample_interval_ms = 3'600'000;
  std::optional<analysis::PublishedFigures> expected;
};

/// Reads, validates and builds a scenario file (following `extends`). Throws InputError listing
/// every problem found, each with file:line:col and key path.
Scenario load_scenario(const std::filesystem::path& file);

}  // namespace dcsim::scenario
