// Measured runs replayed as load: a CodeCarbon emissions.csv or a power log drives the facility
// and grid model.

#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "analysis/ResultFile.hpp"
#include "sim/Run.hpp"
#include "sim/input/MeasuredPower.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::test::TempDir;

namespace {

// CodeCarbon's emissions.csv columns, as its documentation ("Output") lists them.
const std::string kCodeCarbonHeader =
    "timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,cpu_energy,"
    "gpu_energy,ram_energy,energy_consumed,country_name,country_iso_code,region,cloud_provider,cloud_region,os,"
    "python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,"
    "tracking_mode,on_cloud,pue\n";

// One row: cumulative duration (s) and energies (kWh), emissions at `kg_per_kwh`.
std::string codecarbon_row(const std::string& run_id, double duration_s, double cpu_kwh, double gpu_kwh, double ram_kwh,
                           double kg_per_kwh) {
  const double energy = cpu_kwh + gpu_kwh + ram_kwh;
  const double emissions = energy * kg_per_kwh;
  return fmt::format(
      "2024-05-27T10:49:55,codecarbon,{},{},{},{},42.5,300.0,31.3,{},{},{},{},Singapore,SGP,,,,Linux,3.10.12,2.4.2,12,"
      "Intel Xeon,1,1 x NVIDIA A100,103.85,1.28,83.47,machine,N,1.0\n",
      run_id, duration_s, emissions, emissions / duration_s, cpu_kwh, gpu_kwh, ram_kwh, energy);
}

// A one-hour run logged every 10, 20 and 30 minutes, at 0.35 kg/kWh: 0.5, 1.7 and 3.2 kWh so far.
std::string hour_log() {
  return kCodeCarbonHeader + codecarbon_row("r1", 600, 0.05, 0.40, 0.05, 0.35) +
         codecarbon_row("r1", 1800, 0.17, 1.36, 0.17, 0.35) + codecarbon_row("r1", 3600, 0.32, 2.56, 0.32, 0.35);
}

std::string replay_scenario(const std::string& facility, const std::string& grid, const std::string& replay) {
  return fmt::format(
      "name: replay\nstart: 2020-01-01T00:00:00Z\naccelerators:\n  X: {{tdp: 400 W, system_power: 1000 W}}\n"
      "facility: {}\ngrid: {}\noutput: {{interval: 10 min}}\nreplays:\n  - {}\n",
      facility, grid, replay);
}

dcsim::sim::RunOutcome run_in(const TempDir& dir, const std::string& yaml) {
  return dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("s.yaml", yaml)), std::nullopt);
}

}  // namespace

