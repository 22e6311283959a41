#pragma once
// Facility overhead models: the power a datacentre draws beyond its IT load, hour by hour, as a
// function of IT load and outdoor weather. PUE becomes an output.
//
// Registry (cooling_model_names()): "fixed_pue", "chilled_water", "airside_economiser",
// "direct_liquid". Every model is a CoolingModel; power() is O(1) and allocates nothing.
//
// Common to the plant models (Lei & Masanet 2020, reference/facts.md 3.2; their code
// github.com/nuoaleon/Data-center-PUE-prediction-tool):
//   UPS loss = IT/eta_UPS - IT;  distribution loss = IT/(1 - r_PD) - IT;  lighting = f_L IT.
//   Heat to remove Q = IT + UPS loss + distribution loss + lighting + CoolingInput's in-hall
//   electrical loss (losses a power-delivery model computed; they are heat here, but their power
//   is the caller's, not in OverheadPower: set eta_UPS = 1, r_PD = 0 when a power tree supplies them).
//   Air mass flow m_a = Q / (cp_a dT_air), cp_a = 1010 J/(kg K); water flows m_w = Q / (cp_w dT),
//   cp_w = 4200 J/(kg K) (the source's constants).
//   Fan   P = (m/rho) dp / eta x (m/m_design)^2;  pump P = dp (m/rho_w) / eta,  rho_w = 1000 kg/m^3.
//   Fans follow the fan affinity laws (flow ~ speed, dp ~ speed^2, power ~ speed^3) about the
//   design point (design IT, free cooling), where they draw exactly Lei & Masanet's
//   (m/rho) dp/eta: variable-speed fans in a fixed duct or tower move less air at part load against
//   a quadratically smaller pressure. Pumps stay at constant head (linear in flow), as loops under
//   differential-pressure control do and as the source models them.
//   Chiller COP (Lei & Masanet regression, facts 3.2), t = T_wb + CT approach, L = part-load ratio:
//     COP = (16.798751 + 0.008840 t^2 - 8.528931 L^2 + 9.885294 L - 0.760621 t + 0.084615 L t)(1 + pCOP)
//   t is capped at the quadratic's minimum (about 40 C), beyond which the fit would rise again.
//
// (a) chilled_water: CRAH units, chilled water, water-side economiser on cooling towers (the WEC
//   configuration). T_ra = T_sa + dT_air, T_sfw = T_ra - dT_air/HTE, T_rfw = T_sfw + dT_chw,
//   T_ws = T_wb + AT_CT + AT_HE. Economiser share s = 1 if T_ws <= T_sfw, (T_rfw - T_ws)/(T_rfw -
//   T_sfw) if T_ws < T_rfw, else 0. Cooling required Q_r = Q/SHR (latent load: humidifier water
//   Q(1/SHR - 1)/h_fg at (T_sfw + T_rfw)/2, h_fg = 2500.5 - 2.3097 T - 0.0013 T^2 kJ/kg).
//   Chiller Q_r (1 - s)/COP; economiser pump on s Q_r, chilled-water pump on (1 - s) Q_r (both dT_chw);
//   tower pump and fan on Q_r + chiller power (dT_CT; tower air = water flow / (L/G), outdoor density).
// (b) airside_economiser: outdoor air with adiabatic (evaporative) assist (the AE configuration).
//   T_sa = clamp(T_oa, T_sa_min, T_sa_max). Economiser on when outdoor enthalpy is below that of
//   27 C air at a 15 C dew point (the ASHRAE TC 9.9 recommended envelope's upper corner), or at
//   most that of supply air at 80 % RH (then cooled adiabatically to T_sa). On: all heat leaves with
//   outdoor air; water is added to keep >= 20 % RH at T_sa, or to reach T_sa adiabatically (the
//   humidifier pump moves it). Off: the chiller and tower take Q as in (a) without economiser.
// (c) direct_liquid: cold plates take a share f of IT heat into warm facility water (supply T_s,
//   return T_s + dT) rejected by dry coolers; the rest (and every loss) goes to air through a
//   chilled_water plant (its own parameters; its UPS / lighting fields are unused). Dry coolers
//   deliver water at T_db + AT_dc: full duty if that is <= T_s, share (T_s + dT - (T_db + AT_dc))/dT
//   if below the return, else none; a trim chiller cools the rest with
//   COP = min(COP_max, eta_Carnot (T_s + 273.15)/(T_db + AT_dc - T_s)). Dry-cooler fans move air
//   at dT_air,dc for the rejected heat (liquid heat + trim chiller power), with the cube law.
//   Pumps: facility water and CDU secondary loops at dT. Every figure of (c) is an assumption, see
//   DirectLiquidParams.
// (d) fixed_pue: other_w = max(0, IT (PUE - 1) - in-hall electrical loss); nothing else.
//
// Outputs: OverheadPower by part; pue_of(): (IT + in-hall loss + overhead)/IT.
// Validation (tests/models/test_cooling.cpp): COP(0.5, 20) ~ 8.8, COP(0.5, 30) ~ 6.0 (facts 3.2);
// the WEC example at 20 C / 40 % RH / sea level gives PUE 1.0887, the AE example 1.0747 (the
// values Lei & Masanet's tool prints for these parameter sets); cube law; PUE >= 1 over a sweep;
// energy balance.
// Limitations: steady state each hour (no thermal mass, no control dynamics); chillers run at
// one part-load ratio L (staging keeps them near it) rather than following the load; no minimum
// fan speed; no redundancy (N+1 units idling); the AE model, like its source, supplies 100 %
// outdoor air when the economiser is on (no mixing with return air in cold weather); water use
// is not modelled; DLC parameters are assumptions, not a validated design.

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "models/climate/Climate.hpp"
#include "models/facility/FacilityPower.hpp"

