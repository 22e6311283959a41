// `dcsim plot`: the Python plots of analysis/plots/ drawn from a small run (two jobs over four
// days in a modelled hall, hourly grid and solar supply), a small sweep and the JSON of a
// comparison and of a chain. Each image must be a complete PNG (or SVG) of a readable size. The
// images stay in build/plots/ (DCSIM_PLOTS_OUT) for a reviewer to look at; the SVGs in
// build/plots/svg/.
//
// The drawing tests are skipped, with a message, when the plots' Python lacks h5py or
// matplotlib; the tests of a missing Python or missing scripts are not.

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "analysis/hdf5/Hdf5.hpp"
#include "sim/cli/Plot.hpp"
#include "tests/support/RunCli.hpp"
#include "tests/support/TempDir.hpp"

namespace {

namespace fs = std::filesystem;
using dcsim::test::run_cli;
using dcsim::test::TempDir;

const fs::path kOut = DCSIM_PLOTS_OUT;
const std::string kAccelerators = std::string(DCSIM_SCENARIO_DIR) + "/paper/base/accelerators.yaml";

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

/// True when the plots' Python has what they import; else says why the test is skipped.
bool plots_available() {
  static const bool ok = [] {
    const std::string check = "'" + dcsim::cli::plot_python() + "' -c 'import numpy, h5py, matplotlib' >/dev/null 2>&1";
    return std::system(check.c_str()) == 0;
  }();
  if (!ok) MESSAGE("skipped: " << dcsim::cli::plot_python() << " lacks numpy, h5py or matplotlib");
  return ok;
}

/// Sets an environment variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t big_endian(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(s[at + k]);
  return v;
}

