// Fuzzes the job-trace reader in the layout DCSIM_FUZZ_JOB_TRACE_LAYOUT (one harness per layout),
// skipping unfinished and CPU-only rows and reporting them. A file must be read or raise
// dcsim::InputError; every job read must have an arrival >= 0, a finite duration > 0, exactly
// one of hosts and accelerators, and a utilisation in [0, 1]. A layout read as a stream must give
// the same verdict and the same jobs streamed as read whole, inline and read ahead on a thread.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

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
    bool whole_ok = false;
    std::vector<dcsim::input::TraceJob> jobs;
    try {
      const dcsim::input::JobTrace t = dcsim::input::read_job_trace(file.path(), options);
      for (const dcsim::input::TraceJob& j : t.jobs) {
        DCSIM_FUZZ_CHECK(std::isfinite(j.arrival_s) && j.arrival_s >= 0);
        DCSIM_FUZZ_CHECK(std::isfinite(j.duration_s) && j.duration_s > 0);
        DCSIM_FUZZ_CHECK((j.hosts > 0) != (j.accelerators > 0));
        DCSIM_FUZZ_CHECK(j.utilisation >= 0 && j.utilisation <= 1);
        DCSIM_FUZZ_CHECK(j.user < t.users.size() && j.name < t.names.size());
      }
      whole_ok = true;
      jobs = t.jobs;
    } catch (const dcsim::InputError& e) {
      DCSIM_FUZZ_CHECK(!e.problems().empty());
    }
    // The streamed read (in blocks, as a run reads it), inline and ahead on a reader thread,
    // accepts exactly what the whole read accepts, with the same jobs in the same order.
    if (dcsim::input::job_trace_streams(options)) {
      for (const auto mode : {dcsim::input::JobTraceReadAhead::off, dcsim::input::JobTraceReadAhead::on}) {
        options.read_ahead = mode;
        bool stream_ok = false;
        std::size_t n = 0;
        try {
          dcsim::input::JobTraceStream stream(file.path(), options);
          dcsim::input::TraceJob j;
          while (stream.next(j)) {
            DCSIM_FUZZ_CHECK(!whole_ok || (n < jobs.size() && j.arrival_s == jobs[n].arrival_s &&
                                           j.duration_s == jobs[n].duration_s && j.hosts == jobs[n].hosts &&
                                           j.accelerators == jobs[n].accelerators &&
                                           j.utilisation == jobs[n].utilisation));
            ++n;
          }
          stream_ok = true;
        } catch (const dcsim::InputError& e) {
          DCSIM_FUZZ_CHECK(!e.problems().empty());
        }
        DCSIM_FUZZ_CHECK(stream_ok == whole_ok);
        DCSIM_FUZZ_CHECK(!whole_ok || n == jobs.size());
      }
    }
  }
  return 0;
}
