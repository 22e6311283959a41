// The facility side on a second thread (SimulationOptions::pipeline): the same run with it and
// without it gives the same summary, the same job rows and the same `changed` records, bit for
// bit, in a hall with losses, cooling and rack loads that move with every job; what its thread
// throws is what the run throws. The expected values are the inline run's own: the property
// tested is that the two are identical, and that the pipeline did run (some records came from
// another thread).

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "models/Memo.hpp"
#include "sim/datacentre/Simulation.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::sim::PowerState;
using dcsim::sim::Simulation;
using dcsim::sim::SimulationOptions;
using dcsim::test::TempDir;

namespace {

// 16 servers of 8 accelerators in a hyperscale hall (power tree with losses, cooling in Iowa's
// weather); a job trace of `jobs` jobs of 1-8 servers at utilisations 0.3-1.0, an hourly grid
// trace, a horizon that cuts the last jobs.
std::string write_scenario(const TempDir& dir, const std::string& policy, int jobs, const std::string& preset = "hyperscale") {
  std::string trace = "arrival_s,hosts,duration_s,utilisation\n";
  std::uint64_t x = 12345;
  const auto next = [&x] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(x >> 11) / 9007199254740992.0;
  };
  double t = 0.0;
  for (int k = 0; k < jobs; ++k) {
    t += 3000.0 * next();
    trace += fmt::format("{:.17g},{},{:.17g},{:.17g}\n", t, 1 + static_cast<int>(8.0 * next()), 300.0 + 6000.0 * next(),
                         0.3 + 0.7 * next());
  }
  std::string grid = "time_s,g_per_kwh\n";
  for (int h = 0; h < 24 * 60; ++h) grid += fmt::format("{},{:.17g}\n", h * 3600, 200.0 + 300.0 * next());
  dir.write("jobs.csv", trace);
  dir.write("grid.csv", grid);
  return dir.write("s.yaml", "name: p\nstart: 2020-01-01T00:00:00Z\n"
                             "accelerators:\n  slot: {tdp: 1275 W, idle_power: 312.5 W, max_power: 1275 W, curve: linear, source: test}\n"
                             "cluster: {accelerator: slot, hosts: 16, accelerators_per_host: 8}\n"
                             "facility: {preset: " + preset + ", site: iowa}\n"
                             "grid:\n  trace: {file: grid.csv, format: plain}\n"
                             "job_trace: {file: jobs.csv, layout: dcsim}\n"
                             "scheduler: {policy: " + policy + "}\nhorizon: " + std::to_string(static_cast<int>(t * 0.9)) + " s\n")
      .string();
}

std::uint64_t bits(double v) {
  std::uint64_t b = 0;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

struct Trajectory {
  std::vector<std::uint64_t> records;  ///< every field of every change, as bits
  std::vector<std::string> rows;
  dcsim::analysis::Summary summary;
  std::size_t changes = 0;
  bool other_thread = false;  ///< some change was told on another thread
};

Trajectory run(const dcsim::scenario::Scenario& s, SimulationOptions::Pipeline mode, std::size_t rows,
               const std::function<void(std::size_t)>& on_change = {}) {
  SimulationOptions o;
  o.pipeline = mode;
  o.max_rows = rows;
  Simulation sim(s, o);
  Trajectory out;
  const std::thread::id self = std::this_thread::get_id();
  sim.changed.connect([&](dcsim::engine::Time t, const PowerState& p) {
    if (on_change) on_change(++out.changes);
    else ++out.changes;
    out.other_thread = out.other_thread || std::this_thread::get_id() != self;
    out.records.push_back(static_cast<std::uint64_t>(t.ms()));
    for (const double v : {p.power.it_w, p.power.delivery_loss_w, p.power.cooling_w, p.power.other_w, p.gross_kg_per_j,
                           p.net_rate_kg_per_s, p.hourly_rate_kg_per_s, p.outdoor_temp_c, p.outdoor_wet_bulb_c})
      out.records.push_back(bits(v));
    out.records.push_back(p.over_rating_nodes);
    REQUIRE(p.hall != nullptr);
    for (std::size_t r = 0; r < p.hall->racks(); ++r) out.records.push_back(bits(p.hall->rack_it_w(r)));
  });
  if (rows > 0)
    sim.job_finished.connect([&](const dcsim::analysis::JobRow& r) {
      out.rows.push_back(fmt::format("{} {} {} {} {} {}", r.name, bits(r.start_s), bits(r.end_s), bits(r.it_energy_kwh),
                                     bits(r.facility_energy_kwh), bits(r.co2e_net_kg)));
    });
  out.summary = sim.run();
  return out;
}

std::vector<std::uint64_t> summary_bits(const dcsim::analysis::Summary& s) {
  return {bits(s.it_energy_mwh), bits(s.facility_energy_mwh), bits(s.pue),          bits(s.co2e_gross_t),
          bits(s.co2e_net_t),    bits(s.makespan_h),          bits(s.mean_wait_h), bits(s.jobs_completed),
          bits(s.jobs_cut),      bits(s.jobs_not_started),    bits(s.embodied_co2e_t),
          static_cast<std::uint64_t>(s.over_rating_episodes)};
}

}  // namespace

