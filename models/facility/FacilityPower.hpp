#pragma once
// Facility power split by where it goes, the quantity every facility model returns.
//
//   total = IT + delivery losses + cooling + other,   PUE = total / IT
//
// `other_w` is overhead not attributed to a modelled subsystem (lighting, offices, and under a
// fixed PUE all of the overhead).

namespace dcsim::models {

struct FacilityPower {
  double it_w = 0.0;
  double delivery_loss_w = 0.0;
  double cooling_w = 0.0;
  double other_w = 0.0;

  double total_w() const { return it_w + delivery_loss_w + cooling_w + other_w; }
};

}  // namespace dcsim::models