/// A complete PNG (signature, header first, end chunk last) of at least 500 x 300 pixels with
/// more than a blank canvas in it.
void check_png(const fs::path& file) {
  CAPTURE(file);
  REQUIRE(fs::is_regular_file(file));
  const std::string png = bytes_of(file);
  REQUIRE(png.size() > 64);
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  CHECK(png.compare(12, 4, "IHDR") == 0);
  CHECK(big_endian(png, 16) >= 500);  // width
  CHECK(big_endian(png, 20) >= 300);  // height
  CHECK(png.compare(png.size() - 8, 4, "IEND") == 0);
  CHECK(png.size() > 20'000);  // a blank canvas of this size compresses to a few kB
}

void check_svg(const fs::path& file) {
  CAPTURE(file);
  REQUIRE(fs::is_regular_file(file));
  const std::string svg = bytes_of(file);
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK(contains(svg, "<svg"));
  CHECK(contains(svg, "</svg>"));
  CHECK(svg.size() > 20'000);
}

/// No temporary image is left behind in `dir`.
// No temporary of the images named `stem`-* is left in `dir` (a temporary is ".STEM-PLOT.XXXX.png.tmp").
// Only this test's own stems are looked at: other tests draw into the same directory at the same
// time under `ctest -j`, and their temporaries may be there for a moment.
void check_no_temporaries(const fs::path& dir, std::initializer_list<std::string_view> stems) {
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    CAPTURE(e.path());
    for (const std::string_view stem : stems)
      CHECK_FALSE((name.starts_with("." + std::string(stem) + "-") && contains(name, ".tmp")));
  }
}

// The run: two training jobs given by their FLOPs (so compare can split model and machine) in a
// hyperscale hall with weather, on the CAISO-like hourly grid with a contracted solar farm (so
// there is a gross and a 24/7 net basis), four days with idle hours before and after.
std::string hall_yaml() {
  return "extends: " + kAccelerators + "\n" +
         "name: hall\n"
         "start: 2023-06-01T00:00:00Z\n"
         "horizon: 4 d\n"
         "facility: {preset: hyperscale, site: northern-virginia}\n"
         "grid:\n"
         "  mix: {region: caiso, seed: 1}\n"
         "  cfe:\n"
         "    contracts:\n"
         "      - {name: solar-farm, kind: solar, capacity: 150 kW, from_mix: true}\n"
         "jobs:\n"
         "  - {name: pretrain, accelerator: TPU v3, chips: 512, total_flops: 2.9491e21, flops_per_chip: 40 TFLOP/s,\n"
         "     start: 2023-06-01T06:00:00Z}\n"
         "  - {name: fine-tune, accelerator: TPU v3, chips: 256, total_flops: 7.3728e20, flops_per_chip: 40 TFLOP/s,\n"
         "     start: 2023-06-02T12:00:00Z}\n";
}

/// The run file `name`.h5 of `yaml` in `dir`.
fs::path run_file(const TempDir& dir, const std::string& name, const std::string& yaml) {
  const fs::path scenario = dir.write(name + ".yaml", yaml);
  const fs::path h5 = dir / (name + ".h5");
  const auto r = run_cli({"run", scenario.string(), "-o", h5.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  return h5;
}

/// The JSON of `dcsim compare` over `runs`, written to `name`.json in `dir`.
fs::path compare_json(const TempDir& dir, const std::string& name, std::vector<std::string> runs) {
  runs.insert(runs.begin(), "compare");
  runs.emplace_back("--json");
  const auto r = run_cli(runs);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return dir.write(name + ".json", r.out);
}

// The runs of a chain, each changing one thing of the one before: the hall's jobs in an
// enterprise room, in the hall, in Finland (weather and grid), on chips 1.5x as fast at the same
// power, and with half the FLOPs.
std::vector<std::string> chain_runs(const TempDir& dir) {
  const fs::path hall = run_file(dir, "hall", hall_yaml());
  const auto job = [](const char* name, double flops, int chips, const char* speed, const char* start) {
    return std::string("  - {name: ") + name + ", accelerator: TPU v3, chips: " + std::to_string(chips) +
           ", total_flops: " + fmt::format("{:g}", flops) + ", flops_per_chip: " + speed + ", start: " + start + "}\n";
  };
  const std::string fast = "jobs:\n" + job("pretrain", 2.9491e21, 512, "60 TFLOP/s", "2023-06-01T06:00:00Z") +
                           job("fine-tune", 7.3728e20, 256, "60 TFLOP/s", "2023-06-02T12:00:00Z");
  const std::string small = "jobs:\n" + job("pretrain", 1.47455e21, 512, "60 TFLOP/s", "2023-06-01T06:00:00Z") +
                            job("fine-tune", 3.6864e20, 256, "60 TFLOP/s", "2023-06-02T12:00:00Z");
  return {run_file(dir, "room", "extends: hall.yaml\nname: room\nfacility: {preset: enterprise}\n").string(),
          hall.string(),
          run_file(dir, "finland", "extends: hall.yaml\nname: finland\nfacility: {site: finland}\n"
                                   "grid: {mix: {region: finland}}\n").string(),
          run_file(dir, "fast-chips", "extends: finland.yaml\nname: fast-chips\n" + fast).string(),
          run_file(dir, "half-flops", "extends: finland.yaml\nname: half-flops\n" + small).string()};
}

}  // namespace

TEST_CASE("dcsim plot draws a run's power, PUE, grid intensity and cumulative CO2e as PNG") {
  if (!plots_available()) return;
  TempDir dir;
  const fs::path run = run_file(dir, "run", hall_yaml());
  const auto r = run_cli({"plot", run.string(), "-o", kOut.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  for (const char* plot : {"power", "pue", "intensity", "co2e"}) {
    const fs::path png = kOut / (std::string("run-") + plot + ".png");
    check_png(png);
    CHECK(contains(r.out, png.string()));  // each image is named on stdout
  }
  check_no_temporaries(kOut, {"run"});
}

TEST_CASE("dcsim plot --format svg draws the same plots as SVG") {
  if (!plots_available()) return;
  TempDir dir;
  const fs::path run = run_file(dir, "run", hall_yaml());
  const auto r = run_cli({"plot", run.string(), "-o", (kOut / "svg").string(), "--format", "svg"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  for (const char* plot : {"power", "pue", "intensity", "co2e"}) check_svg(kOut / "svg" / (std::string("run-") + plot + ".svg"));
}

TEST_CASE("a sweep file gives a heatmap over its two widest keys, or the keys and figure asked for") {
  if (!plots_available()) return;
  TempDir dir;
  dir.write("hall.yaml", hall_yaml());
  // 3 regions x 3 sites x 2 weather seeds: x and y are region and site, one panel per seed.
  const fs::path spec = dir.write("sweep.yaml",
                                  "base: hall.yaml\n"
                                  "seed: 1\n"
                                  "axes:\n"
                                  "  grid.mix.region: [caiso, miso, finland]\n"
                                  "  facility.site: [northern-virginia, finland, singapore]\n"
                                  "  grid.mix.seed: [1, 2]\n");
  const fs::path sweep = dir / "sweep.h5";
  const auto s = run_cli({"sweep", spec.string(), "-o", sweep.string(), "--threads", "1"});
  INFO(s.err);
  REQUIRE(s.code == 0);
  const auto r = run_cli({"plot", sweep.string(), "-o", kOut.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  check_png(kOut / "sweep-heatmap-co2e_net_t.png");
  const auto pue = run_cli({"plot", sweep.string(), "-o", kOut.string(), "--x", "facility.site", "--y",
                            "grid.mix.seed", "--metric", "pue"});
  INFO(pue.err);
  REQUIRE(pue.code == 0);
  check_png(kOut / "sweep-heatmap-pue.png");

  const auto bad_metric = run_cli({"plot", sweep.string(), "-o", dir.path().string(), "--metric", "co2e_nett_t"});
  CHECK(bad_metric.code == 2);
  CHECK(contains(bad_metric.err, "no metric 'co2e_nett_t'"));
  const auto bad_key = run_cli({"plot", sweep.string(), "-o", dir.path().string(), "--x", "grid.region"});
  CHECK(bad_key.code == 2);
  CHECK(contains(bad_key.err, "'grid.region' is not a varied key"));
}

TEST_CASE("compare --json output gives a waterfall of the four factors, and a chain also every step") {
  if (!plots_available()) return;
  TempDir dir;
  const std::vector<std::string> runs = chain_runs(dir);
  const fs::path pair = compare_json(dir, "pair", {runs.front(), runs.back()});
  const fs::path chain = compare_json(dir, "chain", runs);
  const auto r = run_cli({"plot", pair.string(), chain.string(), "-o", kOut.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  check_png(kOut / "pair-waterfall.png");
  check_png(kOut / "chain-waterfall.png");
  check_png(kOut / "chain-chain.png");
  check_no_temporaries(kOut, {"pair", "chain"});
}

TEST_CASE("a missing file, a file that is not HDF5, another program's HDF5 file and an output that cannot be made exit 2") {
  if (!plots_available()) return;
  TempDir dir;
  const fs::path out = dir / "images";
  const fs::path text = dir.write("notes.h5", "not an HDF5 file\n");
  const fs::path foreign = dir / "foreign.h5";
  {
    dcsim::h5::silence_errors();
    const dcsim::h5::Handle f = dcsim::h5::create_file(foreign.string());
    dcsim::h5::write_attribute(f.id(), "instrument", std::string_view("thermometer"));
  }
  const fs::path json = dir.write("other.json", "{\"temperature\": 21}\n");
  const fs::path run = run_file(dir, "run", hall_yaml());
  struct Bad {
    fs::path file;
    const char* says;
  };
  for (const Bad& bad : {Bad{dir / "missing.h5", "no such file"}, Bad{text, "not an HDF5 file"},
                         Bad{foreign, "not a dcsim file"}, Bad{json, "not the output of `dcsim compare --json`"}}) {
    CAPTURE(bad.file);
    // The good run first: every file is checked before any image is drawn.
    const auto r = run_cli({"plot", run.string(), bad.file.string(), "-o", out.string()});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "error: " + bad.file.string() + ": " + bad.says));
    CHECK_FALSE(fs::exists(out / "run-power.png"));
  }
  // An output directory under a regular file cannot be made.
  const auto r = run_cli({"plot", run.string(), "-o", (text / "images").string()});
  CHECK(r.code == 2);
  CHECK(contains(r.err, "error: " + (text / "images").string() + ": cannot write images there"));
}

TEST_CASE("without its Python, dcsim plot exits 2 and says what to install") {
  const ScopedEnv python("DCSIM_PYTHON", "/nonexistent/bin/python3");
  const auto r = run_cli({"plot", "run.h5"});
  CHECK(r.code == 2);
  CHECK(contains(r.err, "cannot run the Python of the plots, '/nonexistent/bin/python3'"));
  CHECK(contains(r.err, "python3-matplotlib"));
}

TEST_CASE("SIGTERM to dcsim plot stops the plot scripts too") {
  // A stand-in for the scripts: it would draw (leave a mark) two seconds after it starts.
  TempDir dir;
  const fs::path mark = dir / "drawn";
  const fs::path fake = dir.write("python", fmt::format("#!/bin/sh\nsleep 2\ntouch '{}'\n", mark.string()));
  fs::permissions(fake, fs::perms::owner_all);
  const std::string cmd = fmt::format(
      "DCSIM_PYTHON='{}' '{}' plot run.h5 -o '{}' > /dev/null 2>&1 & pid=$!; sleep 0.5; kill -TERM $pid; wait $pid; echo $? > '{}'",
      fake.string(), DCSIM_BINARY, (dir / "out").string(), (dir / "status").string());
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream status(dir / "status");
  int code = 0;
  status >> code;
  CHECK(code == 143);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK_FALSE(fs::exists(mark));  // the scripts were stopped with it
}

TEST_CASE("a Python without h5py exits 2 and says what to install") {
  if (!plots_available()) return;
  TempDir dir;
  // A module that fails to import as a missing h5py does, ahead of the real one on the path.
  fs::create_directories(dir / "h5py");
  dir.write("h5py/__init__.py", "raise ImportError(\"No module named 'h5py'\")\n");
  const ScopedEnv path("PYTHONPATH", dir.path().string());
  const auto r = run_cli({"plot", "run.h5"});
  CHECK(r.code == 2);
  CHECK(contains(r.err, "the plots need numpy, h5py and matplotlib"));
  CHECK(contains(r.err, "python3-h5py"));
}

TEST_CASE("DCSIM_PLOTS_DIR without the scripts exits 2 and names where it looked") {
  TempDir dir;
  const ScopedEnv plots("DCSIM_PLOTS_DIR", dir.path().string());
  const auto r = run_cli({"plot", "run.h5"});
  CHECK(r.code == 2);
  CHECK(contains(r.err, "cannot find the plot scripts (plot.py) in " + dir.path().string()));
}

TEST_CASE("dcsim plot rejects an image format other than png and svg") {
  const auto r = run_cli({"plot", "run.h5", "--format", "gif"});
  CHECK(r.code == 2);
}
