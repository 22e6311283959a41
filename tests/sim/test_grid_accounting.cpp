// Accounting bases and grid sources against sums of P x CI x dt worked out by hand.

#include <doctest/doctest.h>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "analysis/ResultFile.hpp"
#include "models/InputError.hpp"
#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::test::TempDir;
namespace fs = std::filesystem;

namespace {

// One accelerator type "X" with 1000 W system power, PUE 1 unless given, start 2020-01-01.
std::string scenario(const std::string& grid, const std::string& jobs, double pue = 1.0,
                     const std::string& start = "2020-01-01T00:00:00Z") {
  return fmt::format(
      "name: grid-test\nstart: {}\naccelerators:\n  X: {{tdp: 400 W, system_power: 1000 W}}\n"
      "facility: {{pue: {}}}\ngrid:\n{}jobs:\n{}",
      start, pue, grid, jobs);
}

dcsim::sim::RunOutcome run(const TempDir& dir, const std::string& yaml, const std::string& out = "") {
  const auto file = dir.write("s.yaml", yaml);
  return dcsim::sim::run_scenario(dcsim::scenario::load_scenario(file),
                                  out.empty() ? std::nullopt : std::optional<fs::path>(dir / out));
}

// Load 1 kW on [0,1) h, 2 kW on [1,2) h, 1 kW on [2,4) h; gross 400 g/kWh, 200 from 1:30.
const std::string kTwoJobs =
    "  - {name: a, accelerator: X, chips: 1, duration: 4 h}\n"
    "  - {name: b, accelerator: X, chips: 1, duration: 1 h, start: 2020-01-01T01:00:00Z}\n";
const std::string kStepGross = "  gross: 400 g/kWh\n  changes:\n    - {at: 2020-01-01T01:30:00Z, gross: 200 g/kWh}\n";

}  // namespace

