#pragma once
// Whether a helper thread (the job trace's reader, the synthetic weather's maker, the grid's
// builder) may run beside the calling one: there are at least two cores, the caller is not one
// of a parallel sweep's OpenMP threads, which have the cores already, and it is not running a
// variant of a sweep or a sample of a Monte Carlo run at all (NoHelperThreads): their thread
// count (--threads) is the number of cores they may use, one on an HPC node's one-core slot.

namespace dcsim::sim {

bool spare_core();

/// While one lives on a thread, spare_core() is false on that thread.
class NoHelperThreads {
 public:
  NoHelperThreads();
  ~NoHelperThreads();
  NoHelperThreads(const NoHelperThreads&) = delete;
  NoHelperThreads& operator=(const NoHelperThreads&) = delete;

 private:
  bool was_;
};

}  // namespace dcsim::sim
