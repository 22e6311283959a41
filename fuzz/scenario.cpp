// Fuzzes the scenario loader: any text as a scenario file must load or raise dcsim::InputError.
// Anything else (another exception, a crash, a leak, undefined behaviour, a hang) is a finding.

#include <cstddef>
#include <cstdint>

#include "fuzz/Harness.hpp"
#include "models/InputError.hpp"
#include "sim/scenario/Scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const dcsim::fuzz::FuzzFile file(data, size, ".yaml");
  try {
    const dcsim::scenario::Scenario s = dcsim::scenario::load_scenario(file.path());
    DCSIM_FUZZ_CHECK(!s.sites.empty());
  } catch (const dcsim::InputError& e) {
    DCSIM_FUZZ_CHECK(!e.problems().empty());
  }
  return 0;
}