TEST_SUITE("pipeline") {
  TEST_CASE("the facility side on its own thread gives the same run, bit for bit") {
    for (const std::string policy : {"fifo", "backfill"})
      for (const std::size_t rows : {std::size_t{0}, std::size_t{7}}) {
        CAPTURE(policy);
        CAPTURE(rows);
        TempDir dir;
        const auto s = dcsim::scenario::load_scenario(write_scenario(dir, policy, 3000));
        const Trajectory inline_run = run(s, SimulationOptions::Pipeline::off, rows);
        const Trajectory piped = run(s, SimulationOptions::Pipeline::on, rows);
        CHECK_FALSE(inline_run.other_thread);
        CHECK(piped.other_thread);
        // The run is a real one: thousands of changes, jobs cut at the horizon, losses and cooling.
        CHECK(inline_run.changes > 5000);
        CHECK(inline_run.summary.jobs_cut > 0.0);
        CHECK(inline_run.summary.pue > 1.01);
        CHECK(piped.records == inline_run.records);
        CHECK(piped.rows == inline_run.rows);
        CHECK(piped.rows.size() == rows);
        CHECK(summary_bits(piped.summary) == summary_bits(inline_run.summary));
      }
  }

  TEST_CASE("what the pipeline's thread throws, the run throws, after the same changes") {
    TempDir dir;
    const auto s = dcsim::scenario::load_scenario(write_scenario(dir, "fifo", 2000));
    // The first change is told before the pipeline starts; the others on its thread.
    for (const std::size_t at : {std::size_t{1}, std::size_t{100}, std::size_t{3000}}) {
      CAPTURE(at);
      std::size_t told_inline = 0, told_piped = 0;
      const auto thrower = [at](std::size_t& told) {
        return [at, &told](std::size_t n) {
          told = n;
          if (n == at) throw std::runtime_error(fmt::format("listener failed at change {}", n));
        };
      };
      CHECK_THROWS_WITH_AS(run(s, SimulationOptions::Pipeline::off, 0, thrower(told_inline)),
                           fmt::format("listener failed at change {}", at).c_str(), std::runtime_error);
      CHECK_THROWS_WITH_AS(run(s, SimulationOptions::Pipeline::on, 0, thrower(told_piped)),
                           fmt::format("listener failed at change {}", at).c_str(), std::runtime_error);
      CHECK(told_piped == told_inline);
    }
  }
}

TEST_SUITE("weather") {
  TEST_CASE("a hall whose cooling does not read the weather makes none unless a listener records it; same sums") {
    TempDir dir;
    dcsim::forget_memos();  // a feed of its own, not one an earlier test read
    const auto s = dcsim::scenario::load_scenario(write_scenario(dir, "fifo", 400, "lossless"));
    const dcsim::models::WeatherFeed& feed = *s.sites.front().physical->weather;
    REQUIRE(feed.size() > 0);
    SimulationOptions o;
    o.pipeline = SimulationOptions::Pipeline::off;
    const dcsim::analysis::Summary unrecorded = Simulation(s, o).run();
    CHECK(feed.made() == 0);
    // Recorded: the weather is read at every hour, so made, and every change carries it.
    Simulation recorder(s, o);
    std::size_t changes = 0, with_weather = 0;
    recorder.changed.connect([&](dcsim::engine::Time, const PowerState& p) {
      ++changes;
      with_weather += std::isfinite(p.outdoor_temp_c) && std::isfinite(p.outdoor_wet_bulb_c) ? 1 : 0;
    });
    const dcsim::analysis::Summary recorded = recorder.run();
    CHECK(feed.made() > 0);
    CHECK(changes > 500);
    CHECK(with_weather == changes);
    // The hourly weather changes come either way: the sums are the same, bit for bit.
    CHECK(summary_bits(recorded) == summary_bits(unrecorded));
    CHECK(unrecorded.pue == 1.0);
  }

  TEST_CASE("a plant that reads the weather has it made whether or not the run is recorded") {
    TempDir dir;
    dcsim::forget_memos();
    const auto s = dcsim::scenario::load_scenario(write_scenario(dir, "fifo", 400));
    SimulationOptions o;
    o.pipeline = SimulationOptions::Pipeline::off;
    const dcsim::analysis::Summary unrecorded = Simulation(s, o).run();
    CHECK(s.sites.front().physical->weather->made() > 0);
    CHECK(unrecorded.pue > 1.01);  // the plant drew power in that weather
  }
}
