#pragma once
// What a process keeps of work it would otherwise repeat (parsed scenario files and catalogs, a
// climate's calibration, synthetic weather): each such memo is valid for one generation.
// forget_memos() starts a new one, so every memo is rebuilt on its next use. `dcsim bench` calls
// it before each timed repetition, so that a repetition costs what a run in a fresh process
// does (less the process start), not what a sweep's thousandth variant does.

#include <atomic>
#include <cstdint>

namespace dcsim {

inline std::atomic<std::uint64_t>& memo_generation_counter() {
  static std::atomic<std::uint64_t> generation{0};
  return generation;
}

/// The current generation; a memo filled in another one is stale.
inline std::uint64_t memo_generation() { return memo_generation_counter().load(std::memory_order_acquire); }

/// Makes every memo stale.
inline void forget_memos() { memo_generation_counter().fetch_add(1, std::memory_order_acq_rel); }

/// A memo's own record of its generation: clears `cache` (under the caller's lock) when stale.
template <class Cache>
void drop_if_stale(Cache& cache, std::uint64_t& filled_in) {
  const std::uint64_t now = memo_generation();
  if (filled_in != now) {
    cache.clear();
    filled_in = now;
  }
}

}  // namespace dcsim
