// Power-vs-utilisation curves, server and rack aggregation (models/hardware/PowerCurve.hpp,
// ServerModel.hpp) and the hardware catalog (scenarios/catalog/hardware.yaml).
//
// Expected values are worked by hand from the curve equations, or are published figures:
// - curves between idle 100 W and max 300 W: P = 100 + 200 f(u) with f = u, u^2, u^3, sqrt(u),
//   2u - u^1.4 (Fan, Weber, Barroso ISCA 2007);
// - the table curve is CloudSim's PowerModelSpecPowerIbmX3550XeonX5670 (SPECpower_ssj2008),
//   reference/facts.md 1.3: 66, 107, 120, 131, 143, 156, 173, 191, 211, 229, 247 W;
// - catalog figures from reference/facts.md 1.1 and 1.2 (Patterson et al. 2021; Google TPU docs).
// Set DCSIM_PRINT_CATALOG=1 to print the `dcsim catalog` table.

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>

#include "models/hardware/PowerCurve.hpp"
#include "models/hardware/ServerModel.hpp"
#include "sim/scenario/Catalog.hpp"
#include "sim/scenario/HardwareSpec.hpp"

namespace {

using namespace dcsim::models;

constexpr double kIdle = 100.0;
constexpr double kMax = 300.0;

const std::array<double, kPowerTablePoints> kX3550{66, 107, 120, 131, 143, 156, 173, 191, 211, 229, 247};

const std::map<std::string, dcsim::scenario::AcceleratorCatalogSpec>& hardware() {
  static const auto catalog = dcsim::scenario::load_catalog<dcsim::scenario::AcceleratorCatalogSpec>(
      std::string(DCSIM_SCENARIO_DIR) + "/catalog/hardware.yaml", "accelerators");
  return catalog;
}

}  // namespace

