#pragma once
// Where the scenario data (scenarios/: the paper's scenarios, catalog/) is found at run time.
//
// $DCSIM_SCENARIO_DIR when set (the only place then: a wrong setting is not papered over); else
// ../share/dcsim/scenarios beside the running binary, when it exists (an installed tree); else
// the first that exists of the source tree the library was built from, share/dcsim/scenarios
// under the install prefix it was configured with, and /usr/share/dcsim/scenarios (the Debian
// package), for a program that links the installed libraries.

#include <filesystem>

namespace dcsim::scenario {

/// The scenarios directory (holding paper/, whatif/, catalog/).
std::filesystem::path scenario_dir();

/// scenario_dir() / "catalog": the hardware, facility, site and region catalogs.
std::filesystem::path catalog_dir();

}  // namespace dcsim::scenario
