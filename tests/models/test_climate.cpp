// Psychrometrics, the synthetic climate model, the site catalog and the EPW reader.
//
// Expected values come from ASHRAE Handbook - Fundamentals 2017 ch. 1 (Table 1, standard
// atmosphere; Table 2, saturated moist air; Example 1, moist air at 40 C dry bulb / 20 C wet bulb),
// psychrometric-chart readings, the ideal-gas law, and the normals the climate is built from.

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "models/InputError.hpp"
#include "models/Memo.hpp"
#include "models/climate/Climate.hpp"
#include "models/climate/Psychrometrics.hpp"
#include "sim/input/EpwReader.hpp"
#include "sim/scenario/Catalog.hpp"
#include "sim/scenario/ClimateSpec.hpp"
#include "tests/support/TempDir.hpp"

using namespace dcsim::models;
namespace ps = dcsim::models::psychro;

namespace {

constexpr std::int64_t k2023 = 1'672'531'200'000;  // 2023-01-01T00:00:00Z
constexpr std::int64_t k2020 = 1'577'836'800'000;  // 2020-01-01T00:00:00Z
constexpr std::int64_t kHour = 3'600'000;

const std::map<std::string, dcsim::scenario::SiteClimateSpec>& sites() {
  static const auto s = dcsim::scenario::load_catalog<dcsim::scenario::SiteClimateSpec>(
      std::string(DCSIM_SCENARIO_DIR) + "/catalog/sites.yaml", "sites");
  return s;
}

// Month (0..11) of local standard time for a UTC instant in 2023 (a common year).
int local_month_2023(std::int64_t utc_ms, double offset_h) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::int64_t day = (utc_ms + static_cast<std::int64_t>(offset_h * kHour) - k2023) / 86'400'000;
  int m = 0;
  while (m < 11 && day >= kDays[m]) day -= kDays[m++];
  return m;
}

}  // namespace

