#pragma once
// Figures a publication reports for one scenario, and how a run compares with them.

#include <string>
#include <vector>

namespace dcsim::analysis {

struct PublishedFigures {
  std::string table;  ///< e.g. "Table 4"
  int position = 0;   ///< row or column within the table
  std::string label;  ///< its heading, e.g. "GPT-3"
  double energy_mwh = 0.0;
  double co2e_gross_t = 0.0;
  double co2e_net_t = 0.0;
  double tolerance = 0.015;  ///< allowed relative error
  std::string source;
};

/// Relative error of `simulated` against `published`: (simulated - published) / published.
inline double relative_error(double simulated, double published) { return (simulated - published) / published; }

}  // namespace dcsim::analysis
