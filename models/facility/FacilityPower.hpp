#pragma once
// Facility power split by where it goes, the quantity every facility model returns.
//
//   total = IT + delivery losses + cooling + other,   PUE = total / IT
//
// `other_w` is overhead not attributed to a modelled subsystem (lighting, offices, and under a
// fixed PUE all of the overhead).

namespace dcsim::models {

/// Where the overhead goes, subsystem by subsystem (zero where a model does not resolve it).
struct FacilityDetail {
  double psu_loss_w = 0.0, pdu_loss_w = 0.0, ups_loss_w = 0.0, transformer_loss_w = 0.0;
  double chiller_w = 0.0, economiser_w = 0.0, fans_w = 0.0, pumps_w = 0.0, tower_w = 0.0, humidifier_w = 0.0;
  double lighting_w = 0.0;
};

struct FacilityPower {
  double it_w = 0.0;
  double delivery_loss_w = 0.0;  ///< = PSU + PDU + UPS + transformer losses
  double cooling_w = 0.0;        ///< = chiller + economiser + fans + pumps + tower + humidifier
  double other_w = 0.0;          ///< lighting and overhead not attributed to a subsystem
  FacilityDetail detail;

  double total_w() const { return it_w + delivery_loss_w + cooling_w + other_w; }
};

}  // namespace dcsim::models