TEST_SUITE("climate") {

TEST_CASE("saturation pressure and saturated humidity ratio match ASHRAE Table 2") {
  // ASHRAE 2017 ch. 1 Table 2: p_ws(20 C) = 2.3389 kPa, p_ws(30 C) = 4.2467 kPa, 0.6112 kPa at 0 C;
  // W_s(20 C) = 0.014758, h_s(20 C) = 57.544 kJ/kg at 101.325 kPa. The table includes the
  // enhancement factor (~1.004) that an ideal mixture leaves out, so W_s is expected ~0.4 % low.
  CHECK(ps::saturation_pressure_water_pa(20.0) == doctest::Approx(2338.9).epsilon(0.001));
  CHECK(ps::saturation_pressure_water_pa(30.0) == doctest::Approx(4246.7).epsilon(0.001));
  CHECK(ps::saturation_pressure_water_pa(0.0) == doctest::Approx(611.2).epsilon(0.001));
  const double ws = ps::saturation_humidity_ratio(20.0, 101'325.0);
  CHECK(ws == doctest::Approx(0.014758).epsilon(0.006).scale(0));
  CHECK(ps::enthalpy_j_per_kg(20.0, ws) == doctest::Approx(57'544.0).epsilon(0.005));
}

TEST_CASE("wet bulb and dew point at 20 C and 40 % RH") {
  // Stull (2011, J. Appl. Meteor. Climatol. 50:2267) empirical wet bulb at 101.325 kPa, stated
  // accurate to 0.3 K: Tw = T atan(0.151977 (RH + 8.313659)^0.5) + atan(T + RH) - atan(RH - 1.676331)
  // + 0.00391838 RH^1.5 atan(0.023101 RH) - 4.686035 = 12.3 C for T = 20, RH = 40 (a chart reads ~12).
  CHECK(std::abs(ps::wet_bulb(20.0, 0.40, 101'325.0) - 12.3) < 0.3);
  // Dew point: Magnus-type tables give 6.0 C.
  CHECK(ps::dew_point(20.0, 0.40) == doctest::Approx(6.0).epsilon(0.03));
  // Saturated air: wet bulb = dew point = dry bulb.
  CHECK(ps::wet_bulb(25.0, 1.0, 101'325.0) == doctest::Approx(25.0).epsilon(1e-4));
  CHECK(ps::dew_point(25.0, 1.0) == doctest::Approx(25.0).epsilon(1e-9));
}

TEST_CASE("ASHRAE example: 40 C dry bulb, 20 C wet bulb at standard pressure") {
  // ASHRAE 2017 ch. 1 Example 1: W = 0.00650 kg/kg, RH about 14 %, h about 56.7 kJ/kg.
  const double w = ps::humidity_ratio_from_wet_bulb(40.0, 20.0, 101'325.0);
  CHECK(w == doctest::Approx(0.0065).epsilon(0.02).scale(0));
  CHECK(ps::enthalpy_j_per_kg(40.0, w) == doctest::Approx(56'700.0).epsilon(0.01));
  // Inverse: the RH of that air gives back a 20 C wet bulb.
  const double e = w * 101'325.0 / (0.621945 + w);
  const double rh = e / ps::saturation_pressure_water_pa(40.0);
  CHECK(rh == doctest::Approx(0.14).epsilon(0.05).scale(0));
  CHECK(ps::wet_bulb(40.0, rh, 101'325.0) == doctest::Approx(20.0).epsilon(1e-4));
}

TEST_CASE("wet bulb lies between dew point and dry bulb, below freezing too") {
  for (double t = -30.0; t <= 45.0; t += 5.0)
    for (double rh = 0.05; rh <= 1.0; rh += 0.19) {
      const double wb = ps::wet_bulb(t, rh, 101'325.0);
      CHECK(wb <= t + 1e-6);
      CHECK(wb >= ps::dew_point(t, rh) - 1e-6);
    }
}

TEST_CASE("the wet bulb solves the psychrometric equation; near 0 C the warmer of two roots") {
  // By definition humidity_ratio_from_wet_bulb(t, t*) equals the air's humidity ratio W(t, RH)
  // (above freezing; below it, RH over water can exceed saturation over ice and there is no root).
  for (double t = 2.5; t <= 45.0; t += 2.5)
    for (double rh = 0.02; rh < 1.0; rh += 0.07) {
      const double wb = ps::wet_bulb(t, rh, 98'000.0);
      const double w = ps::humidity_ratio(t, rh, 98'000.0);
      CHECK(ps::humidity_ratio_from_wet_bulb(t, wb, 98'000.0) == doctest::Approx(w).epsilon(1e-12));
    }
  // 8.84 C at 3.9 % RH: the water formula (t* >= 0) has a root just above 0 C and the ice formula
  // (t* < 0) another about half a kelvin below; both satisfy the equation, the warmer is returned.
  const double w = ps::humidity_ratio(8.84, 0.039, 101'325.0);
  const double wb = ps::wet_bulb(8.84, 0.039, 101'325.0);
  CHECK(wb >= 0.0);
  CHECK(wb < 0.2);
  CHECK(ps::humidity_ratio_from_wet_bulb(8.84, wb, 101'325.0) == doctest::Approx(w).epsilon(1e-12));
  CHECK(ps::humidity_ratio_from_wet_bulb(8.84, -0.5, 101'325.0) > w);  // the ice branch crosses w below -0.5 C
  CHECK(ps::humidity_ratio_from_wet_bulb(8.84, -0.6, 101'325.0) < w);
}

TEST_CASE("air density follows the ideal-gas law and pressure falls with elevation as ASHRAE Table 1") {
  // rho = p / (R_d T), R_d = 287.05 J/(kg K): 1.2041 kg/m3 at 20 C, 101325 Pa.
  CHECK(ps::air_density_kg_per_m3(101'325.0, 20.0) == doctest::Approx(101'325.0 / (287.05 * 293.15)).epsilon(0.001));
  // ASHRAE 2017 ch. 1 Table 1: 1500 m -> 84.556 kPa; 0 m -> 101.325 kPa.
  CHECK(ps::pressure_at_elevation_pa(1500.0) == doctest::Approx(84'556.0).epsilon(0.0005));
  CHECK(ps::pressure_at_elevation_pa(0.0) == doctest::Approx(101'325.0));
}

TEST_CASE("without noise the synthetic monthly means equal the normals") {
  SiteClimate c = sites().at("iowa").to_model();
  c.noise_sd_c = 0.0;
  c.dew_point_noise_sd_c = 0.0;
  const WeatherTrace w = synthetic_weather(c, k2023, 8760, 1);
  REQUIRE(w.size() == 8760);
  double sum_t[12] = {}, sum_rh[12] = {};
  int n[12] = {};
  for (std::size_t i = 0; i < w.size(); ++i) {
    const int m = local_month_2023(w.utc_ms[i], c.utc_offset_h);
    sum_t[m] += w.values[i].dry_bulb_c;
    sum_rh[m] += w.values[i].relative_humidity;
    ++n[m];
  }
  for (int m = 0; m < 12; ++m) {
    CAPTURE(m);
    CHECK(std::abs(sum_t[m] / n[m] - c.dry_bulb_c[m]) < 0.05);
    CHECK(std::abs(sum_rh[m] / n[m] - c.relative_humidity[m]) < 0.01);
  }
}

TEST_CASE("with noise, ten years of monthly means stay within the noise of the normals") {
  const SiteClimate c = sites().at("georgia").to_model();
  const WeatherTrace w = synthetic_weather(c, k2023, 8760 * 10, 7);
  double sum_t[12] = {};
  int n[12] = {};
  for (std::size_t i = 0; i < w.size(); ++i) {
    const int m = local_month_2023(k2023 + static_cast<std::int64_t>(i % 8760) * kHour, c.utc_offset_h);
    sum_t[m] += w.values[i].dry_bulb_c;
    ++n[m];
  }
  // AR(1) sd 2.5 K, phi 0.97: ~11 independent values a month, 110 in ten years -> se ~0.25 K.
  for (int m = 0; m < 12; ++m) CHECK(std::abs(sum_t[m] / n[m] - c.dry_bulb_c[m]) < 1.0);
}

TEST_CASE("the daily maximum falls mid-afternoon and RH is lowest then") {
  SiteClimate c = sites().at("oregon").to_model();
  c.noise_sd_c = 0.0;
  c.dew_point_noise_sd_c = 0.0;
  const WeatherTrace w = synthetic_weather(c, k2023 + 180 * 86'400'000LL, 24 * 10, 1);
  double t_by_hour[24] = {}, rh_by_hour[24] = {};
  for (std::size_t i = 0; i < w.size(); ++i) {
    const int h = static_cast<int>(((w.utc_ms[i] / kHour) + 24 - 8) % 24);  // PST
    t_by_hour[h] += w.values[i].dry_bulb_c;
    rh_by_hour[h] += w.values[i].relative_humidity;
  }
  int hot = 0, dry = 0;
  for (int h = 1; h < 24; ++h) {
    if (t_by_hour[h] > t_by_hour[hot]) hot = h;
    if (rh_by_hour[h] < rh_by_hour[dry]) dry = h;
  }
  CHECK(hot >= 13);
  CHECK(hot <= 16);
  CHECK(dry == hot);
}

TEST_CASE("synthetic weather is deterministic for a seed and differs between seeds") {
  const SiteClimate c = sites().at("singapore").to_model();
  const WeatherTrace a = synthetic_weather(c, k2020, 500, 42);
  const WeatherTrace b = synthetic_weather(c, k2020, 500, 42);
  const WeatherTrace d = synthetic_weather(c, k2020, 500, 43);
  bool same = true, differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    same = same && a.values[i].dry_bulb_c == b.values[i].dry_bulb_c && a.values[i].wet_bulb_c == b.values[i].wet_bulb_c;
    differs = differs || a.values[i].dry_bulb_c != d.values[i].dry_bulb_c;
  }
  CHECK(same);
  CHECK(differs);
  CHECK(a.utc_ms.front() == k2020);
  CHECK(a.utc_ms[1] - a.utc_ms[0] == kHour);
}

TEST_CASE("a weather feed made by its own thread gives synthetic_weather's values, read as they are made") {
  const SiteClimate c = sites().at("iowa").to_model();
  const WeatherTrace direct = synthetic_weather(c, k2020, 8784, 7);
  for (const bool background : {true, false}) {
    const WeatherFeed feed(c, k2020, 8784, 7, background);
    // The times are known before the values are made.
    CHECK(feed.size() == 8784);
    CHECK(feed.first_ms() == k2020);
    CHECK(feed.end_ms() == k2020 + 8784 * kHour);
    CHECK(feed.step_ms() == kHour);
    CHECK(feed.description() == direct.description);
    bool same = true;
    for (std::size_t i = 0; i < feed.size(); ++i) {  // in time order, as a run reads them
      const Weather& w = feed.at(i);
      same = same && w.dry_bulb_c == direct.values[i].dry_bulb_c && w.relative_humidity == direct.values[i].relative_humidity &&
             w.wet_bulb_c == direct.values[i].wet_bulb_c && w.pressure_pa == direct.values[i].pressure_pa;
    }
    CHECK(same);
    CHECK(feed.whole().values.back().dry_bulb_c == direct.values.back().dry_bulb_c);
  }
  // Read out of order straight after it starts: the last sample waits for the whole year.
  const WeatherFeed late(c, k2020, 8784, 7, true);
  CHECK(late.at(8783).wet_bulb_c == direct.values[8783].wet_bulb_c);
  // A feed destroyed before anything is read joins its thread.
  { const WeatherFeed unread(c, k2020, 8784, 8, true); }
  // A whole trace (an EPW file) is there at once.
  const WeatherFeed given{WeatherTrace(direct)};
  CHECK(given.at(100).dry_bulb_c == direct.values[100].dry_bulb_c);
}

TEST_CASE("a weather feed without its thread makes only the blocks read, the same values from any thread") {
  const SiteClimate c = sites().at("iowa").to_model();
  const WeatherTrace direct = synthetic_weather(c, k2020, 8784, 7);
  const WeatherFeed feed(c, k2020, 8784, 7, false);
  CHECK(feed.made() == 0);  // nothing made before it is read
  // A month (744 h) read: made up to the end of the block holding hour 743 (block of 64: 768).
  for (std::size_t i = 0; i < 744; ++i) REQUIRE(feed.at(i).dry_bulb_c == direct.values[i].dry_bulb_c);
  CHECK(feed.made() == 768);
  // Two threads reading the rest at once, one forwards and one backwards: every value is
  // synthetic_weather's, each made once.
  bool ok[2] = {true, true};
  std::thread backwards([&] {
    for (std::size_t i = 8784; i-- > 744;) ok[1] = ok[1] && feed.at(i).wet_bulb_c == direct.values[i].wet_bulb_c;
  });
  for (std::size_t i = 744; i < 8784; ++i) ok[0] = ok[0] && feed.at(i).wet_bulb_c == direct.values[i].wet_bulb_c;
  backwards.join();
  CHECK(ok[0]);
  CHECK(ok[1]);
  CHECK(feed.made() == 8784);
  // The thread of a feed destroyed early stops at its next block: its destructor does not make
  // the rest of the year first. (What it made is not observable after; this checks it returns.)
  { const WeatherFeed early(c, k2020, 8784, 9, true); (void)early.at(10); }
}

TEST_CASE("a feed made on demand can be made ahead from then on, with the same values") {
  const SiteClimate c = sites().at("iowa").to_model();
  const WeatherTrace direct = synthetic_weather(c, k2020, 8784, 11);
  const WeatherFeed feed(c, k2020, 8784, 11, false);
  CHECK(feed.at(0).dry_bulb_c == direct.values[0].dry_bulb_c);
  CHECK(feed.made() == 64);  // one block, made by the read
  feed.make_ahead();
  feed.make_ahead();  // a second call finds the thread running (or done)
  // The thread makes the rest without further reads (waited for here, up to 20 s).
  for (int i = 0; i < 2000 && feed.made() < 8784; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(feed.made() == 8784);
  CHECK(feed.at(8783).wet_bulb_c == direct.values[8783].wet_bulb_c);
  for (std::size_t i = 0; i < 8784; i += 97) REQUIRE(feed.at(i).relative_humidity == direct.values[i].relative_humidity);
  feed.make_ahead();  // everything made: nothing to start
  // A whole trace has nothing to make.
  const WeatherFeed given{WeatherTrace(direct)};
  given.make_ahead();
  CHECK(given.made() == 8784);
}

TEST_CASE("a catalog is read once per file identity and afresh after forget_memos or a change; a bad one every time") {
  dcsim::test::TempDir dir;
  const std::string entry =
      "sites:\n  x:\n    name: {}\n    source: a test\n    latitude: 0\n    longitude: 0\n    utc_offset: 0 h\n    elevation: 0\n"
      "    dry_bulb: {{jan: 1, feb: 1, mar: 1, apr: 1, may: 1, jun: 1, jul: 1, aug: 1, sep: 1, oct: 1, nov: 1, dec: 1}}\n"
      "    diurnal_range_all: 10\n"
      "    relative_humidity: {{jan: 50, feb: 50, mar: 50, apr: 50, may: 50, jun: 50, jul: 50, aug: 50, sep: 50, oct: 50, nov: 50, dec: 50}}\n";
  const auto file = dir.write("c.yaml", fmt::format(fmt::runtime(entry), "AAAA"));
  const auto load = [&] { return dcsim::scenario::load_catalog<dcsim::scenario::SiteClimateSpec>(file, "sites").at("x").name; };
  CHECK(load() == "AAAA");
  // The same size and modification time: the same identity, so the kept entries (a sweep's
  // variants do not look again) until the memos are forgotten.
  const auto mtime = std::filesystem::last_write_time(file);
  dir.write("c.yaml", fmt::format(fmt::runtime(entry), "BBBB"));
  std::filesystem::last_write_time(file, mtime);
  CHECK(load() == "AAAA");
  dcsim::forget_memos();
  CHECK(load() == "BBBB");
  // Another size: another identity, read at once.
  dir.write("c.yaml", fmt::format(fmt::runtime(entry), "CCCCCC"));
  CHECK(load() == "CCCCCC");
  // A catalog with a problem is not kept: each load reports it with its line.
  dir.write("c.yaml", "sites:\n  x:\n    name: y\n    latitude: north\n");
  for (int i = 0; i < 2; ++i) {
    try {
      (void)load();
      FAIL("expected the bad catalog to be refused");
    } catch (const dcsim::InputError& e) {
      CHECK(std::string(e.what()).find("c.yaml:4") != std::string::npos);
    }
  }
}

TEST_CASE("pressure comes from elevation and RH stays within 0..1") {
  const SiteClimate c = sites().at("oregon").to_model();
  const WeatherTrace w = synthetic_weather(c, k2023, 8760, 3);
  for (const Weather& x : w.values) {
    CHECK(x.pressure_pa == doctest::Approx(ps::pressure_at_elevation_pa(c.elevation_m)));
    CHECK(x.relative_humidity >= 0.0);
    CHECK(x.relative_humidity <= 1.0);
    CHECK(x.wet_bulb_c <= x.dry_bulb_c + 1e-6);
  }
}

TEST_CASE("the site catalog has every required site with a source") {
  for (const char* name : {"iowa", "oklahoma", "georgia", "north-carolina", "taiwan", "finland", "montreal",
                           "netherlands", "singapore", "northern-virginia", "oregon"}) {
    CAPTURE(name);
    REQUIRE(sites().count(name) == 1);
    CHECK(!sites().at(name).source.empty());
  }
  CHECK(sites().at("iowa").to_model().utc_offset_h == doctest::Approx(-6.0));
  CHECK(sites().at("singapore").to_model().relative_humidity[0] == doctest::Approx(0.83));
}

// ---------------------------------------------------------------------------------------------
// EPW

namespace {

constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

struct EpwRow {
  int month, day, hour;
  double dry_bulb, rh_pct, pressure;
};

std::string epw_header(double tz = -6.0) {
  return fmt::format(
      "LOCATION,Test City,IA,USA,TMY3,725500,41.30,-95.90,{:.1f},299.0\n"
      "DESIGN CONDITIONS,0\n"
      "TYPICAL/EXTREME PERIODS,0\n"
      "GROUND TEMPERATURES,0\n"
      "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0\n"
      "COMMENTS 1,written by the test\n"
      "COMMENTS 2,\n"
      "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31\n",
      tz);
}

std::string epw_row(int year, int month, int day, int hour, const std::string& db, const std::string& rh,
                    const std::string& p) {
  std::string s = fmt::format("{},{},{},{},60,A7A7A7A7*0?9?9?9?9?9?9?9A7A7A7A7A7A7*0E8*0*0,{},0.0,{},{}", year, month, day,
                              hour, db, rh, p);
  for (int k = 10; k < 35; ++k) s += ",0";
  return s + "\n";
}

double db_of(int i) { return 10.0 + 10.0 * std::sin(i * 0.01); }

std::string epw_file(std::vector<std::string>* lines = nullptr) {
  std::string text = epw_header();
  int i = 0;
  for (int m = 1; m <= 12; ++m)
    for (int d = 1; d <= kDays[m - 1]; ++d)
      for (int h = 1; h <= 24; ++h, ++i) {
        const std::string row = epw_row(1990 + (m % 5), m, d, h, fmt::format("{:.1f}", db_of(i)), "55", "98000");
        if (lines) lines->push_back(row);
        text += row;
      }
  return text;
}

std::vector<dcsim::Problem> problems_of(const std::string& path) {
  try {
    dcsim::input::read_epw(path, 2023);
  } catch (const dcsim::InputError& e) {
    return e.problems();
  }
  return {};
}

}  // namespace

TEST_CASE("an EPW file of 8760 rows round-trips, times converted from local standard time to UTC") {
  dcsim::test::TempDir dir;
  const auto path = dir.write("site.epw", epw_file());
  const WeatherTrace w = dcsim::input::read_epw(path.string(), 2023);
  REQUIRE(w.size() == 8760);
  // Row 1 is Jan 1 hour 1 = 00:00-01:00 CST = 06:00 UTC.
  CHECK(w.utc_ms.front() == k2023 + 6 * kHour);
  CHECK(w.utc_ms[8759] - w.utc_ms[0] == 8759 * kHour);
  CHECK(w.site.latitude_deg == doctest::Approx(41.30));
  CHECK(w.site.longitude_deg == doctest::Approx(-95.90));
  CHECK(w.site.utc_offset_h == doctest::Approx(-6.0));
  CHECK(w.site.elevation_m == doctest::Approx(299.0));
  for (int i : {0, 1234, 8759}) {
    CHECK(w.values[static_cast<std::size_t>(i)].dry_bulb_c == doctest::Approx(std::round(db_of(i) * 10) / 10));
    CHECK(w.values[static_cast<std::size_t>(i)].relative_humidity == doctest::Approx(0.55));
    CHECK(w.values[static_cast<std::size_t>(i)].pressure_pa == doctest::Approx(98'000.0));
  }
  CHECK(w.values[0].wet_bulb_c == doctest::Approx(ps::wet_bulb(w.values[0].dry_bulb_c, 0.55, 98'000.0)));
}

TEST_CASE("an 8760-row EPW placed in a leap year repeats February 28 as February 29") {
  dcsim::test::TempDir dir;
  const auto path = dir.write("site.epw", epw_file());
  const WeatherTrace w = dcsim::input::read_epw(path.string(), 2020);
  REQUIRE(w.size() == 8784);
  for (std::size_t i = 1; i < w.size(); ++i) REQUIRE(w.utc_ms[i] - w.utc_ms[i - 1] == kHour);
  const std::size_t feb28 = (31 + 27) * 24, feb29 = (31 + 28) * 24;
  CHECK(w.values[feb29 + 5].dry_bulb_c == w.values[feb28 + 5].dry_bulb_c);
}

TEST_CASE("malformed EPW files report file, line and field") {
  dcsim::test::TempDir dir;
  std::vector<std::string> rows;
  epw_file(&rows);
  auto file_with = [&](std::size_t row, const std::string& replacement) {
    std::string text = epw_header();
    for (std::size_t i = 0; i < rows.size(); ++i) text += i == row ? replacement : rows[i];
    return text;
  };
  struct Case {
    const char* what;
    std::size_t row;
    std::string replacement;
    const char* field;
    const char* message_part;
  };
  const std::vector<Case> cases = {
      {"missing dry bulb", 10, epw_row(1991, 1, 1, 11, "99.9", "55", "98000"), "dry_bulb", "missing value"},
      {"missing RH", 20, epw_row(1991, 1, 1, 21, "5.0", "999", "98000"), "relative_humidity", "missing value"},
      {"missing pressure", 30, epw_row(1991, 1, 2, 7, "5.0", "55", "999999"), "atmospheric_pressure", "missing value"},
      {"bad number", 40, epw_row(1991, 1, 2, 17, "abc", "55", "98000"), "dry_bulb", "not a number"},
      {"hour out of order", 50, epw_row(1991, 1, 3, 5, "5.0", "55", "98000"), "hour", "out of order"},
      {"field count", 60, "1991,1,3,13,60,x,5.0\n", "", "fields"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const auto path = dir.write(std::string("bad-") + std::to_string(c.row) + ".epw", file_with(c.row, c.replacement));
    const auto problems = problems_of(path.string());
    REQUIRE(problems.size() >= 1);
    const dcsim::Problem& p = problems.front();
    CHECK(p.where.file == path.string());
    CHECK(p.where.line == static_cast<int>(9 + c.row));  // 8 header lines, rows from line 9
    CHECK(p.path == c.field);
    CHECK(p.message.find(c.message_part) != std::string::npos);
  }
}

TEST_CASE("an EPW file reports every problem at once, and short files and bad headers") {
  dcsim::test::TempDir dir;
  std::vector<std::string> rows;
  epw_file(&rows);
  std::string text = epw_header();
  for (std::size_t i = 0; i < rows.size(); ++i)
    text += i == 3 ? epw_row(1991, 1, 1, 4, "99.9", "999", "98000") : rows[i];
  auto problems = problems_of(dir.write("two.epw", text).string());
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].path == "dry_bulb");
  CHECK(problems[1].path == "relative_humidity");
  CHECK(problems[0].where.column > 1);

  std::string short_text = epw_header();
  for (std::size_t i = 0; i < 100; ++i) short_text += rows[i];
  problems = problems_of(dir.write("short.epw", short_text).string());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.find("100 hourly rows") != std::string::npos);

  std::string bad_header = epw_file();
  bad_header.replace(bad_header.find("GROUND"), 6, "GRUND");
  problems = problems_of(dir.write("header.epw", bad_header).string());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].where.line == 4);
  CHECK(problems[0].path == "GROUND TEMPERATURES");

  CHECK(problems_of((dir / "absent.epw").string()).size() == 1);
}

}  // TEST_SUITE
