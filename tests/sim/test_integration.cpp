// The simulation's totals against sums of P x CI x dt worked out by hand.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/Scenarios.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::test::scenario_yaml;
using dcsim::test::TempDir;

namespace {

dcsim::sim::RunOutcome run_text(const std::string& yaml) {
  TempDir dir;
  const auto file = dir.write("s.yaml", yaml);
  return dcsim::sim::run_scenario(dcsim::scenario::load_scenario(file), std::nullopt);
}

constexpr double kJPerKWh = 3.6e6;

}  // namespace

TEST_CASE("150 W for 2 h then 300 W for 1 h is 0.6 kWh of IT energy") {
  // Job a: one 150 W chip for 3 h from the start; job b: another from hour 2 for 1 h.
  const auto r = run_text(scenario_yaml(1.5, "  gross: 400 g/kWh\n",
                                        "  - {name: a, accelerator: X, chips: 1, system_power_per_chip: 150 W, duration: 3 h}\n"
                                        "  - {name: b, accelerator: X, chips: 1, system_power_per_chip: 150 W, duration: 1 h,\n"
                                        "     start: 2020-01-01T02:00:00Z}\n"));
  CHECK(r.summary.it_energy_mwh == doctest::Approx(0.6e-3).epsilon(1e-12));
  CHECK(r.summary.facility_energy_mwh == doctest::Approx(0.9e-3).epsilon(1e-12));  // x PUE 1.5
  CHECK(r.summary.pue == doctest::Approx(1.5).epsilon(1e-12));
  CHECK(r.summary.co2e_gross_t == doctest::Approx(0.9 * 0.4 / 1e3).epsilon(1e-12));  // 0.9 kWh x 0.4 kg/kWh
  CHECK(r.summary.co2e_net_t == doctest::Approx(r.summary.co2e_gross_t).epsilon(1e-15));  // net defaults to gross
  CHECK(r.summary.makespan_h == doctest::Approx(3.0).epsilon(1e-15));
  REQUIRE(r.jobs.size() == 2);
  // Jobs are reported as they end: b (at 3 h, scheduled after a) and a end at the same instant.
  const auto& a = r.jobs[0].name == "a" ? r.jobs[0] : r.jobs[1];
  const auto& b = r.jobs[0].name == "a" ? r.jobs[1] : r.jobs[0];
  CHECK(a.it_energy_kwh == doctest::Approx(0.45).epsilon(1e-12));
  CHECK(b.it_energy_kwh == doctest::Approx(0.15).epsilon(1e-12));
  CHECK(a.facility_energy_kwh == doctest::Approx(0.675).epsilon(1e-12));
  CHECK(b.start_s == 7200.0);
  CHECK(b.end_s == 10800.0);
}

TEST_CASE("an intensity that changes at a non-hour instant mid-job is integrated exactly") {
  // 2 chips x 500 W = 1 kW IT for 3 h at PUE 1.2 -> 1.2 kW facility.
  // Gross 400 g/kWh until 01:20:30 (4830 s), then 100 g/kWh; net 50 then 20 g/kWh.
  const auto r = run_text(scenario_yaml(1.2,
                                        "  gross: 400 g/kWh\n  net: 50 g/kWh\n  changes:\n"
                                        "    - {at: 2020-01-01T01:20:30Z, gross: 100 g/kWh, net: 20 g/kWh}\n",
                                        "  - {name: j, accelerator: X, chips: 2, system_power_per_chip: 500 W, duration: 3 h}\n"));
  const double h1 = 4830.0 / 3600.0, h2 = 3.0 - h1;
  const double gross_kg = 1.2 * (h1 * 0.400 + h2 * 0.100);
  const double net_kg = 1.2 * (h1 * 0.050 + h2 * 0.020);
  CHECK(r.summary.facility_energy_mwh == doctest::Approx(3.6e-3).epsilon(1e-12));
  CHECK(r.summary.co2e_gross_t * 1e3 == doctest::Approx(gross_kg).epsilon(1e-12));
  CHECK(r.summary.co2e_net_t * 1e3 == doctest::Approx(net_kg).epsilon(1e-12));
  REQUIRE(r.jobs.size() == 1);
  CHECK(r.jobs[0].co2e_gross_kg == doctest::Approx(gross_kg).epsilon(1e-12));
  CHECK(r.jobs[0].co2e_net_kg == doctest::Approx(net_kg).epsilon(1e-12));
}

