#pragma once
// Reading measured power of a real run, to replay it as a load: the measured IT power drives the
// facility model, so the run's energy and CO2e can be asked of another region, season or
// datacentre.
//
// Layouts (columns looked up by header name, in any order; other columns are ignored):
//   codecarbon  CodeCarbon's `emissions.csv` (docs "Output": timestamp, project_name, run_id,
//               duration, emissions, emissions_rate, cpu_power, gpu_power, ram_power,
//               cpu_energy, gpu_energy, ram_energy, energy_consumed, country_name, ... , pue).
//               Read: `run_id`, `duration` (s since the tracker started), `energy_consumed`
//               (kWh, CPU + GPU + RAM: the IT energy) and, when present, `emissions` (kg CO2e,
//               the log's own total: MeasuredPower::emissions_kg). Rows with the same run_id are
//               one run's snapshots (one row at the end, or one per saved interval): cumulative,
//               so row k covers (duration[k-1], duration[k]] at the power
//               (energy[k] - energy[k-1]) / (duration[k] - duration[k-1]). Runs follow each
//               other in the order they first appear, back to back, unless one is chosen.
//               `timestamp` (local time, no zone) and `pue` are not used.
//   power_log   `time,power_w`: `time` ISO 8601 with Z or +00:00 (a space may stand in for the
//               'T'), or `time_s` seconds from the log's start; the IT power in W as `power_w`,
//               or, per device, any columns whose names end in `_w` (summed; `power_w` wins
//               when both are there). Each row's power holds until the next row's time; the
//               last row's time is the end of the log (its power is not used).
//
// Durations are on the simulator's millisecond clock; each step's power is its energy over its
// rounded duration, so the replayed energy is the log's. Every problem in a file (up to 50) is
// reported at once as one dcsim::InputError, with file, line, character column and column name.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dcsim::input {

enum class MeasuredFormat { codecarbon, power_log };

/// Named registry: "codecarbon", "power_log".
std::optional<MeasuredFormat> measured_format_from_name(std::string_view name);
/// The names above, in that order.
std::vector<std::string> measured_format_names();

/// A constant measured power over [start_ms, end_ms), ms from the start of the log.
struct PowerStep {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  double power_w = 0.0;
};

struct MeasuredPower {
  std::vector<PowerStep> steps;  ///< contiguous from 0
  double energy_j = 0.0;         ///< the log's IT energy: the integral of the steps
  double emissions_kg = std::numeric_limits<double>::quiet_NaN();  ///< codecarbon: the log's own total
};

struct MeasuredOptions {
  MeasuredFormat format = MeasuredFormat::power_log;
  std::string run_id;  ///< codecarbon: replay only this run; empty: every run, back to back
};

/// Reads a measured power file. Throws dcsim::InputError listing every problem found.
MeasuredPower read_measured_power(const std::string& path, const MeasuredOptions& options);

}  // namespace dcsim::input
