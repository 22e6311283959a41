#include "models/hardware/PowerCurve.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "models/hardware/ServerModel.hpp"

namespace dcsim::models {

namespace {

constexpr std::array<std::string_view, 6> kCurveNames{"linear", "square", "cubic", "sqrt", "fan2007", "table"};

PowerCurve make(CurveKind kind, double idle_w, double max_w) {
  PowerCurve c;
  c.kind = kind;
  c.idle_w = idle_w;
  c.max_w = max_w;
  return c;
}

/// Linear interpolation of the 11-point table at u in [0, 1].
double interpolate_table(const std::array<double, kPowerTablePoints>& t, double u) {
  const double x = u * static_cast<double>(kPowerTablePoints - 1);
  const auto i = std::min(static_cast<std::size_t>(x), kPowerTablePoints - 2);
  const double frac = x - static_cast<double>(i);
  return t[i] + (t[i + 1] - t[i]) * frac;
}

std::string number(double v) { return fmt::format("{:g}", v); }

}  // namespace

std::span<const std::string_view> power_curve_names() { return kCurveNames; }

std::optional<CurveKind> power_curve_kind(std::string_view name) {
  for (std::size_t i = 0; i < kCurveNames.size(); ++i)
    if (kCurveNames[i] == name) return static_cast<CurveKind>(i);
  return std::nullopt;
}

std::string_view power_curve_name(CurveKind kind) { return kCurveNames[static_cast<std::size_t>(kind)]; }

PowerCurve PowerCurve::linear(double p_idle_w, double p_max_w) { return make(CurveKind::linear, p_idle_w, p_max_w); }
PowerCurve PowerCurve::square(double p_idle_w, double p_max_w) { return make(CurveKind::square, p_idle_w, p_max_w); }
PowerCurve PowerCurve::cubic(double p_idle_w, double p_max_w) { return make(CurveKind::cubic, p_idle_w, p_max_w); }
PowerCurve PowerCurve::sqrt(double p_idle_w, double p_max_w) { return make(CurveKind::sqrt, p_idle_w, p_max_w); }

PowerCurve PowerCurve::fan2007(double p_idle_w, double p_max_w, double r_exp) {
  PowerCurve c = make(CurveKind::fan2007, p_idle_w, p_max_w);
  c.r = r_exp;
  return c;
}

PowerCurve PowerCurve::table(const std::array<double, kPowerTablePoints>& points_w) {
  PowerCurve c = make(CurveKind::table, points_w.front(), points_w.back());
  c.table_w = points_w;
  return c;
}

double clamp_utilisation(double u) {
  if (!(u > 0.0)) return 0.0;  // also NaN
  return u < 1.0 ? u : 1.0;
}

double PowerCurve::shape(double u_in) const {
  const double u = clamp_utilisation(u_in);
  switch (kind) {
    case CurveKind::linear: return u;
    case CurveKind::square: return u * u;
    case CurveKind::cubic: return u * u * u;
    case CurveKind::sqrt: return std::sqrt(u);
    case CurveKind::fan2007: return 2.0 * u - std::pow(u, r);
    case CurveKind::table: {
      const double span = table_w.back() - table_w.front();
      if (span == 0.0) return 0.0;
      return (interpolate_table(table_w, u) - table_w.front()) / span;
    }
  }
  return u;
}

double PowerCurve::power_w(double u) const {
  if (kind == CurveKind::table) return interpolate_table(table_w, clamp_utilisation(u));
  return idle_w + (max_w - idle_w) * shape(u);
}

double PowerCurve::power_w(double u, double to_idle_w, double to_max_w) const {
  return to_idle_w + (to_max_w - to_idle_w) * shape(u);
}

double mfu_utilisation(double achieved_flop_per_s, double peak_flop_per_s) {
  if (!std::isfinite(achieved_flop_per_s) || !std::isfinite(peak_flop_per_s) || !(peak_flop_per_s > 0.0)) return 0.0;
  return clamp_utilisation(achieved_flop_per_s / peak_flop_per_s);
}

std::string check_power_range(double idle_w, double max_w) {
  if (!std::isfinite(idle_w) || !std::isfinite(max_w)) return "idle and max power must be finite";
  if (idle_w < 0.0) return fmt::format("idle power {} W is negative", number(idle_w));
  if (idle_w > max_w)
    return fmt::format("idle power {} W is above max power {} W", number(idle_w), number(max_w));
  return {};
}

std::string check_power_table(std::span<const double> table_w) {
  if (table_w.size() != kPowerTablePoints)
    return fmt::format("a power table needs {} points (0, 10, ..., 100 %), got {}", kPowerTablePoints,
                       table_w.size());
  for (std::size_t i = 0; i < table_w.size(); ++i) {
    if (!std::isfinite(table_w[i]) || table_w[i] < 0.0)
      return fmt::format("power at {} % ({}) must be a finite non-negative number of W", 10 * i, number(table_w[i]));
    if (i > 0 && table_w[i] < table_w[i - 1])
      return fmt::format("power table must not decrease: {} W at {} % is below {} W at {} %", number(table_w[i]),
                         10 * i, number(table_w[i - 1]), 10 * (i - 1));
  }
  return {};
}

std::string check_fan2007_r(double r) {
  if (!std::isfinite(r) || r < 1.0 || r > 2.0)
    return fmt::format("fan2007 exponent r = {} must be within [1, 2] (2u - u^r is monotone and within "
                       "[0, 1] on [0, 1] only there)",
                       number(r));
  return {};
}

std::string check_power_curve(const PowerCurve& curve) {
  if (curve.kind == CurveKind::table) return check_power_table(curve.table_w);
  if (std::string e = check_power_range(curve.idle_w, curve.max_w); !e.empty()) return e;
  if (curve.kind == CurveKind::fan2007) return check_fan2007_r(curve.r);
  return {};
}

// ---- ServerModel / RackModel ------------------------------------------------------------------

double ServerModel::uncapped_power_w(double u_accel, double u_host) const {
  return static_cast<double>(accelerators) * accel_curve.power_w(u_accel, accel_idle_w, accel_max_w) +
         host_curve.power_w(u_host, host_idle_w, host_max_w);
}

double ServerModel::power_w(double u_accel, double u_host, bool& capped) const {
  const double p = uncapped_power_w(u_accel, u_host);
  capped = cap_w > 0.0 && p > cap_w;
  return capped ? cap_w : p;
}

double ServerModel::power_w(double u, bool& capped) const { return power_w(u, u, capped); }

RackPower RackModel::power(const ServerModel& server, double u) const {
  RackPower out;
  const double per_server = server.power_w(u, out.server_capped);
  const double p = static_cast<double>(servers) * per_server + switch_w;
  out.rack_capped = cap_w > 0.0 && p > cap_w;
  out.power_w = out.rack_capped ? cap_w : p;
  return out;
}

double RackModel::power_w(const ServerModel& server, double u, bool& capped) const {
  const RackPower p = power(server, u);
  capped = p.capped();
  return p.power_w;
}

std::string check_server(const ServerModel& s) {
  if (s.accelerators < 0) return "a server cannot have a negative number of accelerators";
  if (std::string e = check_power_range(s.accel_idle_w, s.accel_max_w); !e.empty()) return "accelerator: " + e;
  if (std::string e = check_power_curve(s.accel_curve); !e.empty()) return "accelerator curve: " + e;
  if (std::string e = check_power_range(s.host_idle_w, s.host_max_w); !e.empty()) return "host: " + e;
  if (std::string e = check_power_curve(s.host_curve); !e.empty()) return "host curve: " + e;
  if (!std::isfinite(s.cap_w) || s.cap_w < 0.0) return "server cap must be >= 0 W (0 = none)";
  return {};
}

std::string check_rack(const RackModel& r) {
  if (r.servers < 0) return "a rack cannot have a negative number of servers";
  if (!std::isfinite(r.switch_w) || r.switch_w < 0.0) return "rack switch power must be >= 0 W";
  if (!std::isfinite(r.cap_w) || r.cap_w < 0.0) return "rack cap must be >= 0 W (0 = none)";
  return {};
}

}  // namespace dcsim::models