TEST_CASE("overlapping jobs share facility energy and emissions in proportion to their IT power") {
  // a: 3 kW from 0 to 2 h; b: 1 kW from 1 h to 3 h; PUE 2; gross 300 g/kWh until 1.5 h, then 600.
  const auto r = run_text(scenario_yaml(2.0,
                                        "  gross: 300 g/kWh\n  changes:\n"
                                        "    - {at: 2020-01-01T01:30:00Z, gross: 600 g/kWh}\n",
                                        "  - {name: a, accelerator: X, chips: 3, duration: 2 h}\n"
                                        "  - {name: b, accelerator: X, chips: 1, duration: 2 h, start: 2020-01-01T01:00:00Z}\n"));
  REQUIRE(r.jobs.size() == 2);
  const auto& a = r.jobs[0];  // ends first, at 2 h
  const auto& b = r.jobs[1];
  CHECK(a.name == "a");
  // a: 3 kW x 2 h x PUE 2 = 12 kWh; 6 kWh-facility per hour: 1.5 h at 0.3 and 0.5 h at 0.6 kg/kWh.
  CHECK(a.facility_energy_kwh == doctest::Approx(12.0).epsilon(1e-12));
  CHECK(a.co2e_gross_kg == doctest::Approx(6.0 * (1.5 * 0.3 + 0.5 * 0.6)).epsilon(1e-12));
  // b: 1 kW x 2 h x 2 = 4 kWh; 2 kWh per hour: 0.5 h at 0.3, 1.5 h at 0.6.
  CHECK(b.facility_energy_kwh == doctest::Approx(4.0).epsilon(1e-12));
  CHECK(b.co2e_gross_kg == doctest::Approx(2.0 * (0.5 * 0.3 + 1.5 * 0.6)).epsilon(1e-12));
  CHECK(r.summary.co2e_gross_t * 1e3 == doctest::Approx(a.co2e_gross_kg + b.co2e_gross_kg).epsilon(1e-12));
  CHECK(r.summary.facility_energy_mwh * 1e3 == doctest::Approx(16.0).epsilon(1e-12));
}

TEST_CASE("a job's duration follows from its FLOPs and achieved throughput") {
  // 4e18 FLOP on 10 chips at 100 TFLOP/s each: 4e18 / 1e15 = 4000 s.
  const auto r = run_text(scenario_yaml(1.0, "  gross: 0 g/kWh\n",
                                        "  - {name: j, accelerator: X, chips: 10, total_flops: 4e18, flops_per_chip: 100 TFLOP/s}\n"));
  CHECK(r.summary.makespan_h * 3600.0 == doctest::Approx(4000.0).epsilon(1e-15));
  CHECK(r.summary.it_energy_mwh * 1e3 * kJPerKWh == doctest::Approx(10 * 1000.0 * 4000.0).epsilon(1e-12));
  CHECK(r.summary.co2e_gross_t == 0.0);
}

TEST_CASE("time before the first job starts counts towards the makespan but not the energy") {
  const auto r = run_text(scenario_yaml(1.1, "  gross: 500 g/kWh\n",
                                        "  - {name: j, accelerator: X, chips: 1, duration: 30 min, start: 2020-01-02T00:00:00Z}\n"));
  CHECK(r.summary.makespan_h == doctest::Approx(24.5).epsilon(1e-15));
  CHECK(r.summary.it_energy_mwh * 1e3 == doctest::Approx(0.5).epsilon(1e-12));
  CHECK(r.summary.facility_energy_mwh * 1e3 == doctest::Approx(0.55).epsilon(1e-12));
}

