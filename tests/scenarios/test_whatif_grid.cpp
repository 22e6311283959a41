// The grid what-if scenarios under scenarios/whatif/, run end to end.

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "analysis/ResultFile.hpp"
#include "models/units/Calendar.hpp"
#include "sim/Run.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::test::TempDir;

namespace {

std::string whatif(const std::string& name) { return std::string(DCSIM_SCENARIO_DIR) + "/whatif/" + name; }

struct Profile {
  std::array<double, 24> hour{};  // mean gross g/kWh by UTC hour
  std::array<double, 12> month{};
};

// Runs a what-if with output and averages its hourly gross intensity by hour of day and month.
Profile profile_of(const std::string& scenario, dcsim::sim::RunOutcome& outcome) {
  TempDir dir;
  const auto out = dir / "run.h5";
  outcome = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(whatif(scenario)), out);
  const auto ts = dcsim::analysis::read_timeseries(out.string());
  const auto& t = ts.at("time_s");
  const auto& g = ts.at("grid_gross_g_per_kwh");
  const std::int64_t start = dcsim::units::parse_utc_ms("2023-01-01T00:00:00Z");
  std::array<double, 24> hs{}, hn{};
  std::array<double, 12> ms{}, mn{};
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string iso = dcsim::units::format_utc(start + static_cast<std::int64_t>(t[i]) * 1000);
    const int month = std::stoi(iso.substr(5, 2)) - 1, hour = std::stoi(iso.substr(11, 2));
    hs[hour] += g[i];
    hn[hour] += 1;
    ms[month] += g[i];
    mn[month] += 1;
  }
  Profile p;
  for (int h = 0; h < 24; ++h) p.hour[h] = hs[h] / hn[h];
  for (int m = 0; m < 12; ++m) p.month[m] = ms[m] / mn[m];
  return p;
}

double mean_g_per_kwh(const dcsim::sim::RunOutcome& r) { return r.summary.co2e_gross_t / r.summary.facility_energy_mwh * 1e3; }

}  // namespace

TEST_SUITE("what-if: grid") {
  TEST_CASE("the CAISO-like mix averages within 10% of 261 g/kWh with its cleanest hour at local midday") {
    dcsim::sim::RunOutcome r;
    const Profile p = profile_of("grid-mix-caiso-2023.yaml", r);
    CHECK(std::fabs(mean_g_per_kwh(r) / 261.0 - 1.0) < 0.10);  // facts 4.2, Electricity Maps 2023
    const auto cleanest = std::min_element(p.hour.begin(), p.hour.end()) - p.hour.begin();
    const long local = (cleanest + 24 - 8) % 24;  // PST = UTC-8
    CHECK(local >= 10);
    CHECK(local <= 15);
  }

  TEST_CASE("the Finland-like mix is dirtier in winter than in summer") {
    dcsim::sim::RunOutcome r;
    const Profile p = profile_of("grid-mix-finland-2023.yaml", r);
    const double winter = (p.month[11] + p.month[0] + p.month[1]) / 3.0;
    const double summer = (p.month[5] + p.month[6] + p.month[7]) / 3.0;
    CHECK(winter > summer);
  }

  TEST_CASE("the Quebec-like mix stays under 40 g/kWh") {
    dcsim::sim::RunOutcome r;
    profile_of("grid-mix-quebec-2023.yaml", r);
    CHECK(mean_g_per_kwh(r) < 40.0);
  }

  TEST_CASE("a CAISO run at local midday emits less than the same run at night") {
    const auto night = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(whatif("time-of-day-caiso-night.yaml")), std::nullopt);
    const auto noon = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(whatif("time-of-day-caiso-midday.yaml")), std::nullopt);
    CHECK(night.summary.facility_energy_mwh == doctest::Approx(noon.summary.facility_energy_mwh).epsilon(1e-12));
    CHECK(noon.summary.co2e_gross_t < night.summary.co2e_gross_t);
  }

  TEST_CASE("the wind-farm what-if's 24/7 net is the hourly sum of unmatched load x grid intensity") {
    TempDir dir;
    const auto out = dir / "run.h5";
    const auto r = dcsim::sim::run_scenario(dcsim::scenario::load_scenario(whatif("wind-farm-247.yaml")), out);
    const auto ts = dcsim::analysis::read_timeseries(out.string());
    // Load, supply and intensity are constant within each hour (hourly grid and farm profiles,
    // a job starting on the hour): sum max(0, P - S) x CI x 1 h over the hours.
    const auto& p = ts.at("facility_power_w");
    const auto& s = ts.at("cfe_supply_w");
    const auto& ci = ts.at("grid_gross_g_per_kwh");
    double kg = 0.0, gross_kg = 0.0, matched_j = 0.0, energy_j = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      kg += std::max(0.0, p[i] - s[i]) / 1000.0 * ci[i] / 1000.0;  // kW x 1 h x kg/kWh
      gross_kg += p[i] / 1000.0 * ci[i] / 1000.0;
      matched_j += std::min(p[i], s[i]) * 3600.0;
      energy_j += p[i] * 3600.0;
    }
    CHECK(p.size() == 720);
    CHECK(r.summary.net_basis == "hourly");
    CHECK(r.summary.co2e_net_t * 1e3 == doctest::Approx(kg).epsilon(1e-9));
    CHECK(r.summary.co2e_gross_t * 1e3 == doctest::Approx(gross_kg).epsilon(1e-9));
    CHECK(r.summary.cfe_matched_share == doctest::Approx(matched_j / energy_j).epsilon(1e-9));
    // Annual matching credits all of the farm's output: it claims less than hourly matching.
    CHECK(r.summary.co2e_annual_t < r.summary.co2e_hourly_t);
  }
}
