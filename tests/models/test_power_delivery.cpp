// Stage loss models and the power-delivery tree (models/power/LossModel.hpp, PowerTree.hpp).
//
// Expected values are worked by hand from the loss equations
//   coefficients: loss(P) = c0 R + c1 P + c2 P^2 / R
//   table:        loss(P) = P / eta(P / R) - P, eta linear in load between the table's points
// or are the published 80 PLUS minimum efficiencies (reference/facts.md 2.1, [S] Wikipedia
// "80 Plus", 230 V internal redundant column: Platinum -/90/94/91, Titanium 90/94/96/91 % at
// 10/20/50/100 % load).

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/power/LossModel.hpp"
#include "models/power/PowerTree.hpp"

namespace {

using namespace dcsim::models;

/// Relative closeness.
bool close(double a, double b, double rel) { return std::abs(a - b) <= rel * std::max({1.0, std::abs(a), std::abs(b)}); }

/// Adds a lossless node of one unit (rated `rating_w`, 0: unrated) to `t`.
PowerTree::NodeId add_lossless(PowerTree& t, NodeKind kind, const char* name, double rating_w = 0.0) {
  return t.add_node({kind, name, LossModel::lossless(rating_w), 1, Redundancy::none});
}

/// utility -> ups -> rack with everything but the UPS lossless: the UPS node alone.
PowerTree single_stage(const LossModel& ups_unit, int units, Redundancy r, double load_w) {
  PowerTree t;
  const auto u = add_lossless(t, NodeKind::utility, "utility");
  const auto ups = t.add_node({NodeKind::ups, "ups", ups_unit, units, r});
  const auto rack = add_lossless(t, NodeKind::rack, "rack");
  t.add_edge(u, ups);
  t.add_edge(ups, rack);
  t.set_rack_load(rack, load_w);
  return t;
}

/// A hall with every kind of redundancy, for the consistency checks.
HallDesign test_hall() {
  HallDesign d = default_hall_design(22, 20e3);
  d.racks_per_pdu = 4;  // 6 PDUs, the last with 2 racks
  d.psu_redundancy = Redundancy::two_n;
  d.pdu_redundancy = Redundancy::two_n;
  d.ups_units = 3;
  d.ups_redundancy = Redundancy::n_plus_1;
  d.transformer_units = 1;
  d.transformer_redundancy = Redundancy::two_n;
  return d;
}

void check_same(const PowerTree& a, const PowerTree& b, double rel) {
  REQUIRE(a.node_count() == b.node_count());
  for (std::size_t n = 0; n < a.node_count(); ++n) {
    INFO(a.spec(n).name);
    CHECK(close(a.state(n).output_w, b.state(n).output_w, rel));
    CHECK(close(a.state(n).loss_w, b.state(n).loss_w, rel));
    CHECK(close(a.state(n).input_w, b.state(n).input_w, rel));
    CHECK(a.state(n).over_rating == b.state(n).over_rating);
  }
  CHECK(close(a.total_input_w(), b.total_input_w(), rel));
  CHECK(close(a.total_it_w(), b.total_it_w(), rel));
  const LossesByKind la = a.losses_by_kind();
  const LossesByKind lb = b.losses_by_kind();
  CHECK(close(la.transformer_w, lb.transformer_w, rel));
  CHECK(close(la.ups_w, lb.ups_w, rel));
  CHECK(close(la.pdu_w, lb.pdu_w, rel));
  CHECK(close(la.psu_w, lb.psu_w, rel));
  CHECK(a.over_rating_count() == b.over_rating_count());
}

}  // namespace

