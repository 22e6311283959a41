#pragma once
// Running a sweep: every variant on every core (OpenMP), across MPI ranks, or one SLURM array
// shard of it; results in one HDF5 file that appears only when the sweep is complete.
//
// Output (format_version 1 of the sweep file):
//   /  attributes  format_version, dcsim_version, sweep_hash, sweep_file, base_scenario, seed,
//                  variants (in the whole sweep), and for a shard file shard_index, shard_count
//   /sweep/params  one row per variant: index, id, seed, then one column per varied key (its
//                  value as written, text) and `<key>.number` (the value's leading number) when
//                  every value of the key starts with one
//   /sweep/results one row per variant: index, id, status (0 ran, 1 run failure, 2 input
//                  error), error (message), then every /summary figure of the run
//
// Resume: while it runs, finished variants are appended to OUT.progress (a text log, one line
// each, numbers in hexadecimal floating point so they read back exactly). The same command
// again reads that log and runs only what is missing; the final file is written from both.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "sim/sweep/SweepSpec.hpp"

namespace dcsim::sweep {

struct SweepOptions {
  std::string output;                 ///< the final HDF5 file
  int threads = 0;                    ///< 0: every core
  std::optional<std::pair<int, int>> shard;  ///< K of N (1-based): variants with index % N == K - 1
  std::string runs_dir;               ///< when set: each variant's full run as DIR/<id>.h5
  bool progress_tty = false;          ///< draw a progress bar (else a line now and then)
  int mpi_rank = 0, mpi_size = 1;     ///< set by the MPI driver
};

struct SweepReport {
  std::size_t variants = 0;   ///< in this run's slice
  std::size_t resumed = 0;    ///< taken from the progress log
  std::size_t ran = 0;
  std::size_t failed = 0;     ///< status 1 or 2
  double seconds = 0.0;
  std::string first_error;
};

/// Runs the slice of `spec` that `options` selects and writes the output file (rank 0 only under
/// MPI). Progress goes to `log`. Throws dcsim::InputError for unusable options or files.
SweepReport run_sweep(const SweepSpec& spec, const SweepOptions& options, std::ostream& log);

/// Merges shard files of one sweep into `output`: same sweep hash, every shard present once,
/// every variant present once. Throws dcsim::InputError naming the offending file otherwise;
/// writes nothing then.
void merge_shards(const std::vector<std::string>& inputs, const std::string& output);

/// "K/N" -> (K, N); throws dcsim::InputError unless 1 <= K <= N.
std::pair<int, int> parse_shard(const std::string& text);

}  // namespace dcsim::sweep
