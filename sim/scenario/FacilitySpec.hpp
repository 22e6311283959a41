#pragma once
// Facility presets (scenarios/catalog/facilities.yaml): a cooling plant, its main parameters and
// the power-delivery design of a hall, each preset with its source and calibration.

#include <array>
#include <optional>
#include <string>

#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {

inline constexpr std::array<std::string_view, 4> kPlantModels{"chilled_water", "airside_economiser", "direct_liquid", "ideal"};
inline constexpr std::array<std::string_view, 3> kRedundancies{"none", "n+1", "2n"};
inline constexpr std::array<std::string_view, 7> kPsuLevels{"lossless", "bronze", "silver", "gold", "platinum", "titanium", "ruby"};

struct FacilityPresetSpec {
  std::string cooling;
  bool economiser = true;
  std::optional<double> pcop;
  std::optional<double> chiller_part_load;
  std::optional<double> supply_air_c;
  std::optional<double> crah_fan_dp_pa;
  std::optional<double> crah_fan_efficiency;
  std::optional<double> lighting_fraction;
  std::string ups_redundancy = "n+1";
  std::optional<double> ups_no_load;
  std::optional<double> ups_proportional;
  std::optional<double> ups_square_law;
  std::optional<double> pdu_proportional;
  std::optional<double> transformer_no_load;
  std::optional<double> transformer_square_law;
  std::string psu = "lossless";
  std::int64_t accelerators_per_rack = 32;
  double rack_rating_w = 20'000.0;
  std::int64_t racks_per_pdu = 10;
  double switch_power_w = 0.0;
  std::optional<double> rack_cap_w;
  std::string description;
  std::string source;
};

template <class V>
void describe(V& v, FacilityPresetSpec& s) {
  v.field("cooling", Need::required, "cooling plant model (ideal: heat removed at no energy cost, a bound)", s.cooling,
          ChoiceKind{kPlantModels});
  v.field("economiser", Need::optional, "chilled_water: water-side economiser (free cooling) installed", s.economiser,
          BoolKind{});
  v.field("pcop", Need::optional, "chiller COP adjustment: COP x (1 + pcop)", s.pcop, NumberKind{Range::between(-0.9, 2.0)});
  v.field("chiller_part_load", Need::optional, "chiller part-load ratio", s.chiller_part_load,
          NumberKind{Range::between(0.05, 1.0)});
  v.field("supply_air_c", Need::optional, "supply-air temperature, degrees C", s.supply_air_c,
          NumberKind{Range::between(10.0, 35.0)});
  v.field("crah_fan_dp_pa", Need::optional, "air-handler fan pressure rise, Pa", s.crah_fan_dp_pa,
          NumberKind{Range::between(50.0, 3000.0)});
  v.field("crah_fan_efficiency", Need::optional, "air-handler fan efficiency", s.crah_fan_efficiency,
          NumberKind{Range::between(0.1, 1.0)});
  v.field("lighting_fraction", Need::optional, "lighting power as a share of IT", s.lighting_fraction,
          NumberKind{Range::between(0.0, 0.2)});
  v.field("ups_redundancy", Need::optional, "UPS units: none, n+1 or 2n (2n runs each at half load)",
          s.ups_redundancy, ChoiceKind{kRedundancies});
  v.field("ups_no_load", Need::optional, "UPS no-load loss, share of its rating", s.ups_no_load,
          NumberKind{Range::between(0.0, 0.2)});
  v.field("ups_proportional", Need::optional, "UPS proportional loss, share of its load", s.ups_proportional,
          NumberKind{Range::between(0.0, 0.2)});
  v.field("ups_square_law", Need::optional, "UPS square-law loss at rated load, share of its rating",
          s.ups_square_law, NumberKind{Range::between(0.0, 0.2)});
  v.field("pdu_proportional", Need::optional, "PDU proportional loss, share of its load (default 0.56 %)", s.pdu_proportional,
          NumberKind{Range::between(0.0, 0.5)});
  v.field("transformer_no_load", Need::optional, "transformer no-load (core) loss, share of its rating",
          s.transformer_no_load, NumberKind{Range::between(0.0, 0.1)});
  v.field("transformer_square_law", Need::optional, "transformer load (winding) loss at rated load, share of its rating",
          s.transformer_square_law, NumberKind{Range::between(0.0, 0.1)});
  v.field("psu", Need::optional, "server PSU stage: lossless (job powers are wall powers) or an 80 PLUS level",
          s.psu, ChoiceKind{kPsuLevels});
  v.field("accelerators_per_rack", Need::optional, "rack slots", s.accelerators_per_rack, IntegerKind{1, 10'000});
  v.field("rack_rating", Need::optional, "rack power rating", s.rack_rating_w,
          QuantityKind{Dimension::power, Range::positive(10e6)});
  v.field("racks_per_pdu", Need::optional, "racks per PDU", s.racks_per_pdu, IntegerKind{1, 10'000});
  v.field("switch_power", Need::optional, "top-of-rack switch power, drawn while the rack carries a job",
          s.switch_power_w, QuantityKind{Dimension::power, Range::between(0.0, 1e5)});
  v.field("rack_cap", Need::optional, "rack power cap: IT power above it is clipped, and counted", s.rack_cap_w,
          QuantityKind{Dimension::power, Range::positive(10e6)});
  v.field("description", Need::optional, "what the preset stands for", s.description, TextKind{});
  v.field("source", Need::required, "where the parameters and their calibration come from", s.source, TextKind{});
}

}  // namespace dcsim::scenario
