#pragma once
// Reading a run's HDF5 output back (the contract in OutputFormat.hpp).

#include <map>
#include <string>
#include <vector>

#include "analysis/OutputFormat.hpp"

namespace dcsim::analysis {

struct RunFile {
  RunInfo info;
  Summary summary;
  std::vector<JobRow> jobs;
  std::size_t timeseries_rows = 0;
};

/// Reads the root attributes, /summary and /jobs. Throws dcsim::InputError naming the file when
/// it is missing, not HDF5, or not a dcsim run of a format version this build reads.
RunFile read_run(const std::string& path);

/// Reads /timeseries: every column of the contract, by name.
std::map<std::string, std::vector<double>> read_timeseries(const std::string& path);

}  // namespace dcsim::analysis