namespace dcsim::models {

/// Facility power beyond IT, by where it goes, W.
struct OverheadPower {
  double ups_loss_w = 0, distribution_loss_w = 0, lighting_w = 0, crah_fan_w = 0, chiller_w = 0, chw_pump_w = 0,
         cw_pump_w = 0, tower_fan_w = 0, economiser_pump_w = 0, humidifier_w = 0, dry_cooler_w = 0, other_w = 0;
  /// Sum of all parts (IT and the input's in-hall loss not included).
  double total_w() const;
};

struct CoolingInput {
  double it_w = 0.0;                       ///< IT power, > 0
  double electrical_loss_in_hall_w = 0.0;  ///< delivery losses computed elsewhere that heat the hall
  Weather outdoor;
};

/// (IT + in-hall loss + overhead) / IT.
double pue_of(const CoolingInput& in, const OverheadPower& p);
/// The split FacilityPower reports: delivery = UPS + distribution + in-hall loss, cooling = fans,
/// pumps, chillers, humidifier, dry coolers; other = lighting + other.
FacilityPower to_facility_power(const CoolingInput& in, const OverheadPower& p);

class CoolingModel {
 public:
  virtual ~CoolingModel() = default;
  virtual OverheadPower power(const CoolingInput& in) const = 0;
  /// True when power() is all zeros at every input (an ideal plant), so callers may skip it.
  virtual bool zero_overhead() const { return false; }
  /// The registry name.
  virtual std::string_view name() const = 0;
};

inline constexpr std::array<std::string_view, 4> kCoolingModelNames{"fixed_pue", "chilled_water", "airside_economiser",
                                                                     "direct_liquid"};
/// "fixed_pue", "chilled_water", "airside_economiser", "direct_liquid".
std::span<const std::string_view> cooling_model_names();

/// Lei & Masanet's chiller COP regression times (1 + pcop); t capped as described above.
double chiller_cop(double part_load, double condenser_t_c, double pcop = 0.0);

/// Electrical overhead shared by the plant models; defaults: Lei & Masanet's examples.
struct ElectricalParams {
  double ups_efficiency = 0.980302734;
  double pd_loss_rate = 0.00560546875;       ///< distribution loss / (IT + loss)
  double lighting_fraction = 0.00181445313;  ///< of IT
};

/// (a) defaults: the WEC example parameter set (facts 3.2; the tool's example notebook).
struct ChilledWaterParams {
  ElectricalParams electrical;
  double supply_air_c = 27.3671875;
  double delta_t_air_k = 18.8856337;
  double delta_t_chw_k = 7.50488281;    ///< facility / chilled water
  double delta_t_ct_k = 4.13867188;     ///< cooling-tower water
  double crah_fan_dp_pa = 416.992188;
  double crah_fan_efficiency = 0.713720703;
  double ct_fan_dp_pa = 148.339844;
  double ct_fan_efficiency = 0.745947266;
  double humidifier_pump_dp_pa = 6.50097656e6;
  double humidifier_pump_efficiency = 0.674023438;
  double economiser_pump_dp_pa = 1.56284191e5;
  double economiser_pump_efficiency = 0.668945312;
  double chw_pump_dp_pa = 1.71884552e5;
  double chw_pump_efficiency = 0.745117188;
  double ct_pump_dp_pa = 2.10534680e5;
  double ct_pump_efficiency = 0.709960938;
  double ct_approach_k = 6.50576172;
  double hx_approach_k = 2.29404297;
  double hx_effectiveness = 0.816601563;
  double sensible_heat_ratio = 0.986289063;
  double chiller_part_load = 0.224023438;
  double pcop = 0.105488281;
  double liquid_to_gas = 1.11914062;    ///< cooling-tower water / air mass ratio
};

/// (b) defaults: the AE example parameter set (facts 3.2).
struct AirsideEconomiserParams {
  ElectricalParams electrical;
  double supply_air_min_c = 10.3671875;
  double supply_air_max_c = 34.1953125;
  double delta_t_air_k = 14.7840712;
  double delta_t_chw_k = 6.91894531;
  double delta_t_ct_k = 4.28710938;
  double crah_fan_dp_pa = 685.058594;
  double crah_fan_efficiency = 0.829931641;
  double ct_fan_dp_pa = 203.417969;
  double ct_fan_efficiency = 0.897802734;
  double humidifier_pump_dp_pa = 7.31582031e6;
  double humidifier_pump_efficiency = 0.704492187;
  double chw_pump_dp_pa = 1.46519937e5;
  double chw_pump_efficiency = 0.790039062;
  double ct_pump_dp_pa = 2.12001820e5;
  double ct_pump_efficiency = 0.716601562;
  double ct_approach_k = 6.33818359;
  double chiller_part_load = 0.224023438;
  double pcop = 0.105488281;
  double liquid_to_gas = 1.11914062;
  double limit_dry_bulb_c = 27.0;   ///< economiser enthalpy limit: this dry bulb ...
  double limit_dew_point_c = 15.0;  ///< ... at this dew point (ASHRAE TC 9.9 recommended envelope)
  double min_supply_rh = 0.20;      ///< humidify below this RH at the supply temperature
  double adiabatic_max_rh = 0.80;   ///< adiabatic assist up to this RH at the supply temperature
};

/// (c) all values are assumptions (reference/facts.md 3.6 has no quantitative DLC data).
struct DirectLiquidParams {
  ElectricalParams electrical;
  double liquid_fraction = 0.80;          ///< IT heat captured by cold plates (assumed; rest to air)
  double facility_supply_c = 40.0;        ///< warm-water supply (ASHRAE W40 class upper bound, recalled)
  double facility_delta_t_k = 10.0;
  double dry_cooler_approach_k = 5.0;     ///< water leaving the dry cooler above outdoor dry bulb
  double dry_cooler_air_delta_t_k = 10.0;
  double dry_cooler_fan_dp_pa = 150.0;
  double dry_cooler_fan_efficiency = 0.60;
  double facility_pump_dp_pa = 1.5e5;
  double facility_pump_efficiency = 0.70;
  double cdu_pump_dp_pa = 1.0e5;
  double cdu_pump_efficiency = 0.60;
  double trim_carnot_fraction = 0.50;     ///< trim chiller COP / Carnot COP
  double trim_cop_max = 12.0;
  ChilledWaterParams air_side;            ///< the residual air-cooled load
};

struct FixedPueParams {
  double pue = 1.10;
};

using CoolingParams = std::variant<FixedPueParams, ChilledWaterParams, AirsideEconomiserParams, DirectLiquidParams>;

/// The parameters a registry name stands for, with their defaults; nullopt for an unknown name.
std::optional<CoolingParams> default_cooling_params(std::string_view name);

class FixedPueCooling final : public CoolingModel {
 public:
  explicit FixedPueCooling(FixedPueParams p) : p_(p) {}
  OverheadPower power(const CoolingInput& in) const override;
  /// PUE 1: the overhead max(0, IT x 0 - in-hall loss) is zero for any load.
  bool zero_overhead() const override { return p_.pue == 1.0; }
  std::string_view name() const override { return kCoolingModelNames[0]; }

