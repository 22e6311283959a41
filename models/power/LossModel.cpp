#include "models/power/LossModel.hpp"

#include <array>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace dcsim::models {

namespace {

constexpr std::array<std::string_view, 3> kLossNames{"lossless", "coefficients", "table"};

constexpr std::array<std::string_view, 7> kLevels{"80plus", "bronze", "silver", "gold", "platinum", "titanium", "ruby"};
constexpr std::array<std::string_view, 3> kVariants{"115v_internal", "230v_redundant", "230v_eu_internal"};

/// Minimum efficiency (%) at 10, 20, 50, 100 % load; < 0 = no requirement; all < 0 = level not
/// defined for the variant. reference/facts.md 2.1 ([S] Wikipedia "80 Plus"; Ruby: techspot).
constexpr double kNone = -1.0;
using Row = std::array<double, 4>;
constexpr std::array<std::array<Row, 3>, 7> kEightyPlus{{
    // 115 V internal              230 V internal redundant      230 V EU internal
    {{{kNone, 80, 80, 80}, {kNone, kNone, kNone, kNone}, {kNone, 82, 85, 82}}},  // 80 PLUS
    {{{kNone, 82, 85, 82}, {kNone, 81, 85, 81}, {kNone, 85, 88, 85}}},           // Bronze
    {{{kNone, 85, 88, 85}, {kNone, 85, 89, 85}, {kNone, 87, 90, 87}}},           // Silver
    {{{kNone, 87, 90, 87}, {kNone, 88, 92, 88}, {kNone, 90, 92, 89}}},           // Gold
    {{{kNone, 90, 92, 89}, {kNone, 90, 94, 91}, {kNone, 92, 94, 90}}},           // Platinum
    {{{90, 92, 94, 90}, {90, 94, 96, 91}, {90, 94, 96, 94}}},                    // Titanium
    {{{kNone, kNone, kNone, kNone}, {91, 95, 96.5, 92}, {kNone, kNone, kNone, kNone}}},  // Ruby (data-centre)
}};
constexpr std::array<double, 4> kEightyPlusLoads{0.10, 0.20, 0.50, 1.00};

template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return i;
  return std::nullopt;
}

bool finite_non_negative(double v) { return std::isfinite(v) && v >= 0.0; }

/// Efficiency of a table at load fraction x: linear between points, flat outside.
double table_efficiency(const std::vector<EfficiencyPoint>& t, double x) {
  if (t.empty()) return 1.0;
  if (x <= t.front().load_fraction) return t.front().efficiency;
  if (x >= t.back().load_fraction) return t.back().efficiency;
  std::size_t i = 1;
  while (t[i].load_fraction < x) ++i;
  const EfficiencyPoint& a = t[i - 1];
  const EfficiencyPoint& b = t[i];
  return a.efficiency + (b.efficiency - a.efficiency) * (x - a.load_fraction) / (b.load_fraction - a.load_fraction);
}

}  // namespace

std::span<const std::string_view> loss_model_names() { return kLossNames; }

std::optional<LossKind> loss_model_kind(std::string_view name) {
  if (auto i = index_of(kLossNames, name)) return static_cast<LossKind>(*i);
  return std::nullopt;
}

LossModel LossModel::lossless(double rating) {
  LossModel m;
  m.rating_w = rating;
  return m;
}

LossModel LossModel::coefficients(double rating, double c0, double c1, double c2) {
  LossModel m;
  m.kind = LossKind::coefficients;
  m.rating_w = rating;
  m.no_load = c0;
  m.proportional = c1;
  m.square_law = c2;
  return m;
}

LossModel LossModel::efficiency_table(double rating, std::vector<EfficiencyPoint> points) {
  LossModel m;
  m.kind = LossKind::table;
  m.rating_w = rating;
  m.table = std::move(points);
  return m;
}

LossModel LossModel::with_rating(double new_rating_w) const {
  LossModel m = *this;
  m.rating_w = new_rating_w;
  return m;
}

