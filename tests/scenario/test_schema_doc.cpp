#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "sim/scenario/SchemaDoc.hpp"
#include "sim/scenario/Spec.hpp"

TEST_CASE("the format reference in scenarios/README.md is the one the declarations print") {
  std::ifstream in(std::string(DCSIM_SCENARIO_DIR) + "/README.md");
  REQUIRE(in);
  const std::string readme(std::istreambuf_iterator<char>(in), {});
  const std::string table = dcsim::scenario::SchemaDoc::markdown<dcsim::scenario::ScenarioSpec>();
  // If this fails, regenerate the table with `dcsim schema`.
  CHECK(readme.find(table) != std::string::npos);
}

TEST_CASE("the format reference lists nested keys with their units and defaults") {
  const std::string table = dcsim::scenario::SchemaDoc::markdown<dcsim::scenario::ScenarioSpec>();
  CHECK(table.find("| `jobs[].chips` | whole number | required |") != std::string::npos);
  CHECK(table.find("| `accelerators.<name>.tdp` | a power (W, kW, MW, GW) | required |") != std::string::npos);
  CHECK(table.find("| `output.interval` | a duration (ms, s, min, h, d, y) | default 3600 s |") != std::string::npos);
}
