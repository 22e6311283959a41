#pragma once
// Building the grid of a scenario: intensity source (constant, trace, generation mix, region
// catalog), marginal signal, carbon-free supply and certificates, and the net basis.

#include <string>
#include <vector>

#include "sim/scenario/Scenario.hpp"
#include "sim/scenario/SourceMap.hpp"
#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {

/// Makes every file path of a grid (at key path `prefix`, e.g. "grid" or "sites[1].grid")
/// absolute, relative to the YAML file that wrote it, and fills in the default catalogs, so the
/// resolved scenario loads from anywhere.
void resolve_grid_paths(GridSpec& grid, const std::string& prefix, const SourceMap& sources);

/// A series from a CSV trace: an intensity (unit conversion applies) or plain values.
/// `epoch_ms` is the instant a plain trace's "time_s" 0 stands for (the scenario start).
models::TraceSeries series(const TraceSpec& trace, const std::string& key, bool intensity, std::int64_t epoch_ms);

/// Reads the traces and catalogs the grid names. Throws dcsim::InputError.
GridSetup build_grid(const GridSpec& grid, const std::string& prefix, std::int64_t start_ms, std::int64_t seed,
                     std::vector<std::string>& warnings);

}  // namespace dcsim::scenario