double LossModel::load_fraction(double output_w) const { return rating_w > 0.0 ? output_w / rating_w : 0.0; }

double LossModel::loss_w(double output_w) const {
  switch (kind) {
    case LossKind::lossless: return 0.0;
    case LossKind::coefficients: {
      double loss = no_load * rating_w + proportional * output_w;
      if (rating_w > 0.0) loss += square_law * output_w * output_w / rating_w;
      return loss;
    }
    case LossKind::table: {
      if (output_w <= 0.0) return 0.0;
      const double eta = table_efficiency(table, load_fraction(output_w));
      return output_w / eta - output_w;
    }
  }
  return 0.0;
}

double LossModel::efficiency(double output_w) const {
  const double in = input_w(output_w);
  if (in <= 0.0) return 1.0;
  return output_w / in;
}

std::string check_loss_model(const LossModel& m) {
  if (!finite_non_negative(m.rating_w)) return fmt::format("rating {:g} W must be finite and >= 0", m.rating_w);
  switch (m.kind) {
    case LossKind::lossless: return {};
    case LossKind::coefficients:
      if (!finite_non_negative(m.no_load) || !finite_non_negative(m.proportional) ||
          !finite_non_negative(m.square_law))
        return "loss coefficients (no-load, proportional, square-law) must be finite and >= 0";
      if (m.rating_w <= 0.0 && (m.no_load > 0.0 || m.square_law > 0.0))
        return "no-load and square-law losses are fractions of the rating: give a rating > 0";
      return {};
    case LossKind::table:
      if (m.rating_w <= 0.0) return "an efficiency table is in load fractions: give a rating > 0";
      if (m.table.empty()) return "an efficiency table needs at least one point";
      for (std::size_t i = 0; i < m.table.size(); ++i) {
        const EfficiencyPoint& p = m.table[i];
        if (!finite_non_negative(p.load_fraction))
          return fmt::format("load fraction {:g} must be finite and >= 0", p.load_fraction);
        if (!std::isfinite(p.efficiency) || p.efficiency <= 0.0 || p.efficiency > 1.0)
          return fmt::format("efficiency {:g} at load {:g} must be in (0, 1]", p.efficiency, p.load_fraction);
        if (i > 0 && p.load_fraction <= m.table[i - 1].load_fraction)
          return fmt::format("load fractions must increase: {:g} after {:g}", p.load_fraction,
                             m.table[i - 1].load_fraction);
      }
      return {};
  }
  return {};
}

std::span<const std::string_view> eighty_plus_level_names() { return kLevels; }
std::span<const std::string_view> eighty_plus_variant_names() { return kVariants; }

std::optional<std::vector<EfficiencyPoint>> eighty_plus_table(std::string_view level, std::string_view variant) {
  const auto li = index_of(kLevels, level);
  const auto vi = index_of(kVariants, variant);
  if (!li || !vi) return std::nullopt;
  const Row& row = kEightyPlus[*li][*vi];
  std::vector<EfficiencyPoint> points;
  for (std::size_t i = 0; i < row.size(); ++i)
    if (row[i] >= 0.0) points.push_back({kEightyPlusLoads[i], row[i] / 100.0});
  if (points.empty()) return std::nullopt;
  return points;
}

std::optional<LossModel> eighty_plus_psu(std::string_view level, std::string_view variant, double rating_w) {
  auto points = eighty_plus_table(level, variant);
  if (!points) return std::nullopt;
  return LossModel::efficiency_table(rating_w, std::move(*points));
}

LossModel default_ups(double rating_w) { return LossModel::coefficients(rating_w, 0.015, 0.02, 0.025); }

LossModel default_transformer(double rating_w) { return LossModel::coefficients(rating_w, 0.002, 0.0, 0.01); }

LossModel default_pdu(double rating_w) { return LossModel::coefficients(rating_w, 0.0, 0.0056 / (1.0 - 0.0056), 0.0); }

}  // namespace dcsim::models
