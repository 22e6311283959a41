#pragma once
// What `dcsim report`, `dcsim run --json` and `dcsim reproduce` print.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/OutputFormat.hpp"
#include "analysis/Published.hpp"
#include "analysis/ResultFile.hpp"

namespace dcsim::analysis {

/// Jobs listed by summary_json and format_report; beyond these, `jobs_omitted` says how many
/// more the run's /jobs table holds.
inline constexpr std::size_t kMaxJsonJobs = 1000;
inline constexpr std::size_t kMaxReportJobs = 50;

/// The summary as one JSON object: the /summary attributes, the run's identity, its sites and
/// its jobs (the first kMaxJsonJobs).
nlohmann::ordered_json summary_json(const RunInfo& info, const Summary& s, const std::vector<JobRow>& jobs);

/// A human-readable summary of a run file.
std::string format_report(const std::string& path, const RunFile& run);

/// Mean gross and net grid intensity (time-weighted) and PUE (energy-weighted) by hour of day
/// (UTC) and by month, over the run's time series.
std::string format_profile(const RunFile& run, const std::map<std::string, std::vector<double>>& timeseries);

/// One scenario of a published table, simulated and read back from its output file.
struct Reproduction {
  PublishedFigures published;
  Summary simulated;
  std::string scenario_file;
};

struct FigureCheck {
  double simulated = 0.0;
  double published = 0.0;
  double error = 0.0;  ///< relative
  bool ok = false;
};
struct ReproductionCheck {
  FigureCheck energy, gross, net;
  bool ok() const { return energy.ok && gross.ok && net.ok; }
};
ReproductionCheck check(const Reproduction& r);

/// The comparison table, grouped by publication table, ordered by position.
std::string format_reproduction(std::vector<Reproduction> rows);

}  // namespace dcsim::analysis