TEST_SUITE("power delivery") {
  TEST_CASE("UPS three-coefficient losses at 25, 50 and 100 % load, by hand") {
    // R = 100 kW, c0 = 1.5 %, c1 = 2 %, c2 = 2.5 %
    const LossModel ups = LossModel::coefficients(100e3, 0.015, 0.02, 0.025);
    // 25 kW: 1500 + 0.02 x 25000 + 0.025 x 25000^2 / 100000 = 1500 + 500 + 156.25
    CHECK(ups.loss_w(25e3) == doctest::Approx(2156.25));
    // 50 kW: 1500 + 1000 + 0.025 x 2.5e9 / 1e5 = 1500 + 1000 + 625
    CHECK(ups.loss_w(50e3) == doctest::Approx(3125.0));
    // 100 kW: 1500 + 2000 + 2500
    CHECK(ups.loss_w(100e3) == doctest::Approx(6000.0));
    CHECK(ups.input_w(100e3) == doctest::Approx(106e3));
    CHECK(ups.efficiency(100e3) == doctest::Approx(100.0 / 106.0));
    CHECK(ups.efficiency(50e3) == doctest::Approx(50.0 / 53.125));
    CHECK(ups.loss_w(0.0) == doctest::Approx(1500.0));  // no-load loss
    CHECK(ups.efficiency(0.0) == 0.0);
    CHECK(ups.load_fraction(25e3) == doctest::Approx(0.25));
    // the library default is the same coefficient set
    const LossModel d = default_ups(100e3);
    CHECK(d.loss_w(25e3) == doctest::Approx(2156.25));
    CHECK(d.loss_w(100e3) == doctest::Approx(6000.0));
    // efficiency peaks at x = sqrt(c0 / c2) = sqrt(0.6)
    const double x_best = std::sqrt(0.6);
    CHECK(ups.efficiency(x_best * 100e3) > ups.efficiency((x_best - 0.05) * 100e3));
    CHECK(ups.efficiency(x_best * 100e3) > ups.efficiency((x_best + 0.05) * 100e3));
  }

  TEST_CASE("over-rating of one unit") {
    const LossModel ups = LossModel::coefficients(100e3, 0.015, 0.02, 0.025);
    CHECK_FALSE(ups.over_rating(100e3));
    CHECK(ups.over_rating(100.001e3));
    CHECK_FALSE(LossModel::lossless().over_rating(1e12));  // unrated
    CHECK(ups.with_rating(200e3).loss_w(50e3) == doctest::Approx(3000.0 + 1000.0 + 312.5));
  }

  TEST_CASE("PDU default: Lei & Masanet loss rate 0.56 %, input = P / (1 - 0.0056)") {
    const LossModel pdu = default_pdu(0.0);
    CHECK(pdu.input_w(10e3) == doctest::Approx(10e3 / 0.9944));
  }

  TEST_CASE("transformer default: no-load plus square-law (pvlib simple_efficiency form)") {
    const LossModel tx = default_transformer(1e6);
    // 0.2 % x 1 MW + 1 % x 1 MW x 0.5^2
    CHECK(tx.loss_w(0.5e6) == doctest::Approx(2000.0 + 2500.0));
  }

  TEST_CASE("80 PLUS Titanium and Platinum PSUs (230 V redundant) at 20, 50, 100 % load") {
    const double rating = 2000.0;
    const LossModel ti = *eighty_plus_psu("titanium", "230v_redundant", rating);
    CHECK(ti.input_w(400.0) == doctest::Approx(400.0 / 0.94));   // 20 %
    CHECK(ti.input_w(1000.0) == doctest::Approx(1000.0 / 0.96));  // 50 %
    CHECK(ti.input_w(2000.0) == doctest::Approx(2000.0 / 0.91));  // 100 %
    CHECK(ti.loss_w(1000.0) == doctest::Approx(1000.0 / 0.96 - 1000.0));
    CHECK(ti.efficiency(200.0) == doctest::Approx(0.90));  // 10 %
    CHECK(ti.efficiency(100.0) == doctest::Approx(0.90));  // 5 %: flat below the first point
    // 35 %: halfway between 20 % (94) and 50 % (96)
    CHECK(ti.efficiency(700.0) == doctest::Approx(0.95));

    const LossModel pt = *eighty_plus_psu("platinum", "230v_redundant", rating);
    CHECK(pt.input_w(400.0) == doctest::Approx(400.0 / 0.90));
    CHECK(pt.input_w(1000.0) == doctest::Approx(1000.0 / 0.94));
    CHECK(pt.input_w(2000.0) == doctest::Approx(2000.0 / 0.91));
    CHECK(pt.efficiency(200.0) == doctest::Approx(0.90));  // no 10 % figure: flat below 20 %
    CHECK(pt.loss_w(0.0) == 0.0);                            // a table has no no-load term

    // other columns and levels
    CHECK(eighty_plus_psu("titanium", "115v_internal", rating)->efficiency(2000.0) == doctest::Approx(0.90));
    CHECK(eighty_plus_psu("titanium", "230v_eu_internal", rating)->efficiency(2000.0) == doctest::Approx(0.94));
    CHECK(eighty_plus_psu("ruby", "230v_redundant", rating)->efficiency(1000.0) == doctest::Approx(0.965));
    CHECK_FALSE(eighty_plus_psu("80plus", "230v_redundant", rating).has_value());  // "-" in the table
    CHECK_FALSE(eighty_plus_psu("ruby", "115v_internal", rating).has_value());
    CHECK_FALSE(eighty_plus_psu("diamond", "230v_redundant", rating).has_value());
    CHECK(eighty_plus_level_names().size() == 7);
    CHECK(eighty_plus_variant_names().size() == 3);
  }

  TEST_CASE("loss model checks") {
    CHECK(check_loss_model(default_ups(1e5)).empty());
    CHECK_FALSE(check_loss_model(LossModel::coefficients(0.0, 0.01, 0.0, 0.0)).empty());  // c0 needs a rating
    CHECK(check_loss_model(LossModel::coefficients(0.0, 0.0, 0.01, 0.0)).empty());        // c1 does not
    CHECK_FALSE(check_loss_model(LossModel::coefficients(1e5, -0.01, 0.0, 0.0)).empty());
    CHECK_FALSE(check_loss_model(LossModel::efficiency_table(1e3, {{0.5, 0.9}, {0.2, 0.9}})).empty());
    CHECK_FALSE(check_loss_model(LossModel::efficiency_table(1e3, {{0.5, 1.2}})).empty());
    CHECK_FALSE(check_loss_model(LossModel::efficiency_table(0.0, {{0.5, 0.9}})).empty());
    CHECK(loss_model_names().size() == 3);
    CHECK(loss_model_kind("table") == LossKind::table);
  }

  TEST_CASE("a 2N UPS pair loses more than one unit at the same load when no-load losses dominate") {
    // One unit of rating R at load P:   L1 = c0 R + c1 P + c2 P^2 / R.
    // A 2N pair, each unit R at P / 2:  L2 = 2 [c0 R + c1 P/2 + c2 (P/2)^2 / R]
    //                                      = 2 c0 R + c1 P + c2 P^2 / (2R).
    // L2 - L1 = c0 R - c2 P^2 / (2R) = R (c0 - c2 x^2 / 2), x = P / R: the pair pays a second
    // no-load loss and saves half the square-law loss, so it loses more whenever c0 > c2 x^2 / 2.
    // Here c0 = 4 %, c2 = 1 %, R = 100 kW, P = 40 kW (x = 0.4): L2 - L1 = 4000 - 80 = 3920 W.
    const LossModel unit = LossModel::coefficients(100e3, 0.04, 0.01, 0.01);
    const double p = 40e3;
    const double l1 = 4000.0 + 400.0 + 0.01 * p * p / 100e3;               // 4560 W
    const double l2 = 2.0 * (4000.0 + 200.0 + 0.01 * (p / 2) * (p / 2) / 100e3);  // 8480 W
    CHECK(l1 == doctest::Approx(4560.0));
    CHECK(l2 == doctest::Approx(8480.0));

    const PowerTree single = single_stage(unit, 1, Redundancy::none, p);
    const PowerTree pair = single_stage(unit, 1, Redundancy::two_n, p);
    CHECK(single.losses_by_kind().ups_w == doctest::Approx(l1));
    CHECK(pair.losses_by_kind().ups_w == doctest::Approx(l2));
    CHECK(pair.losses_by_kind().ups_w - single.losses_by_kind().ups_w == doctest::Approx(3920.0));
    CHECK(pair.total_input_w() > single.total_input_w());
    // each unit of the pair runs at half load: its efficiency is lower than the single unit's
    CHECK(unit.efficiency(p / 2) < unit.efficiency(p));
    // a pair is not over its rating until one feed could no longer carry the whole load
    CHECK(pair.over_rating_count() == 0);
    CHECK(single_stage(unit, 1, Redundancy::two_n, 150e3).over_rating_count() == 1);
  }

  TEST_CASE("N+1: N + 1 units share the load; capacity is N units") {
    // N = 2 units of 50 kW, plus one: 3 x L(40 kW / 3)
    const LossModel unit = LossModel::coefficients(50e3, 0.015, 0.02, 0.025);
    const double share = 40e3 / 3.0;
    const double expected = 3.0 * (0.015 * 50e3 + 0.02 * share + 0.025 * share * share / 50e3);
    const PowerTree t = single_stage(unit, 2, Redundancy::n_plus_1, 40e3);
    CHECK(t.losses_by_kind().ups_w == doctest::Approx(expected));
    CHECK(t.capacity_w(*t.find("ups")) == doctest::Approx(100e3));
    CHECK(installed_units(2, Redundancy::n_plus_1) == 3);
    CHECK(installed_units(2, Redundancy::two_n) == 4);
    CHECK(single_stage(unit, 2, Redundancy::n_plus_1, 100e3).over_rating_count() == 0);
    CHECK(single_stage(unit, 2, Redundancy::n_plus_1, 110e3).over_rating_count() == 1);  // would not survive a unit loss
    CHECK(redundancy_from_name("n+1") == Redundancy::n_plus_1);
    CHECK(redundancy_from_name("2n") == Redundancy::two_n);
    CHECK(redundancy_names().size() == 3);
  }

  TEST_CASE("a small chain by hand: rack PSU -> PDU -> transformer") {
    PowerTree t;
    const auto u = add_lossless(t, NodeKind::utility, "utility");
    const auto tx = t.add_node({NodeKind::transformer, "tx", LossModel::coefficients(20e3, 0.002, 0.0, 0.01), 1,
                                Redundancy::none});
    const auto pdu = t.add_node({NodeKind::pdu, "pdu", LossModel::coefficients(0.0, 0.0, 0.01, 0.0), 1, Redundancy::none});
    const auto rack = t.add_node(
        {NodeKind::rack, "rack", *eighty_plus_psu("titanium", "230v_redundant", 10e3), 1, Redundancy::none});
    t.add_edge(u, tx);
    t.add_edge(tx, pdu);
    t.add_edge(pdu, rack);
    t.set_rack_load(rack, 8e3);
    // rack at 80 %: eta = 0.96 + (0.91 - 0.96) x (0.8 - 0.5) / 0.5 = 0.93
    const double rack_in = 8e3 / 0.93;
    const double pdu_in = rack_in * 1.01;
    const double tx_loss = 0.002 * 20e3 + 0.01 * pdu_in * pdu_in / 20e3;
    CHECK(t.state(rack).input_w == doctest::Approx(rack_in));
    CHECK(t.state(pdu).input_w == doctest::Approx(pdu_in));
    CHECK(t.losses_by_kind().transformer_w == doctest::Approx(tx_loss));
    CHECK(t.losses_by_kind().psu_w == doctest::Approx(rack_in - 8e3));
    CHECK(t.losses_by_kind().pdu_w == doctest::Approx(pdu_in - rack_in));
    CHECK(t.total_input_w() == doctest::Approx(pdu_in + tx_loss));
    CHECK(t.parent(rack) == pdu);
    CHECK_FALSE(t.parent(u).has_value());
    CHECK(t.children(tx) == std::vector<PowerTree::NodeId>{pdu});
    CHECK(t.roots() == std::vector<PowerTree::NodeId>{u});
  }

  TEST_CASE("standard hall: structure and automatic sizing") {
    const HallDesign d = test_hall();
    PowerTree t = standard_hall(d);
    CHECK(t.node_count() == 3 + 6 + 22);
    CHECK(t.racks().size() == 22);
    REQUIRE(t.find("pdu-5").has_value());
    CHECK(t.children(*t.find("pdu-5")).size() == 2);
    CHECK(t.spec(*t.find("ups")).units == 3);
    // every rack at its rating: the hall sits exactly at every stage's capacity, none over
    for (const auto r : t.racks()) t.set_rack_load(r, d.rack_rating_w);
    CHECK(t.over_rating_count() == 0);
    const auto ups = *t.find("ups");
    CHECK(t.state(ups).output_w == doctest::Approx(t.capacity_w(ups)).epsilon(1e-12));
    const auto tx = *t.find("transformer");
    CHECK(t.state(tx).output_w == doctest::Approx(t.capacity_w(tx)).epsilon(1e-12));
    CHECK(t.capacity_w(t.racks().front()) == doctest::Approx(20e3));
  }

  TEST_CASE("an idle hall draws its no-load losses") {
    const HallDesign d = test_hall();
    const PowerTree t = standard_hall(d);
    CHECK(t.total_it_w() == 0.0);
    const LossesByKind l = t.losses_by_kind();
    CHECK(l.psu_w == 0.0);  // 80 PLUS tables have no no-load term
    CHECK(l.pdu_w == 0.0);  // proportional only
    const auto ups = *t.find("ups");
    // 3 + 1 installed modules, each paying c0 = 1.5 % of its rating
    CHECK(l.ups_w == doctest::Approx(4 * 0.015 * t.spec(ups).unit.rating_w));
    const auto tx = *t.find("transformer");
    // 2N: two transformers of full rating, each paying its no-load 0.2 % and carrying half of
    // the UPS's no-load loss (the only load upstream of an idle hall's PDUs)
    const double tx_out = l.ups_w;
    const double r = t.spec(tx).unit.rating_w;
    CHECK(l.transformer_w == doctest::Approx(2 * (0.002 * r + 0.01 * (tx_out / 2) * (tx_out / 2) / r)));
    CHECK(t.total_input_w() == doctest::Approx(l.total_w()));
  }

  TEST_CASE("the incremental update along one path equals the full recomputation") {
    PowerTree t = standard_hall(test_hall());
    const auto& racks = t.racks();
    // a deterministic sequence of loads (a linear congruential walk), many times over each rack
    std::uint64_t state = 12345;
    for (int step = 0; step < 2000; ++step) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const std::size_t i = static_cast<std::size_t>(state >> 33) % racks.size();
      const double load = 25e3 * static_cast<double>((state >> 11) & 0xFFFF) / 65535.0;  // up to 125 % of rating
      t.set_rack_load(racks[i], load);
    }
    PowerTree full = t;
    full.recompute();
    check_same(t, full, 1e-9);
    // and the totals balance: total input = IT + every loss
    CHECK(close(t.total_input_w(), t.total_it_w() + t.losses_by_kind().total_w(), 1e-12));
    CHECK(close(full.total_input_w(), full.total_it_w() + full.losses_by_kind().total_w(), 1e-12));
  }

  TEST_CASE("total input = IT + all losses at several operating points") {
    PowerTree t = standard_hall(test_hall());
    for (const double f : {0.0, 0.1, 0.5, 0.9, 1.0}) {
      for (std::size_t i = 0; i < t.racks().size(); ++i)
        t.set_rack_load(t.racks()[i], f * 20e3 * (0.5 + 0.5 * static_cast<double>(i % 3) / 2.0));
      INFO(f);
      const double sum = t.total_it_w() + t.losses_by_kind().total_w();
      CHECK(close(t.total_input_w(), sum, 1e-12));
      double roots = 0.0;
      for (const auto r : t.roots()) roots += t.state(r).input_w;
      CHECK(close(t.total_input_w(), roots, 1e-12));
    }
  }

  TEST_CASE("nodes over their rating are reported, with which node") {
    const HallDesign d = test_hall();
    PowerTree t = standard_hall(d);
    const auto rack3 = t.racks()[3];
    t.set_rack_load(rack3, 24e3);  // 120 % of its 20 kW rating
    auto over = t.over_rating();
    REQUIRE(over.size() == 1);
    CHECK(t.over_rating_count() == 1);
    CHECK(over[0].node == rack3);
    CHECK(over[0].name == "rack-3");
    CHECK(over[0].kind == NodeKind::rack);
    CHECK(over[0].output_w == doctest::Approx(24e3));
    CHECK(over[0].capacity_w == doctest::Approx(20e3));

    // the rest of the hall at full load: rack-3's overload now also overloads its PDU and
    // everything upstream
    for (const auto r : t.racks())
      if (r != rack3) t.set_rack_load(r, d.rack_rating_w);
    over = t.over_rating();
    std::vector<std::string> names;
    for (const auto& o : over) names.push_back(o.name);
    CHECK((names == std::vector<std::string>{"transformer", "ups", "pdu-0", "rack-3"}));
    CHECK(t.over_rating_count() == 4);
    PowerTree full = t;
    full.recompute();
    CHECK(full.over_rating_count() == 4);

    t.set_rack_load(rack3, d.rack_rating_w);
    CHECK(t.over_rating_count() == 0);
    CHECK(t.over_rating().empty());
  }

  TEST_CASE("bad trees and loads are rejected") {
    PowerTree t;
    const auto a = add_lossless(t, NodeKind::utility, "a");
    const auto b = add_lossless(t, NodeKind::pdu, "b");
    const auto c = add_lossless(t, NodeKind::pdu, "c");
    const auto r = add_lossless(t, NodeKind::rack, "r");
    t.add_edge(a, b);
    t.add_edge(b, c);
    CHECK_THROWS_AS(t.add_edge(c, a), std::invalid_argument);  // cycle
    CHECK_THROWS_AS(t.add_edge(a, c), std::invalid_argument);  // second parent
    CHECK_THROWS_AS(t.add_edge(r, a), std::invalid_argument);  // rack feeding a node
    CHECK_THROWS_AS(t.set_rack_load(b, 1.0), std::invalid_argument);
    CHECK_THROWS_AS(t.set_rack_load(r, -1.0), std::invalid_argument);
    CHECK_THROWS_AS(t.add_node({NodeKind::ups, "u", LossModel::coefficients(0.0, 0.01, 0.0, 0.0), 1,
                                Redundancy::none}),
                    std::invalid_argument);
    HallDesign d = default_hall_design(0, 10e3);
    CHECK_THROWS_AS(standard_hall(d), std::invalid_argument);
  }

  TEST_CASE("a lossless subtree under a lossy UPS, by hand") {
    // utility (lossless) -> UPS (c0 1 %, c1 2 %, c2 3 % of 100 kW) -> PDU (lossless, rated
    // 50 kW) -> two lossless racks rated 20 kW
    PowerTree t;
    const auto u = add_lossless(t, NodeKind::utility, "utility");
    const auto ups = t.add_node({NodeKind::ups, "ups", LossModel::coefficients(100e3, 0.01, 0.02, 0.03), 1,
                                 Redundancy::none});
    const auto pdu = add_lossless(t, NodeKind::pdu, "pdu", 50e3);
    const auto a = add_lossless(t, NodeKind::rack, "a", 20e3);
    const auto b = add_lossless(t, NodeKind::rack, "b", 20e3);
    t.add_edge(u, ups);
    t.add_edge(ups, pdu);
    t.add_edge(pdu, a);
    t.add_edge(pdu, b);
    // idle: the UPS's no-load loss only, 1 % of 100 kW
    CHECK(t.total_input_w() == doctest::Approx(1000.0));
    t.set_rack_load(a, 10e3);
    t.set_rack_load(b, 15e3);
    // PDU: 25 kW through, no loss; UPS at 25 kW: 1000 + 0.02 x 25e3 + 0.03 x 25e3^2 / 100e3 =
    // 1000 + 500 + 187.5 W
    CHECK(t.state(a).input_w == 10e3);
    CHECK(t.state(pdu).output_w == doctest::Approx(25e3));
    CHECK(t.state(pdu).input_w == doctest::Approx(25e3));
    CHECK(t.state(pdu).loss_w == 0.0);
    CHECK(t.state(ups).loss_w == doctest::Approx(1687.5));
    CHECK(t.losses_by_kind().ups_w == doctest::Approx(1687.5));
    CHECK(t.losses_by_kind().pdu_w == 0.0);
    CHECK(t.losses_by_kind().psu_w == 0.0);
    CHECK(t.total_input_w() == doctest::Approx(26687.5));
    // again, read only once after both changes: UPS at 35 kW: 1000 + 700 + 367.5 W
    t.set_rack_load(a, 20e3);
    t.set_rack_load(b, 10e3);
    t.set_rack_load(b, 15e3);
    CHECK(t.total_input_w() == doctest::Approx(35e3 + 2067.5));
    PowerTree full = t;
    full.recompute();
    check_same(t, full, 1e-12);
  }

  TEST_CASE("a lossy rack beside lossless ones under a lossless PDU, by hand") {
    // PDU lossless and unrated; rack a lossless, rack b a PSU losing 5 % of its output
    PowerTree t;
    const auto pdu = add_lossless(t, NodeKind::pdu, "pdu");
    const auto a = add_lossless(t, NodeKind::rack, "a");
    const auto b = t.add_node({NodeKind::rack, "b", LossModel::coefficients(0.0, 0.0, 0.05, 0.0), 1,
                               Redundancy::none});
    t.add_edge(pdu, a);
    t.add_edge(pdu, b);
    t.set_rack_load(a, 10e3);
    t.set_rack_load(b, 10e3);
    CHECK(t.state(b).input_w == doctest::Approx(10.5e3));
    CHECK(t.state(pdu).output_w == doctest::Approx(20.5e3));
    CHECK(t.total_input_w() == doctest::Approx(20.5e3));
    CHECK(t.losses_by_kind().psu_w == doctest::Approx(500.0));
    t.set_rack_load(a, 12e3);  // the lossless path alone: 2 kW more through the PDU
    CHECK(t.state(pdu).input_w == doctest::Approx(22.5e3));
    CHECK(t.total_input_w() == doctest::Approx(22.5e3));
    t.set_rack_load(b, 4e3);  // 4.2 kW in
    t.set_rack_load(a, 1e3);
    CHECK(t.state(pdu).output_w == doctest::Approx(5.2e3));
    CHECK(t.total_input_w() == doctest::Approx(5.2e3));
    CHECK(t.total_it_w() == doctest::Approx(5e3));
    PowerTree full = t;
    full.recompute();
    check_same(t, full, 1e-12);
  }

  TEST_CASE("a rated lossless node still reports its over-rating") {
    // lossless PDU rated 30 kW over lossless racks rated 20 kW
    PowerTree t;
    const auto u = add_lossless(t, NodeKind::utility, "utility");
    const auto pdu = add_lossless(t, NodeKind::pdu, "pdu", 30e3);
    const auto a = add_lossless(t, NodeKind::rack, "a", 20e3);
    const auto b = add_lossless(t, NodeKind::rack, "b", 20e3);
    t.add_edge(u, pdu);
    t.add_edge(pdu, a);
    t.add_edge(pdu, b);
    t.set_rack_load(a, 20e3);  // exactly at its rating: not over
    t.set_rack_load(b, 10e3);  // PDU exactly at 30 kW: not over
    CHECK(t.over_rating_count() == 0);
    t.set_rack_load(b, 15e3);  // PDU at 35 kW
    REQUIRE(t.over_rating_count() == 1);
    auto over = t.over_rating();
    REQUIRE(over.size() == 1);
    CHECK(over[0].name == "pdu");
    CHECK(over[0].output_w == doctest::Approx(35e3));
    CHECK(over[0].capacity_w == doctest::Approx(30e3));
    t.set_rack_load(a, 21e3);  // rack a over too, PDU at 36 kW
    CHECK(t.over_rating_count() == 2);
    PowerTree full = t;
    full.recompute();
    CHECK(full.over_rating_count() == 2);
    t.set_rack_load(a, 5e3);  // PDU at 20 kW: nothing over
    t.set_rack_load(b, 0.0);
    CHECK(t.over_rating_count() == 0);
    CHECK(t.state(pdu).output_w == doctest::Approx(5e3));
    CHECK(t.total_input_w() == doctest::Approx(5e3));
  }

  TEST_CASE("random load sequences: incremental = full recomputation, lossless, lossy and mixed halls") {
    // lossless: every stage's coefficients zero but sized (rated), as the ideal facility; mixed:
    // lossless racks and PDUs under a lossy UPS and transformer, with every fourth rack's PSU lossy
    HallDesign lossless = default_hall_design(37, 20e3);
    lossless.racks_per_pdu = 5;
    lossless.psu = LossModel::lossless();
    lossless.pdu = LossModel::coefficients(0.0, 0.0, 0.0, 0.0);
    lossless.ups = LossModel::coefficients(0.0, 0.0, 0.0, 0.0);
    lossless.transformer = LossModel::coefficients(0.0, 0.0, 0.0, 0.0);
    HallDesign mixed = lossless;
    mixed.ups = default_ups(0.0);
    mixed.transformer = default_transformer(0.0);
    mixed.ups_redundancy = Redundancy::n_plus_1;
    const HallDesign lossy = test_hall();
    for (int which = 0; which < 3; ++which) {
      const HallDesign& d = which == 0 ? lossless : which == 1 ? mixed : lossy;
      INFO(which);
      PowerTree t = standard_hall(d);
      if (which == 1) {
        // rebuild by hand with every fourth rack's PSU an 80 PLUS table
        PowerTree m;
        std::vector<PowerTree::NodeId> ids(t.node_count());
        for (std::size_t n = 0; n < t.node_count(); ++n) {
          PowerNodeSpec s = t.spec(n);
          if (s.kind == NodeKind::rack && (n % 4) == 0) s.unit = *eighty_plus_psu("platinum", "230v_redundant", 20e3);
          ids[n] = m.add_node(s);
        }
        for (std::size_t n = 0; n < t.node_count(); ++n)
          if (const auto p = t.parent(n)) m.add_edge(ids[*p], ids[n]);
        t = m;
      }
      const auto& racks = t.racks();
      std::uint64_t state = 987654321;
      for (int step = 0; step < 5000; ++step) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const std::size_t i = static_cast<std::size_t>(state >> 33) % racks.size();
        // up to 120 % of rating, and now and then exactly zero
        const double load = (state & 0x7) == 0 ? 0.0 : 24e3 * static_cast<double>((state >> 11) & 0xFFFF) / 65535.0;
        t.set_rack_load(racks[i], load);
        if ((state >> 20) % 5 == 0) {
          // read now and then, so that changes are gathered over several racks or none
          PowerTree full = t;
          full.recompute();
          check_same(t, full, 1e-9);
        }
      }
      PowerTree full = t;
      full.recompute();
      check_same(t, full, 1e-9);
      CHECK(close(t.total_input_w(), t.total_it_w() + t.losses_by_kind().total_w(), 1e-12));
      if (which == 0) {
        CHECK(t.losses_by_kind().total_w() == 0.0);
        CHECK(close(t.total_input_w(), t.total_it_w(), 1e-12));
      }
    }
  }

  TEST_CASE("lossless racks under two PDUs changed in turn, read once, by hand") {
    // utility -> PDUs p and q (lossless, unrated) -> racks p1, p2 and q1 (lossless, rated 10 kW)
    PowerTree t;
    const auto u = add_lossless(t, NodeKind::utility, "utility");
    const auto p = add_lossless(t, NodeKind::pdu, "p");
    const auto q = add_lossless(t, NodeKind::pdu, "q");
    const auto p1 = add_lossless(t, NodeKind::rack, "p1", 10e3);
    const auto p2 = add_lossless(t, NodeKind::rack, "p2", 10e3);
    const auto q1 = add_lossless(t, NodeKind::rack, "q1", 10e3);
    t.add_edge(u, p);
    t.add_edge(u, q);
    t.add_edge(p, p1);
    t.add_edge(p, p2);
    t.add_edge(q, q1);
    t.set_rack_load(p1, 3e3);
    t.set_rack_load(p2, 4e3);
    t.set_rack_load(q1, 11e3);  // over its 10 kW rating
    t.set_rack_load(p1, 1e3);
    t.set_rack_load(p2, 2e3);
    // p: 1 + 2 = 3 kW, q: 11 kW, utility 14 kW, q1 over its rating
    CHECK(t.state(p).output_w == doctest::Approx(3e3));
    CHECK(t.state(q).input_w == doctest::Approx(11e3));
    CHECK(t.state(u).output_w == doctest::Approx(14e3));
    CHECK(t.total_input_w() == doctest::Approx(14e3));
    CHECK(t.total_it_w() == doctest::Approx(14e3));
    CHECK(t.over_rating_count() == 1);
    t.set_rack_load(q1, 5e3);
    CHECK(t.over_rating_count() == 0);
    CHECK(t.state(u).input_w == doctest::Approx(8e3));
    PowerTree full = t;
    full.recompute();
    check_same(t, full, 1e-12);
  }

  TEST_CASE("changes under several PDUs of one lossless UPS reach it summed; only the state at the read counts") {
    // utility -> ups (lossless, rated 15 kW) -> PDUs p and q (lossless) -> racks p1 and q1
    PowerTree t;
    const auto u = add_lossless(t, NodeKind::utility, "utility");
    const auto ups = add_lossless(t, NodeKind::ups, "ups", 15e3);
    const auto p = add_lossless(t, NodeKind::pdu, "p");
    const auto q = add_lossless(t, NodeKind::pdu, "q");
    const auto p1 = add_lossless(t, NodeKind::rack, "p1");
    const auto q1 = add_lossless(t, NodeKind::rack, "q1");
    t.add_edge(u, ups);
    t.add_edge(ups, p);
    t.add_edge(ups, q);
    t.add_edge(p, p1);
    t.add_edge(q, q1);
    t.set_rack_load(p1, 8e3);
    t.set_rack_load(q1, 8e3);  // the UPS at 16 kW, over 15 kW, but not read
    t.set_rack_load(p1, 6e3);  // 14 kW
    CHECK(t.over_rating_count() == 0);
    CHECK(t.state(ups).output_w == doctest::Approx(14e3));
    CHECK(t.state(p).output_w == doctest::Approx(6e3));
    t.set_rack_load(q1, 10e3);  // 16 kW
    t.set_rack_load(p1, 6e3);   // unchanged
    CHECK(t.over_rating_count() == 1);
    CHECK(t.state(u).output_w == doctest::Approx(16e3));
    CHECK(t.total_input_w() == doctest::Approx(16e3));
    PowerTree full = t;
    full.recompute();
    check_same(t, full, 1e-12);
  }
}
