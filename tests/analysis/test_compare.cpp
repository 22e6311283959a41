// dcsim compare: the ratio of two runs' CO2e decomposed into model x machine x mechanization x
// map, checked by hand on made-up runs, then on the shipped what-ifs against the figures of
// Patterson et al. 2021 (Table 1's 57x chain, section 3's GShard-600B against GPT-3), and on the
// command line; and the ratio analyses `dcsim reproduce` adds (section 3, appendix D) with its
// Markdown and CSV tables.

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/Compare.hpp"
#include "analysis/Report.hpp"
#include "models/InputError.hpp"
#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/RunCli.hpp"
#include "tests/support/TempDir.hpp"

namespace {

namespace fs = std::filesystem;
using dcsim::analysis::CompareInput;
using dcsim::analysis::RunFile;
using dcsim::test::run_cli;
using dcsim::test::TempDir;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A made-up run: one job of `flop` FLOPs, the given energies (MWh) and CO2e (t), and a resolved
// scenario whose grid section is `grid`.
CompareInput made_up(const std::string& label, double flop, double it_mwh, double facility_mwh, double gross_t,
                     double net_t, const std::string& grid = "grid:\n  gross: 400 g/kWh\n",
                     const std::string& start = "2020-01-01T00:00:00Z") {
  RunFile r;
  r.info.scenario_name = label;
  r.info.start_time = start;
  r.info.scenario_yaml = "name: " + label + "\nstart: " + start + "\n" + grid + "jobs:\n  - name: j\n";
  r.summary.it_energy_mwh = it_mwh;
  r.summary.facility_energy_mwh = facility_mwh;
  r.summary.pue = facility_mwh / it_mwh;
  r.summary.co2e_gross_t = gross_t;
  r.summary.co2e_net_t = net_t;
  r.summary.net_basis = "given";
  r.summary.co2e_net_given_t = net_t;
  r.summary.co2e_hourly_t = kNaN;
  r.summary.co2e_annual_t = kNaN;
  r.summary.co2e_marginal_t = kNaN;
  dcsim::analysis::JobRow job;
  job.name = "j";
  job.chips = 8;
  job.total_flop = flop;
  r.jobs.push_back(job);
  return CompareInput{label, r};
}

const dcsim::analysis::BasisDecomposition& basis(const dcsim::analysis::Comparison& c, const std::string& name) {
  for (const auto& b : c.bases)
    if (b.basis == name) return b;
  FAIL("no basis " << name);
  throw std::logic_error("unreachable");
}

std::string whatif(const std::string& f) { return std::string(DCSIM_SCENARIO_DIR) + "/whatif/" + f; }
std::string paper(const std::string& f) { return std::string(DCSIM_SCENARIO_DIR) + "/paper/" + f; }

CompareInput simulated(const std::string& path) {
  dcsim::sim::RunOutcome r = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(path), std::nullopt);
  return CompareInput{path, RunFile{r.info, r.summary, r.jobs, 0}};
}

const std::vector<std::string> kTable1Chain{
    "table1-chain-1-transformer-p100-us-average.yaml", "table1-chain-2-transformer-p100-iowa.yaml",
    "table1-chain-3-evolved-transformer-p100-iowa.yaml", "table1-chain-4-transformer-tpuv2-iowa.yaml",
    "table1-chain-5-evolved-transformer-tpuv2-iowa.yaml"};

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace

