// Cooling-plant and facility-overhead models.
//
// Expected values: Lei & Masanet 2020 (reference/facts.md 3.2): the COP regression evaluated at
// two points, and the PUE their tool prints for the two example parameter sets at 20 C, 40 % RH,
// 101325 Pa (WEC 1.0887, AE 1.0747); fan affinity laws; energy conservation; climate ordering.

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "models/climate/Climate.hpp"
#include "models/climate/Psychrometrics.hpp"
#include "models/cooling/CoolingPlant.hpp"
#include "sim/scenario/Catalog.hpp"
#include "sim/scenario/ClimateSpec.hpp"

using namespace dcsim::models;

namespace {

constexpr std::int64_t k2023 = 1'672'531'200'000;  // 2023-01-01T00:00:00Z
constexpr double kIt = 10e6;

const Weather kMild = make_weather(20.0, 0.40, 101'325.0);

double pue(const CoolingModel& m, double it_w, const Weather& w) {
  const CoolingInput in{it_w, 0.0, w};
  return pue_of(in, m.power(in));
}

double sum_of_parts(const OverheadPower& p) {
  return p.ups_loss_w + p.distribution_loss_w + p.lighting_w + p.crah_fan_w + p.chiller_w + p.chw_pump_w + p.cw_pump_w +
         p.tower_fan_w + p.economiser_pump_w + p.humidifier_w + p.dry_cooler_w + p.other_w;
}

SiteClimate site(const std::string& name) {
  static const auto s = dcsim::scenario::load_catalog<dcsim::scenario::SiteClimateSpec>(
      std::string(DCSIM_SCENARIO_DIR) + "/catalog/sites.yaml", "sites");
  return s.at(name).to_model();
}

}  // namespace

TEST_SUITE("cooling") {

TEST_CASE("the registry lists the four models and builds each") {
  const auto names = cooling_model_names();
  REQUIRE(names.size() == 4);
  for (std::string_view n : names) {
    CAPTURE(n);
    const auto params = default_cooling_params(n);
    REQUIRE(params.has_value());
    const auto model = make_cooling_model(*params, kIt);
    CHECK(model->name() == n);
  }
  CHECK(!default_cooling_params("chiled_water").has_value());
}

TEST_CASE("the chiller COP regression gives about 8.8 at (0.5, 20 C) and 6.0 at (0.5, 30 C)") {
  // facts 3.2: 16.798751 + 0.00884 t^2 - 8.528931 L^2 + 9.885294 L - 0.760621 t + 0.084615 L t.
  CHECK(chiller_cop(0.5, 20.0) == doctest::Approx(8.8).epsilon(0.01));
  CHECK(chiller_cop(0.5, 30.0) == doctest::Approx(6.0).epsilon(0.01));
  CHECK(chiller_cop(0.5, 20.0, 0.1) == doctest::Approx(1.1 * chiller_cop(0.5, 20.0)));
  // Warmer condenser water never improves the COP (the fit is capped at its minimum).
  for (double t = 0.0; t < 60.0; t += 1.0) CHECK(chiller_cop(0.224, t + 1.0) <= chiller_cop(0.224, t) + 1e-12);
}

TEST_CASE("the WEC example parameters give Lei & Masanet's PUE 1.0887 at 20 C, 40 % RH, sea level") {
  const ChilledWaterPlant plant(ChilledWaterParams{}, kIt);
  CHECK(pue(plant, kIt, kMild) == doctest::Approx(1.0887).epsilon(0.005 / 1.0887));
  // facts 3.2: full free cooling below a wet bulb of 14.3 C, none above 21.8 C.
  CHECK(plant.economiser_share(kMild) == 1.0);
  CHECK(plant.supply_water_c() == doctest::Approx(14.3 + 6.51 + 2.29).epsilon(0.003));
  CHECK(plant.return_water_c() == doctest::Approx(21.8 + 6.51 + 2.29).epsilon(0.003));
  Weather hot = kMild;
  hot.wet_bulb_c = 25.0;
  CHECK(plant.economiser_share(hot) == 0.0);
  hot.wet_bulb_c = 18.0;
  CHECK(plant.economiser_share(hot) > 0.0);
  CHECK(plant.economiser_share(hot) < 1.0);
}

TEST_CASE("the AE example parameters give Lei & Masanet's PUE 1.0747 at 20 C, 40 % RH, sea level") {
  const AirsideEconomiserPlant plant(AirsideEconomiserParams{}, kIt);
  CHECK(plant.economiser_on(kMild));
  CHECK(pue(plant, kIt, kMild) == doctest::Approx(1.0747).epsilon(0.005 / 1.0747));
  // Air above the enthalpy of supply air at 80 % RH (here 35 C, 90 % RH: ~119 kJ/kg against
  // ~105 kJ/kg at the 34.2 C supply limit) cannot be used: the chiller runs and the PUE rises.
  const Weather muggy = make_weather(35.0, 0.90);
  CHECK(!plant.economiser_on(muggy));
  CHECK(plant.power({kIt, 0.0, muggy}).chiller_w > 0.0);
  CHECK(pue(plant, kIt, muggy) > pue(plant, kIt, kMild));
}

TEST_CASE("fan power follows the cube law in airflow") {
  // Airflow is proportional to the heat load at fixed supply temperature and dT, so halving the
  // IT load halves the airflow and divides fan power by 8.
  const ChilledWaterPlant cw(ChilledWaterParams{}, kIt);
  const OverheadPower full = cw.power({kIt, 0.0, kMild});
  const OverheadPower half = cw.power({kIt / 2, 0.0, kMild});
  CHECK(half.crah_fan_w == doctest::Approx(full.crah_fan_w / 8.0).epsilon(1e-12));
  CHECK(half.tower_fan_w == doctest::Approx(full.tower_fan_w / 8.0).epsilon(1e-12));
  // Pumps run at constant head: linear in flow.
  CHECK(half.economiser_pump_w == doctest::Approx(full.economiser_pump_w / 2.0).epsilon(1e-12));
  const AirsideEconomiserPlant ae(AirsideEconomiserParams{}, kIt);
  CHECK(ae.power({kIt / 4, 0.0, kMild}).crah_fan_w == doctest::Approx(ae.power({kIt, 0.0, kMild}).crah_fan_w / 64.0));
}

TEST_CASE("PUE >= 1 and parts are non-negative over a sweep of weather and load") {
  std::vector<std::unique_ptr<CoolingModel>> models;
  for (std::string_view n : cooling_model_names()) models.push_back(make_cooling_model(*default_cooling_params(n), kIt));
  for (const auto& m : models)
    for (double t = -30.0; t <= 45.0; t += 5.0)
      for (double rh = 0.05; rh <= 1.0001; rh += 0.095)
        for (double load = 0.05; load <= 1.0001; load += 0.19) {
          const CoolingInput in{load * kIt, 0.0, make_weather(t, rh)};
          const OverheadPower p = m->power(in);
          CAPTURE(m->name());
          CAPTURE(t);
          CAPTURE(rh);
          CAPTURE(load);
          REQUIRE(pue_of(in, p) >= 1.0);
          REQUIRE(std::isfinite(pue_of(in, p)));
          for (double part : {p.ups_loss_w, p.distribution_loss_w, p.lighting_w, p.crah_fan_w, p.chiller_w, p.chw_pump_w,
                              p.cw_pump_w, p.tower_fan_w, p.economiser_pump_w, p.humidifier_w, p.dry_cooler_w, p.other_w})
            REQUIRE(part >= 0.0);
        }
}

TEST_CASE("energy balance: facility power is IT plus the sum of the parts") {
  const DirectLiquidPlant dlc(DirectLiquidParams{}, kIt);
  const ChilledWaterPlant cw(ChilledWaterParams{}, kIt);
  for (const CoolingModel* m : {static_cast<const CoolingModel*>(&dlc), static_cast<const CoolingModel*>(&cw)})
    for (const Weather& w : {kMild, make_weather(38.0, 0.5), make_weather(-10.0, 0.8)}) {
      const CoolingInput in{0.7 * kIt, 1.5e5, w};
      const OverheadPower p = m->power(in);
      const double facility = in.it_w + in.electrical_loss_in_hall_w + sum_of_parts(p);
      CHECK(std::abs(pue_of(in, p) * in.it_w - facility) <= 1e-12 * facility);
      const FacilityPower f = to_facility_power(in, p);
      CHECK(std::abs(f.total_w() - facility) <= 1e-12 * facility);
    }
}

TEST_CASE("fixed PUE puts all overhead in other_w") {
  const FixedPueCooling fixed(FixedPueParams{1.1});
  const OverheadPower p = fixed.power({kIt, 0.0, kMild});
  CHECK(p.other_w == doctest::Approx(kIt * 0.1));
  CHECK(p.total_w() == doctest::Approx(p.other_w));
  CHECK(pue(fixed, kIt, make_weather(40.0, 0.9)) == doctest::Approx(1.1));
  // In-hall losses given by a power-delivery model are part of the fixed PUE, not added to it.
  const CoolingInput in{kIt, 2e5, kMild};
  CHECK(pue_of(in, fixed.power(in)) == doctest::Approx(1.1));
}

TEST_CASE("only a plant of PUE 1 says it draws nothing at every load, and then it does") {
  const FixedPueCooling ideal(FixedPueParams{1.0});
  CHECK(ideal.zero_overhead());
  for (const CoolingInput& in : {CoolingInput{kIt, 0.0, kMild}, CoolingInput{1.0, 5e5, make_weather(45.0, 0.9)}})
    CHECK(ideal.power(in).total_w() == 0.0);
  CHECK_FALSE(FixedPueCooling(FixedPueParams{1.1}).zero_overhead());
  CHECK_FALSE(ChilledWaterPlant(ChilledWaterParams{}, kIt).zero_overhead());
  CHECK_FALSE(DirectLiquidPlant(DirectLiquidParams{}, kIt).zero_overhead());
}

TEST_CASE("direct liquid cooling runs chiller-free in mild weather and needs the trim chiller in heat") {
  const DirectLiquidPlant dlc(DirectLiquidParams{}, kIt);
  CHECK(dlc.dry_cooler_share(make_weather(30.0, 0.5)) == 1.0);  // 30 + 5 K approach <= 40 C supply
  CHECK(dlc.dry_cooler_share(make_weather(40.0, 0.3)) == doctest::Approx(0.5));  // 45 C: halfway to the 50 C return
  const OverheadPower hot = dlc.power({kIt, 0.0, make_weather(40.0, 0.3)});
  CHECK(hot.dry_cooler_w > 0.0);
  // Warm water beats the all-air chilled-water plant in the heat (less chiller duty).
  const ChilledWaterPlant cw(ChilledWaterParams{}, kIt);
  CHECK(pue(dlc, kIt, make_weather(35.0, 0.6)) < pue(cw, kIt, make_weather(35.0, 0.6)));
}

TEST_CASE("a year of synthetic weather: Singapore's PUE exceeds Iowa's, and Georgia's July exceeds its January") {
  const ChilledWaterPlant plant(ChilledWaterParams{}, kIt);
  auto annual = [&](const std::string& name, double* jan, double* jul) {
    const SiteClimate c = site(name);
    const WeatherTrace w = synthetic_weather(c, k2023, 8760, 2023);
    double facility = 0, it = 0, fj = 0, ij = 0, fl = 0, il = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      const CoolingInput in{kIt, 0.0, w.values[i]};
      const double f = in.it_w + plant.power(in).total_w();
      facility += f;
      it += in.it_w;
      if (i < 31 * 24) fj += f, ij += in.it_w;
      if (i >= 181 * 24 && i < 212 * 24) fl += f, il += in.it_w;
    }
    if (jan) *jan = fj / ij;
    if (jul) *jul = fl / il;
    return facility / it;
  };
  const double iowa = annual("iowa", nullptr, nullptr);
  const double singapore = annual("singapore", nullptr, nullptr);
  double ga_jan = 0, ga_jul = 0;
  annual("georgia", &ga_jan, &ga_jul);
  MESSAGE("annual PUE iowa " << iowa << ", singapore " << singapore << "; georgia Jan " << ga_jan << ", Jul " << ga_jul);
  CHECK(singapore > iowa);
  CHECK(ga_jul > ga_jan);
  CHECK(iowa > 1.0);
  CHECK(singapore < 1.5);
}

}  // TEST_SUITE
