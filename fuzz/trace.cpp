// Fuzzes the grid-trace reader in the format DCSIM_FUZZ_TRACE_FORMAT (one harness per format),
// with and without fill_missing. A file must be read or raise dcsim::InputError; a trace read
// must keep the reader's promises: strictly increasing times, one finite value >= 0 per sample.

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "fuzz/Harness.hpp"
#include "models/InputError.hpp"
#include "sim/input/TraceReader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const dcsim::fuzz::FuzzFile file(data, size, ".csv");
  for (const bool fill_missing : {false, true}) {
    dcsim::input::TraceOptions options;
    options.format = *dcsim::input::trace_format_from_name(DCSIM_FUZZ_NAME(DCSIM_FUZZ_TRACE_FORMAT));
    options.fill_missing = fill_missing;
    options.epoch_ms = 1'577'836'800'000;  // 2020-01-01T00:00:00Z
    try {
      const dcsim::models::IntensityTrace t = dcsim::input::read_trace(file.path(), options);
      DCSIM_FUZZ_CHECK(t.size() >= 2 && t.step_ms > 0);
      DCSIM_FUZZ_CHECK(t.intensity_kg_per_j.size() == t.size());
      DCSIM_FUZZ_CHECK(t.cfe_share.empty() || t.cfe_share.size() == t.size());
      for (std::size_t i = 0; i < t.size(); ++i) {
        DCSIM_FUZZ_CHECK(i == 0 || t.utc_ms[i] > t.utc_ms[i - 1]);
        DCSIM_FUZZ_CHECK(std::isfinite(t.intensity_kg_per_j[i]) && t.intensity_kg_per_j[i] >= 0);
        DCSIM_FUZZ_CHECK(t.cfe_share.empty() || (t.cfe_share[i] >= 0 && t.cfe_share[i] <= 1));
      }
    } catch (const dcsim::InputError& e) {
      DCSIM_FUZZ_CHECK(!e.problems().empty());
    }
  }
  return 0;
}
