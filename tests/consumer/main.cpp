// Runs a scenario through the installed dcsim library and prints its summary: the embedding
// example of the README.
#include <iostream>

#include "analysis/Report.hpp"
#include "models/InputError.hpp"
#include "sim/Run.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer SCENARIO OUT.h5\n";
    return 2;
  }
  try {
    const dcsim::scenario::Scenario scenario = dcsim::scenario::load_scenario(argv[1]);
    const dcsim::sim::RunOutcome run = dcsim::sim::run_scenario(scenario, std::filesystem::path(argv[2]));
    std::cout << "facility_energy_mwh " << run.summary.facility_energy_mwh << '\n'
              << "co2e_gross_t " << run.summary.co2e_gross_t << '\n';
    std::cout << dcsim::analysis::format_report(argv[2], dcsim::analysis::RunFile{run.info, run.summary, run.jobs, 0});
  } catch (const dcsim::InputError& e) {
    for (const dcsim::Problem& p : e.problems()) std::cerr << "error: " << dcsim::format_problem(p) << '\n';
    return 2;
  }
  return 0;
}
