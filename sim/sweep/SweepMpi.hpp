#pragma once
// Internals of the sweep runner shared with its MPI driver: one variant's outcome, its text
// form (the progress log's line, also what ranks send), and the master/worker exchange.
//
// MPI (when built with it): rank 0 hands out variant indices one at a time as ranks ask, so a
// slow variant does not hold up the others (dynamic distribution), records each result as it
// arrives and alone writes the output; the other ranks only run variants.

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "analysis/OutputFormat.hpp"
#include "sim/sweep/SweepSpec.hpp"

namespace dcsim::sweep {

struct Outcome {
  int status = -1;  ///< 0 ran, 1 run failure, 2 input error; -1 not run
  std::string error;
  std::array<double, analysis::kSummaryFields.size()> metrics{};
};

std::string encode_outcome(const Outcome& o);
bool decode_outcome(const std::string& text, Outcome& o);
Outcome run_one(const SweepSpec& spec, std::size_t index, const std::string& runs_dir);

/// True when this build has MPI support. The `dcsim` program is built without it (linking MPI
/// would slow every start); `dcsim-mpi` beside it has it, and `dcsim sweep` started by an MPI
/// launcher runs that program instead (sim/cli/main.cpp).
bool mpi_built();
/// True when an MPI launcher (mpirun, srun) started this process.
bool launched_by_mpi();
/// Initialises MPI when the process was started by an MPI launcher (mpirun, srun); returns
/// (rank, size), (0, 1) otherwise. mpi_finish() ends it.
std::pair<int, int> mpi_start();
void mpi_finish();
/// Ends every rank (a failure on one must not leave the others waiting).
[[noreturn]] void mpi_abort(int code);

void mpi_lead(const std::vector<std::size_t>& pending, const std::function<void(std::size_t, Outcome)>& record);
void mpi_follow(const std::function<Outcome(std::size_t)>& run);

}  // namespace dcsim::sweep
