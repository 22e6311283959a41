#pragma once
// Monte Carlo over a scenario's distributions (`dcsim run SCENARIO --samples N`).
//
// Sample i (0-based) loads the scenario with every distribution drawn from the stream (seed, i)
// (sim/scenario/Distributions.hpp), and with the scenario's `seed` drawn from it as well, so that
// its own random processes (failures, forecast errors, the mix model's weather unless `mix.seed`
// pins it) are drawn afresh in each sample; `--set seed=N` holds them fixed instead. Samples run
// on every core (OpenMP), each into its own slot, so results do not depend on the thread count.
// Before any sample runs, every distribution is tried at its ends (check_distribution_ends).
//
// The output file (format_version 1 of the Monte Carlo file), complete or not written at all:
//   /  attributes            format_version, dcsim_version, kind ("monte_carlo"), scenario_file,
//                            scenario_name, scenario_yaml (the nominal run's resolved text),
//                            seed, samples, percentile_method
//   /uncertainty/inputs      one row per distribution: key, distribution
//   /uncertainty/samples     one row per sample: sample, seed (the scenario seed it ran with), then
//                            per distribution its value as written (text, named by the key) and
//                            `<key>.number` when every value is a number, then every /summary
//                            figure of the run
//   /uncertainty/statistics  one row per numeric input and per reported output: name, kind
//                            ("input" or "output"), units, n, mean, sd, p05, p50, p95, min, max

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/OutputFormat.hpp"
#include "analysis/Uncertainty.hpp"
#include "sim/scenario/Distributions.hpp"

namespace dcsim::sweep {

struct MonteCarloOptions {
  std::size_t samples = 0;
  std::optional<std::uint64_t> seed;  ///< of the draws; default: the scenario's `seed`
  int threads = 0;                    ///< 0: every core
};

/// Called after each sample with (samples done, samples in all), one call at a time.
using MonteCarloProgress = std::function<void(std::size_t, std::size_t)>;

struct MonteCarloResult {
  analysis::UncertaintyReport report;
  std::string resolved_yaml;                        ///< of the nominal load
  std::vector<std::string> warnings;                ///< of the nominal load
  std::vector<scenario::DrawnInput> inputs;         ///< the distributions, at their nominal values
  std::vector<std::int64_t> seeds;                  ///< per sample: the scenario seed
  /// One value of one distribution in one sample: as written, and its number (NaN if none).
  struct Draw {
    std::string text;
    double number = 0.0;
  };
  std::vector<std::vector<Draw>> draws;             ///< per sample, in the order of `inputs`
  std::vector<std::array<double, analysis::kSummaryFields.size()>> metrics;  ///< per sample
};

/// Runs `options.samples` samples of `scenario`. Throws dcsim::InputError when the scenario, a
/// distribution or any sample's values are bad (the lowest failing sample, whatever the threads).
MonteCarloResult run_monte_carlo(const std::filesystem::path& scenario, const std::vector<std::string>& overrides,
                                 const MonteCarloOptions& options, const MonteCarloProgress& progress = {});

/// Throws dcsim::InputError unless `output` can be written for `scenario`'s inputs (not one of
/// them, in a directory that exists). Checked before running.
void check_monte_carlo_output(const std::filesystem::path& scenario, const std::vector<std::string>& overrides,
                              const std::string& output);

/// Writes the file described above; throws dcsim::InputError naming `path` if it cannot.
void write_monte_carlo(const std::string& path, const MonteCarloResult& result);

}  // namespace dcsim::sweep
