// The generation-mix grid model (models/grid/GenerationMix.hpp, SolarPosition.hpp).
//
// Expected values are worked by hand or taken from published figures:
// - solar geometry: at an equinox the declination is ~0, so at solar noon on the equator the sun
//   is overhead (90 deg); at the June solstice the declination is the axial tilt 23.44 deg, so
//   the noon elevation at latitude L is 90 - L + 23.44 deg.
// - 2023-01-01 is 53 x 365 + 13 (leap years 1972..2020) = 19358 days after the epoch, a Sunday.
// - intensities of toy mixes are generation-weighted means of the IPCC AR5 medians.
// - catalog regions against reference/facts.md section 4.2 (Electricity Maps lifecycle annual
//   means; Taiwan from the Google Cloud table) and 4.3 (CAISO's midday minimum).
// Set DCSIM_PRINT_CALIBRATION=1 to print every region's figures.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "models/InputError.hpp"
#include "models/grid/GenerationMix.hpp"
#include "models/grid/SolarPosition.hpp"
#include "sim/scenario/Catalog.hpp"
#include "sim/scenario/GridMixSpec.hpp"

namespace {

using namespace dcsim::models;

constexpr double kG = 1e-3 / 3.6e6;  // 1 g/kWh in kg/J
constexpr double kGW = 1e9;
constexpr std::int64_t kMsPerHour = 3'600'000;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;
constexpr std::int64_t k2023 = (53 * 365 + 13) * kMsPerDay;  // 2023-01-01T00:00:00Z
constexpr std::size_t kYear = 8760;

bool print_calibration() { return std::getenv("DCSIM_PRINT_CALIBRATION") != nullptr; }

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

double mean_g_per_kwh(const IntensityTrace& t) { return mean(t.intensity_kg_per_j) / kG; }

/// A region with flat demand and nothing installed.
MixRegion flat_region(double demand_w) {
  MixRegion r;
  r.name = "toy";
  r.demand.mean_w = demand_w;
  return r;
}

double column_mean(const Eigen::MatrixXd& g, Source s) { return g.col(static_cast<Eigen::Index>(s)).mean(); }

const std::map<std::string, dcsim::scenario::MixRegionSpec>& catalog() {
  static const auto regions = dcsim::scenario::load_catalog<dcsim::scenario::MixRegionSpec>(
      std::string(DCSIM_SCENARIO_DIR) + "/catalog/grid-mix.yaml", "regions");
  return regions;
}

IntensityTrace year_2023(const std::string& region, std::uint64_t seed) {
  return generate_mix(dcsim::scenario::to_model(catalog().at(region)), k2023, kYear, seed);
}

}  // namespace

