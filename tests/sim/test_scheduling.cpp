// Clusters and schedulers: capacity and idle draw, FIFO head of line, EASY backfilling, the
// horizon, job phases, spares, carbon-aware suspension, multi-site scenarios and spatial
// placement, inference services, and cluster-trace replay (against the fleet-year reference
// totals when the shared benchmark folder is present). Expected values are worked by hand.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "analysis/ResultFile.hpp"
#include "models/InputError.hpp"
#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/SharedData.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::test::TempDir;

namespace {

namespace fs = std::filesystem;

dcsim::sim::RunOutcome run_in(const TempDir& dir, const std::string& yaml) {
  return dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("s.yaml", yaml)), std::nullopt);
}

dcsim::sim::RunOutcome run_text(const std::string& yaml) {
  TempDir dir;
  return run_in(dir, yaml);
}

const dcsim::analysis::JobRow& job(const dcsim::sim::RunOutcome& r, const std::string& name) {
  for (const auto& j : r.jobs)
    if (j.name == name) return j;
  FAIL("no job " << name);
  return r.jobs.front();
}

// An 8-accelerator cluster of a 1000 W accelerator without idle power (idle draws nothing), PUE
// 1, a constant grid. Jobs 1 kW per accelerator.
std::string cluster_scenario(const std::string& policy, const std::string& jobs) {
  return "name: c\naccelerators:\n  X: {tdp: 1000 W, system_power: 1000 W}\n"
         "cluster: {accelerator: X, accelerators: 8}\nfacility: {pue: 1.0}\ngrid: {gross: 100 g/kWh}\n"
         "scheduler: {policy: " + policy + "}\njobs:\n" + jobs;
}

// Head of line at t=0: A holds 6 of 8 for 2 h; B (4) arrives at 0.1 h and cannot fit; C (2, 1 h)
// arrives at 0.2 h and would fit.
const std::string kBlocking =
    "  - {name: A, accelerator: X, chips: 6, duration: 2 h}\n"
    "  - {name: B, accelerator: X, chips: 4, duration: 1 h, start: 2020-01-01T00:06:00Z}\n"
    "  - {name: C, accelerator: X, chips: 2, duration: 1 h, start: 2020-01-01T00:12:00Z}\n";

}  // namespace

