// Sweeps: expansion of a sweep spec, results equal to running each variant alone, identical
// bytes across thread counts and MPI ranks, shards that merge into the unsharded file, merges
// that refuse, and resumption after kill -9.

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "analysis/hdf5/Hdf5.hpp"
#include "analysis/hdf5/Table.hpp"
#include "models/InputError.hpp"
#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"
#include "sim/sweep/SweepSpec.hpp"
#include "tests/support/RunCli.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::test::run_cli;
using dcsim::test::TempDir;

namespace {

namespace fs = std::filesystem;

// 1 kW per chip at a constant intensity: every total follows by hand.
const std::string kBase =
    "name: b\naccelerators:\n  X: {tdp: 1000 W, system_power: 1000 W}\nfacility: {pue: 1.0}\ngrid: {gross: 100 g/kWh}\n"
    "jobs:\n  - {name: j, accelerator: X, chips: 10, duration: 10 h}\n";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

dcsim::h5::Table table(const fs::path& file, const std::string& name) {
  const dcsim::h5::Handle f = dcsim::h5::open_file(file.string());
  const dcsim::h5::Handle g = dcsim::h5::open_group(f.id(), "sweep");
  return dcsim::h5::read_table(g.id(), name);
}

int shell(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

TEST_SUITE("sweep") {
  TEST_CASE("a sweep spec expands to the product of its axes, less its exclusions") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    const auto spec = dcsim::sweep::load_sweep(dir.write("s.yaml",
        "base: base.yaml\nseed: 5\naxes:\n  facility.pue: [1.1, 1.5]\n  grid.gross: {range: [100, 300, 100], unit: g/kWh}\n"
        "zip:\n  - {jobs_note: [a, b], seed: [1, 2]}\nexclude:\n  - {facility.pue: 1.5, grid.gross: 300 g/kWh}\n").string());
    // 2 x 3 x 2 = 12 combinations; the exclusion drops pue 1.5 with 300 g/kWh for both zip pairs.
    CHECK(spec.variants.size() == 10);
    CHECK(spec.excluded == 2);
    CHECK(spec.keys == std::vector<std::string>{"facility.pue", "grid.gross", "jobs_note", "seed"});
    CHECK(spec.variants[0].settings[1].second == "100 g/kWh");
    CHECK(spec.variants[4].settings[1].second == "300 g/kWh");  // range is inclusive of its stop (last axis fastest)
    std::set<std::string> ids;
    for (const auto& v : spec.variants) ids.insert(v.id);
    CHECK(ids.size() == spec.variants.size());
    // The id does not depend on the order of the settings.
    CHECK(dcsim::sweep::variant_id({{"a", "1"}, {"b", "2"}}) == dcsim::sweep::variant_id({{"b", "2"}, {"a", "1"}}));
    CHECK(dcsim::sweep::variant_id({{"a", "1"}}) != dcsim::sweep::variant_id({{"a", "2"}}));
  }

  TEST_CASE("linspace, logspace and instants give their values; LHS puts one draw in every stratum") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    const auto spec = dcsim::sweep::load_sweep(dir.write("s.yaml",
        "base: base.yaml\naxes:\n  a: {linspace: [0, 1, 5]}\n  b: {logspace: [1, 100, 3], unit: W}\n"
        "  start: {instants: {from: 2020-01-01T00:00:00Z, step: 90 min, count: 2}}\n").string());
    REQUIRE(spec.variants.size() == 30);
    CHECK(spec.variants[0].settings[0].second == "0");
    CHECK(spec.variants[6 * 4].settings[0].second == "1");   // the last linspace value is exactly the stop
    CHECK(spec.variants[6].settings[0].second == "0.25");
    CHECK(spec.variants[2].settings[1].second == "10 W");    // geometric middle of 1 and 100
    CHECK(spec.variants[1].settings[2].second == "2020-01-01T01:30:00Z");
    // Every point is the correctly rounded a + (b - a) k / (n - 1): whole numbers on a whole grid
    // (seeds), 0.3 and 0.7 (not 0.30000000000000004) on tenths.
    const auto grid = dcsim::sweep::load_sweep(dir.write("g.yaml",
        "base: base.yaml\naxes:\n  seed: {linspace: [1, 200, 200]}\n  facility.pue: {linspace: [0, 1, 11]}\n").string());
    REQUIRE(grid.variants.size() == 200 * 11);
    for (std::size_t k = 0; k < 200; ++k) CHECK(grid.variants[11 * k].settings[0].second == std::to_string(k + 1));
    CHECK(grid.variants[3].settings[1].second == "0.3");
    CHECK(grid.variants[7].settings[1].second == "0.7");
    const auto lhs = dcsim::sweep::load_sweep(dir.write("l.yaml",
        "base: base.yaml\nsample: {method: lhs, n: 10, seed: 4}\naxes:\n  facility.pue: {uniform: [1.0, 2.0]}\n").string());
    REQUIRE(lhs.variants.size() == 10);
    std::set<int> strata;
    for (const auto& v : lhs.variants) strata.insert(static_cast<int>(std::floor((std::stod(v.settings[0].second) - 1.0) * 10.0)));
    CHECK(strata.size() == 10);
    const auto again = dcsim::sweep::load_sweep(dir.path() / "l.yaml" == fs::path() ? "" : (dir.path() / "l.yaml").string());
    CHECK(again.variants[3].settings[0].second == lhs.variants[3].settings[0].second);  // seeded
  }

