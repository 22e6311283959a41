// Training jobs from model descriptions, MFU throughput, and failures with checkpoints.

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "models/grid/GenerationMix.hpp"
#include "models/units/Calendar.hpp"
#include "models/workload/Failures.hpp"
#include "sim/scenario/Catalog.hpp"
#include "sim/scenario/GridMixSpec.hpp"
#include "models/workload/TrainingRun.hpp"
#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::test::TempDir;

namespace {

dcsim::sim::RunOutcome run_text(const std::string& yaml) {
  TempDir dir;
  return dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("s.yaml", yaml)), std::nullopt);
}

const std::string kHead =
    "name: w\naccelerators:\n  T: {tdp: 450 W, peak: 123 TFLOP/s, system_power: 300 W}\n"
    "facility: {pue: 1.0}\ngrid: {gross: 0 g/kWh}\n";

}  // namespace

TEST_SUITE("workloads") {
  TEST_CASE("a dense model's FLOPs are 6 x parameters x tokens, and MFU x peak sets its pace") {
    // 1e9 parameters, 1e10 tokens: 6e19 FLOP. 100 chips at 0.4 x 123 TFLOP/s = 4.92e15 FLOP/s.
    const auto r = run_text(kHead + "jobs:\n  - {name: j, accelerator: T, chips: 100, mfu: 0.4, "
                                    "model: {parameters: 1e9, tokens: 1e10}}\n");
    const double seconds = 6e19 / (100 * 0.4 * 123e12);
    CHECK(r.summary.makespan_h * 3600.0 == doctest::Approx(seconds).epsilon(1e-7));  // the engine's 1 ms tick
    REQUIRE(r.jobs.size() == 1);
    CHECK(r.jobs[0].total_flop == doctest::Approx(6e19).epsilon(1e-12));
    CHECK(r.jobs[0].mfu == doctest::Approx(0.4).epsilon(1e-12));
  }

  TEST_CASE("a mixture of experts counts its shared parameters and top_k experts per token") {
    // 64 experts of 1e9, top 2, 2e9 shared: 4e9 activated of 66e9; 1e11 tokens -> 2.4e21 FLOP.
    const dcsim::models::ModelDescription m{66e9, 1.0, 64, 2, 1e9, 2e9, 1e11};
    CHECK(m.activated_parameters() == 4e9);
    CHECK(m.training_flop() == doctest::Approx(6 * 4e9 * 1e11).epsilon(1e-15));
    const auto r = run_text(kHead + "jobs:\n  - {name: j, accelerator: T, chips: 10, flops_per_chip: 50 TFLOP/s, "
                                    "model: {experts: 64, top_k: 2, expert_parameters: 1e9, shared_parameters: 2e9, "
                                    "tokens: 1e11}}\n");
    CHECK(r.jobs[0].total_flop == doctest::Approx(2.4e21).epsilon(1e-12));
    CHECK(r.summary.makespan_h * 3600.0 == doctest::Approx(2.4e21 / (10 * 50e12)).epsilon(1e-9));
  }

  TEST_CASE("the attention term adds 6 x layers x context x d_model per token") {
    const dcsim::models::ModelDescription m{1e9, 1.0, 0, 0, 0, 0, 1e6, 24, 2048, 2048};
    CHECK(m.training_flop() == doctest::Approx(6 * 1e9 * 1e6 + 6.0 * 24 * 2048 * 2048 * 1e6).epsilon(1e-15));
  }

  TEST_CASE("failures lose, on average over 50 seeds, the analytic expectation of wasted energy") {
    // 1024 chips, 30 days of work, MTBF 5000 h per accelerator: lambda = 1024 / 5000 h.
    // Checkpoints every 15 min, restarts of 3 min, 300 W per chip.
    // E[N] = lambda W / (1 - lambda c / 2); waste = E[N] (c / 2 + r) x P.
    const double lambda = 1024.0 / (5000.0 * 3600.0), w = 30 * 86400.0, c = 900.0, restart = 180.0;
    const double power_w = 1024 * 300.0;
    const double expected_n = lambda * w / (1.0 - lambda * c / 2.0);
    const double expected_kwh = expected_n * (c / 2.0 + restart) * power_w / 3.6e6;
    double wasted = 0.0, restarts = 0.0;
    for (int seed = 1; seed <= 50; ++seed) {
      const auto r = run_text(fmt::format(
          "name: f\nseed: {}\naccelerators:\n  T: {{tdp: 450 W, system_power: 300 W}}\nfacility: {{pue: 1.0}}\n"
          "grid: {{gross: 0 g/kWh}}\njobs:\n  - {{name: j, accelerator: T, chips: 1024, duration: 30 d, mtbf: 5000 h, "
          "checkpoint_interval: 15 min, restart: 3 min}}\n",
          seed));
      wasted += r.jobs.at(0).wasted_energy_kwh / 50.0;
      restarts += static_cast<double>(r.jobs.at(0).restarts) / 50.0;
      // Occupied time = work + lost work + restarts, so the job's IT energy includes the waste.
      CHECK(r.jobs.at(0).it_energy_kwh == doctest::Approx(power_w * w / 3.6e6 + r.jobs.at(0).wasted_energy_kwh).epsilon(1e-9));
    }
    CHECK(restarts == doctest::Approx(expected_n).epsilon(0.05));
    CHECK(wasted == doctest::Approx(expected_kwh).epsilon(0.05));
  }

  TEST_CASE("without checkpoints a failure loses all progress") {
    CHECK(dcsim::models::lost_work_s(3600.0, 0.0) == 3600.0);
    CHECK(dcsim::models::lost_work_s(3700.0, 900.0) == doctest::Approx(100.0).epsilon(1e-12));
  }

  TEST_CASE("the same seed gives the same failures, another seed other ones") {
    dcsim::models::FailureProcess a(1e-3, 7), b(1e-3, 7), c(1e-3, 8);
    const double x = a.next_interval_s();
    CHECK(x == b.next_interval_s());
    CHECK(x != c.next_interval_s());
  }
}

