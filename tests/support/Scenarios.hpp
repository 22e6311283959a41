#pragma once
// Small scenario texts for tests: one accelerator type, a fixed PUE, and the jobs and grid given.

#include <string>

#include <fmt/format.h>

namespace dcsim::test {

/// A scenario starting 2020-01-01T00:00:00Z on accelerator "X" (1000 W system power).
/// `jobs` and `grid` are YAML blocks indented by two spaces under their keys.
inline std::string scenario_yaml(double pue, const std::string& grid, const std::string& jobs,
                                 const std::string& extra = "") {
  return fmt::format(
      "name: test\n"
      "start: 2020-01-01T00:00:00Z\n"
      "accelerators:\n"
      "  X: {{tdp: 400 W, system_power: 1000 W}}\n"
      "facility:\n"
      "  pue: {}\n"
      "grid:\n{}"
      "jobs:\n{}{}",
      pue, grid, jobs, extra);
}

}  // namespace dcsim::test
