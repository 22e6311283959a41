// Replaying real hourly grid traces (from the shared data folder; skipped when it is absent),
// against sums computed here straight from the CSV.

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/SharedData.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::test::TempDir;

namespace {

// The LCA column (6th) of an Electricity Maps hourly file, in g/kWh, one value per hour.
std::vector<double> lca_column(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);  // header
  std::vector<double> out;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string field;
    for (int i = 0; i < 6; ++i) std::getline(ss, field, ',');
    out.push_back(std::stod(field));
  }
  return out;
}

std::string caiso_scenario(const std::filesystem::path& trace, const std::string& start, const std::string& duration) {
  return fmt::format(
      "name: caiso\nstart: 2023-01-01T00:00:00Z\naccelerators:\n  X: {{tdp: 400 W, system_power: 1000 W}}\n"
      "facility: {{pue: 1.0}}\ngrid:\n  trace: {{file: '{}', format: electricity_maps}}\n"
      "jobs:\n  - {{name: j, accelerator: X, chips: 1, duration: {}, start: '{}'}}\n",
      trace.string(), duration, start);
}

double run_kg(const std::string& yaml) {
  TempDir dir;
  const auto file = dir.write("s.yaml", yaml);
  return dcsim::sim::run_scenario(dcsim::scenario::load_scenario(file), std::nullopt).summary.co2e_gross_t * 1e3;
}

}  // namespace

TEST_SUITE("grid traces") {
  TEST_CASE("a year of CAISO 2023 replayed at constant load gives the trace's annual mean of 261 g/kWh") {
    const auto dir = dcsim::test::grid_data_dir();
    if (dir.empty()) {
      MESSAGE("shared grid data not found; skipped");
      return;
    }
    const auto file = dir / "electricitymaps-hourly" / "US-CAL-CISO_2023_hourly.csv";
    const std::vector<double> ci = lca_column(file);
    REQUIRE(ci.size() == 8760);
    double sum = 0.0;
    for (double v : ci) sum += v;
    const double mean = sum / 8760.0;
    // 1 kW for 8760 h = 8760 kWh; emissions / energy is the time-mean intensity.
    const double kg = run_kg(caiso_scenario(file, "2023-01-01T00:00:00Z", "365 d"));
    CHECK(kg / 8760.0 * 1000.0 == doctest::Approx(mean).epsilon(1e-9));
    CHECK(kg / 8760.0 * 1000.0 == doctest::Approx(261.0).epsilon(0.001));
  }

  TEST_CASE("the same 10-day job started at midnight and at noon in California differs exactly as the trace integrates") {
    const auto dir = dcsim::test::grid_data_dir();
    if (dir.empty()) {
      MESSAGE("shared grid data not found; skipped");
      return;
    }
    const auto file = dir / "electricitymaps-hourly" / "US-CAL-CISO_2023_hourly.csv";
    const std::vector<double> ci = lca_column(file);
    // 2023-06-01 is day 151 of the year; local midnight PST (UTC-8) is 08:00Z, local noon 20:00Z.
    const int midnight_hour = 151 * 24 + 8, noon_hour = 151 * 24 + 20;
    const auto expected_kg = [&ci](int first_hour) {
      double kg = 0.0;
      for (int h = first_hour; h < first_hour + 240; ++h) kg += 1.0 * ci[static_cast<std::size_t>(h)] / 1000.0;  // 1 kW x 1 h
      return kg;
    };
    const double midnight = run_kg(caiso_scenario(file, "2023-06-01T08:00:00Z", "10 d"));
    const double noon = run_kg(caiso_scenario(file, "2023-06-01T20:00:00Z", "10 d"));
    CHECK(midnight == doctest::Approx(expected_kg(midnight_hour)).epsilon(1e-12));
    CHECK(noon == doctest::Approx(expected_kg(noon_hour)).epsilon(1e-12));
    CHECK(noon - midnight == doctest::Approx(expected_kg(noon_hour) - expected_kg(midnight_hour)).epsilon(1e-9));
  }
}