TEST_SUITE("workloads") {
  TEST_CASE("carbon-aware shifting with 24 h slack saves what the cleanest window predicts") {
    // A 6-hour, 100 kW (IT) job arriving 2023-06-01T00:00Z on the CAISO-like mix at PUE 1.1.
    TempDir dir;
    const std::string base =
        "name: shift\nstart: 2023-06-01T00:00:00Z\naccelerators:\n  T: {tdp: 1000 W, system_power: 1000 W}\n"
        "facility: {pue: 1.1}\ngrid: {mix: {region: caiso}}\n"
        "jobs:\n  - {name: j, accelerator: T, chips: 100, duration: 6 h, slack: 24 h}\n";
    const auto fifo = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("a.yaml", base)), std::nullopt);
    const auto aware = dcsim::sim::run_scenario(
        dcsim::scenario::load_scenario(dir.write("b.yaml", base + "scheduler: {policy: carbon_aware}\n")), std::nullopt);
    // Independently: the model's hourly 2023 CAISO intensities (seed 1, as the scenario's), the
    // 6-hour window sums for starts at hours 0..24 after the arrival, the best of them.
    const auto regions = dcsim::scenario::load_catalog<dcsim::scenario::MixRegionSpec>(
        std::string(DCSIM_SCENARIO_DIR) + "/catalog/grid-mix.yaml", "regions");
    const std::int64_t year = dcsim::units::parse_utc_ms("2023-01-01T00:00:00Z");
    const auto trace = dcsim::models::generate_mix(dcsim::scenario::to_model(regions.at("caiso")), year, 8760, 1);
    const std::size_t h0 = static_cast<std::size_t>((dcsim::units::parse_utc_ms("2023-06-01T00:00:00Z") - year) / 3'600'000);
    const auto window_kg = [&](std::size_t first) {
      double kg = 0.0;  // 110 kW facility x 1 h x intensity
      for (std::size_t h = first; h < first + 6; ++h) kg += 110e3 * 3600.0 * trace.intensity_kg_per_j[h];
      return kg;
    };
    std::size_t best = h0;
    for (std::size_t s = h0; s <= h0 + 24; ++s)
      if (window_kg(s) < window_kg(best)) best = s;
    CHECK(fifo.summary.co2e_gross_t * 1e3 == doctest::Approx(window_kg(h0)).epsilon(1e-9));
    CHECK((fifo.summary.co2e_gross_t - aware.summary.co2e_gross_t) * 1e3 ==
          doctest::Approx(window_kg(h0) - window_kg(best)).epsilon(1e-9));
    CHECK(aware.jobs.at(0).delay_s == doctest::Approx(static_cast<double>(best - h0) * 3600.0).epsilon(1e-12));
    CHECK(aware.jobs.at(0).co2e_saved_kg == doctest::Approx(window_kg(h0) - window_kg(best)).epsilon(1e-9));
    CHECK(fifo.jobs.at(0).delay_s == 0.0);
  }

  TEST_CASE("a noisy forecast is seeded: the same seed makes the same choice") {
    TempDir dir;
    const std::string yaml =
        "name: noisy\nstart: 2023-06-01T00:00:00Z\naccelerators:\n  T: {tdp: 1000 W, system_power: 1000 W}\n"
        "facility: {pue: 1.1}\ngrid: {mix: {region: caiso}}\nscheduler: {policy: carbon_aware, forecast_error: 0.3}\n"
        "jobs:\n  - {name: j, accelerator: T, chips: 100, duration: 6 h, slack: 24 h}\n";
    const auto a = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("a.yaml", yaml)), std::nullopt);
    const auto b = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("b.yaml", yaml)), std::nullopt);
    CHECK(a.jobs.at(0).delay_s == b.jobs.at(0).delay_s);
    CHECK(a.summary.co2e_gross_t == b.summary.co2e_gross_t);
  }
}

