#include "models/workload/TrainingRun.hpp"

#include <cassert>

namespace dcsim::models {

double duration_from_flops_s(double total_flop, std::int64_t chips, double flop_per_s_per_chip) {
  assert(chips > 0 && flop_per_s_per_chip > 0.0);
  return total_flop / (static_cast<double>(chips) * flop_per_s_per_chip);
}

}  // namespace dcsim::models
