// Loading scenario files into models: defaults, derived durations, grid steps and `extends`.
//
// Unit conversions used below: 1 kWh = 3.6e6 J, so x kg/kWh = x / 3.6e6 kg/J and
// x g/kWh = x * 1e-3 / 3.6e6 kg/J; 1 d = 86400 s; 1 h = 3600 s; 1 MWh = 3.6e9 J.

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "models/InputError.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/TempDir.hpp"

namespace {

namespace fs = std::filesystem;
using dcsim::InputError;
using dcsim::scenario::load_scenario;
using dcsim::scenario::Scenario;
using dcsim::test::TempDir;

// 2020-01-01T00:00:00Z: 50 years after 1970 with 12 leap days (1972..2016).
constexpr std::int64_t k2020Ms = (50 * 365 + 12) * 86'400'000LL;
constexpr std::int64_t kMsPerHour = 3'600'000;
constexpr double kJPerKWh = 3.6e6;
constexpr double kSecondsPerDay = 86'400.0;

// Relative comparison (the default Approx adds an absolute 1, useless for kg/J ~1e-7).
doctest::Approx rel(double expected, double epsilon = 1e-12) { return doctest::Approx(expected).epsilon(epsilon).scale(1e-300); }

std::string yaml(std::initializer_list<std::string> lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// Writes `text` to `name` under `dir`, creating subdirectories.
fs::path put(const TempDir& dir, const std::string& name, const std::string& text) {
  fs::create_directories((dir / name).parent_path());
  return dir.write(name, text);
}

// Loads, reporting every problem if the file is (unexpectedly) rejected.
Scenario load_ok(const fs::path& file) {
  try {
    return load_scenario(file);
  } catch (const InputError& e) {
    FAIL("unexpected InputError:\n" << e.what());
  }
  return {};
}

const std::string kMinimal = yaml({
    "name: mini",
    "accelerators:",
    "  V100:",
    "    tdp: 300 W",
    "    peak: 125 TFLOP/s",
    "    system_power: 325 W",
    "facility:",
    "  pue: 1.1",
    "grid:",
    "  gross: 0.429 kg/kWh",
    "jobs:",
    "  - name: a",
    "    accelerator: V100",
    "    chips: 8",
    "    system_power_per_chip: 330 W",
    "    duration: 2 d",
});

// A base with every section; children below override parts of it.
const std::string kBase = yaml({
    "name: base",
    "description: from the base",
    "seed: 7",
    "accelerators:",
    "  V100:",
    "    tdp: 300 W",
    "    system_power: 325 W",
    "  P100:",
    "    tdp: 250 W",
    "    system_power: 271 W",
    "facility:",
    "  pue: 1.5",
    "grid:",
    "  gross: 400 g/kWh",
    "  net: 100 g/kWh",
    "jobs:",
    "  - name: base-one",
    "    accelerator: V100",
    "    chips: 4",
    "    duration: 1 d",
    "  - name: base-two",
    "    accelerator: P100",
    "    chips: 2",
    "    duration: 2 d",
});

const dcsim::models::Accelerator* find_accelerator(const Scenario& s, const std::string& name) {
  for (const auto& a : s.accelerators)
    if (a.name == name) return &a;
  return nullptr;
}

// The constant-source intensity steps of a scenario's grid (the only accessor of the grid model
// these tests use).
const std::vector<dcsim::models::IntensityStep>& grid_steps(const Scenario& s) { return s.sites[0].grid.steps.steps(); }

}  // namespace

TEST_SUITE("scenario loading") {

TEST_CASE("a minimal scenario builds its accelerator, facility, grid and job") {
  TempDir dir;
  const fs::path file = dir.write("mini.yaml", kMinimal);
  const Scenario s = load_ok(file);

  CHECK(s.name == "mini");
  CHECK(s.description.empty());
  CHECK(s.file == file.string());
  CHECK(s.seed == 1);

  REQUIRE(s.accelerators.size() == 1);
  CHECK(s.accelerators[0].name == "V100");
  CHECK(s.accelerators[0].tdp_w == 300.0);
  CHECK(s.accelerators[0].peak_flop_per_s == rel(125e12));
  CHECK(s.accelerators[0].system_power_w == 325.0);

  CHECK(s.sites[0].facility.pue() == 1.1);

  REQUIRE(s.jobs.size() == 1);
  const auto& job = s.jobs[0];
  CHECK(job.run.name == "a");
  CHECK(job.run.accelerator == "V100");
  CHECK(job.run.chips == 8);
  CHECK(job.run.system_power_per_chip_w == 330.0);
  CHECK(job.run.it_power_w() == 8 * 330.0);
  CHECK(job.run.duration_s == rel(2 * kSecondsPerDay));
  CHECK(job.duration_ms == 2 * 86'400'000);
  CHECK(job.start_offset_ms == 0);
  CHECK(job.run.total_flop == 0.0);  // neither given nor derivable: no flops_per_chip
}

TEST_CASE("a scenario without start begins at 2020-01-01T00:00:00Z and samples hourly") {
  TempDir dir;
  const Scenario s = load_ok(dir.write("mini.yaml", kMinimal));
  CHECK(s.start_ms == 1'577'836'800'000);
  CHECK(s.start_ms == k2020Ms);
  CHECK(s.sample_interval_ms == kMsPerHour);
  CHECK_FALSE(s.expected.has_value());
}

TEST_CASE("net intensity defaults to gross") {
  TempDir dir;
  const Scenario s = load_ok(dir.write("mini.yaml", kMinimal));
  REQUIRE(grid_steps(s).size() == 1);
  const auto& step = grid_steps(s)[0];
  CHECK(step.from_s == 0.0);
  CHECK(step.gross_kg_per_j == rel(0.429 / kJPerKWh));
  CHECK(step.net_kg_per_j == step.gross_kg_per_j);
}

TEST_CASE("the duration is total_flops divided by chips times flops_per_chip") {
  TempDir dir;
  const fs::path file = dir.write("gpt3.yaml", yaml({
                                                   "name: gpt3",
                                                   "accelerators:",
                                                   "  V100:",
                                                   "    tdp: 300 W",
                                                   "facility:",
                                                   "  pue: 1.1",
                                                   "grid:",
                                                   "  gross: 0.429 kg/kWh",
                                                   "jobs:",
                                                   "  - name: gpt3",
                                                   "    accelerator: V100",
                                                   "    chips: 10000",
                                                   "    system_power_per_chip: 330 W",
                                                   "    total_flops: 3.14e23",
                                                   "    flops_per_chip: 24.6 TFLOP/s",
                                               }));
  const Scenario s = load_ok(file);
  REQUIRE(s.jobs.size() == 1);
  const auto& run = s.jobs[0].run;
  // 3.14e23 / (10,000 x 24.6e12) = 3.14e23 / 2.46e17 s ~= 1.2764e6 s ~= 14.77 days (the paper's 14.8).
  const double expected_s = 3.14e23 / (10'000.0 * 24.6e12);
  CHECK(run.duration_s == rel(expected_s));
  CHECK(run.duration_s / kSecondsPerDay == doctest::Approx(14.8).epsilon(0.005));
  CHECK(run.total_flop == 3.14e23);
  CHECK(run.flop_per_s_per_chip == rel(24.6e12));
  CHECK(s.jobs[0].duration_ms == std::llround(expected_s * 1000.0));
}

TEST_CASE("a small total_flops job lasts total / (chips x rate) seconds") {
  TempDir dir;
  const Scenario s = load_ok(dir.write("d.yaml", yaml({
                                                     "name: d",
                                                     "accelerators:",
                                                     "  V100:",
                                                     "    tdp: 300 W",
                                                     "    system_power: 325 W",
                                                     "facility:",
                                                     "  pue: 1.1",
                                                     "grid:",
                                                     "  gross: 0.429 kg/kWh",
                                                     "jobs:",
                                                     "  - name: j",
                                                     "    accelerator: V100",
                                                     "    chips: 4",
                                                     "    total_flops: 1e15",
                                                     "    flops_per_chip: 25 TFLOP/s",
                                                 })));
  // 1e15 / (4 x 25e12) = 10 s
  CHECK(s.jobs[0].run.duration_s == rel(10.0));
}

TEST_CASE("a job without system_power_per_chip uses its accelerator's system_power") {
  TempDir dir;
  const Scenario s = load_ok(dir.write("default.yaml", yaml({
                                                           "name: default-power",
                                                           "accelerators:",
                                                           "  V100:",
                                                           "    tdp: 300 W",
                                                           "    system_power: 325 W",
                                                           "facility:",
                                                           "  pue: 1.1",
                                                           "grid:",
                                                           "  gross: 0.429 kg/kWh",
                                                           "jobs:",
                                                           "  - name: own",
                                                           "    accelerator: V100",
                                                           "    chips: 2",
                                                           "    system_power_per_chip: 0.33 kW",
                                                           "    duration: 36 h",
                                                           "  - name: default",
                                                           "    accelerator: V100",
                                                           "    chips: 3",
                                                           "    duration: 36 h",
                                                       })));
  REQUIRE(s.jobs.size() == 2);
  CHECK(s.jobs[0].run.system_power_per_chip_w == rel(330.0));
  CHECK(s.jobs[1].run.system_power_per_chip_w == 325.0);
  CHECK(s.jobs[1].run.it_power_w() == 3 * 325.0);
  CHECK(s.jobs[1].run.duration_s == rel(36 * 3600.0));
}

TEST_CASE("grid changes become intensity steps timed from the scenario start") {
  TempDir dir;
  const Scenario s = load_ok(dir.write("grid.yaml", yaml({
                                                        "name: grid",
                                                        "start: 2021-06-01T00:00:00Z",
                                                        "accelerators:",
                                                        "  V100:",
                                                        "    tdp: 300 W",
                                                        "    system_power: 325 W",
                                                        "facility:",
                                                        "  pue: 1.1",
                                                        "grid:",
                                                        "  gross: 400 g/kWh",
                                                        "  net: 100 g/kWh",
                                                        "  changes:",
                                                        "    - at: 2021-06-01T12:00:00Z",
                                                        "      gross: 300 g/kWh",
                                                        "    - at: 2021-06-02T00:00Z",
                                                        "      gross: 0.2 kg/kWh",
                                                        "      net: 50 kg/MWh",
                                                        "jobs:",
                                                        "  - name: j",
                                                        "    accelerator: V100",
                                                        "    chips: 1",
                                                        "    duration: 3 d",
                                                    })));
  // 2021-06-01 = 2021-01-01 + 31 + 28 + 31 + 30 + 31 = +151 days; 2021-01-01 = 2020-01-01 + 366 days.
  CHECK(s.start_ms == k2020Ms + (366 + 151) * 86'400'000LL);
  const auto& steps = grid_steps(s);
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].from_s == 0.0);
  CHECK(steps[0].gross_kg_per_j == rel(400e-3 / kJPerKWh));
  CHECK(steps[0].net_kg_per_j == rel(100e-3 / kJPerKWh));
  CHECK(steps[1].from_s == 12 * 3600.0);
  CHECK(steps[1].gross_kg_per_j == rel(300e-3 / kJPerKWh));
  CHECK(steps[1].net_kg_per_j == steps[1].gross_kg_per_j);  // a change without net: net = its gross
  CHECK(steps[2].from_s == kSecondsPerDay);
  CHECK(steps[2].gross_kg_per_j == rel(0.2 / kJPerKWh));
  CHECK(steps[2].net_kg_per_j == rel(50.0 / (1000.0 * kJPerKWh)));
}

TEST_CASE("a grid change at the scenario start replaces the initial intensity") {
  TempDir dir;
  const Scenario s = load_ok(dir.write("grid0.yaml", yaml({
                                                         "name: grid0",
                                                         "accelerators:",
                                                         "  V100:",
                                                         "    tdp: 300 W",
                                                         "    system_power: 325 W",
                                                         "facility:",
                                                         "  pue: 1.1",
                                                         "grid:",
                                                         "  gross: 400 g/kWh",
                                                         "  changes:",
                                                         "    - at: 2020-01-01",
                                                         "      gross: 200 g/kWh",
                                                         "jobs:",
                                                         "  - name: j",
                                                         "    accelerator: V100",
                                                         "    chips: 1",
                                                         "    duration: 1 h",
                                                     })));
  REQUIRE(grid_steps(s).size() == 1);
  CHECK(grid_steps(s)[0].from_s == 0.0);
  CHECK(grid_steps(s)[0].gross_kg_per_j == rel(200e-3 / kJPerKWh));
}

TEST_CASE("a job start becomes an offset from the scenario start, and the interval is read") {
  TempDir dir;
  const Scenario s = load_ok(dir.write("start.yaml", yaml({
                                                         "name: start",
                                                         "start: 2020-01-01T00:00:00Z",
                                                         "seed: 42",
                                                         "accelerators:",
                                                         "  V100:",
                                                         "    tdp: 300 W",
                                                         "    system_power: 325 W",
                                                         "facility:",
                                                         "  pue: 1.58",
                                                         "grid:",
                                                         "  gross: 0.429 kg/kWh",
                                                         "jobs:",
                                                         "  - name: later",
                                                         "    accelerator: V100",
                                                         "    chips: 1",
                                                         "    duration: 90 min",
                                                         "    start: 2020-01-02T06:00Z",
                                                         "output:",
                                                         "  interval: 15 min",
                                                     })));
  CHECK(s.seed == 42);
  CHECK(s.sites[0].facility.pue() == 1.58);
  CHECK(s.jobs[0].start_offset_ms == (24 + 6) * kMsPerHour);
  CHECK(s.jobs[0].duration_ms == 90 * 60'000);
  CHECK(s.sample_interval_ms == 15 * 60'000);
}

TEST_CASE("an expected block becomes published figures in MWh and tonnes") {
  TempDir dir;
  const Scenario s = load_ok(dir.write("exp.yaml", kMinimal + yaml({
                                                                 "expected:",
                                                                 "  table: Table 4",
                                                                 "  position: 6",
                                                                 "  label: GPT-3",
                                                                 "  energy: 1287 MWh",
                                                                 "  co2e_gross: 552.1 t",
                                                                 "  co2e_net: 552100 kg",
                                                             })));
  REQUIRE(s.expected.has_value());
  CHECK(s.expected->table == "Table 4");
  CHECK(s.expected->position == 6);
  CHECK(s.expected->label == "GPT-3");
  CHECK(s.expected->energy_mwh == rel(1287.0));
  CHECK(s.expected->co2e_gross_t == rel(552.1));
  CHECK(s.expected->co2e_net_t == rel(552.1));
  CHECK(s.expected->tolerance == 0.015);
}

TEST_CASE("a child overrides a scalar of its base") {
  TempDir dir;
  put(dir, "base.yaml", kBase);
  const Scenario s = load_ok(put(dir, "child.yaml", yaml({"extends: base.yaml", "name: child", "seed: 9"})));
  CHECK(s.name == "child");
  CHECK(s.seed == 9);
  CHECK(s.description == "from the base");  // not overridden: kept
  CHECK(s.sites[0].facility.pue() == 1.5);
  CHECK(s.jobs.size() == 2);
}

TEST_CASE("a nested mapping merges key by key with its base") {
  TempDir dir;
  put(dir, "base.yaml", kBase);
  const Scenario s = load_ok(put(dir, "child.yaml", yaml({
                                                        "extends: base.yaml",
                                                        "grid:",
                                                        "  gross: 0.5 kg/kWh",  // net stays the base's 100 g/kWh
                                                        "accelerators:",
                                                        "  V100:",
                                                        "    system_power: 330 W",  // tdp stays 300 W
                                                        "  TPU v3:",
                                                        "    tdp: 450 W",
                                                        "    system_power: 283 W",
                                                    })));
  REQUIRE(grid_steps(s).size() == 1);
  CHECK(grid_steps(s)[0].gross_kg_per_j == rel(0.5 / kJPerKWh));
  CHECK(grid_steps(s)[0].net_kg_per_j == rel(100e-3 / kJPerKWh));

  CHECK(s.accelerators.size() == 3);
  const auto* v100 = find_accelerator(s, "V100");
  const auto* p100 = find_accelerator(s, "P100");
  const auto* tpu = find_accelerator(s, "TPU v3");
  REQUIRE(v100 != nullptr);
  REQUIRE(p100 != nullptr);
  REQUIRE(tpu != nullptr);
  CHECK(v100->tdp_w == 300.0);
  CHECK(v100->system_power_w == 330.0);
  CHECK(p100->system_power_w == 271.0);
  CHECK(tpu->tdp_w == 450.0);
  // base-one states no system_power_per_chip: it takes the merged V100 default.
  CHECK(s.jobs[0].run.system_power_per_chip_w == 330.0);
}

TEST_CASE("a list in a child replaces the base's list") {
  TempDir dir;
  put(dir, "base.yaml", kBase);
  const Scenario s = load_ok(put(dir, "child.yaml", yaml({
                                                        "extends: base.yaml",
                                                        "jobs:",
                                                        "  - name: only",
                                                        "    accelerator: P100",
                                                        "    chips: 16",
                                                        "    duration: 5 h",
                                                    })));
  REQUIRE(s.jobs.size() == 1);
  CHECK(s.jobs[0].run.name == "only");
  CHECK(s.jobs[0].run.chips == 16);
  CHECK(s.jobs[0].run.system_power_per_chip_w == 271.0);
}

TEST_CASE("a child's list element does not inherit keys from the base's element at the same index") {
  TempDir dir;
  put(dir, "base.yaml", kBase + yaml({
                                    "  - name: base-three",
                                    "    accelerator: V100",
                                    "    chips: 1",
                                    "    total_flops: 1e18",
                                    "    flops_per_chip: 1 TFLOP/s",
                                }));
  // The base's third job gave total_flops; the child's single job gives a duration. If the base's
  // keys leaked through, the child would be reported as giving both.
  const Scenario s = load_ok(put(dir, "child.yaml", yaml({
                                                        "extends: base.yaml",
                                                        "jobs:",
                                                        "  - name: x",
                                                        "    accelerator: V100",
                                                        "    chips: 1",
                                                        "    duration: 1 h",
                                                        "  - name: y",
                                                        "    accelerator: V100",
                                                        "    chips: 1",
                                                        "    duration: 1 h",
                                                        "  - name: z",
                                                        "    accelerator: V100",
                                                        "    chips: 1",
                                                        "    duration: 2 h",
                                                    })));
  REQUIRE(s.jobs.size() == 3);
  CHECK(s.jobs[2].run.name == "z");
  CHECK(s.jobs[2].run.duration_s == rel(7200.0));
  CHECK(s.jobs[2].run.total_flop == 0.0);
}

TEST_CASE("a base may omit required keys that the extending file gives") {
  TempDir dir;
  put(dir, "hardware.yaml", yaml({
                                "accelerators:",
                                "  V100:",
                                "    tdp: 300 W",
                                "    system_power: 325 W",
                            }));
  const fs::path child = put(dir, "child.yaml", yaml({
                                                    "extends: hardware.yaml",
                                                    "name: child",
                                                    "facility:",
                                                    "  pue: 1.1",
                                                    "grid:",
                                                    "  gross: 0.429 kg/kWh",
                                                    "jobs:",
                                                    "  - name: j",
                                                    "    accelerator: V100",
                                                    "    chips: 1",
                                                    "    duration: 1 d",
                                                }));
  const Scenario s = load_ok(child);
  CHECK(s.name == "child");
  CHECK(s.jobs[0].run.system_power_per_chip_w == 325.0);
  // ... but the base on its own is not a scenario.
  CHECK_THROWS_AS(load_scenario(dir / "hardware.yaml"), InputError);
}

TEST_CASE("a chain of three files applies each layer over the one it extends") {
  TempDir dir;
  put(dir, "root.yaml", kBase);
  put(dir, "middle.yaml", yaml({"extends: root.yaml", "name: middle", "facility:", "  pue: 1.2", "seed: 2"}));
  const Scenario s = load_ok(put(dir, "leaf.yaml", yaml({"extends: middle.yaml", "name: leaf", "grid:", "  net: 0 g/kWh"})));
  CHECK(s.name == "leaf");                   // leaf
  CHECK(s.seed == 2);                        // middle
  CHECK(s.sites[0].facility.pue() == 1.2);            // middle over root
  CHECK(s.description == "from the base");  // root
  CHECK(grid_steps(s)[0].gross_kg_per_j == rel(400e-3 / kJPerKWh));  // root
  CHECK(grid_steps(s)[0].net_kg_per_j == 0.0);                        // leaf
  CHECK(s.jobs.size() == 2);                                           // root
}

TEST_CASE("an extends path is relative to the file that contains it") {
  TempDir dir;
  put(dir, "common/base/root.yaml", kBase);
  put(dir, "common/middle.yaml", yaml({"extends: base/root.yaml", "facility:", "  pue: 1.25"}));
  const fs::path leaf = put(dir, "scenarios/x/leaf.yaml", yaml({"extends: ../../common/middle.yaml", "name: leaf"}));
  const Scenario s = load_ok(leaf);
  CHECK(s.name == "leaf");
  CHECK(s.sites[0].facility.pue() == 1.25);
  CHECK(s.jobs.size() == 2);
}

TEST_CASE("the paper's GPT-3 scenario loads through its extends") {
  const Scenario s = load_ok(fs::path(DCSIM_SCENARIO_DIR) / "paper" / "gpt3.yaml");
  CHECK(s.name == "gpt3");
  REQUIRE(s.jobs.size() == 1);
  CHECK(s.jobs[0].run.chips == 10'000);
  CHECK(s.jobs[0].run.system_power_per_chip_w == 330.0);
  CHECK(s.jobs[0].run.duration_s == rel(3.14e23 / (10'000.0 * 24.6e12)));
  CHECK(s.accelerators.size() == 4);
  CHECK(s.sites[0].facility.pue() == 1.1);
  REQUIRE(s.expected.has_value());
  CHECK(s.expected->energy_mwh == rel(1287.0));
}

TEST_CASE("the resolved YAML has no extends and reloads to an equivalent scenario") {
  TempDir dir;
  put(dir, "base.yaml", kBase);
  const fs::path child = put(dir, "child.yaml", yaml({
                                                    "extends: base.yaml",
                                                    "name: child",
                                                    "start: 2020-03-01T06:30:00.250Z",
                                                    "grid:",
                                                    "  gross: 0.429 kg/kWh",
                                                    "  changes:",
                                                    "    - at: 2020-03-02T00:00Z",
                                                    "      gross: 1000 lb/MWh",
                                                    "      net: 0.1 kg/kWh",
                                                    "jobs:",
                                                    "  - name: flops",
                                                    "    accelerator: V100",
                                                    "    chips: 10000",
                                                    "    total_flops: 3.14e23",
                                                    "    flops_per_chip: 24.6 TFLOP/s",
                                                    "    start: 2020-03-01T07:00Z",
                                                    "  - name: timed",
                                                    "    accelerator: P100",
                                                    "    chips: 3",
                                                    "    system_power_per_chip: 1.2 kW",
                                                    "    duration: 14.8 d",
                                                    "output:",
                                                    "  interval: 10 min",
                                                    "expected:",
                                                    "  table: Table 4",
                                                    "  position: 6",
                                                    "  label: GPT-3",
                                                    "  energy: 1287 MWh",
                                                    "  co2e_gross: 552.1 t",
                                                    "  co2e_net: 552.1 t",
                                                    "  tolerance: 0.02",
                                                }));
  const Scenario a = load_ok(child);
  CHECK(a.resolved_yaml.find("extends") == std::string::npos);
  const fs::path resolved = dir.write("resolved.yaml", a.resolved_yaml);
  const Scenario b = load_ok(resolved);

  CHECK(b.name == a.name);
  CHECK(b.description == a.description);
  CHECK(b.start_ms == a.start_ms);
  CHECK(b.seed == a.seed);
  CHECK(b.sample_interval_ms == a.sample_interval_ms);
  CHECK(b.sites[0].facility.pue() == a.sites[0].facility.pue());

  REQUIRE(b.accelerators.size() == a.accelerators.size());
  for (std::size_t i = 0; i < a.accelerators.size(); ++i) {
    CAPTURE(a.accelerators[i].name);
    CHECK(b.accelerators[i].name == a.accelerators[i].name);
    CHECK(b.accelerators[i].tdp_w == rel(a.accelerators[i].tdp_w));
    CHECK(b.accelerators[i].peak_flop_per_s == a.accelerators[i].peak_flop_per_s);
    CHECK(b.accelerators[i].system_power_w == rel(a.accelerators[i].system_power_w));
  }

  REQUIRE(grid_steps(b).size() == grid_steps(a).size());
  CHECK(grid_steps(a).size() == 2);
  for (std::size_t i = 0; i < grid_steps(a).size(); ++i) {
    CHECK(grid_steps(b)[i].from_s == grid_steps(a)[i].from_s);
    CHECK(grid_steps(b)[i].gross_kg_per_j == rel(grid_steps(a)[i].gross_kg_per_j, 1e-15));
    CHECK(grid_steps(b)[i].net_kg_per_j == rel(grid_steps(a)[i].net_kg_per_j, 1e-15));
  }

  REQUIRE(b.jobs.size() == a.jobs.size());
  for (std::size_t i = 0; i < a.jobs.size(); ++i) {
    CAPTURE(a.jobs[i].run.name);
    CHECK(b.jobs[i].run.name == a.jobs[i].run.name);
    CHECK(b.jobs[i].run.accelerator == a.jobs[i].run.accelerator);
    CHECK(b.jobs[i].run.chips == a.jobs[i].run.chips);
    CHECK(b.jobs[i].run.system_power_per_chip_w == rel(a.jobs[i].run.system_power_per_chip_w, 1e-15));
    CHECK(b.jobs[i].run.duration_s == rel(a.jobs[i].run.duration_s, 1e-15));
    CHECK(b.jobs[i].run.total_flop == rel(a.jobs[i].run.total_flop, 1e-15));
    CHECK(b.jobs[i].start_offset_ms == a.jobs[i].start_offset_ms);
    CHECK(b.jobs[i].duration_ms == a.jobs[i].duration_ms);
  }
  // 07:00:00.000 - 06:30:00.250 = 29 min 59.750 s = 29 x 60000 + 59750 ms
  CHECK(a.jobs[0].start_offset_ms == 1'799'750);

  REQUIRE(b.expected.has_value());
  CHECK(b.expected->table == a.expected->table);
  CHECK(b.expected->position == a.expected->position);
  CHECK(b.expected->label == a.expected->label);
  CHECK(b.expected->energy_mwh == rel(a.expected->energy_mwh, 1e-15));
  CHECK(b.expected->co2e_gross_t == rel(a.expected->co2e_gross_t, 1e-15));
  CHECK(b.expected->co2e_net_t == rel(a.expected->co2e_net_t, 1e-15));
  CHECK(b.expected->tolerance == a.expected->tolerance);
}

TEST_CASE("text with YAML-significant characters survives the resolved YAML") {
  TempDir dir;
  const Scenario a = load_ok(dir.write("t.yaml", yaml({
                                                    "name: \"null\"",
                                                    "description: \"a: b # c, it's [x] {y}\"",
                                                    "accelerators:",
                                                    "  \"V100: x\":",
                                                    "    tdp: 300 W",
                                                    "    system_power: 325 W",
                                                    "    source: \"~\"",
                                                    "facility:",
                                                    "  pue: 1.1",
                                                    "grid:",
                                                    "  gross: 0.429 kg/kWh",
                                                    "jobs:",
                                                    "  - name: \"- a\"",
                                                    "    accelerator: \"V100: x\"",
                                                    "    chips: 8",
                                                    "    duration: 2 h",
                                                })));
  CHECK(a.name == "null");
  CHECK(a.description == "a: b # c, it's [x] {y}");
  const Scenario b = load_ok(dir.write("resolved.yaml", a.resolved_yaml));
  CHECK(b.name == "null");
  CHECK(b.description == a.description);
  REQUIRE(b.accelerators.size() == 1);
  CHECK(b.accelerators[0].name == "V100: x");
  CHECK(b.jobs[0].run.name == "- a");
  CHECK(b.jobs[0].run.accelerator == "V100: x");
}

TEST_CASE("resolving a resolved scenario changes nothing") {
  TempDir dir;
  put(dir, "base.yaml", kBase);
  const fs::path child = put(dir, "child.yaml", yaml({"extends: base.yaml", "name: child", "grid:", "  gross: 0.429 kg/kWh"}));
  const Scenario a = load_ok(child);
  const Scenario b = load_ok(dir.write("resolved.yaml", a.resolved_yaml));
  CHECK(b.resolved_yaml == a.resolved_yaml);
}

}  // TEST_SUITE

TEST_CASE("every shipped scenario loads (catalogs and base layers aside)") {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(DCSIM_SCENARIO_DIR)) {
    const fs::path& p = e.path();
    if (!e.is_regular_file() || p.extension() != ".yaml") continue;
    const std::string dir = p.parent_path().filename().string();
    if (dir == "catalog" || dir == "base" || dir == "sweeps") continue;
    INFO(p.string());
    CHECK_NOTHROW(load_ok(p));
    ++n;
  }
  CHECK(n >= 20);
}

TEST_CASE("--set overrides a key over the file, with paths relative to the working directory") {
  TempDir dir;
  const fs::path file = put(dir, "s.yaml", kMinimal);
  const Scenario s = dcsim::scenario::load_scenario(file, {"facility.pue=1.25", "seed=7"});
  CHECK(s.sites[0].facility.pue() == 1.25);
  CHECK(s.seed == 7);
  try {
    (void)dcsim::scenario::load_scenario(file, {"facility.pue=0.5"});
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].where.file == "--set");
    CHECK(e.problems()[0].path == "facility.pue");
  }
  CHECK_THROWS_AS((void)dcsim::scenario::load_scenario(file, {"no_equals_sign"}), InputError);
  CHECK_THROWS_AS((void)dcsim::scenario::load_scenario(file, {"jobs[0].chips=3"}), InputError);
}
