#pragma once
// A training run on N accelerators, in the closed form of Patterson et al. 2021 (section 2.5).
//
//   IT power   P_IT = chips x measured average system power per accelerator     [W]
//   duration   t    = given, or total FLOPs / (chips x achieved FLOP/s per chip) [s]
//   IT energy  E_IT = P_IT x t                                                    [J]
//
// The paper derives GPT-3's 14.8 days from its FLOPs this way (3.14e23 / (10,000 x 24.6e12));
// for its other Table 4 rows the FLOPs were computed from measured time, so either input
// reproduces them. Power is constant over the run: the paper reports one average.

#include <cstdint>
#include <string>

namespace dcsim::models {

struct TrainingRun {
  std::string name;
  std::string accelerator;
  std::int64_t chips = 0;
  double system_power_per_chip_w = 0.0;
  double duration_s = 0.0;
  double total_flop = 0.0;          ///< 0 when neither given nor derivable
  double flop_per_s_per_chip = 0.0; ///< achieved (measured) throughput, 0 when not given
  double utilisation = 0.0;         ///< used for the power curve; NaN when the power was given

  double it_power_w() const { return static_cast<double>(chips) * system_power_per_chip_w; }
  double it_energy_j() const { return it_power_w() * duration_s; }
};

/// Time to execute `total_flop` on `chips` accelerators each achieving `flop_per_s_per_chip`.
double duration_from_flops_s(double total_flop, std::int64_t chips, double flop_per_s_per_chip);

}  // namespace dcsim::models
