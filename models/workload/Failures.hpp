#pragma once
// Job interruptions by hardware failure, and what they cost.
//
// A job on n accelerators, each failing independently at rate 1/MTBF, is interrupted at rate
// lambda = n / MTBF while it computes (a Poisson process; exponential times between failures).
// A failure loses the work since the last checkpoint, then the job restarts (restart time r,
// drawing its power). Checkpoints are every c of completed work, so the work lost at a failure
// is its progress modulo c.
//
// Expected interruptions to finish work W: lambda counts failures per unit of *running* time,
// and running time is W plus the lost work, so E[N] = lambda W / (1 - lambda c / 2) for lambda c
// small (each loss is about c / 2 on average); expected waste = E[N] (c / 2 + r) x power.
//
// Random numbers: a SplitMix64 stream with an explicit exponential transform, so the same seed
// gives the same failures on every platform (no implementation-defined distributions).

#include <cmath>
#include <cstdint>

namespace dcsim::models {

class FailureProcess {
 public:
  /// `rate_per_s` > 0.
  FailureProcess(double rate_per_s, std::uint64_t seed) : rate_(rate_per_s), state_(seed) {}

  /// Running time until the next failure, seconds.
  double next_interval_s() {
    const double u = static_cast<double>(next() >> 11) * 0x1.0p-53;  // [0, 1)
    return -std::log1p(-u) / rate_;
  }

 private:
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  double rate_;
  std::uint64_t state_;
};

/// Work lost at a failure after `progress_s` of completed work with checkpoints every
/// `interval_s` (no checkpoints: interval 0, all progress is lost).
inline double lost_work_s(double progress_s, double interval_s) {
  return interval_s > 0.0 ? std::fmod(progress_s, interval_s) : progress_s;
}

}  // namespace dcsim::models