TEST_CASE("embodied CO2e is amortised by occupied time and kept apart from operational CO2e") {
  // 8 accelerators of 150 kg CO2e each over a 5-year (Julian) life, occupied for 30 days.
  TempDir dir;
  const auto file = dir.write("s.yaml",
                              "name: embodied\naccelerators:\n"
                              "  A100: {tdp: 400 W, system_power: 400 W, embodied: 150 kg, service_life: 5 y}\n"
                              "facility: {pue: 1.1}\ngrid: {gross: 0 g/kWh}\n"
                              "jobs:\n  - {name: j, accelerator: A100, chips: 8, duration: 30 d}\n");
  const auto r = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(file), std::nullopt);
  CHECK(r.summary.embodied_co2e_t * 1e3 == doctest::Approx(8 * 150.0 * 30.0 / (5 * 365.25)).epsilon(1e-12));
  CHECK(r.summary.co2e_gross_t == 0.0);  // a zero-carbon grid: operational stays zero
}

TEST_CASE("without a measured power, a job's power follows the accelerator's curve at its MFU plus the host share") {
  // MFU = 62.5 / 125 TFLOP/s = 0.5. Linear chip: 35 + (300 - 35) x 0.5 = 167.5 W; host 20 + 40 x 0.5
  // = 40 W; 207.5 W x 8 chips x 10 h = 16.6 kWh at PUE 1.
  TempDir dir;
  const std::string accel =
      "accelerators:\n  G: {tdp: 300 W, peak: 125 TFLOP/s, idle_power: 35 W, host_idle: 20 W, host_max: 60 W}\n";
  // The FLOPs that take exactly 10 h at that rate.
  const double flops = 8 * 62.5e12 * 36000.0;
  const auto f2 = dir.write("t.yaml", "name: curve\n" + accel +
                                          "facility: {pue: 1.0}\ngrid: {gross: 0 g/kWh}\n"
                                          "jobs:\n  - {name: j, accelerator: G, chips: 8, total_flops: " +
                                          fmt::format("{}", flops) + ", flops_per_chip: 62.5 TFLOP/s}\n");
  const auto r = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(f2), std::nullopt);
  CHECK(r.summary.it_energy_mwh * 1e3 == doctest::Approx(207.5 * 8 * 10 / 1e3).epsilon(1e-9));
}

TEST_CASE("the fan2007 curve with r = 1.4 at half utilisation, and a measured power that overrides any curve") {
  // 2u - u^r at u = 0.5: 1 - 0.5^1.4 = 0.621070...; 35 + 265 x that = 199.58 W per chip.
  TempDir dir;
  const std::string head =
      "name: fan\naccelerators:\n  G: {tdp: 300 W, idle_power: 35 W, curve: fan2007, curve_r: 1.4}\n"
      "facility: {pue: 1.0}\ngrid: {gross: 0 g/kWh}\njobs:\n";
  const auto curve = dcsim::sim::run_scenario(
      dcsim::scenario::load_scenario(dir.write("a.yaml", head + "  - {name: j, accelerator: G, chips: 1, duration: 1 h, utilisation: 0.5}\n")),
      std::nullopt);
  CHECK(curve.summary.it_energy_mwh * 1e6 == doctest::Approx(35.0 + 265.0 * (1.0 - std::pow(0.5, 1.4))).epsilon(1e-9));
  const auto measured = dcsim::sim::run_scenario(
      dcsim::scenario::load_scenario(dir.write(
          "b.yaml", head + "  - {name: j, accelerator: G, chips: 1, duration: 1 h, utilisation: 0.5, system_power_per_chip: 330 W}\n")),
      std::nullopt);
  CHECK(measured.summary.it_energy_mwh * 1e6 == doctest::Approx(330.0).epsilon(1e-12));
}

TEST_CASE("a server power cap clips the power-curve path and is counted") {
  // Full utilisation: 300 W chip + 100 W host = 400 W, capped at 350 W; 1 chip for 1 h.
  TempDir dir;
  const auto file = dir.write("s.yaml",
                              "name: cap\naccelerators:\n  G: {tdp: 300 W, idle_power: 50 W, host_idle: 100 W, host_max: 100 W, "
                              "power_cap: 350 W}\nfacility: {pue: 1.0}\ngrid: {gross: 0 g/kWh}\n"
                              "jobs:\n  - {name: j, accelerator: G, chips: 1, duration: 1 h, utilisation: 1.0}\n");
  const auto r = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(file), std::nullopt);
  CHECK(r.summary.it_energy_mwh * 1e6 == doctest::Approx(350.0).epsilon(1e-12));
  CHECK(r.summary.capped_jobs == 1);
}
