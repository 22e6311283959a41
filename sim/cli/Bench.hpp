#pragma once
// `dcsim bench`: the speed and memory figures of fixed cases, measured in this process's
// children (one child per case, so each case's peak memory is its own), printed as a table.
//
// Cases: the engine alone (events per second of schedule + run with a trivial handler); the
// GPT-3 scenario (load and run, no output); a one-year 100-rack hall with full physics and
// hourly HDF5 output; the fleet-year workload at each size whose traces are found (through the
// lossless hall, as scenarios/bench/fleet-year.yaml says); and a sweep of 10,000 variants.
// Targets are printed beside the figures; nothing fails on them.

#include <ostream>
#include <string>
#include <vector>

namespace dcsim::cli {

struct BenchOptions {
  int runs = 5;                    ///< timed runs per case (after one warm-up), median reported
  std::vector<std::string> only;   ///< case names to run (empty: all)
  std::string fleet_dir;           ///< folder of fleet-year traces, h<H>-j<J>-s1/ (default: ~/.cache/fleet-year)
  bool quick = false;              ///< fewer runs and no sweep or large fleet (a smoke test)
};

int run_bench(const BenchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace dcsim::cli
