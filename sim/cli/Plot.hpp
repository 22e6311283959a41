#pragma once
// `dcsim plot`: runs the Python plot scripts of analysis/plots/ (plot.py, which picks the plots
// for a run file, a sweep file or `dcsim compare --json` output) as a child process, argv passed
// as is (no shell), its stdout and stderr copied to the given streams, its exit code returned.
//
// The Python is $DCSIM_PYTHON, else the build's DCSIM_PYTHON (CMake cache, /usr/bin/python3 by
// default); it needs numpy, h5py and matplotlib. The scripts are found in $DCSIM_PLOTS_DIR when
// set, else in ../share/dcsim/analysis/plots beside the running binary (an installed tree),
// else in the source tree the binary was built from.

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace dcsim::cli {

struct PlotOptions {
  std::vector<std::string> files;  ///< run or sweep .h5 files, compare .json files
  std::string out_dir = ".";       ///< where the images go (created if missing)
  std::string format = "png";      ///< png or svg
  std::string x, y, metric;        ///< sweep heatmaps: keys along x and y, summary figure (empty: default)
};

/// The Python interpreter the plots run with.
std::string plot_python();

/// The directory holding plot.py, or nullopt with `searched` listing where it looked.
std::optional<std::filesystem::path> find_plot_scripts(std::vector<std::string>& searched);

/// Runs the plots: the scripts' exit code (0, 1, or 2 for a bad file); 2 when the Python or the
/// scripts cannot be found, 1 when the child is killed.
int run_plots(const PlotOptions& o, std::ostream& out, std::ostream& err);

}  // namespace dcsim::cli