TEST_SUITE("grid accounting") {
  TEST_CASE("24/7 matching covers the load up to the contracted supply and charges the rest at grid intensity") {
    TempDir dir;
    // Supply 3 kW x 0.5 = 1.5 kW. Unmatched only while the load is 2 kW: 0.5 kW for 0.5 h at
    // 400 g and 0.5 h at 200 g -> 0.1 + 0.05 = 0.15 kg.
    const auto r = run(dir, scenario(kStepGross +
                                         "  cfe:\n    contracts:\n"
                                         "      - {name: farm, kind: wind, capacity: 3 kW, capacity_factor: 0.5}\n",
                                     kTwoJobs));
    const double gross_kg = 1.0 * 0.4 + 2.0 * (0.5 * 0.4 + 0.5 * 0.2) + 1.0 * 2.0 * 0.2;  // 1.4
    CHECK(r.summary.co2e_gross_t * 1e3 == doctest::Approx(gross_kg).epsilon(1e-12));
    CHECK(r.summary.co2e_hourly_t * 1e3 == doctest::Approx(0.15).epsilon(1e-12));
    CHECK(r.summary.net_basis == "hourly");
    CHECK(r.summary.co2e_net_t == r.summary.co2e_hourly_t);
    // 5 kWh of load, 0.5 kWh unmatched: 90% matched; 1.5 kW x 4 h = 6 kWh contracted.
    CHECK(r.summary.cfe_matched_share == doctest::Approx(0.9).epsilon(1e-12));
    CHECK(r.summary.cfe_supply_mwh * 1e3 == doctest::Approx(6.0).epsilon(1e-12));
    // Annual matching nets all 6 kWh of output against 5 kWh of load: nothing left.
    CHECK(r.summary.co2e_annual_t == 0.0);
  }

  TEST_CASE("an annual CFE share applied as one constant factor differs from hourly matching when load varies") {
    TempDir dir;
    const auto r = run(dir, scenario(kStepGross +
                                         "  cfe:\n    contracts:\n"
                                         "      - {name: farm, kind: wind, capacity: 3 kW, capacity_factor: 0.5}\n",
                                     kTwoJobs));
    const double constant_factor_kg = (1.0 - r.summary.cfe_matched_share) * r.summary.co2e_gross_t * 1e3;  // 0.14
    CHECK(constant_factor_kg == doctest::Approx(0.14).epsilon(1e-12));
    CHECK(r.summary.co2e_hourly_t * 1e3 == doctest::Approx(0.15).epsilon(1e-12));
    CHECK(std::fabs(constant_factor_kg - r.summary.co2e_hourly_t * 1e3) > 0.005);
  }

  TEST_CASE("a fixed CFE share of the load is the constant factor (1 - share)") {
    TempDir dir;
    const auto r = run(dir, scenario(kStepGross + "  cfe: {share: 0.73}\n", kTwoJobs));
    CHECK(r.summary.co2e_hourly_t == doctest::Approx(0.27 * r.summary.co2e_gross_t).epsilon(1e-12));
    CHECK(r.summary.cfe_matched_share == doctest::Approx(0.73).epsilon(1e-12));
  }

  TEST_CASE("annual matching nets certificates against the period's energy; the net series is rescaled to match") {
    TempDir dir;
    // 2 kWh of certificates against 5 kWh: 60% of the gross emissions remain.
    const auto r = run(dir, scenario(kStepGross + "  annual_matching: {certificates: 2 kWh}\n", kTwoJobs), "run.h5");
    CHECK(r.summary.net_basis == "annual");
    CHECK(r.summary.co2e_annual_t == doctest::Approx(0.6 * 1.4e-3).epsilon(1e-12));
    CHECK(r.summary.co2e_net_t == r.summary.co2e_annual_t);
    double jobs_net = 0.0, jobs_gross = 0.0;
    for (const auto& j : r.jobs) {
      jobs_net += j.co2e_net_kg;
      jobs_gross += j.co2e_gross_kg;
    }
    CHECK(jobs_net == doctest::Approx(0.6 * jobs_gross).epsilon(1e-12));
    const auto ts = dcsim::analysis::read_timeseries((dir / "run.h5").string());
    const auto& net = ts.at("co2e_net_kg");
    CHECK(std::accumulate(net.begin(), net.end(), 0.0) == doctest::Approx(0.6 * 1.4).epsilon(1e-12));
  }

  TEST_CASE("the given basis uses the site's published net intensity, not gross x (1 - CFE)") {
    TempDir dir;
    // GShard's site: 0.201 gross, 0.177 net at 73% CFE (Patterson et al. 2021, Table 4).
    const auto r = run(dir, scenario("  gross: 0.201 kg/kWh\n  net: 0.177 kg/kWh\n  cfe: {share: 0.73}\n",
                                     "  - {name: a, accelerator: X, chips: 1, duration: 10 h}\n"));
    CHECK(r.summary.net_basis == "given");
    CHECK(r.summary.co2e_net_t * 1e3 == doctest::Approx(10.0 * 0.177).epsilon(1e-12));
    CHECK(r.summary.co2e_hourly_t * 1e3 == doctest::Approx(10.0 * 0.201 * 0.27).epsilon(1e-12));
  }

  TEST_CASE("a marginal signal is integrated at its own resolution, in lb/MWh by default") {
    TempDir dir;
    // 5-minute MOER: 1000, 2000, 3000 lb/MWh from 00:00; a 1 kW job from 00:05 for 10 min.
    dir.write("moer.csv", "point_time,moer\n2020-01-01 00:00:00,1000\n2020-01-01 00:05:00,2000\n"
                          "2020-01-01 00:10:00,3000\n");
    const auto r = run(dir, scenario("  gross: 400 g/kWh\n  marginal: {file: moer.csv, format: watttime}\n",
                                     "  - {name: a, accelerator: X, chips: 1, duration: 10 min, start: 2020-01-01T00:05:00Z}\n"));
    const double lb_per_mwh = 0.45359237 / 1000.0;  // kg per kWh
    const double kwh_per_5min = 1.0 / 12.0;
    CHECK(r.summary.co2e_marginal_t * 1e3 ==
          doctest::Approx(kwh_per_5min * (2000 + 3000) * lb_per_mwh).epsilon(1e-12));
  }

  TEST_CASE("a trace is aligned by timestamp and integrated hour by hour") {
    TempDir dir;
    std::string csv = "time,g_per_kwh\n";
    for (int h = 0; h < 48; ++h)
      csv += fmt::format("2023-01-{:02}T{:02}:00:00Z,{}\n", 1 + h / 24, h % 24, 100 + 10 * h);
    dir.write("ci.csv", csv);
    // 2 kW from 05:30 for 3 h: half an hour at hour 5 (150), hours 6 and 7 (160, 170), half of 8 (180).
    const auto r = run(dir, scenario("  trace: {file: ci.csv, format: plain}\n",
                                     "  - {name: a, accelerator: X, chips: 2, duration: 3 h, start: 2023-01-01T05:30:00Z}\n",
                                     1.0, "2023-01-01T00:00:00Z"));
    const double kg = 2.0 * (0.5 * 0.150 + 0.160 + 0.170 + 0.5 * 0.180);
    CHECK(r.summary.co2e_gross_t * 1e3 == doctest::Approx(kg).epsilon(1e-12));
    CHECK(r.summary.net_basis == "gross");
  }

  TEST_CASE("a run outside a trace without wrap is an input error naming the trace") {
    TempDir dir;
    dir.write("ci.csv", "time,g_per_kwh\n2023-01-01T00:00:00Z,100\n2023-01-01T01:00:00Z,200\n");
    try {
      run(dir, scenario("  trace: {file: ci.csv, format: plain}\n",
                        "  - {name: a, accelerator: X, chips: 1, duration: 3 h}\n", 1.0, "2023-01-01T00:00:00Z"));
      FAIL("expected an InputError");
    } catch (const dcsim::InputError& e) {
      CHECK(std::string(e.what()).find("ci.csv") != std::string::npos);
      CHECK(std::string(e.what()).find("wrap") != std::string::npos);
    }
  }

  TEST_CASE("a year-long trace replays by whole calendar years for a run in another year, with a warning") {
    TempDir dir;
    // 2023 hourly, value = 100 + 10 x (hour of day) g/kWh; 2023-01-01T00:00Z is 1672531200 s.
    std::ostringstream rows;
    rows << "time,g_per_kwh\n";
    for (int i = 0; i < 365 * 24; ++i) {
      const std::time_t t = 1672531200 + static_cast<std::time_t>(i) * 3600;
      std::tm tm{};
      gmtime_r(&t, &tm);
      rows << fmt::format("{:04}-{:02}-{:02}T{:02}:00:00Z,{}\n", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                          100 + 10 * tm.tm_hour);
    }
    dir.write("year.csv", rows.str());
    // 2020-06-01 12:00 for 2 h: hours 12 and 13 -> 220 and 230 g/kWh at 1 kW.
    const auto r = run(dir, scenario("  trace: {file: year.csv, format: plain, wrap: true}\n",
                                     "  - {name: a, accelerator: X, chips: 1, duration: 2 h, start: 2020-06-01T12:00:00Z}\n"));
    CHECK(r.summary.co2e_gross_t * 1e3 == doctest::Approx(0.220 + 0.230).epsilon(1e-12));
    REQUIRE_FALSE(r.warnings.empty());
    CHECK(r.warnings.front().find("replayed by whole years") != std::string::npos);
  }

  TEST_CASE("a region from the catalog gives its published intensity and CFE share") {
    TempDir dir;
    // us-central1 in 2020: 454 g/kWh, CFE 93% (Google Cloud region data, Patterson et al. 2021).
    const auto r = run(dir, scenario("  region: {name: us-central1, period: \"2020\"}\n",
                                     "  - {name: a, accelerator: X, chips: 1, duration: 10 h}\n"));
    CHECK(r.summary.co2e_gross_t * 1e3 == doctest::Approx(10.0 * 0.454).epsilon(1e-12));
    CHECK(r.summary.co2e_hourly_t * 1e3 == doctest::Approx(10.0 * 0.454 * 0.07).epsilon(1e-12));
    CHECK(r.summary.net_basis == "hourly");
  }

  TEST_CASE("an unknown region names the ones the catalog has") {
    TempDir dir;
    try {
      run(dir, scenario("  region: {name: us-centrl1, period: \"2020\"}\n",
                        "  - {name: a, accelerator: X, chips: 1, duration: 1 h}\n"));
      FAIL("expected an InputError");
    } catch (const dcsim::InputError& e) {
      CHECK(std::string(e.what()).find("us-central1") != std::string::npos);
    }
  }

  TEST_CASE("two intensity sources at once are one clear problem") {
    TempDir dir;
    try {
      run(dir, scenario("  gross: 400 g/kWh\n  region: {name: us-central1, period: \"2020\"}\n",
                        "  - {name: a, accelerator: X, chips: 1, duration: 1 h}\n"));
      FAIL("expected an InputError");
    } catch (const dcsim::InputError& e) {
      REQUIRE(e.problems().size() == 1);
      CHECK(e.problems()[0].path == "grid");
      CHECK(e.problems()[0].message.find("only one intensity source") != std::string::npos);
    }
  }
}
