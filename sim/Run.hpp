#pragma once
// Running one scenario end to end: simulation, optional HDF5 recording, totals.
// This is the entry point for embedding dcsim in another program.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/OutputFormat.hpp"
#include "sim/scenario/Scenario.hpp"

namespace dcsim::sim {

struct RunOutcome {
  analysis::RunInfo info;
  analysis::Summary summary;
  std::vector<analysis::JobRow> jobs;
  std::uint64_t events = 0;
  /// Hash of the trajectory: every change of state (time, facility power, IT power, gross
  /// intensity, net emission rate, bit for bit) in order. A change of behaviour changes it.
  std::uint64_t fingerprint = 0;
  std::vector<std::string> warnings;  ///< not fatal; the command line prints them to stderr
};

/// The identity a run of `scenario` records (version, resolved scenario text, seed, start).
analysis::RunInfo run_info(const scenario::Scenario& scenario);

struct RunOptions {
  /// Job rows kept in RunOutcome::jobs (the first to end); the output file has them all. A run of
  /// a million-job trace keeps memory flat with a small number here.
  std::size_t keep_jobs = static_cast<std::size_t>(-1);
  /// Hash the trajectory into RunOutcome::fingerprint (~100 instructions per change of state);
  /// false leaves it 0.
  bool fingerprint = true;
};

/// Simulates `scenario`; with `output`, records it there (complete, or not at all).
/// Throws dcsim::InputError when the output cannot be written, or when a job trace turns out to
/// hold a bad row (trace rows are read as the run reaches them).
RunOutcome run_scenario(const scenario::Scenario& scenario, const std::optional<std::filesystem::path>& output,
                        const RunOptions& options = {});

/// The version of this build, e.g. "0.1.0".
const char* version();

}  // namespace dcsim::sim
