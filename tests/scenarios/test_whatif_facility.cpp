// The facility what-ifs under scenarios/whatif/: PUE computed hour by hour from load and weather.

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <string>

#include <hdf5.h>
#include <hdf5_hl.h>
#include <fmt/format.h>

#include "analysis/ResultFile.hpp"
#include "analysis/hdf5/Hdf5.hpp"
#include "models/InputError.hpp"
#include "models/units/Calendar.hpp"
#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::test::TempDir;

namespace {

struct YearRun {
  dcsim::sim::RunOutcome outcome;
  std::map<std::string, std::vector<double>> ts;
  std::array<double, 12> monthly_pue{};
};

YearRun run_year(const std::string& name) {
  TempDir dir;
  const auto out = dir / "run.h5";
  YearRun y;
  y.outcome = dcsim::sim::run_scenario(
      dcsim::scenario::load_scenario(std::string(DCSIM_SCENARIO_DIR) + "/whatif/" + name), out);
  y.ts = dcsim::analysis::read_timeseries(out.string());
  std::array<double, 12> it{}, fac{};
  const std::int64_t start = dcsim::units::parse_utc_ms("2023-01-01T00:00:00Z");
  for (std::size_t i = 0; i < y.ts.at("time_s").size(); ++i) {
    const std::string iso = dcsim::units::format_utc(start + static_cast<std::int64_t>(y.ts.at("time_s")[i]) * 1000);
    const int m = std::stoi(iso.substr(5, 2)) - 1;
    it[m] += y.ts.at("it_power_w")[i];
    fac[m] += y.ts.at("facility_power_w")[i];
  }
  for (int m = 0; m < 12; ++m) y.monthly_pue[m] = fac[m] / it[m];
  return y;
}

}  // namespace

TEST_SUITE("what-if: facility") {
  TEST_CASE("the hyperscale hall in Iowa has an annual PUE between 1.08 and 1.12") {
    const YearRun y = run_year("facility-hyperscale-iowa-year.yaml");
    CHECK(y.outcome.summary.pue >= 1.08);
    CHECK(y.outcome.summary.pue <= 1.12);
  }

  TEST_CASE("the enterprise room in Northern Virginia has an annual PUE between 1.5 and 1.7") {
    const YearRun y = run_year("facility-enterprise-northern-virginia-year.yaml");
    CHECK(y.outcome.summary.pue >= 1.5);
    CHECK(y.outcome.summary.pue <= 1.7);
  }

  TEST_CASE("Georgia's July PUE is above its January PUE") {
    const YearRun y = run_year("facility-hyperscale-georgia-year.yaml");
    CHECK(y.monthly_pue[6] > y.monthly_pue[0]);
  }

  TEST_CASE("the same hall runs at a higher PUE in Singapore than in Finland") {
    const YearRun sg = run_year("facility-hyperscale-singapore-year.yaml");
    const YearRun fi = run_year("facility-hyperscale-finland-year.yaml");
    CHECK(sg.outcome.summary.pue > fi.outcome.summary.pue);
  }

  TEST_CASE("every sample balances: facility = IT + delivery losses + cooling + other, and PUE >= 1") {
    const YearRun y = run_year("facility-enterprise-northern-virginia-year.yaml");
    const auto& t = y.ts;
    REQUIRE(t.at("time_s").size() == 8760);
    for (std::size_t i = 0; i < t.at("time_s").size(); ++i) {
      const double it = t.at("it_power_w")[i], f = t.at("facility_power_w")[i];
      const double delivery = t.at("delivery_loss_w")[i], cooling = t.at("cooling_power_w")[i], other = t.at("other_power_w")[i];
      CHECK(f == doctest::Approx(it + delivery + cooling + other).epsilon(1e-9));
      CHECK(delivery == doctest::Approx(t.at("psu_loss_w")[i] + t.at("pdu_loss_w")[i] + t.at("ups_loss_w")[i] +
                                        t.at("transformer_loss_w")[i])
                            .epsilon(1e-9));
      CHECK(cooling == doctest::Approx(t.at("chiller_w")[i] + t.at("economiser_w")[i] + t.at("fans_w")[i] +
                                       t.at("pumps_w")[i] + t.at("tower_w")[i] + t.at("humidifier_w")[i])
                           .epsilon(1e-9));
      CHECK(other >= t.at("lighting_w")[i] * (1 - 1e-12));
      CHECK(t.at("pue")[i] >= 1.0);
      CHECK(std::isfinite(t.at("outdoor_temp_c")[i]));
    }
  }
}

