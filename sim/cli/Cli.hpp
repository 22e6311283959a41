#pragma once
// The `dcsim` command line. Exit codes: 0 success, 1 run failure (e.g. a reproduced figure out
// of tolerance, an internal error), 2 input error (bad scenario, bad file, bad arguments).

#include <ostream>

namespace dcsim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitInputError = 2;

/// Runs the command line with the given streams (so tests can run it in-process).
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dcsim::cli
