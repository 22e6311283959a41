#pragma once
// A datacentre characterised by one power usage effectiveness, as the paper does
// (Patterson et al. 2021 section 2.5: energy = IT energy x PUE; Google's fleet 1.10, the US
// average datacentre 1.58-1.59).
//
// All overhead is reported as `other_w` = IT x (PUE - 1): a fixed PUE says how much, not where.
// Limitations: PUE does not move with load or weather; the cooling-plant model does that.

#include "models/facility/FacilityPower.hpp"

namespace dcsim::models {

class FixedPue {
 public:
  /// Precondition: pue >= 1 (validated where the value is read).
  explicit FixedPue(double pue) : pue_(pue) {}

  double pue() const { return pue_; }
  FacilityPower power(double it_w) const {
    FacilityPower p;
    p.it_w = it_w;
    p.other_w = it_w * (pue_ - 1.0);
    return p;
  }
  /// power(it_w) written into `out`, whose other fields (all zero for a fixed PUE) are left as
  /// they are: the per-event form, without building and copying a whole FacilityPower.
  void update(double it_w, FacilityPower& out) const {
    out.it_w = it_w;
    out.other_w = it_w * (pue_ - 1.0);
  }

 private:
  double pue_;
};

}  // namespace dcsim::models
