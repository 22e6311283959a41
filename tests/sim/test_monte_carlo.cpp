// Monte Carlo over a scenario's distributions: `dcsim run --samples N`, and scenarios that hold
// distributions run without it.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/hdf5/Hdf5.hpp"
#include "analysis/hdf5/Table.hpp"
#include "sim/scenario/Scenario.hpp"
#include "sim/sweep/MonteCarlo.hpp"
#include "tests/support/RunCli.hpp"
#include "tests/support/TempDir.hpp"

namespace {

using dcsim::test::run_cli;
using dcsim::test::TempDir;
namespace sweep = dcsim::sweep;

// 8 accelerators at 1000 W for 2 h: 16 kWh of IT energy, whatever the PUE.
constexpr double kItMwh = 8 * 1000.0 * 2.0 / 1e6;

std::string scenario(const std::string& pue, const std::string& gross = "0.4 kg/kWh", const std::string& power = "1000 W",
                     const std::string& chips = "8") {
  return "name: mc\n"
         "accelerators:\n"
         "  X: {tdp: 400 W, system_power: " + power + "}\n"
         "facility:\n"
         "  pue: " + pue + "\n"
         "grid:\n"
         "  gross: " + gross + "\n"
         "jobs:\n"
         "  - name: a\n"
         "    accelerator: X\n"
         "    chips: " + chips + "\n"
         "    duration: 2 h\n";
}

const std::string kUniformPue = "{dist: uniform, low: 1.1, high: 1.3}";

const dcsim::analysis::SampledOutput& output(const sweep::MonteCarloResult& r, const std::string& name) {
  const auto it = std::find_if(r.report.outputs.begin(), r.report.outputs.end(), [&](const auto& o) { return o.name == name; });
  REQUIRE(it != r.report.outputs.end());
  return *it;
}

std::string bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_SUITE("uncertainty") {

TEST_CASE("a uniform PUE in [1.1, 1.3] gives the analytic mean within 1% and the 90% interval within 2% at N = 2000") {
  TempDir dir;
  const auto file = dir.write("s.yaml", scenario(kUniformPue));
  const sweep::MonteCarloResult r = sweep::run_monte_carlo(file, {}, sweep::MonteCarloOptions{2000, 11, 0});
  // Facility energy = IT energy x PUE, IT energy fixed: the facility energy is uniform on
  // [1.1, 1.3] x IT, with mean 1.2 x IT and 5th and 95th percentiles 1.11 x IT and 1.29 x IT.
  const auto& it = output(r, "it_energy_mwh").stats;
  CHECK(it.mean == doctest::Approx(kItMwh).epsilon(1e-12));
  CHECK(it.sd == doctest::Approx(0.0));
  const auto& facility = output(r, "facility_energy_mwh").stats;
  CHECK(facility.n == 2000);
  CHECK(facility.mean == doctest::Approx(kItMwh * 1.2).epsilon(0.01));
  CHECK(facility.p05 == doctest::Approx(kItMwh * 1.11).epsilon(0.02));
  CHECK(facility.p95 == doctest::Approx(kItMwh * 1.29).epsilon(0.02));
  CHECK(facility.sd == doctest::Approx(kItMwh * 0.2 / std::sqrt(12.0)).epsilon(0.05));
  // Gross CO2e: facility energy x 0.4 t/MWh.
  CHECK(output(r, "co2e_gross_t").stats.mean == doctest::Approx(kItMwh * 1.2 * 0.4).epsilon(0.01));
  REQUIRE(r.report.inputs.size() == 1);
  CHECK(r.report.inputs[0].key == "facility.pue");
  CHECK(r.report.inputs[0].stats.min >= 1.1);
  CHECK(r.report.inputs[0].stats.max <= 1.3);
}

TEST_CASE("each sample's facility energy is its IT energy times its drawn PUE, in the output file") {
  TempDir dir;
  const auto file = dir.write("s.yaml", scenario(kUniformPue));
  const auto r = run_cli({"run", file.string(), "--samples", "50", "-o", (dir / "mc.h5").string()});
  REQUIRE(r.code == 0);
  const dcsim::h5::Handle f = dcsim::h5::open_file((dir / "mc.h5").string());
  const dcsim::h5::Handle g = dcsim::h5::open_group(f.id(), "uncertainty");
  const dcsim::h5::Table samples = dcsim::h5::read_table(g.id(), "samples");
  REQUIRE(samples.rows() == 50);
  const auto* pue = samples.find("facility.pue.number");
  const auto* it = samples.find("it_energy_mwh");
  const auto* facility = samples.find("facility_energy_mwh");
  REQUIRE((pue && it && facility));
  for (std::size_t i = 0; i < samples.rows(); ++i) CHECK(facility->reals[i] == doctest::Approx(it->reals[i] * pue->reals[i]).epsilon(1e-12));
  const dcsim::h5::Table stats = dcsim::h5::read_table(g.id(), "statistics");
  CHECK(stats.find("p05") != nullptr);
  CHECK(stats.find("name")->texts.front() == "facility.pue");
}

TEST_CASE("the same seed gives the same bytes on one thread and on two, and another seed other draws") {
  TempDir dir;
  const auto file = dir.write("s.yaml", scenario(kUniformPue, "{dist: normal, mean: 400 g/kWh, sd: 50 g/kWh, min: 0 g/kWh}"));
  const auto one = run_cli({"run", file.string(), "--samples", "200", "--seed", "5", "--threads", "1", "-o", (dir / "a.h5").string(), "--json"});
  const auto two = run_cli({"run", file.string(), "--samples", "200", "--seed", "5", "--threads", "2", "-o", (dir / "b.h5").string(), "--json"});
  const auto other = run_cli({"run", file.string(), "--samples", "200", "--seed", "6", "--json"});
  REQUIRE(one.code == 0);
  REQUIRE(two.code == 0);
  REQUIRE(other.code == 0);
  CHECK(bytes(dir / "a.h5") == bytes(dir / "b.h5"));
  CHECK(one.out == two.out);
  CHECK(one.out != other.out);
  const auto j = nlohmann::json::parse(one.out);
  CHECK(j["samples"] == 200);
  CHECK(j["seed"] == 5);
  CHECK(j["inputs"].size() == 2);
  CHECK(j["outputs"].contains("facility_energy_mwh"));
  CHECK(j["outputs"]["co2e_net_t"].contains("p95"));
}

TEST_CASE("a scenario with distributions runs without --samples at each one's nominal value") {
  TempDir dir;
  // Uniform: its mean 1.2. Lognormal: its median, 1000 W. Choice: its first value, 0.2 kg/kWh.
  const auto file = dir.write("s.yaml", scenario(kUniformPue, "{dist: choice, values: [0.2 kg/kWh, 0.6 kg/kWh]}",
                                                 "{dist: lognormal, median: 1000 W, sigma: 0.1}"));
  const auto r = run_cli({"run", file.string(), "--json"});
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["it_energy_mwh"].get<double>() == doctest::Approx(kItMwh).epsilon(1e-12));
  CHECK(j["facility_energy_mwh"].get<double>() == doctest::Approx(kItMwh * 1.2).epsilon(1e-12));
  CHECK(j["co2e_gross_t"].get<double>() == doctest::Approx(kItMwh * 1.2 * 0.2).epsilon(1e-12));
  const auto v = run_cli({"validate", file.string()});
  CHECK(v.code == 0);
  CHECK(v.out.find("3 distributions") != std::string::npos);
}

TEST_CASE("a weighted choice is drawn in proportion to its weights") {
  TempDir dir;
  const auto file = dir.write("s.yaml", scenario("1.2", "{dist: choice, values: [0.2 kg/kWh, 0.6 kg/kWh], weights: [3, 1]}"));
  const auto r = sweep::run_monte_carlo(file, {}, sweep::MonteCarloOptions{2000, 3, 0});
  // Expected intensity 0.75 x 0.2 + 0.25 x 0.6 = 0.3 t/MWh; the standard error of the share is
  // sqrt(0.75 x 0.25 / 2000) ~ 1%, so 0.4 x that ~ 0.004 t/MWh: within 5% at 4 standard errors.
  CHECK(output(r, "co2e_gross_t").stats.mean == doctest::Approx(kItMwh * 1.2 * 0.3).epsilon(0.05));
  CHECK(r.report.inputs[0].distinct == 2);
}

TEST_CASE("quantity parameters keep their unit and whole-number keys get whole numbers") {
  TempDir dir;
  const auto file = dir.write("s.yaml", scenario("1.0", "0.4 kg/kWh", "{dist: triangular, low: 900 W, mode: 1000 W, high: 1400 W}",
                                                 "{dist: uniform, low: 4, high: 12}"));
  const auto r = sweep::run_monte_carlo(file, {}, sweep::MonteCarloOptions{2000, 1, 0});
  for (const auto& sample : r.draws) {
    REQUIRE(sample.size() == 2);
    CHECK(sample[0].text.ends_with(" W"));
    CHECK(sample[1].number == std::round(sample[1].number));
  }
  // chips and power are independent: E[IT] = E[chips] x E[power] x 2 h, E[chips] = 8 (whole
  // numbers 4..12, the ends half as likely), E[power] = (900 + 1000 + 1400) / 3 W.
  CHECK(output(r, "it_energy_mwh").stats.mean == doctest::Approx(8 * (3300.0 / 3.0) * 2.0 / 1e6).epsilon(0.02));
}

TEST_CASE("a distribution's draws do not depend on the other distributions") {
  TempDir dir;
  const auto alone = dir.write("a.yaml", scenario(kUniformPue));
  const auto with_grid = dir.write("b.yaml", scenario(kUniformPue, "{dist: normal, mean: 400 g/kWh, sd: 50 g/kWh, min: 0 g/kWh}"));
  dcsim::scenario::LoadOptions o;
  o.draws.sample = dcsim::scenario::DrawRule::Sample{9, 17};
  const auto a = dcsim::scenario::load_scenario(alone, {}, o);
  const auto b = dcsim::scenario::load_scenario(with_grid, {}, o);
  REQUIRE(a.drawn.size() == 1);
  REQUIRE(b.drawn.size() == 2);
  CHECK(a.drawn[0].text == b.drawn[0].text);
  CHECK(a.drawn[0].role == "sample 17");
}

TEST_CASE("a distribution a later layer overrides is not sampled, and one given by --set is") {
  TempDir dir;
  dir.write("base.yaml", scenario(kUniformPue, "0.4 kg/kWh", "1000 W", "{dist: uniform, low: 4, high: 12}"));
  const auto child = dir.write("child.yaml", "extends: base.yaml\nfacility: {pue: 1.15}\n"
                                             "jobs: [{name: b, accelerator: X, chips: 8, duration: 1 h}]\n");
  CHECK(dcsim::scenario::load_scenario(child).drawn.empty());
  const auto s = dcsim::scenario::load_scenario(child, {"grid.gross={dist: normal, mean: 400 g/kWh, sd: 40 g/kWh, min: 0 g/kWh}"});
  REQUIRE(s.drawn.size() == 1);
  CHECK(s.drawn[0].path == "grid.gross");
  CHECK(s.drawn[0].text == "400 g/kWh");
}

TEST_CASE("a sample whose values fail together is an input error naming the lowest such sample, on any thread count") {
  TempDir dir;
  // Each end alone fits 48 accelerators (40 + 8, 24 + 16); both high together do not.
  const auto file = dir.write("s.yaml", "name: joint\n"
                                        "accelerators: {X: {tdp: 400 W, system_power: 1000 W}}\n"
                                        "cluster: {accelerator: X, accelerators: 48}\n"
                                        "facility: {pue: 1.1}\n"
                                        "grid: {gross: 0.4 kg/kWh}\n"
                                        "jobs:\n"
                                        "  - name: a\n"
                                        "    accelerator: X\n"
                                        "    chips: {dist: uniform, low: 8, high: 40}\n"
                                        "    spares: {dist: uniform, low: 0, high: 16}\n"
                                        "    duration: 1 h\n"
                                        "    mtbf: 100000 h\n");
  std::string first;
  for (const int threads : {1, 2}) {
    try {
      (void)sweep::run_monte_carlo(file, {}, sweep::MonteCarloOptions{200, 4, threads});
      FAIL("no sample failed");
    } catch (const dcsim::InputError& e) {
      REQUIRE(!e.problems().empty());
      const auto& p = e.problems().front();
      CHECK(p.path == "jobs[0].chips");
      CHECK(p.where.line == 9);
      CHECK(p.message.find("more than the cluster has") != std::string::npos);
      CHECK(p.message.find("(sample ") != std::string::npos);
      if (first.empty()) first = p.message;
      else CHECK(p.message == first);
    }
  }
}

TEST_CASE("run --samples prints the sampled inputs and mean, sd and interval of each output") {
  TempDir dir;
  const auto file = dir.write("s.yaml", scenario(kUniformPue));
  const auto r = run_cli({"run", file.string(), "--samples", "20"});
  REQUIRE(r.code == 0);
  CHECK(r.out.find("20 samples") != std::string::npos);
  CHECK(r.out.find("facility.pue") != std::string::npos);
  CHECK(r.out.find("uniform(1.1, 1.3)") != std::string::npos);
  CHECK(r.out.find("facility energy") != std::string::npos);
  CHECK(r.out.find("CO2e gross") != std::string::npos);
  CHECK(r.out.find("95%") != std::string::npos);
}

}  // TEST_SUITE