TEST_SUITE("workloads") {
  TEST_CASE("the dense vs mixture-of-experts what-ifs differ in energy as their activated parameters and MFU say") {
    const auto run = [](const char* f) {
      return dcsim::sim::run_scenario(dcsim::scenario::load_scenario(std::string(DCSIM_SCENARIO_DIR) + "/whatif/" + f),
                                      std::nullopt);
    };
    const auto dense = run("model-dense.yaml");
    const auto moe = run("model-moe.yaml");
    // Same chips, power and PUE: energy follows time = 6 N_active T / (chips x peak x MFU).
    const double ratio = (64e9 / 0.40) / (6.4e9 / 0.30);  // 7.5
    CHECK(dense.summary.facility_energy_mwh / moe.summary.facility_energy_mwh == doctest::Approx(ratio).epsilon(1e-6));
    // The output says why: FLOPs and MFU per job.
    CHECK(dense.jobs.at(0).total_flop == doctest::Approx(6 * 64e9 * 1e12).epsilon(1e-12));
    CHECK(moe.jobs.at(0).total_flop == doctest::Approx(6 * 6.4e9 * 1e12).epsilon(1e-12));
    CHECK(moe.jobs.at(0).mfu == doctest::Approx(0.30).epsilon(1e-12));
  }
}

TEST_SUITE("workloads") {
  TEST_CASE("a campaign runs its trials at most `concurrency` at a time, each waiting for a free slot") {
    // 10 trials of 2 h on 10 chips of 1 kW, 3 at a time: waves at 0, 2, 4 and 6 h; done at 8 h.
    const auto r = run_text(
        "name: nas\naccelerators:\n  T: {tdp: 1000 W, system_power: 1000 W}\nfacility: {pue: 1.0}\n"
        "grid: {gross: 0 g/kWh}\njobs:\n  - {name: trial, accelerator: T, chips: 10, duration: 2 h, trials: 10, concurrency: 3}\n");
    CHECK(r.summary.makespan_h == doctest::Approx(8.0).epsilon(1e-15));
    CHECK(r.summary.it_energy_mwh * 1e3 == doctest::Approx(10 * 10 * 2.0).epsilon(1e-12));
    REQUIRE(r.jobs.size() == 10);
    double max_delay = 0.0;
    for (const auto& j : r.jobs) max_delay = std::max(max_delay, j.delay_s);
    CHECK(max_delay == doctest::Approx(6 * 3600.0).epsilon(1e-12));
    CHECK(r.jobs.front().name.rfind("trial#", 0) == 0);
  }
}