  TEST_CASE("bad sweep specs name the file, line and key") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    const auto problem = [&](const std::string& text) {
      try {
        (void)dcsim::sweep::load_sweep(dir.write("bad.yaml", text).string());
      } catch (const dcsim::InputError& e) {
        return dcsim::format_problem(e.problems().front());
      }
      return std::string("no error");
    };
    CHECK(problem("axes: {a: [1]}\n").find("base") != std::string::npos);
    CHECK(problem("base: nothere.yaml\naxes: {a: [1]}\n").find("does not exist") != std::string::npos);
    CHECK(problem("base: base.yaml\naxes:\n  a: {range: [3, 1, 1]}\n").find("bad.yaml:3") != std::string::npos);
    CHECK(problem("base: base.yaml\naxes:\n  a: [1]\nzip:\n  - {b: [1, 2], c: [1]}\n").find("zip[0].c") != std::string::npos);
    CHECK(problem("base: base.yaml\naxes:\n  a: {uniform: [0, 1]}\n").find("sample") != std::string::npos);
    CHECK(problem("base: base.yaml\naxis: {a: [1]}\n").find("unknown key 'axis'") != std::string::npos);
    CHECK(problem("base: base.yaml\naxes:\n  a: [1]\nexclude:\n  - {a: 1}\n").find("every combination is excluded") != std::string::npos);
  }

  TEST_CASE("each variant's results are those of its scenario run alone, and threads do not change a byte") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    dir.write("s.yaml", "base: base.yaml\naxes:\n  facility.pue: [1.0, 1.25, 1.5]\n  grid.gross: [100 g/kWh, 400 g/kWh]\n");
    const fs::path a = dir / "a.h5", b = dir / "b.h5";
    REQUIRE(run_cli({"sweep", (dir / "s.yaml").string(), "-o", a.string(), "--threads", "1"}).code == 0);
    REQUIRE(run_cli({"sweep", (dir / "s.yaml").string(), "-o", b.string(), "--threads", "2"}).code == 0);
    CHECK(slurp(a) == slurp(b));
    CHECK_FALSE(fs::exists(dir / "a.h5.progress"));
    const auto results = table(a, "results");
    const auto params = table(a, "params");
    REQUIRE(results.rows() == 6);
    // Variant 3: pue 1.25, 400 g/kWh: 100 kWh IT, 125 kWh facility, 50 kg.
    CHECK(params.find("facility.pue")->texts[3] == "1.25");
    CHECK(params.find("facility.pue.number")->reals[3] == 1.25);
    CHECK(results.find("facility_energy_mwh")->reals[3] == doctest::Approx(0.125).epsilon(1e-12));
    CHECK(results.find("co2e_gross_t")->reals[3] == doctest::Approx(0.05).epsilon(1e-12));
    CHECK(results.find("status")->integers[3] == 0);
  }

  TEST_CASE("catalogs and weather made once per process: each variant equals the same variant swept alone in a fresh process") {
    // A hall at a catalog site: every variant reads the facility and site catalogs and makes a
    // year of synthetic weather, which the seed changes. Variants of one seed share the weather.
    TempDir dir;
    dir.write("hall.yaml",
              "name: hall\naccelerators:\n  A: {tdp: 300 W, system_power: 300 W}\nfacility: {preset: hyperscale, site: iowa}\n"
              "grid: {gross: 100 g/kWh}\njobs:\n  - {name: j, accelerator: A, chips: 64, duration: 72 h}\n");
    dir.write("s.yaml", "base: hall.yaml\naxes:\n  seed: [1, 2]\n  grid.gross: [100 g/kWh, 400 g/kWh]\n");
    const fs::path all = dir / "all.h5";
    REQUIRE(run_cli({"sweep", (dir / "s.yaml").string(), "-o", all.string()}).code == 0);
    const auto results = table(all, "results");
    REQUIRE(results.rows() == 4);
    const auto energy = results.find("facility_energy_mwh")->reals;
    CHECK(energy[0] != energy[2]);  // another seed, other weather, another PUE
    CHECK(energy[0] == energy[1]);  // the grid does not change the energy
    const std::string bin = DCSIM_BINARY;
    const char* seeds[] = {"1", "1", "2", "2"};
    const char* grids[] = {"100 g/kWh", "400 g/kWh", "100 g/kWh", "400 g/kWh"};
    for (std::size_t i = 0; i < 4; ++i) {
      CAPTURE(i);
      const fs::path one = dir / fmt::format("one-{}.yaml", i), out = dir / fmt::format("one-{}.h5", i);
      dir.write(one.filename().string(), fmt::format("base: hall.yaml\naxes:\n  seed: [{}]\n  grid.gross: [{}]\n", seeds[i], grids[i]));
      REQUIRE(shell(fmt::format("'{}' sweep '{}' -o '{}' > /dev/null 2>&1", bin, one.string(), out.string())) == 0);
      const auto alone = table(out, "results");
      for (const char* metric : {"facility_energy_mwh", "it_energy_mwh", "co2e_gross_t", "pue"})
        CHECK(alone.find(metric)->reals[0] == results.find(metric)->reals[i]);
    }
  }

  TEST_CASE("--runs-dir keeps each variant's full run, named by its id") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    dir.write("s.yaml", "base: base.yaml\naxes:\n  facility.pue: [1.0, 2.0]\n");
    const fs::path runs = dir / "runs";
    REQUIRE(run_cli({"sweep", (dir / "s.yaml").string(), "-o", (dir / "r.h5").string(), "--runs-dir", runs.string()}).code == 0);
    const auto spec = dcsim::sweep::load_sweep((dir / "s.yaml").string());
    for (const auto& v : spec.variants) {
      const fs::path run = runs / (v.id + ".h5");
      REQUIRE(fs::exists(run));
      const auto report = run_cli({"report", run.string(), "--json"});
      CHECK(report.code == 0);
      CHECK(report.out.find(v.settings[0].second == "2.0" ? "\"pue\":2.0" : "\"pue\":1.0") != std::string::npos);
    }
  }

  TEST_CASE("variants that do not load are recorded, not fatal") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    dir.write("s.yaml", "base: base.yaml\naxes:\n  facility.pue: [1.2, 0.5]\n");
    const fs::path out = dir / "r.h5";
    const auto r = run_cli({"sweep", (dir / "s.yaml").string(), "-o", out.string()});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("1 failed") != std::string::npos);
    const auto results = table(out, "results");
    CHECK(results.find("status")->integers[1] == 2);
    CHECK(results.find("error")->texts[1].find("facility.pue") != std::string::npos);
    CHECK(std::isnan(results.find("co2e_gross_t")->reals[1]));
  }

  TEST_CASE("a sweep that sets the seed (an axis, or `set`) records the seed each variant ran with") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    dir.write("axis.yaml", "base: base.yaml\naxes:\n  seed: [3, 11, 12345]\n");
    dir.write("fixed.yaml", "base: base.yaml\nset: {seed: 9}\naxes:\n  facility.pue: [1.0, 1.5]\n");
    const fs::path axis = dir / "axis.h5", fixed = dir / "fixed.h5";
    const auto a = run_cli({"sweep", (dir / "axis.yaml").string(), "-o", axis.string()});
    INFO(a.err);
    REQUIRE(a.code == 0);
    const auto params = table(axis, "params");
    CHECK(params.find("seed")->integers == std::vector<std::int64_t>{3, 11, 12345});
    CHECK(table(axis, "results").rows() == 3);
    CHECK(table(axis, "results").find("status")->integers == std::vector<std::int64_t>{0, 0, 0});
    REQUIRE(run_cli({"sweep", (dir / "fixed.yaml").string(), "-o", fixed.string()}).code == 0);
    CHECK(table(fixed, "params").find("seed")->integers == std::vector<std::int64_t>{9, 9});
  }

  TEST_CASE("shards 1/3, 2/3 and 3/3 merge into the unsharded file; wrong sets of shards are refused") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    dir.write("s.yaml", "base: base.yaml\naxes:\n  facility.pue: [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6]\n");
    dir.write("t.yaml", "base: base.yaml\naxes:\n  facility.pue: [1.0, 1.1, 1.2]\n");
    const std::string s = (dir / "s.yaml").string();
    REQUIRE(run_cli({"sweep", s, "-o", (dir / "all.h5").string()}).code == 0);
    for (int k = 1; k <= 3; ++k)
      REQUIRE(run_cli({"sweep", s, "-o", (dir / fmt::format("shard-{}.h5", k)).string(), "--shard", fmt::format("{}/3", k)}).code == 0);
    CHECK(table(dir / "shard-1.h5", "results").rows() == 3);  // indices 0, 3, 6
    const std::string s1 = (dir / "shard-1.h5").string(), s2 = (dir / "shard-2.h5").string(), s3 = (dir / "shard-3.h5").string();
    REQUIRE(run_cli({"merge", s3, s1, s2, "-o", (dir / "merged.h5").string()}).code == 0);
    CHECK(slurp(dir / "merged.h5") == slurp(dir / "all.h5"));
    // A shard missing, one given twice, or one of another sweep: exit 2 and no file.
    const auto missing = run_cli({"merge", s1, s2, "-o", (dir / "m1.h5").string()});
    CHECK(missing.code == 2);
    CHECK(missing.err.find("3/3") != std::string::npos);
    CHECK(run_cli({"merge", s1, s1, s2, s3, "-o", (dir / "m2.h5").string()}).code == 2);
    REQUIRE(run_cli({"sweep", (dir / "t.yaml").string(), "-o", (dir / "other-1.h5").string(), "--shard", "1/3"}).code == 0);
    const auto other = run_cli({"merge", (dir / "other-1.h5").string(), s2, s3, "-o", (dir / "m3.h5").string()});
    CHECK(other.code == 2);
    CHECK(other.err.find("another sweep") != std::string::npos);
    CHECK(run_cli({"merge", (dir / "all.h5").string(), "-o", (dir / "m4.h5").string()}).code == 2);
    for (const char* m : {"m1.h5", "m2.h5", "m3.h5", "m4.h5"}) CHECK_FALSE(fs::exists(dir / m));
    CHECK(run_cli({"sweep", s, "-o", (dir / "x.h5").string(), "--shard", "4/3"}).code == 2);
  }

  TEST_CASE("killed with -9 mid-sweep, the same command finishes and equals an uninterrupted run") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    dir.write("s.yaml", "base: base.yaml\naxes:\n  facility.pue: {linspace: [1.0, 2.0, 40]}\n  grid.gross: {linspace: [10, 500, 100], unit: g/kWh}\n");
    const std::string bin = DCSIM_BINARY, s = (dir / "s.yaml").string();
    REQUIRE(run_cli({"sweep", s, "-o", (dir / "whole.h5").string()}).code == 0);
    const std::string out = (dir / "cut.h5").string();
    // Killed once the progress log holds a few finished variants (not after a fixed time, which a
    // fast machine outruns): the cut comes mid-sweep whatever the machine's speed.
    const std::string progress = out + ".progress";
    const int killed = shell(fmt::format(
        "'{0}' sweep '{1}' -o '{2}' --threads 1 > /dev/null 2>&1 & pid=$!; "
        "while kill -0 $pid 2> /dev/null && [ \"$(wc -l 2> /dev/null < '{3}' || echo 0)\" -lt 4 ]; do sleep 0.001; done; "
        "kill -9 $pid 2> /dev/null; wait $pid",
        bin, s, out, progress));
    const bool cut = !fs::exists(out);
    if (!cut) {
      MESSAGE("the sweep finished before it was killed (" << killed << "); resumption not exercised");
    } else {
      REQUIRE(fs::exists(progress));
    }
    const auto again = run_cli({"sweep", s, "-o", out});
    REQUIRE(again.code == 0);
    if (cut) CHECK(again.out.find("resumed from the progress log") != std::string::npos);
    CHECK(slurp(out) == slurp(dir / "whole.h5"));
    CHECK_FALSE(fs::exists(out + ".progress"));
  }

  TEST_CASE("mpirun -n 2 writes the same file as the threaded run") {
    if (shell("command -v mpirun > /dev/null 2>&1") != 0) {
      MESSAGE("skipped: mpirun not found");
      return;
    }
    TempDir dir;
    dir.write("base.yaml", kBase);
    dir.write("s.yaml", "base: base.yaml\naxes:\n  facility.pue: {linspace: [1.0, 2.0, 9]}\n  grid.gross: [100 g/kWh, 200 g/kWh]\n");
    const std::string bin = DCSIM_BINARY, s = (dir / "s.yaml").string();
    REQUIRE(run_cli({"sweep", s, "-o", (dir / "threads.h5").string()}).code == 0);
    // (OpenMPI keeps allocations to the end of the process: under the sanitizer build that is not a leak of ours.)
    const int rc = shell(fmt::format("env ASAN_OPTIONS=detect_leaks=0 mpirun -x ASAN_OPTIONS -n 2 --oversubscribe --allow-run-as-root '{}' sweep '{}' -o '{}' > '{}' 2>&1", bin, s,
                                     (dir / "mpi.h5").string(), (dir / "mpi.log").string()));
    INFO(slurp(dir / "mpi.log"));
    REQUIRE(rc == 0);
    CHECK(slurp(dir / "mpi.h5") == slurp(dir / "threads.h5"));
  }
}
