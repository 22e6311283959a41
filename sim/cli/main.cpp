#include <iostream>

#include <unistd.h>

#include "sim/cli/Cli.hpp"
#include "sim/output/TempFiles.hpp"

int main(int argc, char** argv) {
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
