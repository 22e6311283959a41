#pragma once
// An accelerator type (TPU, GPU) as the paper characterises it.
//
// `system_power_w` is the measured average power at the wall per accelerator, including its share
// of host CPU, memory, network and fans (Patterson et al. 2021, Table 3). It is a default only: a
// training run that states its own measured power (Table 4 gives TPU v3 at 310, 289, 288 and
// 245 W for four runs) uses that instead. The chip TDP is the datasheet limit, not what runs draw.

#include <string>

namespace dcsim::models {

struct Accelerator {
  std::string name;
  double tdp_w = 0.0;             ///< chip thermal design power
  double peak_flop_per_s = 0.0;   ///< datasheet peak (bf16/fp16), 0 when not stated
  double system_power_w = 0.0;    ///< measured average wall power per accelerator, 0 when unknown
  double embodied_kg = 0.0;       ///< manufacturing CO2e per accelerator incl. its server share, 0 when unknown
  double service_life_s = 0.0;    ///< over which embodied CO2e is amortised
};

/// Embodied (manufacturing) CO2e attributed to a use of `chips` accelerators for `occupied_s`:
/// chips x embodied x occupied / service life (straight-line amortisation by occupied time).
/// Reported beside operational CO2e, never added to it.
inline double amortised_embodied_kg(const Accelerator& a, double chips, double occupied_s) {
  return a.service_life_s > 0.0 ? chips * a.embodied_kg * occupied_s / a.service_life_s : 0.0;
}

}  // namespace dcsim::models
