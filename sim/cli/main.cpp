#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string_view>

#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

// Freed memory is kept for reuse instead of going back to the system at once: a run frees and
// allocates buffers of a few hundred KiB over and over (HDF5 chunks, trace batches), and glibc's
// defaults return them (trim, munmap) only to fault the pages in again; measured on a 100-rack
// hall's year with hourly output, half the system time and 1.2x less wall time. Peak RSS is
// unchanged: what is kept was touched already.
void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // blocks below 32 MiB from the heap, reused when freed
  mallopt(M_TRIM_THRESHOLD, 64 << 20);  // the heap's top is given back only beyond 64 MiB free
  mallopt(M_TOP_PAD, 4 << 20);          // and grows 4 MiB at a time
#endif
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_memory();
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