TEST_SUITE("compare") {

TEST_CASE("compare: the four factors of made-up runs are the ratios of FLOPs, energy per FLOP, PUE and intensity") {
  // A: 1e20 FLOPs, 2 MWh IT, 3 MWh facility, 1.2 t gross, 0.6 t net.
  // B: 2.5e19 FLOPs, 0.25 MWh IT, 0.3 MWh facility, 0.03 t gross, 0.003 t net.
  const auto c = dcsim::analysis::compare(made_up("a", 1e20, 2.0, 3.0, 1.2, 0.6), made_up("b", 2.5e19, 0.25, 0.3, 0.03, 0.003));
  REQUIRE(c.flops_known);
  CHECK(c.model() == doctest::Approx(4.0).epsilon(1e-12));                      // 1e20 / 2.5e19
  CHECK(c.machine() == doctest::Approx((2.0 / 1e20) / (0.25 / 2.5e19)).epsilon(1e-12));  // 2
  CHECK(c.mechanization() == doctest::Approx(1.5 / 1.2).epsilon(1e-12));
  CHECK(c.it_energy_per_flop_pj.a == doctest::Approx(2.0 * 3.6e9 * 1e12 / 1e20).epsilon(1e-12));  // 72 pJ
  const auto& gross = basis(c, "gross");
  CHECK(gross.intensity_g_per_kwh.a == doctest::Approx(400.0).epsilon(1e-12));  // 1.2 t / 3000 kWh
  CHECK(gross.intensity_g_per_kwh.b == doctest::Approx(100.0).epsilon(1e-12));  // 0.03 t / 300 kWh
  CHECK(gross.co2e_t.value() == doctest::Approx(40.0).epsilon(1e-12));
  const auto& net = basis(c, "net");
  CHECK(net.intensity_g_per_kwh.value() == doctest::Approx(200.0 / 10.0).epsilon(1e-12));
  CHECK(net.co2e_t.value() == doctest::Approx(200.0).epsilon(1e-12));
  for (const auto& b : c.bases) {
    CAPTURE(b.basis);
    CHECK(std::fabs(b.product / b.co2e_t.value() - 1.0) <= dcsim::analysis::kProductTolerance);
    CHECK(c.model() * c.machine() * c.mechanization() * b.intensity_g_per_kwh.value() ==
          doctest::Approx(b.co2e_t.value()).epsilon(1e-12));
  }
  CHECK(c.bases.size() == 3);  // gross, net, given; hourly, annual and marginal are NaN on both sides
  CHECK_FALSE(c.timing);
}

TEST_CASE("compare: a run without FLOPs folds model and machine into one IT-energy factor and says which run") {
  const auto c = dcsim::analysis::compare(made_up("a", 1e20, 2.0, 3.0, 1.2, 0.6), made_up("b", 0.0, 0.5, 0.55, 0.2, 0.2));
  CHECK_FALSE(c.flops_known);
  REQUIRE(c.flops_notes.size() == 1);
  CHECK(contains(c.flops_notes[0], "b: 1 of 1 job(s) give no FLOPs"));
  CHECK(c.it_energy_kwh.value() == doctest::Approx(4.0).epsilon(1e-12));
  const auto& gross = basis(c, "gross");
  CHECK(c.it_energy_kwh.value() * c.mechanization() * gross.intensity_g_per_kwh.value() ==
        doctest::Approx(6.0).epsilon(1e-12));
  const std::string text = dcsim::analysis::format_comparison(c);
  CHECK(contains(text, "IT energy"));
  CHECK(contains(text, "FLOPs unknown: b:"));
  const auto j = dcsim::analysis::comparison_json(c);
  CHECK_FALSE(j["flops_known"].get<bool>());
  CHECK_FALSE(j["bases"][0]["factors"].contains("model"));
  CHECK(j["bases"][0]["factors"]["it_energy"].get<double>() == doctest::Approx(4.0));
}

TEST_CASE("compare: a basis only one run reports is left out with a note, and so is one with no CO2e") {
  auto a = made_up("a", 1e20, 2.0, 3.0, 1.2, 0.6);
  auto b = made_up("b", 1e20, 2.0, 3.0, 1.2, 0.0);
  a.run.summary.co2e_hourly_t = 0.3;
  const auto c = dcsim::analysis::compare(a, b);
  CHECK(c.bases.size() == 1);  // gross only: net and given are 0 in b, hourly only in a
  CHECK(c.notes.size() == 3);
  CHECK(contains(c.notes.back(), "hourly: only a reports this basis"));
}

TEST_CASE("compare: the same grid at another start makes the last factor timing; another grid keeps it map") {
  const std::string grid = "grid:\n  mix:\n    region: finland\n  source: one text\n";
  const std::string same_other_source = "grid:\n  mix:\n    region: finland\n  source: another text\n";
  const std::string other = "grid:\n  mix:\n    region: quebec\n";
  const auto run = [](const std::string& g, const char* start) { return made_up("x", 1e20, 2.0, 3.0, 1.2, 0.6, g, start); };
  CHECK(dcsim::analysis::compare(run(grid, "2023-01-09T00:00:00Z"), run(same_other_source, "2023-07-10T00:00:00Z")).timing);
  CHECK_FALSE(dcsim::analysis::compare(run(grid, "2023-01-09T00:00:00Z"), run(other, "2023-07-10T00:00:00Z")).timing);
  CHECK_FALSE(dcsim::analysis::compare(run(grid, "2023-01-09T00:00:00Z"), run(grid, "2023-01-09T00:00:00Z")).timing);
  // The same scenario start, but the job starts later: that is another start too.
  auto later = run(grid, "2023-01-09T00:00:00Z");
  later.run.jobs[0].start_s = 12 * 3600.0;
  const auto c = dcsim::analysis::compare(run(grid, "2023-01-09T00:00:00Z"), later);
  CHECK(c.timing);
  CHECK(std::string(c.last_factor()) == "timing");
  CHECK(dcsim::analysis::comparison_json(c)["bases"][0]["factors"].contains("timing"));
}

TEST_CASE("compare: a run that drew no energy is an input error naming it") {
  try {
    (void)dcsim::analysis::compare(made_up("a", 1e20, 2.0, 3.0, 1.2, 0.6), made_up("empty.h5", 0.0, 0.0, 0.0, 0.0, 0.0));
    FAIL("no error");
  } catch (const dcsim::InputError& e) {
    CHECK(e.problems().at(0).where.file == "empty.h5");
  }
}

TEST_CASE("compare: a chain's running product telescopes to the first-to-last ratio") {
  const std::vector<CompareInput> runs{made_up("a", 8e20, 8.0, 16.0, 8.0, 8.0), made_up("b", 4e20, 2.0, 3.0, 1.2, 0.6),
                                       made_up("c", 1e20, 1.0, 1.1, 0.11, 0.011)};
  const auto chain = dcsim::analysis::compare_chain(runs);
  REQUIRE(chain.steps.size() == 2);
  REQUIRE(chain.running.size() == 3);
  for (const auto& r : chain.running) {
    CAPTURE(r.basis);
    REQUIRE(r.after_step.size() == 2);
    CHECK(r.after_step[0] == doctest::Approx(basis(chain.steps[0], r.basis).co2e_t.value()).epsilon(1e-12));
    CHECK(r.after_step[1] == doctest::Approx(basis(chain.overall, r.basis).co2e_t.value()).epsilon(1e-12));
  }
  CHECK(basis(chain.overall, "gross").co2e_t.value() == doctest::Approx(8.0 / 0.11).epsilon(1e-12));
  CHECK(basis(chain.overall, "net").co2e_t.value() == doctest::Approx(8.0 / 0.011).epsilon(1e-12));
}

TEST_CASE("compare: Table 1's first and last columns give ~57x net from FLOPs 1.56, IT energy per FLOP 4.67, PUE 1.43, map 5.36") {
  const auto c = dcsim::analysis::compare(simulated(whatif(kTable1Chain.front())), simulated(whatif(kTable1Chain.back())));
  REQUIRE(c.flops_known);
  // Table 1: 1.61e19 vs 1.03e19 FLOPs; 296 W at 6.7 TFLOP/s vs 227 W at 24.0 TFLOP/s; PUE 1.59 vs
  // 1.11; 0.429 vs 0.080 kg/kWh net and 0.478 gross.
  CHECK(c.model() == doctest::Approx(1.61 / 1.03).epsilon(1e-9));
  CHECK(c.machine() == doctest::Approx((296.0 / 6.7) / (227.0 / 24.0)).epsilon(1e-6));
  CHECK(c.mechanization() == doctest::Approx(1.59 / 1.11).epsilon(1e-9));
  CHECK(basis(c, "net").intensity_g_per_kwh.value() == doctest::Approx(0.429 / 0.080).epsilon(1e-9));
  CHECK(basis(c, "gross").intensity_g_per_kwh.value() == doctest::Approx(0.429 / 0.478).epsilon(1e-9));
  // The published columns: 0.1357 t / 0.0024 t = 56.5x net ("about 57x"), 316 / 30 kWh = 10.5x energy.
  CHECK(basis(c, "net").co2e_t.value() == doctest::Approx(0.1357 / 0.0024).epsilon(0.02));
  CHECK(c.facility_energy_kwh.value() == doctest::Approx(316.0 / 30.0).epsilon(0.02));
  for (const auto& b : c.bases) CHECK(std::fabs(b.product / b.co2e_t.value() - 1.0) <= dcsim::analysis::kProductTolerance);
}

TEST_CASE("compare: Table 1's chain column by column gives each step's factors and the published step ratios") {
  std::vector<CompareInput> runs;
  for (const std::string& f : kTable1Chain) runs.push_back(simulated(whatif(f)));
  const auto chain = dcsim::analysis::compare_chain(runs);
  REQUIRE(chain.steps.size() == 4);
  // Published energy (kWh) and net CO2e (t) of the five columns.
  const double kwh[] = {316, 221, 185, 40, 30};
  const double net[] = {0.1357, 0.0177, 0.0148, 0.0032, 0.0024};
  for (std::size_t k = 0; k < 4; ++k) {
    CAPTURE(k);
    CHECK(chain.steps[k].facility_energy_kwh.value() == doctest::Approx(kwh[k] / kwh[k + 1]).epsilon(0.02));
    CHECK(basis(chain.steps[k], "net").co2e_t.value() == doctest::Approx(net[k] / net[k + 1]).epsilon(0.05));
  }
  // 1 -> 2, the datacentre and its grid: PUE 1.59 / 1.11, net 0.429 / 0.080; the work and machine unchanged.
  CHECK(chain.steps[0].model() == doctest::Approx(1.0));
  CHECK(chain.steps[0].machine() == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(chain.steps[0].mechanization() == doctest::Approx(1.59 / 1.11).epsilon(1e-9));
  CHECK(basis(chain.steps[0], "net").intensity_g_per_kwh.value() == doctest::Approx(0.429 / 0.080).epsilon(1e-9));
  // 4 -> 5, the paper's 1.3x model step on TPU v2: 1.56x fewer FLOPs, partly eaten by the Evolved
  // Transformer's lower FLOP/s per watt (229 W at 28.8 TFLOP/s against 227 W at 24.0).
  CHECK(chain.steps[3].model() == doctest::Approx(1.61 / 1.03).epsilon(1e-9));
  CHECK(chain.steps[3].machine() == doctest::Approx((229.0 / 28.8) / (227.0 / 24.0)).epsilon(1e-6));
  CHECK(chain.steps[3].facility_energy_kwh.value() == doctest::Approx(1.3).epsilon(0.02));
  // The running product ends at the first-to-last ratio.
  for (const auto& r : chain.running)
    CHECK(r.after_step.back() == doctest::Approx(basis(chain.overall, r.basis).co2e_t.value()).epsilon(1e-9));
}

TEST_CASE("compare: GShard-600B against GPT-3 gives the section 3 ratios, with FLOPs 3.14e23 / 1.33e22 as the model factor") {
  const auto c = dcsim::analysis::compare(simulated(paper("gpt3.yaml")), simulated(paper("gshard-600b.yaml")));
  REQUIRE(c.flops_known);
  CHECK(c.model() == doctest::Approx(3.14e23 / 1.33e22).epsilon(1e-9));
  CHECK(c.machine() == doctest::Approx((330.0 / 24.6) / (288.0 / 48.0)).epsilon(1e-6));  // Table 4
  CHECK(c.mechanization() == doctest::Approx(1.10 / 1.09).epsilon(1e-9));
  // Section 3: ~55x less energy, ~115x less gross and ~130x less net CO2e.
  CHECK(c.facility_energy_kwh.value() == doctest::Approx(55.0).epsilon(0.05));
  CHECK(basis(c, "gross").co2e_t.value() == doctest::Approx(115.0).epsilon(0.05));
  CHECK(basis(c, "net").co2e_t.value() == doctest::Approx(130.0).epsilon(0.05));
}

TEST_CASE("compare: best against worst is over 100x less energy and over 1000x less CO2e, every factor attributed") {
  const auto c = dcsim::analysis::compare(simulated(whatif("best-vs-worst-1-dense-p100-onprem-us-grid.yaml")),
                                          simulated(whatif("best-vs-worst-2-moe-tpuv4-hyperscale-quebec.yaml")));
  REQUIRE(c.flops_known);
  // Model: 0.21e9 dense parameters against 0.012e9 + 2 x 0.015e9 = 0.042e9 active, same tokens.
  CHECK(c.model() == doctest::Approx(0.21 / 0.042).epsilon(1e-9));
  // Machine: 296 W at 6.7 TFLOP/s (Table 1) against the assumed 233 W at 0.30 x 275 TFLOP/s.
  CHECK(c.machine() == doctest::Approx((296.0 / 6.7) / (233.0 / (0.30 * 275.0))).epsilon(1e-6));
  // Mechanization: the paper's "cloud datacentre ... PUE 1.4-2x better".
  CHECK(c.mechanization() >= 1.4);
  CHECK(c.mechanization() <= 2.0);
  CHECK(c.facility_energy_kwh.value() >= 100.0);
  REQUIRE_FALSE(c.bases.empty());
  for (const auto& b : c.bases) {
    CAPTURE(b.basis);
    CHECK(b.co2e_t.value() >= 1000.0);
    CHECK(b.intensity_g_per_kwh.value() >= 5.0);  // a clean location: 5-10x lower CO2e per kWh or better
  }
}

TEST_CASE("compare: the what-if pairs put their ratio in the factor they vary") {
  SUBCASE("cloud hall against on-premises room: mechanization only, 1.4-2x") {
    const auto c = dcsim::analysis::compare(simulated(whatif("facility-onprem-room-northern-virginia.yaml")),
                                            simulated(whatif("facility-cloud-hall-northern-virginia.yaml")));
    CHECK(c.model() == doctest::Approx(1.0));
    CHECK(c.machine() == doctest::Approx(1.0).epsilon(1e-9));
    CHECK(c.mechanization() >= 1.3);
    CHECK(c.mechanization() <= 2.0);
    CHECK(basis(c, "gross").intensity_g_per_kwh.value() == doctest::Approx(1.0).epsilon(1e-9));
  }
  SUBCASE("location: Taiwan against Montreal is 541 / 27 g/kWh, the map alone") {
    const auto c = dcsim::analysis::compare(simulated(whatif("location-taiwan.yaml")), simulated(whatif("location-montreal.yaml")));
    CHECK(c.mechanization() == doctest::Approx(1.0).epsilon(1e-9));
    CHECK(c.facility_energy_kwh.value() == doctest::Approx(1.0).epsilon(1e-9));
    CHECK(basis(c, "gross").intensity_g_per_kwh.value() == doctest::Approx(541.0 / 27.0).epsilon(1e-9));
    CHECK_FALSE(c.timing);
  }
  SUBCASE("season: the same Finnish grid in January and July is timing, dirtier in winter") {
    const auto c = dcsim::analysis::compare(simulated(whatif("season-finland-january.yaml")),
                                            simulated(whatif("season-finland-july.yaml")));
    CHECK(c.timing);
    CHECK(basis(c, "gross").intensity_g_per_kwh.value() > 1.5);
    CHECK(c.mechanization() < 1.0);  // but the cold makes January's cooling cheaper
  }
  SUBCASE("time of day: CAISO at night against midday is timing") {
    const auto c = dcsim::analysis::compare(simulated(whatif("time-of-day-caiso-night.yaml")),
                                            simulated(whatif("time-of-day-caiso-midday.yaml")));
    CHECK(c.timing);
    CHECK(basis(c, "gross").co2e_t.value() > 1.0);
  }
  SUBCASE("machine generations: the same FLOPs, P100 to TPU v2 is Table 1's 296 W / 6.7 against 229 W / 28.8") {
    const auto c = dcsim::analysis::compare(simulated(whatif("machine-gpu-p100.yaml")), simulated(whatif("machine-tpu-v2.yaml")));
    CHECK(c.model() == doctest::Approx(1.0));
    CHECK(c.machine() == doctest::Approx((296.0 / 6.7) / (229.0 / 28.8)).epsilon(1e-6));
    CHECK(c.mechanization() == doctest::Approx(1.0).epsilon(1e-9));
  }
}

}  // TEST_SUITE

TEST_SUITE("cli: compare") {

TEST_CASE("compare of two scenarios exits 0 with the factor table") {
  const auto r = run_cli({"compare", whatif(kTable1Chain.front()), whatif(kTable1Chain.back())});
  INFO(r.err);
  REQUIRE(r.code == 0);
  for (const char* word : {"model", "machine", "mechanization", "map", "B needs 1.56x less computation",
                           "B's electricity: 5.36x less CO2e per kWh", "model x machine x mechanization x map"}) {
    CAPTURE(word);
    CHECK(contains(r.out, word));
  }
}

TEST_CASE("compare --json is one JSON object whose factors multiply to the ratio") {
  const auto r = run_cli({"compare", "--json", whatif(kTable1Chain.front()), whatif(kTable1Chain.back())});
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["flops_known"].get<bool>());
  CHECK(j["last_factor"] == "map");
  REQUIRE(j["bases"].size() >= 2);
  for (const auto& b : j["bases"]) {
    double product = 1.0;
    for (const auto& [name, value] : b["factors"].items()) product *= value.get<double>();
    CHECK(std::fabs(product / b["ratio"].get<double>() - 1.0) <= 1e-9);
  }
  CHECK(j["b"]["total_flop"].get<double>() == doctest::Approx(1.03e19));
}

TEST_CASE("compare reads a result file like a scenario") {
  TempDir dir;
  const fs::path h5 = dir / "col5.h5";
  REQUIRE(run_cli({"run", whatif(kTable1Chain.back()), "-o", h5.string()}).code == 0);
  const auto from_file = run_cli({"compare", "--json", whatif(kTable1Chain.front()), h5.string()});
  const auto from_yaml = run_cli({"compare", "--json", whatif(kTable1Chain.front()), whatif(kTable1Chain.back())});
  REQUIRE(from_file.code == 0);
  const auto a = nlohmann::json::parse(from_file.out), b = nlohmann::json::parse(from_yaml.out);
  CHECK(a["bases"][1]["ratio"].get<double>() == doctest::Approx(b["bases"][1]["ratio"].get<double>()).epsilon(1e-12));
  CHECK(a["b"]["file"] == h5.string());
}

TEST_CASE("compare of a chain prints each step and the running product") {
  const auto r = run_cli({"compare", whatif(kTable1Chain[0]), whatif(kTable1Chain[1]), whatif(kTable1Chain[4])});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "Chain of 3 runs"));
  CHECK(contains(r.out, "1 -> 2"));
  CHECK(contains(r.out, "2 -> 3"));
  CHECK(contains(r.out, "running"));
  CHECK(contains(r.out, "First against last (1 -> 3)"));
  const auto j = nlohmann::json::parse(run_cli({"compare", "--json", whatif(kTable1Chain[0]), whatif(kTable1Chain[1]),
                                                whatif(kTable1Chain[4])})
                                           .out);
  CHECK(j["steps"].size() == 2);
  CHECK(j["running"][0]["after_step"].size() == 2);
}

