#include "models/cooling/CoolingPlant.hpp"

#include <algorithm>
#include <cmath>

#include "models/climate/Psychrometrics.hpp"

namespace dcsim::models {
namespace {

constexpr double kCpAir = 1010.0;    // J/(kg K), Lei & Masanet's 1.01 kJ/(kg K)
constexpr double kCpWater = 4200.0;  // J/(kg K), Lei & Masanet's 4.2 kJ/(kg K)
constexpr double kRhoWater = 1000.0;

struct Electrical {
  double ups_w, pd_w, lighting_w;
  double heat_w() const { return ups_w + pd_w + lighting_w; }
};

Electrical electrical(const ElectricalParams& p, double it_w) {
  return {it_w / p.ups_efficiency - it_w, it_w / (1.0 - p.pd_loss_rate) - it_w, it_w * p.lighting_fraction};
}

double fan_w(double air_kg_s, double rho, double dp_pa, double eta, double design_kg_s) {
  if (air_kg_s <= 0.0) return 0.0;
  const double speed = air_kg_s / design_kg_s;
  return air_kg_s / rho * dp_pa / eta * speed * speed;
}

double pump_w(double water_kg_s, double dp_pa, double eta) { return dp_pa * (water_kg_s / kRhoWater) / eta; }

double latent_heat_j_per_kg(double t_c) { return (2500.5 - 2.3097 * t_c - 0.0013 * t_c * t_c) * 1000.0; }

/// Chiller, chilled-water pump, tower pump and tower fan for chiller duty q_chiller_w when the
/// tower rejects q_tower_w + chiller power.
void add_chiller_and_tower(double q_chiller_w, double q_tower_w, const Weather& o, double part_load, double pcop,
                           double ct_approach_k, double dt_chw, double dt_ct, double chw_dp, double chw_eta,
                           double ct_dp, double ct_eta, double ct_fan_dp, double ct_fan_eta, double lg,
                           double design_tower_air_kg_s, OverheadPower& out) {
  const double chiller_w = q_chiller_w > 0.0 ? q_chiller_w / chiller_cop(part_load, o.wet_bulb_c + ct_approach_k, pcop) : 0.0;
  out.chiller_w += chiller_w;
  out.chw_pump_w += pump_w(q_chiller_w / (kCpWater * dt_chw), chw_dp, chw_eta);
  const double tower_water = (q_tower_w + chiller_w) / (kCpWater * dt_ct);
  out.cw_pump_w += pump_w(tower_water, ct_dp, ct_eta);
  out.tower_fan_w += fan_w(tower_water / lg, psychro::air_density_kg_per_m3(o.pressure_pa, o.dry_bulb_c), ct_fan_dp,
                           ct_fan_eta, design_tower_air_kg_s);
}

}  // namespace

double OverheadPower::total_w() const {
  return ups_loss_w + distribution_loss_w + lighting_w + crah_fan_w + chiller_w + chw_pump_w + cw_pump_w + tower_fan_w +
         economiser_pump_w + humidifier_w + dry_cooler_w + other_w;
}

double pue_of(const CoolingInput& in, const OverheadPower& p) {
  return (in.it_w + in.electrical_loss_in_hall_w + p.total_w()) / in.it_w;
}

FacilityPower to_facility_power(const CoolingInput& in, const OverheadPower& p) {
  FacilityPower f;
  f.it_w = in.it_w;
  f.delivery_loss_w = in.electrical_loss_in_hall_w + p.ups_loss_w + p.distribution_loss_w;
  f.cooling_w = p.crah_fan_w + p.chiller_w + p.chw_pump_w + p.cw_pump_w + p.tower_fan_w + p.economiser_pump_w +
                p.humidifier_w + p.dry_cooler_w;
  f.other_w = p.lighting_w + p.other_w;
  return f;
}

std::span<const std::string_view> cooling_model_names() { return kCoolingModelNames; }

double chiller_cop(double l, double t, double pcop) {
  const double t_min_cop = (0.760621 - 0.084615 * l) / (2.0 * 0.008840);
  t = std::min(t, t_min_cop);
  return (16.798751 + 0.008840 * t * t - 8.528931 * l * l + 9.885294 * l - 0.760621 * t + 0.084615 * l * t) * (1.0 + pcop);
}

std::optional<CoolingParams> default_cooling_params(std::string_view name) {
  if (name == kCoolingModelNames[0]) return CoolingParams{FixedPueParams{}};
  if (name == kCoolingModelNames[1]) return CoolingParams{ChilledWaterParams{}};
  if (name == kCoolingModelNames[2]) return CoolingParams{AirsideEconomiserParams{}};
  if (name == kCoolingModelNames[3]) return CoolingParams{DirectLiquidParams{}};
  return std::nullopt;
}

std::unique_ptr<CoolingModel> make_cooling_model(const CoolingParams& params, double design_it_w) {
  struct Make {
    double design;
    std::unique_ptr<CoolingModel> operator()(const FixedPueParams& p) const { return std::make_unique<FixedPueCooling>(p); }
    std::unique_ptr<CoolingModel> operator()(const ChilledWaterParams& p) const {
      return std::make_unique<ChilledWaterPlant>(p, design);
    }
    std::unique_ptr<CoolingModel> operator()(const AirsideEconomiserParams& p) const {
      return std::make_unique<AirsideEconomiserPlant>(p, design);
    }
    std::unique_ptr<CoolingModel> operator()(const DirectLiquidParams& p) const {
      return std::make_unique<DirectLiquidPlant>(p, design);
    }
  };
  return std::visit(Make{design_it_w}, params);
}

// ---------------------------------------------------------------------------------------------

OverheadPower FixedPueCooling::power(const CoolingInput& in) const {
  OverheadPower out;
  out.other_w = std::max(0.0, in.it_w * (p_.pue - 1.0) - in.electrical_loss_in_hall_w);
  return out;
}

// ---------------------------------------------------------------------------------------------

ChilledWaterPlant::ChilledWaterPlant(const ChilledWaterParams& p, double design_it_w) : p_(p) {
  const double t_ra = p.supply_air_c + p.delta_t_air_k;
  t_sfw_c_ = t_ra - p.delta_t_air_k / p.hx_effectiveness;
  t_rfw_c_ = t_sfw_c_ + p.delta_t_chw_k;
  h_fg_j_per_kg_ = latent_heat_j_per_kg(0.5 * (t_sfw_c_ + t_rfw_c_));
  const double heat = design_it_w + electrical(p.electrical, design_it_w).heat_w();
  design_air_kg_s_ = heat / (kCpAir * p.delta_t_air_k);
  design_tower_air_kg_s_ = heat / p.sensible_heat_ratio / (kCpWater * p.delta_t_ct_k) / p.liquid_to_gas;
}

double ChilledWaterPlant::economiser_share(const Weather& o) const {
  const double t_ws = o.wet_bulb_c + p_.ct_approach_k + p_.hx_approach_k;
  if (t_ws <= t_sfw_c_) return 1.0;
  if (t_ws < t_rfw_c_) return (t_rfw_c_ - t_ws) / (t_rfw_c_ - t_sfw_c_);
  return 0.0;
}

void ChilledWaterPlant::add_air_cooling(double heat_w, const Weather& o, OverheadPower& out) const {
  const double air = heat_w / (kCpAir * p_.delta_t_air_k);
  out.crah_fan_w += fan_w(air, psychro::air_density_kg_per_m3(o.pressure_pa, p_.supply_air_c), p_.crah_fan_dp_pa,
                          p_.crah_fan_efficiency, design_air_kg_s_);
  const double required = heat_w / p_.sensible_heat_ratio;
  out.humidifier_w += pump_w((required - heat_w) / h_fg_j_per_kg_, p_.humidifier_pump_dp_pa, p_.humidifier_pump_efficiency);
  const double share = economiser_share(o);
  const double q_economiser = share * required;
  out.economiser_pump_w += pump_w(q_economiser / (kCpWater * p_.delta_t_chw_k), p_.economiser_pump_dp_pa,
                                  p_.economiser_pump_efficiency);
  add_chiller_and_tower(required - q_economiser, required, o, p_.chiller_part_load, p_.pcop, p_.ct_approach_k,
                        p_.delta_t_chw_k, p_.delta_t_ct_k, p_.chw_pump_dp_pa, p_.chw_pump_efficiency, p_.ct_pump_dp_pa,
                        p_.ct_pump_efficiency, p_.ct_fan_dp_pa, p_.ct_fan_efficiency, p_.liquid_to_gas,
                        design_tower_air_kg_s_, out);
}

OverheadPower ChilledWaterPlant::power(const CoolingInput& in) const {
  const Electrical e = electrical(p_.electrical, in.it_w);
  OverheadPower out;
  out.ups_loss_w = e.ups_w;
  out.distribution_loss_w = e.pd_w;
  out.lighting_w = e.lighting_w;
  add_air_cooling(in.it_w + e.heat_w() + in.electrical_loss_in_hall_w, in.outdoor, out);
  return out;
}

// ---------------------------------------------------------------------------------------------

AirsideEconomiserPlant::AirsideEconomiserPlant(const AirsideEconomiserParams& p, double design_it_w) : p_(p) {
  const double heat = design_it_w + electrical(p.electrical, design_it_w).heat_w();
  design_air_kg_s_ = heat / (kCpAir * p.delta_t_air_k);
  design_tower_air_kg_s_ = heat / (kCpWater * p.delta_t_ct_k) / p.liquid_to_gas;
}

namespace {

struct AirsideState {
  bool on = false;
  double supply_c = 0;
  double added_water_kg_per_kg = 0;  ///< humidification / evaporative water per kg dry air
};

AirsideState airside_state(const AirsideEconomiserParams& p, const Weather& o) {
  using namespace psychro;
  AirsideState s;
  s.supply_c = std::clamp(o.dry_bulb_c, p.supply_air_min_c, p.supply_air_max_c);
  const double w_oa = humidity_ratio(o.dry_bulb_c, std::clamp(o.relative_humidity, 0.0, 1.0), o.pressure_pa);
  const double h_oa = enthalpy_j_per_kg(o.dry_bulb_c, w_oa);
  const double h_limit = enthalpy_j_per_kg(
      p.limit_dry_bulb_c, humidity_ratio_from_vapour_pressure(saturation_pressure_water_pa(p.limit_dew_point_c), o.pressure_pa));
  // Water that brings outdoor air to the supply temperature at constant enthalpy.
  const double w_adiabatic = (h_oa - 1006.0 * s.supply_c) / (2'501'000.0 + 1860.0 * s.supply_c);
  if (h_oa < h_limit) {
    s.on = true;
    if (o.dry_bulb_c <= s.supply_c) {
      const double w_min = humidity_ratio(s.supply_c, p.min_supply_rh, o.pressure_pa);
      s.added_water_kg_per_kg = std::max(0.0, w_min - w_oa);
    } else {
      s.added_water_kg_per_kg = std::max(0.0, w_adiabatic - w_oa);
    }
  } else if (h_oa <= enthalpy_j_per_kg(s.supply_c, humidity_ratio(s.supply_c, p.adiabatic_max_rh, o.pressure_pa))) {
    s.on = true;
    s.added_water_kg_per_kg = std::max(0.0, w_adiabatic - w_oa);
  }
  return s;
}

}  // namespace

bool AirsideEconomiserPlant::economiser_on(const Weather& o) const { return airside_state(p_, o).on; }

OverheadPower AirsideEconomiserPlant::power(const CoolingInput& in) const {
  const Electrical e = electrical(p_.electrical, in.it_w);
  OverheadPower out;
  out.ups_loss_w = e.ups_w;
  out.distribution_loss_w = e.pd_w;
  out.lighting_w = e.lighting_w;
  const double heat = in.it_w + e.heat_w() + in.electrical_loss_in_hall_w;
  const AirsideState s = airside_state(p_, in.outdoor);
  const double air = heat / (kCpAir * p_.delta_t_air_k);
  out.crah_fan_w = fan_w(air, psychro::air_density_kg_per_m3(in.outdoor.pressure_pa, s.supply_c), p_.crah_fan_dp_pa,
                         p_.crah_fan_efficiency, design_air_kg_s_);
  if (s.on) {
    const double water = air * s.added_water_kg_per_kg / (1.0 + s.added_water_kg_per_kg);
    out.humidifier_w = pump_w(water, p_.humidifier_pump_dp_pa, p_.humidifier_pump_efficiency);
  } else {
    add_chiller_and_tower(heat, heat, in.outdoor, p_.chiller_part_load, p_.pcop, p_.ct_approach_k, p_.delta_t_chw_k,
                          p_.delta_t_ct_k, p_.chw_pump_dp_pa, p_.chw_pump_efficiency, p_.ct_pump_dp_pa,
                          p_.ct_pump_efficiency, p_.ct_fan_dp_pa, p_.ct_fan_efficiency, p_.liquid_to_gas,
                          design_tower_air_kg_s_, out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

namespace {
// The air side is handed all residual heat, losses included, as its load; its own electrical
// overhead would count them twice.
ChilledWaterParams without_electrical(ChilledWaterParams p) {
  p.electrical = ElectricalParams{1.0, 0.0, 0.0};
  return p;
}
}  // namespace

DirectLiquidPlant::DirectLiquidPlant(const DirectLiquidParams& p, double design_it_w)
    : p_(p),
      air_(without_electrical(p.air_side), (1.0 - p.liquid_fraction) * design_it_w + electrical(p.electrical, design_it_w).heat_w()) {
  design_dry_cooler_air_kg_s_ = p.liquid_fraction * design_it_w / (kCpAir * p.dry_cooler_air_delta_t_k);
}

double DirectLiquidPlant::dry_cooler_share(const Weather& o) const {
  const double leaving = o.dry_bulb_c + p_.dry_cooler_approach_k;
  if (leaving <= p_.facility_supply_c) return 1.0;
  const double ret = p_.facility_supply_c + p_.facility_delta_t_k;
  if (leaving < ret) return (ret - leaving) / p_.facility_delta_t_k;
  return 0.0;
}

OverheadPower DirectLiquidPlant::power(const CoolingInput& in) const {
  const Electrical e = electrical(p_.electrical, in.it_w);
  OverheadPower out;
  out.ups_loss_w = e.ups_w;
  out.distribution_loss_w = e.pd_w;
  out.lighting_w = e.lighting_w;
  const double q_liquid = p_.liquid_fraction * in.it_w;
  air_.add_air_cooling((1.0 - p_.liquid_fraction) * in.it_w + e.heat_w() + in.electrical_loss_in_hall_w, in.outdoor, out);

  const double water = q_liquid / (kCpWater * p_.facility_delta_t_k);
  out.economiser_pump_w += pump_w(water, p_.facility_pump_dp_pa, p_.facility_pump_efficiency) +
                           pump_w(water, p_.cdu_pump_dp_pa, p_.cdu_pump_efficiency);
  const double q_trim = (1.0 - dry_cooler_share(in.outdoor)) * q_liquid;
  double trim_w = 0.0;
  if (q_trim > 0.0) {
    const double lift = in.outdoor.dry_bulb_c + p_.dry_cooler_approach_k - p_.facility_supply_c;
    const double cop = std::min(p_.trim_cop_max, p_.trim_carnot_fraction * (p_.facility_supply_c + 273.15) / lift);
    trim_w = q_trim / cop;
  }
  out.chiller_w += trim_w;
  out.dry_cooler_w = fan_w((q_liquid + trim_w) / (kCpAir * p_.dry_cooler_air_delta_t_k),
                           psychro::air_density_kg_per_m3(in.outdoor.pressure_pa, in.outdoor.dry_bulb_c),
                           p_.dry_cooler_fan_dp_pa, p_.dry_cooler_fan_efficiency, design_dry_cooler_air_kg_s_);
  return out;
}

}  // namespace dcsim::models
