#pragma once
// Comparing runs: the ratio of two runs' CO2e decomposed exactly into the four factors of
// Patterson et al. 2021 (the "4Ms" of its 2022 follow-up, arXiv 2204.05149):
//
//   CO2e_A / CO2e_B =   FLOP_A / FLOP_B                              model
//                     x (IT_A / FLOP_A) / (IT_B / FLOP_B)            machine (IT energy per FLOP)
//                     x (Fac_A / IT_A) / (Fac_B / IT_B)              mechanization (PUE)
//                     x (CO2e_A / Fac_A) / (CO2e_B / Fac_B)          map (CO2e per facility kWh)
//
// where IT and Fac are the runs' IT and facility energy and FLOP the sum of their jobs' work.
// The identity is exact; the product of the computed factors is checked against the computed
// ratio to 1e-9 (kProductTolerance) every time, for every accounting basis both runs report.
// When a run's FLOPs are unknown (a job given by duration, a job cut at the horizon, serving),
// model and machine fold into one factor, the IT energy ratio. When both runs have the same
// grid (their resolved scenarios' grid sections are identical, `source` aside) and start at
// different times, the last factor is labelled timing instead of map: it is then when, not
// where, the energy was drawn.
//
// A chain of runs A -> B -> C ... attributes the first-to-last ratio step by step, the way the
// paper's Figure 1 tells Table 1's 57x: each step decomposed as above, and the running product
// of the step ratios, which telescopes to the first-to-last ratio.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/ResultFile.hpp"

namespace dcsim::analysis {

/// Allowed relative difference between the product of the factors and the total ratio.
inline constexpr double kProductTolerance = 1e-9;

/// One side of a comparison: a run (simulated in-process or read from its file).
struct CompareInput {
  std::string label;  ///< the file as named on the command line
  RunFile run;
};

/// A figure of A against the same figure of B.
struct Ratio {
  double a = 0.0;
  double b = 0.0;
  double value() const { return a / b; }
};

/// The CO2e ratio of one accounting basis and its last factor.
struct BasisDecomposition {
  std::string basis;           ///< gross, net, given, hourly, annual or marginal
  std::string description;     ///< e.g. "net (given basis)"
  Ratio co2e_t;                ///< the total: CO2e_A / CO2e_B
  Ratio intensity_g_per_kwh;   ///< facility CO2e per facility kWh: the map (or timing) factor
  double product = 0.0;        ///< model x machine x mechanization x map, equal to co2e_t.value()
};

struct Comparison {
  std::string label_a, label_b;        ///< files
  std::string scenario_a, scenario_b;  ///< scenario names
  bool flops_known = false;            ///< both runs' FLOPs are known: model and machine are separate
  std::vector<std::string> flops_notes;  ///< why they are not, per run
  Ratio flop;                          ///< model (when flops_known)
  Ratio it_energy_per_flop_pj;         ///< machine (when flops_known)
  Ratio it_energy_kwh;                 ///< model x machine
  Ratio pue;                           ///< mechanization: facility / IT energy
  Ratio facility_energy_kwh;           ///< model x machine x mechanization
  bool timing = false;                 ///< same grid, different start: the last factor is timing
  std::vector<BasisDecomposition> bases;
  std::vector<std::string> notes;      ///< bases left out, and why

  double model() const { return flop.value(); }
  double machine() const { return it_energy_per_flop_pj.value(); }
  double mechanization() const { return pue.value(); }
  const char* last_factor() const { return timing ? "timing" : "map"; }
};

/// Decomposes A / B. Throws dcsim::InputError naming the run when one has no IT or facility
/// energy to compare; throws std::logic_error if the factors' product misses the total ratio.
Comparison compare(const CompareInput& a, const CompareInput& b);

/// The comparison as an aligned table, with "B needs Nx less ..." for each factor.
std::string format_comparison(const Comparison& c);

/// The same as one JSON object.
nlohmann::ordered_json comparison_json(const Comparison& c);

/// A -> B -> C ...: every step, the first against the last, and the running product of the step
/// ratios for each basis that every run reports.
struct Chain {
  std::vector<std::string> labels;
  std::vector<Comparison> steps;  ///< runs[k] against runs[k + 1]
  Comparison overall;             ///< runs.front() against runs.back()
  struct Running {
    std::string basis;
    std::string description;
    std::vector<double> after_step;  ///< product of the step ratios up to and including each step
  };
  std::vector<Running> running;
};

/// Needs at least two runs; throws as compare() does.
Chain compare_chain(const std::vector<CompareInput>& runs);

std::string format_chain(const Chain& chain);
nlohmann::ordered_json chain_json(const Chain& chain);

}  // namespace dcsim::analysis
