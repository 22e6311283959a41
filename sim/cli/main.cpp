#include <iostream>

#include "sim/cli/Cli.hpp"
#include "sim/output/TempFiles.hpp"

int main(int argc, char** argv) {
  // SIGINT and SIGTERM remove any output still being written and exit 130 or 143.
  dcsim::output::install_signal_handlers();
  return dcsim::cli::run(argc, argv, std::cout, std::cerr);
}