TEST_SUITE("facility") {
  TEST_CASE("racks loaded beyond their rating are an event in the output and a count in the summary") {
    // 64 accelerators of 1 kW on racks of 32 slots rated 20 kW: each rack carries 32 kW.
    TempDir dir;
    const auto catalog = dir.write("facilities.yaml",
                                   "facilities:\n  tight:\n    cooling: chilled_water\n    accelerators_per_rack: 32\n"
                                   "    rack_rating: 20 kW\n    source: a test hall\n");
    (void)catalog;
    const auto file = dir.write(
        "s.yaml",
        "name: tight\nstart: 2023-01-01T00:00:00Z\naccelerators:\n  X: {tdp: 1000 W, system_power: 1000 W}\n"
        "facility: {preset: tight, catalog: facilities.yaml, site: iowa}\ngrid: {gross: 400 g/kWh}\n"
        "jobs:\n  - {name: j, accelerator: X, chips: 64, duration: 3 h}\n");
    const auto out = dir / "run.h5";
    const auto r = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(file), out);
    CHECK(r.summary.over_rating_episodes == 1);
    const auto ts = dcsim::analysis::read_timeseries(out.string());
    CHECK(ts.at("over_rating_nodes")[0] >= 2.0);  // both racks
  }

  TEST_CASE("a facility with both a fixed PUE and a preset is one clear problem") {
    TempDir dir;
    const auto file = dir.write("s.yaml",
                                "name: both\naccelerators:\n  X: {tdp: 1 W, system_power: 1 W}\n"
                                "facility: {pue: 1.1, preset: hyperscale, site: iowa}\ngrid: {gross: 1 g/kWh}\n"
                                "jobs:\n  - {name: j, accelerator: X, chips: 1, duration: 1 h}\n");
    try {
      dcsim::scenario::load_scenario(file);
      FAIL("expected an InputError");
    } catch (const dcsim::InputError& e) {
      bool found = false;
      for (const auto& p : e.problems()) found = found || p.message.find("either pue or preset") != std::string::npos;
      CHECK(found);
    }
  }
}