TEST_CASE("compare with a missing or bad file exits 2 naming it, and runs nothing") {
  TempDir dir;
  const std::string good = whatif(kTable1Chain.front());
  SUBCASE("a scenario that does not exist") {
    const auto r = run_cli({"compare", good, (dir / "none.yaml").string()});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "error: " + (dir / "none.yaml").string()));
    CHECK(r.out.empty());
  }
  SUBCASE("a result file that does not exist") {
    const auto r = run_cli({"compare", (dir / "none.h5").string(), good});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "error: " + (dir / "none.h5").string()));
    CHECK(contains(r.err, "no such file"));
  }
  SUBCASE("a text file named .h5") {
    const fs::path f = dir.write("text.h5", "name: x\n");
    const auto r = run_cli({"compare", good, f.string()});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "error: " + f.string()));
    CHECK(contains(r.err, "not an HDF5 file"));
  }
  SUBCASE("a scenario with a bad key, reported at its line") {
    const fs::path f = dir.write("bad.yaml", "name: x\nfacilty: {pue: 1.1}\n");
    const auto r = run_cli({"compare", f.string(), good});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "error: " + f.string() + ":2:"));
  }
  SUBCASE("one file only") {
    const auto r = run_cli({"compare", good});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "at least two"));
  }
}

}  // TEST_SUITE

