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
  double activated_parameters = 0.0;  ///< from a model description, 0 when not given
  double peak_flop_per_s = 0.0;     ///< of the accelerator, 0 when not stated
  bool power_capped = false;        ///< its power curve was clipped at the server power cap

  double it_power_w() const { return static_cast<double>(chips) * system_power_per_chip_w; }
  double it_energy_j() const { return it_power_w() * duration_s; }
};

/// A transformer described by its size and its training data, for its training FLOPs.
///
///   FLOPs = 6 x N_active x tokens                     (forward + backward, Kaplan et al. 2020)
///         + 6 x layers x context x d_model x tokens   (the attention term, when layers are given)
///
/// N_active is the parameters used per token: all of a dense model's; for a mixture of experts,
/// the shared (non-expert) parameters plus top_k experts' (Shazeer et al. 2017; Patterson et al.
/// 2021 Table 4: GShard-600B activates 0.25%, Switch Transformer 0.10%), or a given share.
struct ModelDescription {
  double parameters = 0.0;          ///< total parameters
  double activated_share = 1.0;     ///< used when no experts are given
  double experts = 0.0;             ///< 0 for a dense model
  double top_k = 0.0;
  double expert_parameters = 0.0;   ///< per expert
  double shared_parameters = 0.0;   ///< not in any expert
  double tokens = 0.0;
  double layers = 0.0, context = 0.0, d_model = 0.0;  ///< 0: no attention term

  double activated_parameters() const {
    return experts > 0.0 ? shared_parameters + top_k * expert_parameters : parameters * activated_share;
  }
  double training_flop() const {
    return 6.0 * activated_parameters() * tokens + 6.0 * layers * context * d_model * tokens;
  }
};

/// Time to execute `total_flop` on `chips` accelerators each achieving `flop_per_s_per_chip`.
double duration_from_flops_s(double total_flop, std::int64_t chips, double flop_per_s_per_chip);

}  // namespace dcsim::models