TEST_SUITE("facility") {
  TEST_CASE("per-rack power sums to the IT power of every interval") {
    TempDir dir;
    const auto out = dir / "run.h5";
    dcsim::sim::run_scenario(
        dcsim::scenario::load_scenario(std::string(DCSIM_SCENARIO_DIR) + "/whatif/facility-100-racks-year.yaml"), out);
    const auto ts = dcsim::analysis::read_timeseries(out.string());
    auto file = dcsim::h5::open_file(out.string());
    auto group = dcsim::h5::open_group(file.id(), "timeseries");
    dcsim::h5::Handle ds(H5Dopen2(group.id(), "rack_power_w", H5P_DEFAULT), H5Dclose);
    REQUIRE(ds);
    dcsim::h5::Handle space(H5Dget_space(ds.id()), H5Sclose);
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(space.id(), dims, nullptr);
    REQUIRE(dims[0] == 8760);
    REQUIRE(dims[1] == 100);
    // Both dimensions are labelled, as netCDF readers need: time_s, and rack positions 0..99.
    dcsim::h5::Handle time(H5Dopen2(group.id(), "time_s", H5P_DEFAULT), H5Dclose);
    dcsim::h5::Handle rack(H5Dopen2(group.id(), "rack", H5P_DEFAULT), H5Dclose);
    REQUIRE(rack);
    CHECK(H5DSis_attached(ds.id(), time.id(), 0) > 0);
    CHECK(H5DSis_attached(ds.id(), rack.id(), 1) > 0);
    CHECK(dcsim::h5::read_double_column(group.id(), "rack").back() == 99.0);
    std::vector<double> racks(dims[0] * dims[1]);
    REQUIRE(H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, racks.data()) >= 0);
    // Every interval, also those just before a job starts or ends (a rack that changes at an
    // instant must count its old load up to it: update before change).
    for (std::size_t i = 0; i < dims[0]; ++i) {
      double sum = 0.0;
      for (std::size_t r = 0; r < dims[1]; ++r) sum += racks[i * dims[1] + r];
      CHECK(sum == doctest::Approx(ts.at("it_power_w")[i]).epsilon(1e-9));
    }
    // First-fit placement: the first job's 800 accelerators fill racks 0-24 (32 each) at 16 kW.
    CHECK(racks[0] == doctest::Approx(32 * 500.0).epsilon(1e-12));
    CHECK(racks[25] == 0.0);
  }

  TEST_CASE("weather can come from an EPW file instead of a site") {
    // A minimal EPW: 8 header lines and 8760 hourly rows at a constant 10 C, 50% RH.
    TempDir dir;
    std::string epw =
        "LOCATION,Test,XX,XX,none,000000,41.0,-95.0,-6.0,300.0\nDESIGN CONDITIONS,0\nTYPICAL/EXTREME PERIODS,0\n"
        "GROUND TEMPERATURES,0\nHOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0\nCOMMENTS 1,test\nCOMMENTS 2,test\n"
        "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31\n";
    const int days_in_month[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; ++m)
      for (int d = 1; d <= days_in_month[m - 1]; ++d)
        for (int h = 1; h <= 24; ++h)
          epw += fmt::format(
              "2023,{},{},{},60,?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9,10.0,0.0,50,101325,0,0,300,0,0,0,0,0,0,0,"
              "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n",
              m, d, h);
    dir.write("w.epw", epw);
    const auto file = dir.write("s.yaml",
                                "name: epw\nstart: 2023-01-01T00:00:00Z\naccelerators:\n  X: {tdp: 500 W, system_power: 500 W}\n"
                                "facility: {preset: hyperscale, weather: {file: w.epw}}\ngrid: {gross: 400 g/kWh}\n"
                                "jobs:\n  - {name: j, accelerator: X, chips: 320, duration: 2 d}\n");
    const auto out = dir / "run.h5";
    dcsim::sim::run_scenario(dcsim::scenario::load_scenario(file), out);
    const auto ts = dcsim::analysis::read_timeseries(out.string());
    for (double t : ts.at("outdoor_temp_c")) CHECK(t == doctest::Approx(10.0).epsilon(1e-12));
    // Constant weather and load: a constant PUE.
    CHECK(ts.at("pue").front() == doctest::Approx(ts.at("pue").back()).epsilon(1e-12));
  }
}

TEST_SUITE("facility") {
  TEST_CASE("a busy rack draws its switch, and a rack cap clips its IT power and is counted") {
    // Rack 0: 32 x 500 W + 300 W switch = 16.3 kW demand, capped at 10 kW. Rack 1: 8 x 500 W + 300 W
    // = 4.3 kW, under the cap. 3 h: IT energy (10 + 4.3) kW x 3 h = 42.9 kWh.
    TempDir dir;
    dir.write("facilities.yaml",
              "facilities:\n  capped:\n    cooling: chilled_water\n    accelerators_per_rack: 32\n"
              "    rack_rating: 20 kW\n    switch_power: 300 W\n    rack_cap: 10 kW\n    source: a test hall\n");
    const auto file = dir.write(
        "s.yaml",
        "name: capped\nstart: 2023-01-01T00:00:00Z\naccelerators:\n  X: {tdp: 500 W, system_power: 500 W}\n"
        "facility: {preset: capped, catalog: facilities.yaml, site: iowa, racks: 2}\ngrid: {gross: 400 g/kWh}\n"
        "jobs:\n  - {name: j, accelerator: X, chips: 40, duration: 3 h}\n");
    const auto out = dir / "run.h5";
    const auto r = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(file), out);
    CHECK(r.summary.it_energy_mwh * 1e3 == doctest::Approx((10.0 + 4.3) * 3).epsilon(1e-9));
    CHECK(r.summary.capped_rack_episodes == 1);
    const auto ts = dcsim::analysis::read_timeseries(out.string());
    CHECK(ts.at("capped_racks")[0] == 1.0);
    // The job's facility energy is the whole facility's: it is the only job.
    CHECK(r.jobs[0].facility_energy_kwh == doctest::Approx(r.summary.facility_energy_mwh * 1e3).epsilon(1e-9));
  }
}
