#pragma once
// Whether a helper thread (the job trace's reader, the synthetic weather's maker, the grid's
// builder) may run beside the calling one: there are at least two cores, and the caller is not
// one of a parallel sweep's OpenMP threads, which have the cores already.

namespace dcsim::sim {

bool spare_core();

}  // namespace dcsim::sim
