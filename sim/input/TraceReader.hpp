#pragma once
// Reading grid carbon-intensity traces from the CSV files grid-data publishers hand out.
//
// Four layouts are understood (columns are looked up by header name, in any order, except where
// said otherwise):
//   electricity_maps  Electricity Maps data-portal export: "Datetime (UTC)", "Carbon Intensity
//                     gCO₂eq/kWh (LCA)" or "... (direct)" (also spelt "gCO2eq"), and optionally
//                     "Carbon Free Energy Percentage (CFE%)" or "Low Carbon Percentage" (kept as a
//                     0..1 share). Times without a zone are UTC, as the column name says.
//   plain             "time,g_per_kwh": ISO 8601 times that must say Z or +00:00 (a space may
//                     stand in for the 'T'); or "time_s,g_per_kwh": seconds since
//                     TraceOptions::epoch_ms (the scenario start, when read for a scenario).
//   eia930            EIA-930 generation by fuel (as in the SustainDC files): "timestamp" (with
//                     Z or +00:00) and one MWh column per fuel code; the intensity of a row is the
//                     generation-weighted mean of the fuels' emission factors. Negative generation
//                     (net of plant consumption) counts as 0; other columns are ignored.
//   watttime          A marginal signal (WattTime MOER): first column the time (whatever its
//                     header), second column the value. Times without a zone are UTC.
//
// Every problem in a file (up to 50) is reported at once as one dcsim::InputError, each with the
// file, the 1-based line and character column, and the column name as the key path.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/grid/IntensityTrace.hpp"

namespace dcsim::input {

enum class TraceFormat { electricity_maps, plain, eia930, watttime };

/// Named registry: "electricity_maps", "plain", "eia930", "watttime".
std::optional<TraceFormat> trace_format_from_name(std::string_view name);
/// The names above, in that order (for messages such as "expected one of ...").
std::vector<std::string> trace_format_names();
/// The registry name of a format.
std::string_view trace_format_name(TraceFormat format);

/// 1 lb CO2 per MWh in kg/J (the unit of WattTime's MOER): 0.45359237 kg / 3.6e9 J.
inline constexpr double kKgPerJPerLbPerMWh = 0.45359237 / 3.6e9;

/// The eia930 defaults: IPCC AR5 lifecycle medians (and Electricity Maps defaults where AR5 has
/// none), fuel code -> kg/J.
const std::map<std::string, double>& default_eia930_factors_kg_per_j();

struct TraceOptions {
  TraceFormat format = TraceFormat::plain;
  /// electricity_maps: read the "(LCA)" lifecycle column (true) or the "(direct)" one (false).
  bool lifecycle = true;
  /// eia930: fuel code (= column name) -> emission factor in kg/J. Every code listed must be a
  /// column of the file. Empty = default_eia930_factors_kg_per_j(); non-empty replaces it whole.
  std::map<std::string, double> emission_factors_kg_per_j;
  /// watttime and plain: the unit of the value column in kg/J. 0 = the format's own unit:
  /// 1 lb/MWh for watttime (kKgPerJPerLbPerMWh), 1 g/kWh for plain (units::kKgPerJPerGPerKWh).
  double value_unit_kg_per_j = 0.0;
  /// Hold the previous value over empty cells and over missing time steps (a gap that is a whole
  /// number of steps) instead of reporting them.
  bool fill_missing = false;
  /// plain with a "time_s" column: the instant its 0 stands for (ms since the Unix epoch, UTC).
  std::int64_t epoch_ms = 0;
};

/// Reads a trace file. Throws dcsim::InputError listing every problem found.
models::IntensityTrace read_trace(const std::string& path, const TraceOptions& options);

}  // namespace dcsim::input