TEST_SUITE("scheduling") {
  TEST_CASE("FIFO holds a job that does not fit at the head of the line, and those behind it") {
    const auto r = run_text(cluster_scenario("fifo", kBlocking));
    CHECK(job(r, "A").start_s == 0.0);
    CHECK(job(r, "B").start_s == 7200.0);  // A's 6 accelerators free at 2 h
    CHECK(job(r, "C").start_s == 7200.0);  // blocked behind B, though 2 were free all along
    CHECK(job(r, "C").delay_s == 7200.0 - 720.0);
    CHECK(r.summary.makespan_h == 3.0);
    // Energy: A 6 kW x 2 h + B 4 kW x 1 h + C 2 kW x 1 h = 18 kWh.
    CHECK(r.summary.it_energy_mwh == doctest::Approx(18e-3).epsilon(1e-12));
    // Mean wait over the three: (0 + (7200 - 360) + (7200 - 720)) / 3 s.
    CHECK(r.summary.mean_wait_h == doctest::Approx((6840.0 + 6480.0) / 3.0 / 3600.0).epsilon(1e-12));
  }

  TEST_CASE("a run that keeps only the first rows gives them their full shares, and the same totals") {
    // At PUE 1.5: A (6 kW, 0-2 h) ends first. Its row: 12 kWh IT, 18 kWh facility, 1.8 kg at
    // 100 g/kWh, however many jobs run beside it. Once that row is taken no share is kept, and
    // the totals are still 18 kWh IT, 27 kWh facility.
    std::string yaml = cluster_scenario("fifo", kBlocking);
    yaml.replace(yaml.find("pue: 1.0"), 8, "pue: 1.5");
    for (const std::size_t keep : {std::size_t{1}, std::size_t{2}, static_cast<std::size_t>(-1)}) {
      CAPTURE(keep);
      TempDir dir;
      const auto r = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("s.yaml", yaml)), std::nullopt,
                                              dcsim::sim::RunOptions{keep, false});
      REQUIRE(r.jobs.size() == std::min<std::size_t>(keep, 3));
      CHECK(r.jobs[0].name == "A");
      CHECK(r.jobs[0].it_energy_kwh == doctest::Approx(12.0).epsilon(1e-12));
      CHECK(r.jobs[0].facility_energy_kwh == doctest::Approx(18.0).epsilon(1e-12));
      CHECK(r.jobs[0].co2e_gross_kg == doctest::Approx(1.8).epsilon(1e-12));
      for (const auto& j : r.jobs) CHECK(j.facility_energy_kwh == doctest::Approx(1.5 * j.it_energy_kwh).epsilon(1e-12));
      CHECK(r.summary.it_energy_mwh == doctest::Approx(18e-3).epsilon(1e-12));
      CHECK(r.summary.facility_energy_mwh == doctest::Approx(27e-3).epsilon(1e-12));
    }
  }

  TEST_CASE("backfilling starts a later job that ends before the head's reserved start") {
    const auto r = run_text(cluster_scenario("backfill", kBlocking));
    CHECK(job(r, "C").start_s == 720.0);   // fits (2 free) and ends at 1.2 h, before B's 2 h
    CHECK(job(r, "B").start_s == 7200.0);  // not delayed
    CHECK(r.summary.makespan_h == 3.0);
    // Against FIFO (the baseline run): the same CO2e (constant grid, same energy); C ends at 1.2 h
    // instead of 3 h, 1.8 h earlier, A and B unchanged: mean delay added -1.8 / 3 = -0.6 h.
    CHECK(r.summary.delay_added_h == doctest::Approx(-1.8 / 3.0).epsilon(1e-12));
    CHECK(r.summary.co2e_saved_vs_baseline_t == doctest::Approx(0.0));
  }

  TEST_CASE("backfilling lets a long job use accelerators the head will not need") {
    // B needs 4 at A's end (2 h), when 8 are free: 4 spare. D (2 accelerators, 5 h) would run past
    // 2 h but fits into those 4: it starts at once. E (3 more, 5 h) would then leave B short: waits.
    const std::string jobs = kBlocking.substr(0, kBlocking.find("  - {name: C")) +
                             "  - {name: D, accelerator: X, chips: 2, duration: 5 h, start: 2020-01-01T00:12:00Z}\n"
                             "  - {name: E, accelerator: X, chips: 3, duration: 5 h, start: 2020-01-01T00:18:00Z}\n";
    const auto r = run_text(cluster_scenario("backfill", jobs));
    CHECK(job(r, "D").start_s == 720.0);
    CHECK(job(r, "B").start_s == 7200.0);
    CHECK(job(r, "E").start_s == 3.0 * 3600.0);  // after B ends at 3 h (D holds 2, B's 4 free: 6 free)
  }

  TEST_CASE("idle accelerators of a cluster draw their idle power, and the horizon cuts a running job") {
    // 4 accelerators, idle 50 W chip + 50 W host; at u = 0.5 the chip draws 50 + 0.5 x 200 = 150 W
    // and the host share 50 + 0.5 x 50 = 75 W: 225 W. A 2-accelerator job of 3 h, horizon 2 h.
    const auto r = run_text(
        "name: idle\naccelerators:\n  Y: {tdp: 250 W, idle_power: 50 W, max_power: 250 W, host_idle: 50 W, host_max: 100 W}\n"
        "cluster: {accelerator: Y, accelerators: 4}\nfacility: {pue: 1.5}\ngrid: {gross: 200 g/kWh}\nhorizon: 2 h\n"
        "jobs:\n  - {name: j, accelerator: Y, chips: 2, duration: 3 h, utilisation: 0.5}\n");
    // IT: 2 idle x 100 W x 2 h + 2 x 225 W x 2 h = 400 + 900 = 1300 Wh.
    CHECK(r.summary.it_energy_mwh == doctest::Approx(1.3e-3).epsilon(1e-12));
    CHECK(r.summary.facility_energy_mwh == doctest::Approx(1.95e-3).epsilon(1e-12));
    CHECK(r.summary.co2e_gross_t == doctest::Approx(1.95 * 0.2 / 1e3).epsilon(1e-12));
    CHECK(r.summary.makespan_h == 2.0);
    CHECK(r.summary.jobs_cut == 1.0);
    CHECK(r.summary.jobs_completed == 0.0);
    REQUIRE(r.jobs.size() == 1);
    CHECK(r.jobs[0].completed == 0);
    CHECK(r.jobs[0].end_s == 7200.0);
    // The job's share: its 450 W of the 650 W IT, at PUE 1.5.
    CHECK(r.jobs[0].it_energy_kwh == doctest::Approx(0.9).epsilon(1e-12));
    CHECK(r.jobs[0].facility_energy_kwh == doctest::Approx(1.35).epsilon(1e-12));
  }

  TEST_CASE("a job larger than any cluster is rejected by validation") {
    TempDir dir;
    CHECK_THROWS_AS(dcsim::scenario::load_scenario(dir.write("s.yaml", cluster_scenario("fifo",
        "  - {name: big, accelerator: X, chips: 9, duration: 1 h}\n"))), dcsim::InputError);
  }

  TEST_CASE("phases: start-up, checkpoints and evaluations each at their own power, in the job's wall time") {
    // 10 chips at 1000 W training. Start-up 10 min at 500 W/chip; a checkpoint every 1 h of work,
    // 6 min at 300 W/chip; an evaluation every 2 h of work, 12 min at 600 W/chip; 5 h of work.
    // Checkpoints after 1, 2, 3, 4 h of work (none at the end); evaluations after 2 and 4 h.
    const auto r = run_text(
        "name: p\naccelerators:\n  X: {tdp: 1000 W, system_power: 1000 W}\nfacility: {pue: 1.0}\ngrid: {gross: 0 g/kWh}\n"
        "jobs:\n  - name: j\n    accelerator: X\n    chips: 10\n    duration: 5 h\n    checkpoint_interval: 1 h\n"
        "    phases:\n      startup: {duration: 10 min, power_per_chip: 500 W}\n"
        "      checkpoint: {duration: 6 min, power_per_chip: 300 W}\n"
        "      evaluation: {every: 2 h, duration: 12 min, power_per_chip: 600 W}\n");
    REQUIRE(r.jobs.size() == 1);
    const auto& j = r.jobs[0];
    CHECK(j.end_s == (10.0 + 300.0 + 4 * 6.0 + 2 * 12.0) * 60.0);
    CHECK(j.checkpoints == 4);
    CHECK(j.startup_energy_kwh == doctest::Approx(5.0 * 10.0 / 60.0).epsilon(1e-12));      // 5 kW x 10 min
    CHECK(j.checkpoint_energy_kwh == doctest::Approx(3.0 * 24.0 / 60.0).epsilon(1e-12));   // 3 kW x 24 min
    CHECK(j.eval_energy_kwh == doctest::Approx(6.0 * 24.0 / 60.0).epsilon(1e-12));         // 6 kW x 24 min
    CHECK(j.it_energy_kwh == doctest::Approx(10.0 * 5.0 + 5.0 / 6.0 + 1.2 + 2.4).epsilon(1e-12));
  }

  TEST_CASE("without spares each restart also waits for the repair; with spares the job holds them idle") {
    const std::string base =
        "name: f\naccelerators:\n  X: {tdp: 1000 W, system_power: 1000 W, idle_power: 100 W}\nfacility: {pue: 1.0}\n"
        "grid: {gross: 0 g/kWh}\njobs:\n  - {name: j, accelerator: X, chips: 64, system_power_per_chip: 1000 W, "
        "duration: 10 d, mtbf: 50 d, checkpoint_interval: 2 h, restart: 10 min, repair: 1 h";
    const auto spares = run_text(base + ", spares: 8}\n");
    const auto none = run_text(base + "}\n");
    // The same seed gives the same failure intervals and so the same lost work; only the
    // repair time is added to each restart.
    REQUIRE(none.jobs[0].restarts == spares.jobs[0].restarts);
    CHECK(none.jobs[0].restarts > 0);
    CHECK(none.jobs[0].end_s - spares.jobs[0].end_s == doctest::Approx(3600.0 * static_cast<double>(none.jobs[0].restarts)));
    // The spares draw their 100 W idle for the whole run.
    const double spare_kwh = 8 * 0.1 * spares.jobs[0].end_s / 3600.0;
    // Without spares each repair hour draws the job's 64 kW; with them, 8 spares draw 100 W each throughout.
    const double repair_kwh = 64.0 * static_cast<double>(none.jobs[0].restarts);
    CHECK(spares.jobs[0].it_energy_kwh - spare_kwh == doctest::Approx(none.jobs[0].it_energy_kwh - repair_kwh).epsilon(1e-9));
  }

  TEST_CASE("carbon-aware suspension runs in the cleanest hours of the window and pauses outside them") {
    // A 2 h, 10 kW job with 4 h slack arriving at 0 on hourly steps 500, 100, 400, 50, 300, 600 g/kWh.
    // Its window [0, 6 h) has the cleanest hours 3-4 (50) and 1-2 (100): it runs 1-2 and 3-4,
    // paused 0-1 and 2-3. Shift instead starts at the cleanest 2-hour window: 3 h (50 + 300).
    const std::string grid =
        "grid:\n  gross: 500 g/kWh\n  changes:\n"
        "    - {at: 2020-01-01T01:00:00Z, gross: 100 g/kWh}\n    - {at: 2020-01-01T02:00:00Z, gross: 400 g/kWh}\n"
        "    - {at: 2020-01-01T03:00:00Z, gross: 50 g/kWh}\n    - {at: 2020-01-01T04:00:00Z, gross: 300 g/kWh}\n"
        "    - {at: 2020-01-01T05:00:00Z, gross: 600 g/kWh}\n";
    const std::string head = "name: s\naccelerators:\n  X: {tdp: 1000 W, system_power: 1000 W}\nfacility: {pue: 1.0}\n" + grid +
                             "jobs:\n  - {name: j, accelerator: X, chips: 10, duration: 2 h, slack: 4 h}\n";
    const auto fifo = run_text(head);
    const auto suspend = run_text(head + "scheduler: {policy: carbon_aware, mode: suspend}\n");
    const auto shift = run_text(head + "scheduler: {policy: carbon_aware}\n");
    CHECK(fifo.summary.co2e_gross_t * 1e3 == doctest::Approx(10.0 * (0.5 + 0.1)).epsilon(1e-12));
    CHECK(suspend.summary.co2e_gross_t * 1e3 == doctest::Approx(10.0 * (0.1 + 0.05)).epsilon(1e-12));
    CHECK(suspend.jobs[0].end_s == 4.0 * 3600.0);
    CHECK(suspend.jobs[0].suspended_s == 2.0 * 3600.0);
    CHECK(suspend.jobs[0].it_energy_kwh == doctest::Approx(20.0).epsilon(1e-12));
    CHECK(shift.jobs[0].start_s == 3.0 * 3600.0);
    CHECK(shift.summary.co2e_gross_t * 1e3 == doctest::Approx(10.0 * (0.05 + 0.3)).epsilon(1e-12));
    // Against the FIFO baseline run inside each: the saving and the delay of completion.
    CHECK(suspend.summary.co2e_saved_vs_baseline_t * 1e3 == doctest::Approx(10.0 * (0.6 - 0.15)).epsilon(1e-12));
    CHECK(suspend.summary.delay_added_h == doctest::Approx(2.0).epsilon(1e-12));
    CHECK(shift.summary.delay_added_h == doctest::Approx(3.0).epsilon(1e-12));
    CHECK(std::isnan(fifo.summary.co2e_saved_vs_baseline_t));
  }

  TEST_CASE("a multi-site scenario totals each site, and spatial placement follows its weights") {
    const std::string head =
        "name: m\naccelerators:\n  X: {tdp: 1000 W, system_power: 1000 W}\n"
        "sites:\n"
        "  - {name: near, latency: 10 ms, facility: {pue: 1.1}, grid: {gross: 400 g/kWh}}\n"
        "  - {name: clean, latency: 80 ms, facility: {pue: 1.5}, grid: {gross: 50 g/kWh}}\n";
    const std::string jobs = "jobs:\n  - {name: a, accelerator: X, chips: 10, duration: 10 h}\n";
    // Fixed placement: the first site. 100 kWh IT, 110 kWh facility, 44 kg.
    const auto fixed = run_text(head + jobs);
    CHECK(job(fixed, "a").site == "near");
    REQUIRE(fixed.summary.sites.size() == 2);
    CHECK(fixed.summary.sites[0].facility_energy_mwh == doctest::Approx(0.11).epsilon(1e-12));
    CHECK(fixed.summary.sites[1].facility_energy_mwh == 0.0);
    // By CO2e: near 1.1 x 400 = 440 g per IT kWh, clean 1.5 x 50 = 75: clean. 150 kWh, 7.5 kg.
    const auto green = run_text(head + jobs + "scheduler: {placement: spatial}\n");
    CHECK(job(green, "a").site == "clean");
    CHECK(green.summary.co2e_gross_t * 1e3 == doctest::Approx(7.5).epsilon(1e-12));
    CHECK(green.summary.sites[1].jobs == 1.0);
    CHECK(green.summary.co2e_saved_vs_baseline_t * 1e3 == doctest::Approx(44.0 - 7.5).epsilon(1e-12));
    // By latency alone: near.
    const auto fast = run_text(head + jobs + "scheduler: {placement: spatial, weights: {co2e: 0, latency: 1}}\n");
    CHECK(job(fast, "a").site == "near");
    // A job pinned to a site stays there whatever the objective.
    const auto pinned = run_text(head + "jobs:\n  - {name: a, accelerator: X, chips: 10, duration: 10 h, site: near}\n"
                                        "scheduler: {placement: spatial}\n");
    CHECK(job(pinned, "a").site == "near");
  }

  TEST_CASE("an inference service draws its fleet's power hour by hour and reports its lifecycle") {
    // Flat 10 queries/s for 10 h on 2 replicas x 2 chips, 5 queries/s per chip (capacity 20):
    // utilisation 0.5, chip power 100 + 0.5 x 300 = 250 W, fleet 1 kW. Training job 5 kWh IT.
    // PUE 1.2, 500 g/kWh: serving 10 kWh IT = 12 kWh facility = 6 kg for 360,000 queries.
    const auto r = run_text(
        "name: i\naccelerators:\n  X: {tdp: 400 W, idle_power: 100 W, max_power: 400 W, system_power: 500 W}\n"
        "facility: {pue: 1.2}\ngrid: {gross: 500 g/kWh}\n"
        "jobs:\n  - {name: train, accelerator: X, chips: 10, duration: 1 h}\n"
        "services:\n  - {name: api, training_job: train, duration: 10 h, queries_per_s: 10, accelerator: X, replicas: 2, "
        "chips_per_replica: 2, queries_per_s_per_chip: 5}\n");
    REQUIRE(r.summary.services.size() == 1);
    const auto& v = r.summary.services[0];
    CHECK(v.queries_served == doctest::Approx(360'000.0).epsilon(1e-12));
    CHECK(v.queries_dropped == doctest::Approx(0.0));
    CHECK(v.it_energy_kwh == doctest::Approx(10.0).epsilon(1e-12));
    CHECK(v.co2e_net_kg == doctest::Approx(6.0).epsilon(1e-12));
    CHECK(v.co2e_per_query_g == doctest::Approx(6000.0 / 360'000.0).epsilon(1e-12));
    // Training: 10 x 500 W x 1 h = 5 kWh IT, 6 kWh facility, 3 kg; serving equals it after half
    // its queries, 180,000, which at 10 queries/s take 5 h.
    CHECK(v.training_co2e_kg == doctest::Approx(3.0).epsilon(1e-12));
    CHECK(v.lifecycle_co2e_kg == doctest::Approx(9.0).epsilon(1e-12));
    CHECK(v.break_even_queries == doctest::Approx(180'000.0).epsilon(1e-12));
    CHECK(v.break_even_days == doctest::Approx(5.0 / 24.0).epsilon(1e-12));
    CHECK(r.summary.makespan_h == 10.0);
    CHECK(r.summary.facility_energy_mwh == doctest::Approx(18e-3).epsilon(1e-12));
  }

  TEST_CASE("a cluster trace replays through FIFO: three jobs by hand") {
    // 2 hosts of 8 accelerators, 1000 W each busy at u = 1 (linear 0 W idle): jobs (arrival,
    // hosts, duration, u): (0, 1, 3600, 1), (600, 2, 1800, 0.5), (1200, 1, 600, 1). The second
    // waits for the first (both hosts); the third queues behind it.
    TempDir dir;
    dir.write("jobs.csv", "arrival_s,hosts,duration_s,utilisation\n0,1,3600,1\n600,2,1800,0.5\n1200,1,600,1\n");
    const auto r = run_in(dir,
        "name: t\naccelerators:\n  X: {tdp: 1000 W, idle_power: 0 W, max_power: 1000 W}\n"
        "cluster: {accelerator: X, hosts: 2, accelerators_per_host: 8}\nfacility: {pue: 1.0}\ngrid: {gross: 100 g/kWh}\n"
        "job_trace: {file: jobs.csv}\n");
    REQUIRE(r.jobs.size() == 3);
    CHECK(job(r, "trace#2").start_s == 3600.0);
    CHECK(job(r, "trace#3").start_s == 5400.0);
    CHECK(r.summary.makespan_h == 6000.0 / 3600.0);
    // 8 kW x 1 h + 16 x 0.5 kW x 0.5 h + 8 kW x 600 s = 8 + 4 + 1.3333 kWh.
    CHECK(r.summary.it_energy_mwh == doctest::Approx((8.0 + 4.0 + 8.0 / 6.0) / 1e3).epsilon(1e-12));
  }

  TEST_CASE("a streamed trace: jobs past the horizon are counted as never started, and a bad row past it still fails the run") {
    // One host (8 accelerators at 1000 W, 0 W idle), jobs of 1 h arriving every 2 h from 0: a
    // horizon of 4.5 h holds jobs 1 and 2 whole and the third (4-5 h) cut at 4.5 h.
    TempDir dir;
    std::string rows = "arrival_s,hosts,duration_s\n";
    for (int i = 0; i < 5000; ++i) rows += fmt::format("{},1,3600\n", 7200 * i);
    dir.write("jobs.csv", rows);
    const std::string yaml =
        "name: t\naccelerators:\n  X: {tdp: 1000 W, idle_power: 0 W, max_power: 1000 W}\n"
        "cluster: {accelerator: X, hosts: 1, accelerators_per_host: 8}\nfacility: {pue: 1.0}\ngrid: {gross: 100 g/kWh}\n"
        "job_trace: {file: jobs.csv}\nhorizon: 16200 s\n";  // 4.5 h: the third job (4-5 h) is cut
    const auto r = run_in(dir, yaml);
    CHECK(r.summary.jobs_completed == 2.0);
    CHECK(r.summary.jobs_cut == 1.0);
    CHECK(r.summary.jobs_not_started == 4997.0);
    // 8 kW for 1 h + 1 h + 0.5 h.
    CHECK(r.summary.it_energy_mwh == doctest::Approx(20e-3).epsilon(1e-12));
    rows += "36000000,1,-5\n";  // after every other job, far past the horizon
    dir.write("jobs.csv", rows);
    try {
      (void)run_in(dir, yaml);
      FAIL("a bad row past the horizon was not reported");
    } catch (const dcsim::InputError& e) {
      REQUIRE(!e.problems().empty());
      CHECK(e.problems().front().where.line == 5002);
      CHECK(e.problems().front().path == "duration_s");
    }
  }

  TEST_CASE("the fleet-year benchmark trace gives the reference totals to 1e-9") {
    const fs::path bench = dcsim::test::shared_dir() / "bench" / "fleet-year";
    if (!fs::exists(bench / "gen_traces.py") || std::system("python3 --version > /dev/null 2>&1") != 0) {
      MESSAGE("skipped: " << bench.string() << " or python3 not available");
      return;
    }
    TempDir dir;
    const std::string gen = fmt::format("python3 '{}' 100 10000 1 '{}' > /dev/null", (bench / "gen_traces.py").string(), dir.path().string());
    REQUIRE(std::system(gen.c_str()) == 0);
    std::map<std::string, double> expected;
    std::ifstream in(dir / "expected.txt");
    for (std::string line; std::getline(in, line);) {
      const auto eq = line.find('=');
      if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
      std::istringstream words(line);
      for (std::string w; words >> w;) {
        const auto e = w.find('=');
        if (e != std::string::npos) expected[w.substr(0, e)] = std::atof(w.substr(e + 1).c_str());
      }
    }
    REQUIRE(expected.count("energy_kwh") == 1);
    // The benchmark's servers (2500 W idle, 10200 W busy, linear) as 8 accelerators each.
    // Through a fixed PUE of 1, and through the physical path: servers on racks, the power tree
    // and the cooling model, every loss zero (the lossless preset).
    for (const std::string facility : {"{pue: 1.0}", "{preset: lossless, site: iowa}"}) {
      CAPTURE(facility);
      const auto r = run_in(dir,
          "name: fleet\naccelerators:\n  S: {tdp: 1275 W, idle_power: 312.5 W, max_power: 1275 W}\n"
          "cluster: {accelerator: S, hosts: 100, accelerators_per_host: 8}\nfacility: " + facility + "\n"
          "grid: {trace: {file: grid.csv, format: plain}}\njob_trace: {file: jobs.csv}\nhorizon: 31536000 s\n");
      CHECK(r.summary.facility_energy_mwh * 1e3 == doctest::Approx(expected["energy_kwh"]).epsilon(1e-9));
      CHECK(r.summary.co2e_gross_t == doctest::Approx(expected["tco2e"]).epsilon(1e-9));
      CHECK(r.summary.pue == 1.0);
      CHECK(r.summary.jobs_completed == 10000.0);
    }
  }
}

TEST_CASE("the HDF5 file keeps /jobs sites and phases, and /summary per site and per service") {
  TempDir dir;
  const std::string yaml =
      "name: h\naccelerators:\n  X: {tdp: 1000 W, system_power: 1000 W}\n"
      "sites:\n  - {name: b-second, facility: {pue: 1.0}, grid: {gross: 100 g/kWh}}\n"
      "  - {name: a-first, facility: {pue: 2.0}, grid: {gross: 100 g/kWh}}\n"
      "jobs:\n  - {name: j, accelerator: X, chips: 1, duration: 2 h, site: a-first, checkpoint_interval: 1 h, "
      "phases: {checkpoint: {duration: 30 min}}}\n"
      "services:\n  - {name: s, site: b-second, duration: 1 h, queries_per_s: 1, energy_per_query: 1000 J}\n";
  const fs::path out = dir / "run.h5";
  (void)dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("s.yaml", yaml)), out);
  const dcsim::analysis::RunFile run = dcsim::analysis::read_run(out.string());
  // Sites in the scenario's order, not the file's name order.
  REQUIRE(run.summary.sites.size() == 2);
  CHECK(run.summary.sites[0].name == "b-second");
  CHECK(run.summary.sites[1].name == "a-first");
  // a-first: 1 kW x 2.5 h (one 30-min checkpoint) at PUE 2 = 5 kWh; b-second: 1 kW for 1 h.
  CHECK(run.summary.sites[1].facility_energy_mwh == doctest::Approx(5e-3).epsilon(1e-12));
  CHECK(run.summary.sites[0].facility_energy_mwh == doctest::Approx(1e-3).epsilon(1e-12));
  REQUIRE(run.jobs.size() == 1);
  CHECK(run.jobs[0].site == "a-first");
  CHECK(run.jobs[0].checkpoints == 1);
  CHECK(run.jobs[0].checkpoint_energy_kwh == doctest::Approx(0.5).epsilon(1e-12));
  REQUIRE(run.summary.services.size() == 1);
  CHECK(run.summary.services[0].site == "b-second");
  CHECK(run.summary.services[0].queries_served == doctest::Approx(3600.0).epsilon(1e-12));
}
