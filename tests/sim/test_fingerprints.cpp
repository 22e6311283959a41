// REGRESSION FINGERPRINTS, not expected values: each hash below was recorded by running the
// scenario (`dcsim run FILE -v` prints it) and only says that the trajectory (every change of
// state: time, facility and IT power, gross intensity, net emission rate, bit for bit) is the
// one it was. A change that alters behaviour on purpose updates the hash here, visibly in review,
// with the reason in its commit message.

#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"

namespace {

std::string fingerprint(const std::string& relative) {
  const auto s = dcsim::scenario::load_scenario(std::string(DCSIM_SCENARIO_DIR) + "/" + relative);
  return fmt::format("{:016x}", dcsim::sim::run_scenario(s, std::nullopt).fingerprint);
}

}  // namespace

TEST_CASE("regression fingerprints of the golden scenarios' trajectories") {
  CHECK(fingerprint("paper/gpt3.yaml") == "8fde831b5095b320");
  CHECK(fingerprint("paper/table1-1-transformer-p100-us-average.yaml") == "44967a7b3f508716");
  CHECK(fingerprint("whatif/facility-hyperscale-iowa-year.yaml") == "d53bcd21d3c1aa06");
  CHECK(fingerprint("whatif/carbon-aware-suspend-caiso.yaml") == "c63ac10cfac2fbae");
  CHECK(fingerprint("whatif/placement-three-regions.yaml") == "9e11613e7d83079a");
  CHECK(fingerprint("bench/fleet-year.yaml") == "eca39ab8c1bf0a8f");
  CHECK(fingerprint("whatif/lifecycle-gpt3-serving.yaml") == "fe7aaa771161ef3a");
}

TEST_CASE("the same scenario and seed give the same fingerprint; another seed another") {
  const auto s = dcsim::scenario::load_scenario(std::string(DCSIM_SCENARIO_DIR) + "/whatif/grid-mix-caiso-2023.yaml");
  const auto t = dcsim::scenario::load_scenario(std::string(DCSIM_SCENARIO_DIR) + "/whatif/grid-mix-caiso-2023.yaml", {"seed=2"});
  const auto a = dcsim::sim::run_scenario(s, std::nullopt).fingerprint;
  CHECK(dcsim::sim::run_scenario(s, std::nullopt).fingerprint == a);
  CHECK(dcsim::sim::run_scenario(t, std::nullopt).fingerprint != a);
}
