// Every scenario under scenarios/paper/ against the figures of Patterson et al. 2021, typed here
// from the paper's Tables 1 and 4 independently of the scenarios' `expected:` blocks.

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"

namespace {

struct Published {
  const char* file;
  const char* table;
  int position;
  double energy_mwh, gross_t, net_t;
};

// Table 4 (energy in MWh, tCO2e) and Table 1 (energy in kWh, tCO2e; converted to MWh here).
const std::vector<Published> kPaper{
    {"evolved-transformer-nas.yaml", "Table 4", 1, 7.5, 3.2, 3.2},
    {"t5.yaml", "Table 4", 2, 85.7, 46.7, 46.7},
    {"meena.yaml", "Table 4", 3, 232, 96.4, 96.4},
    {"gshard-600b.yaml", "Table 4", 4, 24.1, 4.8, 4.3},
    {"switch-transformer.yaml", "Table 4", 5, 179, 72.2, 59.1},
    {"gpt3.yaml", "Table 4", 6, 1287, 552.1, 552.1},
    {"table1-1-transformer-p100-us-average.yaml", "Table 1", 1, 316e-3, 0.1357, 0.1357},
    {"table1-2-transformer-p100-iowa.yaml", "Table 1", 2, 221e-3, 0.1055, 0.0177},
    {"table1-3-evolved-transformer-p100-iowa.yaml", "Table 1", 3, 185e-3, 0.0883, 0.0148},
    {"table1-4-transformer-tpuv2-iowa.yaml", "Table 1", 4, 40e-3, 0.0189, 0.0032},
    {"table1-5-evolved-transformer-tpuv2-iowa.yaml", "Table 1", 5, 30e-3, 0.0143, 0.0024},
};

constexpr double kTolerance = 0.015;

std::string path_of(const Published& p) { return std::string(DCSIM_SCENARIO_DIR) + "/paper/" + p.file; }

}  // namespace

TEST_CASE("every row of Table 4 and column of Table 1 is within 1.5% of the published figures") {
  for (const Published& p : kPaper) {
    CAPTURE(p.file);
    const auto s = dcsim::scenario::load_scenario(path_of(p));
    const auto r = dcsim::sim::run_scenario(s, std::nullopt);
    CHECK(std::fabs(r.summary.facility_energy_mwh / p.energy_mwh - 1.0) <= kTolerance);
    CHECK(std::fabs(r.summary.co2e_gross_t / p.gross_t - 1.0) <= kTolerance);
    CHECK(std::fabs(r.summary.co2e_net_t / p.net_t - 1.0) <= kTolerance);
  }
}

TEST_CASE("the scenarios' expected blocks carry the published figures") {
  for (const Published& p : kPaper) {
    CAPTURE(p.file);
    const auto s = dcsim::scenario::load_scenario(path_of(p));
    REQUIRE(s.expected.has_value());
    CHECK(s.expected->table == p.table);
    CHECK(s.expected->position == p.position);
    CHECK(s.expected->energy_mwh == doctest::Approx(p.energy_mwh).epsilon(1e-12));
    CHECK(s.expected->co2e_gross_t == doctest::Approx(p.gross_t).epsilon(1e-12));
    CHECK(s.expected->co2e_net_t == doctest::Approx(p.net_t).epsilon(1e-12));
    CHECK(s.expected->tolerance == kTolerance);
  }
}

TEST_CASE("GPT-3 matches the paper's closed form: 14.8 days from its FLOPs, 1287 MWh, 552 t") {
  const auto s = dcsim::scenario::load_scenario(std::string(DCSIM_SCENARIO_DIR) + "/paper/gpt3.yaml");
  const auto r = dcsim::sim::run_scenario(s, std::nullopt);
  // Section 2.5: hours x processors x W x PUE; hours = 3.14e23 / (10,000 x 24.6e12) / 3600.
  const double hours = 3.14e23 / (10'000 * 24.6e12) / 3600.0;
  const double mwh = hours * 10'000 * 330.0 * 1.10 / 1e6;
  CHECK(hours / 24.0 == doctest::Approx(14.8).epsilon(0.002));
  CHECK(r.summary.makespan_h == doctest::Approx(hours).epsilon(1e-9));
  CHECK(r.summary.facility_energy_mwh == doctest::Approx(mwh).epsilon(1e-9));
  CHECK(r.summary.co2e_gross_t == doctest::Approx(mwh * 0.429).epsilon(1e-9));
  CHECK(std::fabs(r.summary.facility_energy_mwh / 1287.0 - 1.0) < 0.01);
  CHECK(std::fabs(r.summary.co2e_gross_t / 552.0 - 1.0) < 0.01);
}

TEST_CASE("Table 1 uses the printed days: column 1 is 8 x 296 W x 3.5 d x 24 h x 1.59") {
  const auto s = dcsim::scenario::load_scenario(std::string(DCSIM_SCENARIO_DIR) +
                                                "/paper/table1-1-transformer-p100-us-average.yaml");
  const auto r = dcsim::sim::run_scenario(s, std::nullopt);
  const double kwh = 8 * 296.0 * 3.5 * 24 * 1.59 / 1e3;
  CHECK(r.summary.facility_energy_mwh * 1e3 == doctest::Approx(kwh).epsilon(1e-12));
  CHECK(r.summary.co2e_net_t == doctest::Approx(kwh * 0.429 / 1e3).epsilon(1e-12));
}

TEST_CASE("GShard-600B against GPT-3 reproduces the paper's section 3 ratios within 5%") {
  // Section 3: ~45x fewer processor-years, ~55x less energy, ~115x less gross, ~130x less net CO2e.
  const auto load = [](const char* f) {
    return dcsim::sim::run_scenario(dcsim::scenario::load_scenario(std::string(DCSIM_SCENARIO_DIR) + "/paper/" + f),
                                    std::nullopt);
  };
  const auto gshard = load("gshard-600b.yaml");
  const auto gpt3 = load("gpt3.yaml");
  const auto chip_years = [](const dcsim::sim::RunOutcome& r) {
    return static_cast<double>(r.jobs.at(0).chips) * (r.jobs.at(0).end_s - r.jobs.at(0).start_s);
  };
  CHECK(chip_years(gpt3) / chip_years(gshard) == doctest::Approx(45.0).epsilon(0.05));
  CHECK(gpt3.summary.facility_energy_mwh / gshard.summary.facility_energy_mwh == doctest::Approx(55.0).epsilon(0.05));
  CHECK(gpt3.summary.co2e_gross_t / gshard.summary.co2e_gross_t == doctest::Approx(115.0).epsilon(0.05));
  CHECK(gpt3.summary.co2e_net_t / gshard.summary.co2e_net_t == doctest::Approx(130.0).epsilon(0.05));
}
