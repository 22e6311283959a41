#include <iostream>

#include "sim/cli/Cli.hpp"

int main(int argc, char** argv) { return dcsim::cli::run(argc, argv, std::cout, std::cerr); }
