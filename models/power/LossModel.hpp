#pragma once
// The losses of one electrical stage (transformer, UPS, PDU, power supply) as a function of the
// power it delivers.
//
// Scope: one unit of equipment with a rating (W of output), in steady state, real power only
// (no power factor, no harmonics, no temperature dependence).
// Equations, for output P (W) and rating R (W), x = P / R the load fraction:
//   coefficients  loss(P) = c0 R + c1 P + c2 P^2 / R
//                 c0: no-load loss as a fraction of rating (magnetising, control, fans: paid as
//                     soon as the unit is energised), c1: proportional loss (per W delivered),
//                     c2: square-law (I^2 R) loss at full load as a fraction of rating.
//                 The standard three-coefficient form: APC/Schneider WP113 (Rasmussen,
//                 "Electrical Efficiency Modeling for Data Centers") models every component so;
//                 pvlib transformer.simple_efficiency is its c1 = 0 case (reference/facts.md 2.3).
//                 Efficiency P / (P + loss) peaks where c0 = c2 x^2, at x = sqrt(c0 / c2).
//   table         efficiency eta(x) given at load fractions (e.g. 80 PLUS at 10/20/50/100 %),
//                 linear in x between points, flat outside them; loss = P / eta - P. A table
//                 has no no-load term: loss -> 0 as P -> 0.
//   input(P) = P + loss(P).
// Parameters: rating_w, c0, c1, c2 (dimensionless) or the table; defaults below.
// Outputs: input_w, loss_w, efficiency, load fraction, over_rating (P > R, R > 0).
// Validation: tests/models/test_power_delivery.cpp: a UPS's loss at 25/50/100 % by hand from its
// coefficients, 80 PLUS Titanium/Platinum at 20/50/100 % against the certification table.
// Limitations: the coefficient values of real equipment were not found (WP113's table and the
// LBNL power-chain tool were located but not retrievable, reference/facts.md 2.2-2.3), so the
// default UPS and transformer coefficients are illustrative, chosen to land in the published
// ranges; 80 PLUS levels are certification minima (real PSUs usually do better); over-rated
// operation is reported, not limited.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dcsim::models {

enum class LossKind { lossless, coefficients, table };

/// The registry of loss-model kinds: "lossless", "coefficients", "table" (LossKind order).
std::span<const std::string_view> loss_model_names();
std::optional<LossKind> loss_model_kind(std::string_view name);

/// One point of an efficiency table.
struct EfficiencyPoint {
  double load_fraction = 0.0;  ///< output / rating
  double efficiency = 1.0;     ///< output / input, in (0, 1]
};

struct LossModel {
  LossKind kind = LossKind::lossless;
  double rating_w = 0.0;        ///< rated output of one unit; 0 = unrated (never over rating)
  double no_load = 0.0;         ///< c0, fraction of rating
  double proportional = 0.0;    ///< c1, fraction of output
  double square_law = 0.0;      ///< c2, fraction of rating at full load
  std::vector<EfficiencyPoint> table;  ///< table kind: increasing load fractions

  static LossModel lossless(double rating_w = 0.0);
  static LossModel coefficients(double rating_w, double no_load, double proportional, double square_law);
  static LossModel efficiency_table(double rating_w, std::vector<EfficiencyPoint> points);

  /// The same model (coefficients or table) for a unit of another rating.
  LossModel with_rating(double new_rating_w) const;

  double loss_w(double output_w) const;
  double input_w(double output_w) const { return output_w + loss_w(output_w); }
  /// output / input; 1 at zero output for a table or lossless model, 0 for a coefficient model
  /// with a no-load loss.
  double efficiency(double output_w) const;
  /// output / rating, 0 when unrated.
  double load_fraction(double output_w) const;
  bool over_rating(double output_w) const { return rating_w > 0.0 && output_w > rating_w; }
};

/// First problem with a loss model, empty when valid: finite non-negative coefficients, a
/// positive rating when c0 or c2 is set or for a table, table load fractions strictly increasing
/// and >= 0, efficiencies in (0, 1].
std::string check_loss_model(const LossModel& model);

// ---- 80 PLUS power supplies (reference/facts.md 2.1, [S] Wikipedia "80 Plus" table) ---------
//
// Minimum efficiencies at 10/20/50/100 % load; "-" cells of the table (no 10 % requirement) are
// left out, so the table is flat below 20 % for those levels.

/// "80plus", "bronze", "silver", "gold", "platinum", "titanium", "ruby".
std::span<const std::string_view> eighty_plus_level_names();
/// "115v_internal" (115 V internal non-redundant), "230v_redundant" (230 V internal redundant,
/// the data-centre column), "230v_eu_internal" (230 V EU internal).
std::span<const std::string_view> eighty_plus_variant_names();
/// The certification table of a level and variant, or nullopt when the name is unknown or the
/// level defines no figures for that variant (80 PLUS base level at 230 V redundant; Ruby is
/// defined for data-centre supplies only: "230v_redundant").
std::optional<std::vector<EfficiencyPoint>> eighty_plus_table(std::string_view level, std::string_view variant);
/// A table LossModel of that level for a supply (or an aggregate of supplies) of `rating_w`.
std::optional<LossModel> eighty_plus_psu(std::string_view level, std::string_view variant, double rating_w);

// ---- Defaults for the other stages -------------------------------------------------------

/// Double-conversion UPS, illustrative: c0 = 1.5 %, c1 = 2 %, c2 = 2.5 %. Efficiency 85.3 % at
/// 10 %, 92.1 % at 25 %, 94.1 % at 50 %, 94.3 % at full load, peaking at x = sqrt(0.6) = 77 %:
/// inside the 85-95 % double-conversion range with the best efficiency around 70-80 % load and
/// part load worse than full load (reference/facts.md 2.2: [S] topology ranges; LBNL/EPRI 2005
/// via CEC TB-45). Not a published coefficient set.
LossModel default_ups(double rating_w);
/// Distribution transformer, illustrative (typical values not found, facts 2.3 [U]): no-load
/// 0.2 % and load (square-law) loss 1 % of rating, pvlib's simple_efficiency form.
LossModel default_transformer(double rating_w);
/// PDU / distribution: Lei & Masanet's distribution loss rate 0.56 % ([V], facts 2.3), i.e.
/// input = P / (1 - 0.0056): proportional c1 = 0.0056 / 0.9944.
LossModel default_pdu(double rating_w);

}  // namespace dcsim::models