 private:
  FixedPueParams p_;
};

class ChilledWaterPlant final : public CoolingModel {
 public:
  /// design_it_w: IT power at which fans run at their design point (> 0).
  ChilledWaterPlant(const ChilledWaterParams& p, double design_it_w);
  OverheadPower power(const CoolingInput& in) const override;
  std::string_view name() const override { return kCoolingModelNames[1]; }
  /// Share of the cooling the water-side economiser provides in this weather (0..1).
  double economiser_share(const Weather& outdoor) const;
  double supply_water_c() const { return t_sfw_c_; }
  double return_water_c() const { return t_rfw_c_; }
  /// The air-cooling part for a given heat load (used by the direct-liquid model).
  void add_air_cooling(double heat_w, const Weather& outdoor, OverheadPower& out) const;

 private:
  ChilledWaterParams p_;
  double t_sfw_c_, t_rfw_c_, h_fg_j_per_kg_;
  double design_air_kg_s_, design_tower_air_kg_s_;
};

class AirsideEconomiserPlant final : public CoolingModel {
 public:
  AirsideEconomiserPlant(const AirsideEconomiserParams& p, double design_it_w);
  OverheadPower power(const CoolingInput& in) const override;
  std::string_view name() const override { return kCoolingModelNames[2]; }
  /// Whether outdoor air carries the load in this weather.
  bool economiser_on(const Weather& outdoor) const;

 private:
  AirsideEconomiserParams p_;
  double design_air_kg_s_, design_tower_air_kg_s_;
};

class DirectLiquidPlant final : public CoolingModel {
 public:
  DirectLiquidPlant(const DirectLiquidParams& p, double design_it_w);
  OverheadPower power(const CoolingInput& in) const override;
  std::string_view name() const override { return kCoolingModelNames[3]; }
  /// Share of the liquid heat the dry coolers reject without the trim chiller (0..1).
  double dry_cooler_share(const Weather& outdoor) const;

 private:
  DirectLiquidParams p_;
  ChilledWaterPlant air_;
  double design_dry_cooler_air_kg_s_;
};

/// The model for a parameter set. design_it_w > 0 (unused by fixed_pue).
std::unique_ptr<CoolingModel> make_cooling_model(const CoolingParams& params, double design_it_w);

/// Whether the model of a parameter set reads the outdoor weather: every plant does; fixed_pue
/// (and so an ideal plant) does not.
inline bool cooling_reads_weather(const CoolingParams& params) { return !std::holds_alternative<FixedPueParams>(params); }

}  // namespace dcsim::models
