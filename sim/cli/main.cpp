#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string_view>

#include <unistd.h>

#include "sim/cli/Cli.hpp"
#include "sim/output/TempFiles.hpp"
#include "sim/sweep/SweepMpi.hpp"

namespace {

// `dcsim sweep` under an MPI launcher: this program has no MPI (it would slow every start), so
// it hands over to `dcsim-mpi` beside it, which takes the same arguments. Without that program a
// sweep still runs, as a single rank per process, and says so.
void hand_over_to_mpi_build(int argc, char** argv) {
  if (dcsim::sweep::mpi_built() || !dcsim::sweep::launched_by_mpi()) return;
  bool sweep = false;
  for (int i = 1; i < argc && !sweep; ++i) sweep = std::string_view(argv[i]) == "sweep";
  if (!sweep) return;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return;
  const std::filesystem::path mpi = self.parent_path() / "dcsim-mpi";
  if (::access(mpi.c_str(), X_OK) != 0) {
    std::cerr << "dcsim: started by an MPI launcher, but " << mpi.string()
              << " (the MPI build) is missing: each rank runs the whole sweep on its own\n";
    return;
  }
  argv[0] = const_cast<char*>(mpi.c_str());
  ::execv(mpi.c_str(), argv);
  std::cerr << "dcsim: cannot start " << mpi.string() << ": " << std::strerror(errno) << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  hand_over_to_mpi_build(argc, argv);
  // SIGINT and SIGTERM remove any output still being written and exit 130 or 143.
  dcsim::output::install_signal_handlers();
  const int code = dcsim::cli::run(argc, argv, std::cout, std::cerr);
  if (dcsim::output::failed_write()) {
    std::cout.flush();
    std::cerr.flush();
    ::_exit(code);  // skip the HDF5 library's exit-time clean-up of a file it could not close
  }
  return code;
}
