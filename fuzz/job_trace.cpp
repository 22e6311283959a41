// Fuzzes the job-trace reader in the layout DCSIM_FUZZ_JOB_TRACE_LAYOUT (one harness per layout),
// skipping unfinished and CPU-only rows and reporting them. A file must be read or raise
// dcsim::InputError; every job read must have an arrival >= 0, a finite duration > 0, exactly
// one of hosts and accelerators, and a utilisation in [0, 1].

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "fuzz/Harness.hpp"
#include "models/InputError.hpp"
#include "sim/input/JobTraceReader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const dcsim::fuzz::FuzzFile file(data, size, ".csv");
  for (const bool skip : {true, false}) {
    dcsim::input::JobTraceOptions options;
    options.layout = *dcsim::input::job_trace_layout_from_name(DCSIM_FUZZ_NAME(DCSIM_FUZZ_JOB_TRACE_LAYOUT));
    options.epoch_ms = skip ? 0 : 1'577'836'800'000;  // the earliest arrival, or 2020-01-01T00:00:00Z
    options.skip_unfinished = options.skip_cpu_only = skip;
    try {
      const dcsim::input::JobTrace t = dcsim::input::read_job_trace(file.path(), options);
      for (const dcsim::input::TraceJob& j : t.jobs) {
        DCSIM_FUZZ_CHECK(std::isfinite(j.arrival_s) && j.arrival_s >= 0);
        DCSIM_FUZZ_CHECK(std::isfinite(j.duration_s) && j.duration_s > 0);
        DCSIM_FUZZ_CHECK((j.hosts > 0) != (j.accelerators > 0));
        DCSIM_FUZZ_CHECK(j.utilisation >= 0 && j.utilisation <= 1);
        DCSIM_FUZZ_CHECK(j.user < t.users.size() && j.name < t.names.size());
      }
    } catch (const dcsim::InputError& e) {
      DCSIM_FUZZ_CHECK(!e.problems().empty());
    }
  }
  return 0;
}
