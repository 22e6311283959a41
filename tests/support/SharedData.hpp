#pragma once
// The read-only shared data folder (../shared beside the project, or $DCSIM_SHARED_DIR). Tests
// that use it skip with a message when it is absent.

#include <cstdlib>
#include <filesystem>

namespace dcsim::test {

/// The shared folder, whether or not it exists.
inline std::filesystem::path shared_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("DCSIM_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  return fs::path(DCSIM_SCENARIO_DIR).parent_path().parent_path() / "shared";
}

/// `<shared>/data/grid`, or an empty path when it is not there.
inline std::filesystem::path grid_data_dir() {
  namespace fs = std::filesystem;
  const fs::path grid = shared_dir() / "data" / "grid";
  std::error_code ec;
  return fs::is_directory(grid, ec) ? grid : fs::path();
}

}  // namespace dcsim::test
