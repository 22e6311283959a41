#pragma once
// Power as a function of utilisation: P(u) between an idle and a maximum power, u in [0, 1].
//
// Scope: one device (an accelerator, a host's CPUs and memory, a whole server) whose power rises
// with a scalar utilisation. A value type: a curve is a kind plus its parameters, evaluated by a
// switch (no virtual call), so it can be copied into every server of a hall.
//
// Equations (f(u) is the shape, P(u) = P_idle + (P_max - P_idle) f(u), u clamped to [0, 1]):
//   linear    f = u                    CloudSim, OpenDC LinearPowerModel, Cloud Carbon Footprint
//   square    f = u^2                  OpenDC SquarePowerModel (from CloudSim)
//   cubic     f = u^3                  OpenDC CubicPowerModel
//   sqrt      f = sqrt(u)              OpenDC SqrtPowerModel
//   fan2007   f = 2u - u^r             Fan, Weber, Barroso, "Power provisioning for a warehouse-
//                                      sized computer", ISCA 2007; r = 1.4 fitted in that study
//                                      (reference/facts.md 1.3). f(0) = 0, f(1) = 1 for every r,
//                                      and f is monotone on [0, 1] only for 1 <= r <= 2.
//   table     P = power at 0, 10, ..., 100 % load (11 points, W), linear interpolation between
//             neighbouring points: the SPECpower_ssj2008 form CloudSim's PowerModelSpecPower uses.
//             Its idle and max are its end points; scaled to other end points by its shape
//             f = (P(u) - P(0)) / (P(1) - P(0)).
// Parameters: idle_w, max_w (W); r (fan2007); table_w (table, W). SI throughout.
// Outputs: power_w(u) in W; shape(u) in [0, 1].
// Validation: tests/models/test_power_curve.cpp (each curve at u = 0, 0.5, 1 by hand; fan2007 at
// r = 1.4; table interpolation between points against the CloudSim IBM x3550 X5670 curve).
// Limitations: one scalar utilisation; no DVFS or power-state transitions, no temperature
// dependence (fans, leakage), no time constants; utilisation outside [0, 1] is clamped. For
// accelerators the right utilisation is not obvious: model FLOP utilisation (MFU, see
// mfu_utilisation) understates how busy the chip's power-hungry units are (Patterson et al. 2021:
// V100s ran GPT-3 at ~20 % of peak FLOP/s yet drew 330 W per accelerator at the system level, and
// "V100's TDP is closer to average power"), so MFU through a linear curve underestimates power. Jobs that publish measured power should use it (ServerModel.hpp).

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dcsim::models {

enum class CurveKind { linear, square, cubic, sqrt, fan2007, table };

/// The registry of curve names, in CurveKind order: "linear", "square", "cubic", "sqrt",
/// "fan2007", "table" (for a scenario ChoiceKind).
std::span<const std::string_view> power_curve_names();
/// The kind of a registry name, or nullopt.
std::optional<CurveKind> power_curve_kind(std::string_view name);
/// The registry name of a kind.
std::string_view power_curve_name(CurveKind kind);

/// Fan, Weber, Barroso ISCA 2007: r = 1.4 fitted to their measurements.
inline constexpr double kFan2007DefaultR = 1.4;
/// Points of a table curve: 0, 10, ..., 100 % utilisation.
inline constexpr std::size_t kPowerTablePoints = 11;

struct PowerCurve {
  CurveKind kind = CurveKind::linear;
  double idle_w = 0.0;  ///< P(0); for a table, table_w.front()
  double max_w = 0.0;   ///< P(1); for a table, table_w.back()
  double r = kFan2007DefaultR;                         ///< fan2007 exponent
  std::array<double, kPowerTablePoints> table_w{};     ///< table: W at 0, 10, ..., 100 %

  static PowerCurve linear(double p_idle_w, double p_max_w);
  static PowerCurve square(double p_idle_w, double p_max_w);
  static PowerCurve cubic(double p_idle_w, double p_max_w);
  static PowerCurve sqrt(double p_idle_w, double p_max_w);
  static PowerCurve fan2007(double p_idle_w, double p_max_w, double r_exp = kFan2007DefaultR);
  /// A table curve; idle_w and max_w are set to its end points.
  static PowerCurve table(const std::array<double, kPowerTablePoints>& points_w);

  /// f(u) in [0, 1] (u clamped); a table whose end points are equal gives 0.
  double shape(double u) const;
  /// P(u) with this curve's own idle and max (a table: the interpolated table itself).
  double power_w(double u) const;
  /// P(u) = idle_w + (max_w - idle_w) shape(u): this curve's shape between other end points.
  double power_w(double u, double to_idle_w, double to_max_w) const;
};

/// u clamped to [0, 1]; NaN gives 0.
double clamp_utilisation(double u);

/// Model FLOP utilisation: achieved / peak FLOP/s, clamped to [0, 1]; 0 when the peak is not
/// positive or either figure is not finite (unknown peak). Patterson et al. 2021 Table 4 example:
/// GPT-3 on V100, 24.6 of 125 TFLOP/s, gives 0.197.
double mfu_utilisation(double achieved_flop_per_s, double peak_flop_per_s);

// Input checks. Each returns the first problem as text, empty when the input is valid.

/// idle and max finite, 0 <= idle <= max.
std::string check_power_range(double idle_w, double max_w);
/// Every point finite and >= 0, and non-decreasing from 0 % to 100 %.
std::string check_power_table(std::span<const double> table_w);
/// The fan2007 exponent gives a monotone curve within [idle, max]: 1 <= r <= 2.
std::string check_fan2007_r(double r);
/// All of the above that apply to the curve's kind (a table must have 11 points).
std::string check_power_curve(const PowerCurve& curve);

}  // namespace dcsim::models
