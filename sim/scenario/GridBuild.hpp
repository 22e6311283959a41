#pragma once
// Building the grid of a scenario: intensity source (constant, trace, generation mix, region
// catalog), marginal signal, carbon-free supply and certificates, and the net basis.

#include <string>
#include <vector>

#include "sim/scenario/Scenario.hpp"
#include "sim/scenario/SourceMap.hpp"
#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {

/// Makes every file path in the spec absolute, relative to the YAML file that wrote it, and
/// fills in the default catalogs, so the resolved scenario loads from anywhere.
void resolve_paths(ScenarioSpec& spec, const SourceMap& sources);

/// Reads the traces and catalogs the grid names. Throws dcsim::InputError.
GridSetup build_grid(const ScenarioSpec& spec, std::vector<std::string>& warnings);

}  // namespace dcsim::scenario