TEST_SUITE("replay") {
  TEST_CASE("a CodeCarbon log at PUE 1 and its own grid intensity gives back the log's energy and CO2e") {
    TempDir dir;
    dir.write("emissions.csv", hour_log());
    const auto r = run_in(dir, replay_scenario("{pue: 1.0}", "{gross: 0.35 kg/kWh}",
                                               "{name: measured, file: emissions.csv, format: codecarbon}"));
    // The log's totals: its last row, 3.2 kWh and 3.2 x 0.35 = 1.12 kg.
    CHECK(r.summary.it_energy_mwh == doctest::Approx(3.2e-3).epsilon(1e-12));
    CHECK(r.summary.facility_energy_mwh == doctest::Approx(3.2e-3).epsilon(1e-12));
    CHECK(r.summary.co2e_gross_t == doctest::Approx(1.12e-3).epsilon(1e-12));
    REQUIRE(r.summary.services.size() == 1);
    CHECK(r.summary.services[0].name == "measured");
    CHECK(r.summary.services[0].it_energy_kwh == doctest::Approx(3.2).epsilon(1e-12));
    CHECK(r.summary.services[0].co2e_gross_kg == doctest::Approx(1.12).epsilon(1e-12));
  }

  TEST_CASE("the same log in a cleaner region and a less efficient datacentre changes as grid and PUE say") {
    TempDir dir;
    dir.write("emissions.csv", hour_log());
    const auto r = run_in(dir, replay_scenario("{pue: 1.2}", "{gross: 0.05 kg/kWh}",
                                               "{name: measured, file: emissions.csv, format: codecarbon}"));
    // 3.2 kWh x 1.2 = 3.84 kWh at the facility; x 0.05 kg/kWh = 0.192 kg (the log said 1.12 kg).
    CHECK(r.summary.it_energy_mwh == doctest::Approx(3.2e-3).epsilon(1e-12));
    CHECK(r.summary.facility_energy_mwh == doctest::Approx(3.84e-3).epsilon(1e-12));
    CHECK(r.summary.co2e_gross_t == doctest::Approx(0.192e-3).epsilon(1e-12));
  }

  TEST_CASE("each CodeCarbon interval is a step at its energy over its length") {
    TempDir dir;
    dir.write("emissions.csv", hour_log());
    dcsim::sim::run_scenario(
        dcsim::scenario::load_scenario(dir.write(
            "s.yaml", replay_scenario("{pue: 1.0}", "{gross: 0.35 kg/kWh}", "{name: m, file: emissions.csv, format: codecarbon}"))),
        dir / "run.h5");
    const auto ts = dcsim::analysis::read_timeseries((dir / "run.h5").string());
    const std::vector<double>& it = ts.at("it_power_w");
    REQUIRE(it.size() == 6);
    // 0.5 kWh in 600 s = 3000 W; then 1.2 kWh in 1200 s = 3600 W; then 1.5 kWh in 1800 s = 3000 W.
    const double expected[] = {3000, 3600, 3600, 3000, 3000, 3000};
    for (std::size_t i = 0; i < 6; ++i) CHECK(it[i] == doctest::Approx(expected[i]).epsilon(1e-12));
  }

  TEST_CASE("a log of several runs replays them back to back, or one chosen by run_id") {
    TempDir dir;
    dir.write("emissions.csv", kCodeCarbonHeader + codecarbon_row("a", 100, 0.0, 0.01, 0.0, 0.4) +
                                   codecarbon_row("b", 200, 0.0, 0.03, 0.0, 0.4));
    const auto every = dcsim::input::read_measured_power((dir / "emissions.csv").string(), {dcsim::input::MeasuredFormat::codecarbon, ""});
    REQUIRE(every.steps.size() == 2);
    CHECK(every.steps[1].start_ms == 100'000);
    CHECK(every.steps[1].end_ms == 300'000);
    CHECK(every.energy_j == doctest::Approx(0.04 * 3.6e6).epsilon(1e-12));
    CHECK(every.emissions_kg == doctest::Approx(0.016).epsilon(1e-12));
    const auto b = dcsim::input::read_measured_power((dir / "emissions.csv").string(), {dcsim::input::MeasuredFormat::codecarbon, "b"});
    REQUIRE(b.steps.size() == 1);
    CHECK(b.steps[0].end_ms == 200'000);
    CHECK(b.steps[0].power_w == doctest::Approx(0.03 * 3.6e6 / 200).epsilon(1e-12));
  }

  TEST_CASE("a power log per device sums its devices, each row holding until the next") {
    TempDir dir;
    dir.write("p.csv", "time_s,gpu0_w,gpu1_w,cpu_w\n0,300,300,100\n60,400,400,100\n120,0,0,0\n");
    // 700 W for 60 s and 900 W for 60 s: 96 kJ.
    const auto r = run_in(dir, replay_scenario("{pue: 1.0}", "{gross: 0.5 kg/kWh}", "{name: p, file: p.csv, format: power_log}"));
    CHECK(r.summary.it_energy_mwh * 3.6e9 == doctest::Approx(96'000).epsilon(1e-12));
    CHECK(r.summary.co2e_gross_t * 1e3 == doctest::Approx(96'000 / 3.6e6 * 0.5).epsilon(1e-12));
  }

  TEST_CASE("a power log with ISO times replays at the start given, so another season meets another grid") {
    TempDir dir;
    dir.write("p.csv", "time,power_w\n2023-03-01T00:00:00Z,2000\n2023-03-01T02:00:00Z,2000\n");
    const std::string grid = "{gross: 400 g/kWh, changes: [{at: 2020-07-01T00:00:00Z, gross: 100 g/kWh}]}";
    const std::string facility = "{pue: 1.0}";
    // 2 kW for 2 h = 4 kWh: 1.6 kg in winter, 0.4 kg in July.
    const auto winter = run_in(dir, replay_scenario(facility, grid, "{name: p, file: p.csv, format: power_log}"));
    const auto summer = run_in(
        dir, replay_scenario(facility, grid, "{name: p, file: p.csv, format: power_log, start: 2020-07-01T00:00:00Z}"));
    CHECK(winter.summary.co2e_gross_t * 1e3 == doctest::Approx(1.6).epsilon(1e-12));
    CHECK(summer.summary.co2e_gross_t * 1e3 == doctest::Approx(0.4).epsilon(1e-12));
    CHECK(summer.summary.it_energy_mwh == doctest::Approx(4e-3).epsilon(1e-12));
  }

  TEST_CASE("the replay what-if as measured gives back its CodeCarbon log's last row") {
    const auto r = dcsim::sim::run_scenario(
        dcsim::scenario::load_scenario(std::string(DCSIM_SCENARIO_DIR) + "/whatif/replay-singapore-as-measured.yaml"),
        std::nullopt);
    // whatif/base/measured-emissions.csv, last row: energy_consumed 2.2328 kWh, emissions 0.9109824 kg.
    CHECK(r.summary.facility_energy_mwh * 1e3 == doctest::Approx(2.2328).epsilon(1e-12));
    CHECK(r.summary.co2e_gross_t * 1e3 == doctest::Approx(0.9109824).epsilon(1e-12));
  }
}