TEST_SUITE("generation mix") {
  TEST_CASE("the sun is overhead at solar noon on the equator at the March equinox") {
    // 2023-03-20 is day 79; the equation of time is about -7.5 min, so solar noon at 0 deg E is
    // about 12:07.5 UTC. The equinox itself is at 21:24 UTC and the declination moves ~0.4 deg
    // a day, so the true value is ~89.8 deg; Spencer's series is a mean over the leap-year cycle
    // and may be a few tenths of a degree off for a given year: allow 0.75 deg.
    const double noon = solar_elevation_deg(0.0, 0.0, 79, 12.0 + 7.5 / 60.0);
    CHECK(noon == doctest::Approx(90.0).epsilon(0.75 / 90.0));
  }

  TEST_CASE("the noon sun in London at the June solstice stands 90 minus latitude plus the axial tilt") {
    // 2023-06-21 is day 172; the equation of time is about -1.5 min (0.4 deg of hour angle).
    const double noon = solar_elevation_deg(51.5, 0.0, 172, 12.0);
    CHECK(noon == doctest::Approx(90.0 - 51.5 + 23.44).epsilon(0.005));
  }

  TEST_CASE("the sun is below the horizon at midnight and the clear-sky factor is then zero") {
    CHECK(solar_elevation_deg(0.0, 0.0, 79, 0.0) < -80.0);
    CHECK(clear_sky_factor(0.0, 0.0, k2023) == 0.0);
    CHECK(clear_sky_factor(0.0, 0.0, k2023 + 12 * kMsPerHour) > 0.9);
  }

  TEST_CASE("calendar days of the year and weekdays are counted from the epoch") {
    const UtcDayHour jan1 = utc_day_hour(k2023 + 6 * kMsPerHour + 30 * 60'000);
    CHECK(jan1.year == 2023);
    CHECK(jan1.day_of_year == 1);
    CHECK(jan1.weekday == 0);  // Sunday
    CHECK(jan1.hour == doctest::Approx(6.5));
    const UtcDayHour dec31 = utc_day_hour(k2023 + (365 + 365) * kMsPerDay);  // 2024 is a leap year
    CHECK(dec31.year == 2024);
    CHECK(dec31.day_of_year == 366);
    CHECK(utc_day_hour(-1).year == 1969);
    CHECK(utc_day_hour(-1).day_of_year == 365);
  }

  TEST_CASE("solar generation is zero whenever the sun is down") {
    MixRegion r = flat_region(10 * kGW);
    r.latitude_deg = 40.0;
    r.longitude_deg = -100.0;
    r.solar.capacity_w = 5 * kGW;
    r.gas.capacity_w = 20 * kGW;
    const Eigen::MatrixXd g = generation_w(r, k2023, 48, 1);
    for (Eigen::Index t = 0; t < g.rows(); ++t) {
      const std::int64_t mid = k2023 + t * kMsPerHour + kMsPerHour / 2;
      if (solar_elevation_deg_at(40.0, -100.0, mid) < 0.0) CHECK(g(t, 0) == 0.0);
    }
    CHECK(g.col(0).maxCoeff() > 0.0);
  }

  TEST_CASE("intensity is the generation-weighted mean of the emission factors") {
    Eigen::MatrixXd g(2, 2);
    g << 1.0, 3.0,  // 1 W at 12 g/kWh, 3 W at 490 g/kWh: (12 + 1470) / 4 = 370.5
        2.0, 0.0;   // only the first source: 12
    Eigen::VectorXd ef(2);
    ef << 12 * kG, 490 * kG;
    const Eigen::VectorXd i = intensity_of(g, ef);
    CHECK(i[0] / kG == doctest::Approx(370.5));
    CHECK(i[1] / kG == doctest::Approx(12.0));
  }

  TEST_CASE("a nuclear and gas region has the hand-computed intensity") {
    // 1 GW nuclear at 90% availability runs flat; gas fills the remaining 1.1 GW of 2 GW.
    // (0.9 x 12 + 1.1 x 490) / 2 = 274.9 g/kWh.
    MixRegion r = flat_region(2 * kGW);
    r.nuclear = {1 * kGW, {0.9, 0.0, 1.0}, 1.0};
    r.gas = {3 * kGW, {1.0, 0.0, 1.0}, 0.0};
    const IntensityTrace t = generate_mix(r, k2023, 24, 7);
    REQUIRE(t.size() == 24);
    for (double v : t.intensity_kg_per_j) CHECK(v / kG == doctest::Approx(274.9));
    for (double c : t.cfe_share) CHECK(c == doctest::Approx(0.45));
    CHECK(t.utc_ms[1] - t.utc_ms[0] == kMsPerHour);
  }

  TEST_CASE("the merit order fills gas before oil, and the reverse order oil before gas") {
    MixRegion r = flat_region(1.5 * kGW);
    r.gas = {1 * kGW, {1.0, 0.0, 1.0}, 0.0};
    r.oil = {1 * kGW, {1.0, 0.0, 1.0}, 0.0};
    r.merit_order = {Source::gas, Source::oil};
    Eigen::MatrixXd g = generation_w(r, k2023, 10, 1);
    CHECK(column_mean(g, Source::gas) == doctest::Approx(1 * kGW));
    CHECK(column_mean(g, Source::oil) == doctest::Approx(0.5 * kGW));
    r.merit_order = {Source::oil, Source::gas};
    g = generation_w(r, k2023, 10, 1);
    CHECK(column_mean(g, Source::oil) == doctest::Approx(1 * kGW));
    CHECK(column_mean(g, Source::gas) == doctest::Approx(0.5 * kGW));
  }

  TEST_CASE("demand beyond every capacity is imported when imports exist, else run on the last source") {
    MixRegion r = flat_region(3 * kGW);
    r.gas = {1 * kGW, {1.0, 0.0, 1.0}, 0.0};
    r.oil = {1 * kGW, {1.0, 0.0, 1.0}, 0.0};
    r.merit_order = {Source::gas, Source::oil};
    MixDispatch d = dispatch_mix(r, k2023, 5, 1);
    CHECK(column_mean(d.generation_w, Source::oil) == doctest::Approx(2 * kGW));
    CHECK(d.backstop_w.mean() == doctest::Approx(1 * kGW));
    CHECK(d.backstop_hours == 5);

    r.imports = ImportParams{300 * kG, 0.0};
    d = dispatch_mix(r, k2023, 5, 1);
    CHECK(column_mean(d.generation_w, Source::oil) == doctest::Approx(1 * kGW));
    CHECK(column_mean(d.generation_w, Source::imports) == doctest::Approx(1 * kGW));
    // (1 x 490 + 1 x 650 + 1 x 300) / 3 = 480 g/kWh
    CHECK(generate_mix(r, k2023, 5, 1).intensity_kg_per_j[0] / kG == doctest::Approx(480.0));
  }

  TEST_CASE("surplus must-run output is curtailed so generation equals demand") {
    MixRegion r = flat_region(2 * kGW);
    r.hydro = {3 * kGW, {1.0, 0.0, 1.0}, 1.0};
    const MixDispatch d = dispatch_mix(r, k2023, 4, 1);
    CHECK(d.generation_w.rowwise().sum().mean() == doctest::Approx(2 * kGW));
    CHECK(d.curtailed_w.mean() == doctest::Approx(1 * kGW));
  }

  TEST_CASE("generation always equals demand") {
    const MixRegion r = dcsim::scenario::to_model(catalog().at("germany"));
    const MixDispatch d = dispatch_mix(r, k2023, kYear, 3);
    const Eigen::VectorXd total = d.generation_w.rowwise().sum();
    CHECK((total - d.demand_w).cwiseAbs().maxCoeff() <= 1e-6 * d.demand_w.maxCoeff());
    CHECK(d.generation_w.minCoeff() >= 0.0);
  }

  TEST_CASE("the same seed gives the same trace and another seed a different one") {
    const IntensityTrace a = year_2023("germany", 42);
    const IntensityTrace b = year_2023("germany", 42);
    const IntensityTrace c = year_2023("germany", 43);
    CHECK(a.intensity_kg_per_j == b.intensity_kg_per_j);
    CHECK(a.intensity_kg_per_j != c.intensity_kg_per_j);
  }

  TEST_CASE("every hour's intensity lies between the smallest and the largest emission factor") {
    for (const auto& [name, spec] : catalog()) {
      const MixRegion r = dcsim::scenario::to_model(spec);
      Eigen::VectorXd ef = emission_factor_vector(r);
      if (!r.imports) ef[static_cast<Eigen::Index>(Source::imports)] = ef.minCoeff();
      const IntensityTrace t = generate_mix(r, k2023, kYear, 5);
      INFO(name);
      CHECK(*std::min_element(t.intensity_kg_per_j.begin(), t.intensity_kg_per_j.end()) >= ef.minCoeff() * (1 - 1e-12));
      CHECK(*std::max_element(t.intensity_kg_per_j.begin(), t.intensity_kg_per_j.end()) <= ef.maxCoeff() * (1 + 1e-12));
    }
  }

  TEST_CASE("wind output averages its stated capacity factor") {
    MixRegion r = flat_region(100 * kGW);
    r.wind.capacity_w = 1 * kGW;
    r.wind.capacity_factor = {0.3, 0.0, 1.0};
    r.gas.capacity_w = 200 * kGW;
    // Ten years of hourly AR(1) with lag-1 correlation 0.97 are ~1,300 independent samples.
    const Eigen::MatrixXd g = generation_w(r, k2023, 10 * kYear, 11);
    CHECK(column_mean(g, Source::wind) / kGW == doctest::Approx(0.3).epsilon(0.1));
    CHECK(g.col(1).maxCoeff() <= 1 * kGW);
  }

  TEST_CASE("demand averages its stated annual mean whatever its shape") {
    MixRegion r = flat_region(10 * kGW);
    r.demand = {10 * kGW, 0.2, 18.0, 0.9, 0.25, 20.0};
    r.gas.capacity_w = 30 * kGW;
    const MixDispatch d = dispatch_mix(r, k2023, kYear, 1);
    CHECK(d.demand_w.mean() / kGW == doctest::Approx(10.0).epsilon(0.01));
    CHECK(d.demand_w.maxCoeff() / kGW == doctest::Approx(10.0 * 1.25 * 1.2 * (7 - 1.8) / 5).epsilon(0.01));
  }

  TEST_CASE("a merit order naming an unknown or variable source is rejected") {
    dcsim::scenario::MixRegionSpec s;
    s.merit_order = "gas < coal, nuclear";
    CHECK(dcsim::scenario::to_model(s).merit_order == std::vector<Source>{Source::gas, Source::coal, Source::nuclear});
    s.merit_order = "gas lignite";
    CHECK_THROWS_AS(dcsim::scenario::to_model(s), dcsim::InputError);
    s.merit_order = "gas wind";
    CHECK_THROWS_AS(dcsim::scenario::to_model(s), dcsim::InputError);
  }

  TEST_CASE("the catalog holds every calibrated region, each with its source") {
    for (const char* name : {"caiso", "miso", "swpp", "soco", "finland", "france", "germany", "quebec", "singapore", "taiwan"}) {
      INFO(std::string(name));
      REQUIRE(catalog().count(name) == 1);
      CHECK(!catalog().at(name).source.empty());
    }
  }

  TEST_CASE("CAISO's 2023 mean is within 10% of 261 g/kWh with its lowest hours at local midday") {
    const auto t0 = std::chrono::steady_clock::now();
    const IntensityTrace t = year_2023("caiso", 1);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::array<double, 24> by_hour{};
    for (std::size_t i = 0; i < t.size(); ++i) by_hour[(i + 24 - 8) % 24] += t.intensity_kg_per_j[i] / kG / 365.0;
    const auto min_hour = static_cast<int>(std::min_element(by_hour.begin(), by_hour.end()) - by_hour.begin());
    if (print_calibration())
      MESSAGE("caiso: mean " << mean_g_per_kwh(t) << " g/kWh, lowest local hour " << min_hour << " ("
                             << by_hour[min_hour] << "), highest " << *std::max_element(by_hour.begin(), by_hour.end())
                             << "; 8760 h in " << ms << " ms");
    CHECK(mean_g_per_kwh(t) == doctest::Approx(261.0).epsilon(0.10));
    CHECK(min_hour >= 10);
    CHECK(min_hour <= 15);
    for (std::uint64_t seed : {2, 3}) CHECK(mean_g_per_kwh(year_2023("caiso", seed)) == doctest::Approx(261.0).epsilon(0.10));
  }

  TEST_CASE("Finland's winter is dirtier than its summer") {
    const IntensityTrace t = year_2023("finland", 1);
    std::vector<double> winter, summer;
    for (std::size_t i = 0; i < t.size(); ++i) {
      const int doy = utc_day_hour(t.utc_ms[i]).day_of_year;  // 2023: Mar 1 is day 60, Jun 1 152, Sep 1 244, Dec 1 335
      if (doy < 60 || doy >= 335) winter.push_back(t.intensity_kg_per_j[i] / kG);
      if (doy >= 152 && doy < 244) summer.push_back(t.intensity_kg_per_j[i] / kG);
    }
    if (print_calibration()) MESSAGE("finland: winter " << mean(winter) << ", summer " << mean(summer) << " g/kWh");
    CHECK(mean(winter) > mean(summer));
  }

  TEST_CASE("Quebec's hydro grid stays below 40 g/kWh") {
    for (std::uint64_t seed : {1, 2, 3}) {
      const double m = mean_g_per_kwh(year_2023("quebec", seed));
      if (print_calibration() && seed == 1) MESSAGE("quebec: mean " << m << " g/kWh");
      CHECK(m < 40.0);
    }
  }

  TEST_CASE("every other region's annual mean is within 15% of its published figure") {
    // reference/facts.md 4.2, Electricity Maps lifecycle annual means (latest year in the table),
    // Taiwan: Google Cloud asia-east1 2019-20.
    const std::map<std::string, double> published{{"miso", 496.0},   {"swpp", 432.0},    {"soco", 431.0},
                                                  {"finland", 139.0}, {"france", 89.0},   {"germany", 367.0},
                                                  {"singapore", 488.0}, {"taiwan", 540.0}};
    for (const auto& [name, target] : published) {
      for (std::uint64_t seed : {1, 2, 3}) {
        const double m = mean_g_per_kwh(year_2023(name, seed));
        if (print_calibration() && seed == 1) {
          const Eigen::MatrixXd g = generation_w(dcsim::scenario::to_model(catalog().at(name)), k2023, kYear, 1);
          const Eigen::VectorXd share = g.colwise().sum().transpose() / g.sum();
          std::string mix;
          for (std::size_t j = 0; j < kSourceCount; ++j)
            if (share[static_cast<Eigen::Index>(j)] > 0.0005)
              mix += fmt::format(" {} {:.1f}%", source_name(static_cast<Source>(j)),
                                 100.0 * share[static_cast<Eigen::Index>(j)]);
          MESSAGE(name << ": mean " << m << " g/kWh, target " << target << ";" << mix);
        }
        INFO(name << " seed " << seed);
        CHECK(m == doctest::Approx(target).epsilon(0.15));
      }
    }
  }
}
