#pragma once
// What `dcsim report`, `dcsim run --json` and `dcsim reproduce` print.

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/OutputFormat.hpp"
#include "analysis/Published.hpp"
#include "analysis/ResultFile.hpp"

namespace dcsim::analysis {

/// summary_json lists every job of a run with at most kMaxJsonJobs, and none of a larger one
/// (`jobs_omitted` counts them; the run's /jobs table holds them all); format_report lists the
/// first kMaxReportJobs.
inline constexpr std::size_t kMaxJsonJobs = 1000;
inline constexpr std::size_t kMaxReportJobs = 50;

/// The summary as one JSON object: the /summary attributes, the run's identity, its sites and
/// its jobs (all of them when there are at most kMaxJsonJobs, else none).
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

/// A ratio a publication reports between two runs, or between a published estimate and a run.
struct RatioReproduction {
  std::string analysis;    ///< e.g. "Section 3: GShard-600B against GPT-3"
  std::string label;       ///< e.g. "processor-years, GPT-3 / GShard-600B"
  std::string unit;        ///< of the numerator and denominator, e.g. "t CO2e"
  double numerator = 0.0;  ///< simulated, or the published estimate the paper divides by a run
  double denominator = 0.0;
  double published = 0.0;  ///< the published ratio
  double tolerance = 0.05;
  double simulated() const { return numerator / denominator; }
};
FigureCheck check(const RatioReproduction& r);

/// Scenario files (by stem) the paper's ratio analyses read; reproduce runs them even without an
/// `expected:` block.
inline constexpr std::array<std::string_view, 4> kRatioScenarios{"gpt3", "gshard-600b", "evolved-transformer-nas",
                                                                 "evolved-transformer-nas-iowa"};

/// The ratio analyses of Patterson et al. 2021 from the runs of kRatioScenarios (by stem): section
/// 3's GShard-600B against GPT-3 (~45x fewer processor-years, ~55x less energy, ~115x less gross
/// and ~130x less net CO2e) and appendix D's re-estimate of the Evolved Transformer search (the
/// 2019 estimate of 284 tCO2e is 88x the search as run and 476x the search in Iowa). An analysis
/// whose runs are not all in `runs` is left out.
std::vector<RatioReproduction> paper_ratios(const std::map<std::string, RunFile>& runs);

/// The ratio table (after format_reproduction's).
std::string format_ratios(const std::vector<RatioReproduction>& ratios);

/// The same tables as Markdown, and as CSV (one row per figure: table, position, label, figure,
/// unit, dcsim, paper, error, tolerance, within).
std::string reproduction_markdown(std::vector<Reproduction> rows, const std::vector<RatioReproduction>& ratios);
std::string reproduction_csv(std::vector<Reproduction> rows, const std::vector<RatioReproduction>& ratios);

}  // namespace dcsim::analysis