TEST_SUITE("cli: reproduce") {

TEST_CASE("reproduce compares ratios: the runs the analyses name, and the 284 t estimate over the search") {
  std::map<std::string, RunFile> runs;
  runs["evolved-transformer-nas"] = made_up("nas", 2.91e21, 6.8, 7.5, 3.2, 3.2).run;
  const auto ratios = dcsim::analysis::paper_ratios(runs);
  REQUIRE(ratios.size() == 1);  // GShard, GPT-3 and the Iowa variant are missing: left out
  CHECK(ratios[0].simulated() == doctest::Approx(284.0 / 3.2).epsilon(1e-12));
  CHECK(ratios[0].published == 88.0);
  CHECK(dcsim::analysis::check(ratios[0]).ok);  // 88.75 against 88: +0.9%
}

TEST_CASE("reproduce compares the GShard/GPT-3 and NAS ratios and writes Markdown and CSV") {
  TempDir dir;
  const fs::path md = dir / "tables.md", csv = dir / "tables.csv";
  const auto r = run_cli({"reproduce", "--markdown", md.string(), "--csv", csv.string()});
  INFO(r.err);
  CHECK(r.code == 0);
  for (const char* text : {"Table 1", "Table 4", "Section 3: GShard-600B against GPT-3", "Appendix D",
                           "11 of 11 scenarios within tolerance", "6 of 6 ratios within tolerance"}) {
    CAPTURE(text);
    CHECK(contains(r.out, text));
  }
  const auto read = [](const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string markdown = read(md);
  CHECK(contains(markdown, "## Table 1"));
  CHECK(contains(markdown, "## Ratios"));
  CHECK(contains(markdown, "| Section 3: GShard-600B against GPT-3 | net CO2e, GPT-3 / GShard-600B |"));
  // CSV: a header and one row per figure: 11 runs x 3 figures and 6 ratios, 10 fields each.
  std::istringstream lines(read(csv));
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  REQUIRE(rows.size() == 1 + 11 * 3 + 6);
  CHECK(rows[0] == "table,position,label,figure,unit,dcsim,paper,error,tolerance,within");
  for (const std::string& row : rows) {
    int fields = 1;
    bool quoted = false;
    for (const char ch : row) {
      if (ch == '"') quoted = !quoted;
      else if (ch == ',' && !quoted) ++fields;
    }
    CAPTURE(row);
    CHECK(fields == 10);
  }
  CHECK(contains(read(csv), "Appendix D: the Evolved Transformer search re-estimated,2,"
                            "\"2019 estimate (284 t) / the search in Iowa, net CO2e\",ratio,1,"));
}

TEST_CASE("reproduce cannot write its compared tables into a directory that does not exist: exit 2 naming the file") {
  TempDir dir;
  const fs::path csv = dir / "missing" / "tables.csv";
  const auto r = run_cli({"reproduce", "--csv", csv.string()});
  CHECK(r.code == 2);
  CHECK(contains(r.err, "error: " + csv.string()));
}

TEST_CASE("reproduce compares no ratios over scenarios without the runs they need") {
  TempDir dir;
  dir.write("one.yaml",
            "name: one\naccelerators:\n  V100: {tdp: 300 W, system_power: 330 W}\nfacility: {pue: 1.1}\n"
            "grid: {gross: 0.429 kg/kWh}\njobs:\n  - {name: a, accelerator: V100, chips: 10, duration: 100 h}\n"
            "expected: {table: Table 9, position: 1, label: one, energy: 363 kWh, co2e_gross: 0.155727 t, "
            "co2e_net: 0.155727 t}\n");
  const auto r = run_cli({"reproduce", "--scenarios", dir.path().string()});
  INFO(r.err);
  CHECK(r.code == 0);  // 10 x 330 W x 100 h x 1.1 = 363 kWh; x 0.429 = 155.727 kg
  CHECK(contains(r.out, "1 of 1 scenarios within tolerance"));
  CHECK_FALSE(contains(r.out, "Ratios"));
}

}  // TEST_SUITE
