// Training jobs from model descriptions, MFU throughput, and failures with checkpoints.

#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "models/workload/Failures.hpp"
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