TEST_SUITE("power curves") {
  TEST_CASE("the registry names every curve kind in order") {
    const auto names = power_curve_names();
    REQUIRE(names.size() == 6);
    CHECK(names[0] == "linear");
    CHECK(names[1] == "square");
    CHECK(names[2] == "cubic");
    CHECK(names[3] == "sqrt");
    CHECK(names[4] == "fan2007");
    CHECK(names[5] == "table");
    CHECK(power_curve_kind("fan2007") == CurveKind::fan2007);
    CHECK(power_curve_name(CurveKind::sqrt) == "sqrt");
    CHECK_FALSE(power_curve_kind("cubicle").has_value());
  }

  TEST_CASE("linear: P = idle + (max - idle) u") {
    const PowerCurve c = PowerCurve::linear(kIdle, kMax);
    CHECK(c.power_w(0.0) == doctest::Approx(100.0));
    CHECK(c.power_w(0.5) == doctest::Approx(200.0));
    CHECK(c.power_w(1.0) == doctest::Approx(300.0));
  }

  TEST_CASE("square: u^2 gives a quarter of the range at half load") {
    const PowerCurve c = PowerCurve::square(kIdle, kMax);
    CHECK(c.power_w(0.0) == doctest::Approx(100.0));
    CHECK(c.power_w(0.5) == doctest::Approx(150.0));  // 100 + 200 x 0.25
    CHECK(c.power_w(1.0) == doctest::Approx(300.0));
  }

  TEST_CASE("cubic: u^3 gives an eighth of the range at half load") {
    const PowerCurve c = PowerCurve::cubic(kIdle, kMax);
    CHECK(c.power_w(0.0) == doctest::Approx(100.0));
    CHECK(c.power_w(0.5) == doctest::Approx(125.0));  // 100 + 200 x 0.125
    CHECK(c.power_w(1.0) == doctest::Approx(300.0));
  }

  TEST_CASE("sqrt: sqrt(0.5) = 0.7071 of the range at half load") {
    const PowerCurve c = PowerCurve::sqrt(kIdle, kMax);
    CHECK(c.power_w(0.0) == doctest::Approx(100.0));
    CHECK(c.power_w(0.5) == doctest::Approx(100.0 + 200.0 * std::sqrt(0.5)));  // 241.42 W
    CHECK(c.power_w(0.5) == doctest::Approx(241.421356).epsilon(1e-8));
    CHECK(c.power_w(1.0) == doctest::Approx(300.0));
  }

  TEST_CASE("fan2007 at r = 1.4: f = 2u - u^r, f(0) = 0, f(1) = 1") {
    const PowerCurve c = PowerCurve::fan2007(kIdle, kMax);
    CHECK(c.r == doctest::Approx(1.4));
    CHECK(c.power_w(0.0) == doctest::Approx(100.0));
    // 0.5^1.4 = exp(-1.4 ln 2) = exp(-0.970406) = 0.378929; f = 1 - 0.378929 = 0.621071
    CHECK(c.power_w(0.5) == doctest::Approx(100.0 + 200.0 * (2.0 * 0.5 - std::pow(0.5, 1.4))));
    CHECK(c.power_w(0.5) == doctest::Approx(100.0 + 200.0 * 0.621071).epsilon(1e-6));
    CHECK(c.power_w(1.0) == doctest::Approx(300.0));
    // above linear everywhere inside (0, 1): 2u - u^r > u  <=>  u > u^r for r > 1
    CHECK(c.power_w(0.3) > PowerCurve::linear(kIdle, kMax).power_w(0.3));
    // r = 1 is the linear curve
    CHECK(PowerCurve::fan2007(kIdle, kMax, 1.0).power_w(0.3) == doctest::Approx(160.0));
  }

  TEST_CASE("table: SPECpower-style points, linear interpolation between them") {
    const PowerCurve c = PowerCurve::table(kX3550);
    CHECK(c.idle_w == 66.0);
    CHECK(c.max_w == 247.0);
    CHECK(c.power_w(0.0) == doctest::Approx(66.0));
    CHECK(c.power_w(0.5) == doctest::Approx(156.0));
    CHECK(c.power_w(1.0) == doctest::Approx(247.0));
    CHECK(c.power_w(0.45) == doctest::Approx((143.0 + 156.0) / 2.0));   // halfway 40..50 %
    CHECK(c.power_w(0.05) == doctest::Approx((66.0 + 107.0) / 2.0));    // halfway 0..10 %
    CHECK(c.power_w(0.93) == doctest::Approx(229.0 + 0.3 * (247.0 - 229.0)));
    // its shape rescaled to other end points: f(0.5) = (156 - 66) / (247 - 66) = 90 / 181
    CHECK(c.shape(0.5) == doctest::Approx(90.0 / 181.0));
    CHECK(c.power_w(0.5, 0.0, 1000.0) == doctest::Approx(1000.0 * 90.0 / 181.0));
  }

  TEST_CASE("utilisation outside [0, 1] is clamped") {
    const PowerCurve c = PowerCurve::linear(kIdle, kMax);
    CHECK(c.power_w(-0.5) == doctest::Approx(100.0));
    CHECK(c.power_w(1.7) == doctest::Approx(300.0));
    CHECK(c.power_w(std::numeric_limits<double>::quiet_NaN()) == doctest::Approx(100.0));
    CHECK(PowerCurve::table(kX3550).power_w(2.0) == doctest::Approx(247.0));
  }

  TEST_CASE("MFU utilisation: achieved / peak, clamped") {
    // GPT-3 on V100: 24.6 of 125 TFLOP/s (Patterson et al. 2021 Table 4)
    CHECK(mfu_utilisation(24.6e12, 125e12) == doctest::Approx(0.1968));
    CHECK(mfu_utilisation(200e12, 125e12) == 1.0);
    CHECK(mfu_utilisation(10e12, 0.0) == 0.0);
    CHECK(mfu_utilisation(-1.0, 125e12) == 0.0);
  }

  TEST_CASE("input checks return the problem as text") {
    CHECK(check_power_range(100.0, 300.0).empty());
    CHECK(check_power_range(300.0, 300.0).empty());
    CHECK(check_power_range(301.0, 300.0).find("above max") != std::string::npos);
    CHECK_FALSE(check_power_range(-1.0, 300.0).empty());
    CHECK_FALSE(check_power_range(std::numeric_limits<double>::infinity(), 300.0).empty());

    CHECK(check_power_table(kX3550).empty());
    std::array<double, kPowerTablePoints> bad = kX3550;
    bad[6] = 150.0;  // below 156 W at 50 %
    const std::string e = check_power_table(bad);
    CHECK(e.find("decrease") != std::string::npos);
    CHECK(e.find("60 %") != std::string::npos);
    const std::array<double, 3> short_table{1, 2, 3};
    CHECK(check_power_table(short_table).find("11 points") != std::string::npos);

    CHECK(check_fan2007_r(1.4).empty());
    CHECK_FALSE(check_fan2007_r(0.5).empty());
    CHECK_FALSE(check_fan2007_r(2.5).empty());
    CHECK(check_power_curve(PowerCurve::fan2007(kIdle, kMax)).empty());
    CHECK_FALSE(check_power_curve(PowerCurve::fan2007(kIdle, kMax, 3.0)).empty());
    CHECK_FALSE(check_power_curve(PowerCurve::linear(kMax, kIdle)).empty());
    CHECK_FALSE(check_power_curve(PowerCurve::table(bad)).empty());
  }

  TEST_CASE("a server sums accelerators and host; its cap clips and is reported") {
    ServerModel s;
    s.accelerators = 8;
    s.accel_idle_w = 50.0;
    s.accel_max_w = 300.0;
    s.accel_curve = PowerCurve::linear(0.0, 0.0);  // shape only: the server's idle/max apply
    s.host_idle_w = 200.0;
    s.host_max_w = 500.0;
    s.host_curve = PowerCurve::linear(0.0, 0.0);
    CHECK(check_server(s).empty());

    bool capped = true;
    CHECK(s.power_w(0.0, capped) == doctest::Approx(8 * 50.0 + 200.0));  // 600 W
    CHECK_FALSE(capped);
    CHECK(s.power_w(0.5, capped) == doctest::Approx(8 * 175.0 + 350.0));  // 1750 W
    CHECK(s.power_w(1.0, capped) == doctest::Approx(8 * 300.0 + 500.0));  // 2900 W
    CHECK_FALSE(capped);
    CHECK(s.power_w(1.0, 0.0, capped) == doctest::Approx(8 * 300.0 + 200.0));  // accelerators busy, host idle

    s.cap_w = 1500.0;
    CHECK(s.power_w(0.5, capped) == doctest::Approx(1500.0));
    CHECK(capped);
    CHECK(s.uncapped_power_w(0.5, 0.5) == doctest::Approx(1750.0));
    CHECK(s.power_w(0.0, capped) == doctest::Approx(600.0));
    CHECK_FALSE(capped);

    // a fan2007 accelerator shape between the server's own idle and max
    s.cap_w = 0.0;
    s.accel_curve = PowerCurve::fan2007(0.0, 0.0);
    const double f = 2.0 * 0.5 - std::pow(0.5, 1.4);
    CHECK(s.power_w(0.5, capped) == doctest::Approx(8 * (50.0 + 250.0 * f) + 350.0));
  }

  TEST_CASE("a rack sums its servers and switch; server and rack caps are reported") {
    ServerModel s;
    s.accelerators = 8;
    s.accel_idle_w = 50.0;
    s.accel_max_w = 300.0;
    s.host_idle_w = 200.0;
    s.host_max_w = 500.0;
    RackModel r{4, 300.0, 0.0};
    CHECK(check_rack(r).empty());

    RackPower p = r.power(s, 0.5);
    CHECK(p.power_w == doctest::Approx(4 * 1750.0 + 300.0));  // 7300 W
    CHECK_FALSE(p.capped());

    r.cap_w = 7000.0;
    p = r.power(s, 0.5);
    CHECK(p.power_w == doctest::Approx(7000.0));
    CHECK(p.rack_capped);
    CHECK_FALSE(p.server_capped);

    s.cap_w = 1500.0;
    bool capped = false;
    CHECK(r.power_w(s, 0.5, capped) == doctest::Approx(4 * 1500.0 + 300.0));  // 6300 W, under the rack cap
    CHECK(capped);
    p = r.power(s, 0.5);
    CHECK(p.server_capped);
    CHECK_FALSE(p.rack_capped);

    CHECK_FALSE(check_rack(RackModel{-1, 0.0, 0.0}).empty());
  }

  TEST_CASE("the hardware catalog holds the ten accelerators with the published figures") {
    const auto& c = hardware();
    REQUIRE(c.size() == 10);
    for (const char* name : {"TPU v2", "TPU v3", "TPU v4", "TPU v5e", "P100", "V100", "A100 40GB", "A100 80GB",
                             "H100 SXM", "H200"}) {
      INFO(name);
      REQUIRE(c.count(name) == 1);
      CHECK_FALSE(c.at(name).source.empty());
      CHECK(c.at(name).peak_flop_per_s.has_value());
    }
    // Patterson et al. 2021: TDP (Tables 1, 4), peak (footnotes), system power (Table 3)
    CHECK(*c.at("V100").tdp_w == doctest::Approx(300.0));
    CHECK(*c.at("V100").peak_flop_per_s == doctest::Approx(125e12));
    CHECK(*c.at("V100").system_power_w == doctest::Approx(325.0));
    CHECK(*c.at("TPU v2").tdp_w == doctest::Approx(280.0));
    CHECK(*c.at("TPU v2").peak_flop_per_s == doctest::Approx(46e12));
    CHECK(*c.at("TPU v2").system_power_w == doctest::Approx(221.0));
    CHECK(*c.at("TPU v3").tdp_w == doctest::Approx(450.0));
    CHECK(*c.at("TPU v3").system_power_w == doctest::Approx(283.0));
    CHECK(*c.at("P100").system_power_w == doctest::Approx(271.0));
    CHECK(*c.at("P100").peak_flop_per_s == doctest::Approx(19e12));
    // Google TPU docs: measured chip power and peak
    CHECK(*c.at("TPU v3").chip_mean_w == doctest::Approx(220.0));
    CHECK(*c.at("TPU v3").chip_max_w == doctest::Approx(262.0));
    CHECK(*c.at("TPU v4").peak_flop_per_s == doctest::Approx(275e12));
    CHECK(*c.at("TPU v4").chip_min_w == doctest::Approx(90.0));
    CHECK(*c.at("TPU v4").chip_mean_w == doctest::Approx(170.0));
    CHECK(*c.at("TPU v5e").peak_flop_per_s == doctest::Approx(197e12));
    // not published: left out
    CHECK_FALSE(c.at("TPU v4").tdp_w.has_value());
    CHECK_FALSE(c.at("TPU v5e").tdp_w.has_value());
    CHECK_FALSE(c.at("H100 SXM").idle_w.has_value());
    CHECK_FALSE(c.at("H100 SXM").system_power_w.has_value());
    // NVIDIA datasheet figures via secondary sources
    CHECK(*c.at("A100 40GB").tdp_w == doctest::Approx(400.0));
    CHECK(*c.at("A100 80GB").peak_flop_per_s == doctest::Approx(312e12));
    CHECK(*c.at("H100 SXM").tdp_w == doctest::Approx(700.0));
    CHECK(*c.at("H100 SXM").peak_flop_per_s == doctest::Approx(989e12));
    CHECK(*c.at("H100 SXM").per_server == 8);
    CHECK(*c.at("H200").tdp_w == doctest::Approx(700.0));
    // CCF idle estimates
    CHECK(*c.at("V100").idle_w == doctest::Approx(35.0));
    CHECK(*c.at("A100 40GB").idle_w == doctest::Approx(46.0));
    // memory as published: GB = 1e9 B, GiB = 2^30 B
    using dcsim::scenario::memory_bytes;
    CHECK(*memory_bytes(c.at("TPU v3").memory) == doctest::Approx(32.0 * 1073741824.0));
    CHECK(*memory_bytes(c.at("H200").memory) == doctest::Approx(141e9));
    CHECK(*memory_bytes(c.at("A100 80GB").memory) == doctest::Approx(80e9));
    CHECK(*memory_bytes(c.at("V100").memory) == doctest::Approx(16e9));  // the first of "16 GB or 32 GB"
    CHECK_FALSE(memory_bytes("HBM2").has_value());
  }

  TEST_CASE("the catalog table names every entry with its figures") {
    const std::string t = dcsim::scenario::format_hardware_catalog(hardware());
    if (std::getenv("DCSIM_PRINT_CATALOG")) MESSAGE(t);
    CHECK(t.find("accelerator") == 0);
    CHECK(t.find("TPU v4") != std::string::npos);
    CHECK(t.find("125 TFLOP/s") != std::string::npos);
    CHECK(t.find("989 TFLOP/s") != std::string::npos);
    CHECK(t.find("123/220/262 W") != std::string::npos);
    CHECK(t.find("141 GB HBM3e") != std::string::npos);
    std::size_t lines = 0;
    for (const char ch : t) lines += ch == '\n' ? 1 : 0;
    CHECK(lines == 11);
  }
}
