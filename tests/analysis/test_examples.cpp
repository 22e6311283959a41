// analysis/examples/load_run.py: a run loaded into pandas and xarray gives the totals of
// `dcsim report --json`. Skipped, with a message, when /usr/bin/python3 (DCSIM_PYTHON) lacks
// h5py, pandas, xarray or h5netcdf.

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "sim/cli/Plot.hpp"
#include "tests/support/RunCli.hpp"
#include "tests/support/Scenarios.hpp"
#include "tests/support/TempDir.hpp"

namespace {

using dcsim::test::run_cli;
using dcsim::test::TempDir;

const std::string kExample = std::string(DCSIM_SCENARIO_DIR) + "/../analysis/examples/load_run.py";

bool example_modules_available() {
  static const bool ok = [] {
    const std::string check =
        fmt::format("'{}' -c 'import h5py, pandas, xarray, h5netcdf' >/dev/null 2>&1", dcsim::cli::plot_python());
    return std::system(check.c_str()) == 0;
  }();
  if (!ok) MESSAGE("skipped: " << dcsim::cli::plot_python() << " lacks h5py, pandas, xarray or h5netcdf");
  return ok;
}

struct Output {
  int code = -1;
  std::string text;
};

Output run_shell(const std::string& command) {
  Output out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), &pclose);
  REQUIRE(pipe);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.text.append(buf, n);
  const int status = pclose(pipe.release());
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace

TEST_CASE("the pandas and xarray example reads a run indexed by time and its totals match dcsim report") {
  if (!example_modules_available()) return;
  TempDir dir;
  // Two jobs over 2 h 30 min (the last interval is half an hour) under a changing grid.
  const std::string yaml = dcsim::test::scenario_yaml(
      1.2, "  gross: 200 g/kWh\n  net: 100 g/kWh\n  changes:\n    - {at: 2020-01-01T00:45:00Z, gross: 400 g/kWh, net: 50 g/kWh}\n",
      "  - {name: a, accelerator: X, chips: 2, duration: 150 min}\n  - {name: b, accelerator: X, chips: 1, duration: 70 min}\n");
  const auto scenario = dir.write("s.yaml", yaml);
  const auto run = dir / "run.h5";
  REQUIRE(run_cli({"run", scenario.string(), "-o", run.string()}).code == 0);
  const auto report = run_cli({"report", run.string(), "--json"});
  REQUIRE(report.code == 0);
  const auto json = dir.write("report.json", report.out);
  const Output out =
      run_shell(fmt::format("'{}' '{}' '{}' --report '{}'", dcsim::cli::plot_python(), kExample, run.string(), json.string()));
  INFO(out.text);
  CHECK(out.code == 0);
  CHECK(out.text.find("3 intervals from 2020-01-01 00:00:00+00:00") != std::string::npos);
  CHECK(out.text.find("DIFFERS") == std::string::npos);
  CHECK(out.text.find("co2e_gross_t (xarray)") != std::string::npos);
}
