#include "sim/scenario/DataDir.hpp"

#include <cstdlib>

namespace dcsim::scenario {

namespace fs = std::filesystem;

namespace {

fs::path find_scenario_dir() {
  if (const char* dir = std::getenv("DCSIM_SCENARIO_DIR"); dir != nullptr && *dir != '\0') return dir;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = self.parent_path().parent_path() / "share" / "dcsim" / "scenarios";
    if (fs::is_directory(installed / "catalog", ec)) return installed;
  }
  // The source tree first: a build tree's library (the tests) reads its own scenarios even
  // where an older dcsim is installed.
  for (const char* dir : {DCSIM_SCENARIO_DIR, DCSIM_INSTALLED_SCENARIO_DIR, DCSIM_PACKAGED_SCENARIO_DIR})
    if (fs::is_directory(fs::path(dir) / "catalog", ec)) return dir;
  return DCSIM_SCENARIO_DIR;
}

}  // namespace

// Looked up once: a sweep loads its scenario thousands of times.
fs::path scenario_dir() {
  static const fs::path dir = find_scenario_dir();
  return dir;
}

fs::path catalog_dir() { return scenario_dir() / "catalog"; }

}  // namespace dcsim::scenario
