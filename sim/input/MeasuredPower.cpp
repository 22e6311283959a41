#include "sim/input/MeasuredPower.hpp"

#include <cmath>

#include <fmt/format.h>

#include "models/units/Calendar.hpp"
#include "models/units/Units.hpp"
#include "sim/input/Csv.hpp"
#include "sim/input/Problems.hpp"

namespace dcsim::input {
namespace {

constexpr std::string_view kFormatNames[] = {"codecarbon", "power_log"};
constexpr std::size_t kMaxSteps = 10'000'000;
constexpr double kMaxSeconds = 100.0 * 365.25 * 86'400.0;

struct Columns {
  std::vector<std::string> names;
  std::optional<std::size_t> find(std::string_view name) const {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return i;
    return std::nullopt;
  }
};

class Rows {
 public:
  Rows(CsvScanner& csv, Problems& problems) : csv_(csv), problems_(problems) {}

  void report(const Field& f, const std::string& column, std::string message) {
    problems_.add(csv_.line_of(f), csv_.column_of(f), column, std::move(message));
  }
  // A finite number >= 0; false (reported) otherwise.
  bool number(const Field& f, const std::string& column, double& v, const char* what) {
    const Cell c = parse_number(f.value, v);
    if (c == Cell::empty) report(f, column, fmt::format("empty {}", what));
    else if (c == Cell::bad) report(f, column, fmt::format("'{}' is not a number", f.value));
    else if (!std::isfinite(v)) report(f, column, fmt::format("'{}' is not a finite number", f.value));
    else if (v < 0) report(f, column, fmt::format("{} is negative ({}); it must be at least 0", what, f.value));
    else return true;
    return false;
  }

 private:
  CsvScanner& csv_;
  Problems& problems_;
};

std::size_t required(const Columns& h, std::string_view name, std::string_view format, Problems& problems, bool& missing) {
  if (auto i = h.find(name)) return *i;
  problems.add(1, 0, std::string(name),
               fmt::format("missing column: the {} format needs a column '{}'; the header has: {}", format, name,
                           quoted_list(h.names)));
  missing = true;
  return 0;
}

// Appends a step of `energy_j` over [from_ms, to_ms): its power is that energy over the rounded length.
void add_step(MeasuredPower& out, std::int64_t from_ms, std::int64_t to_ms, double energy_j) {
  out.steps.push_back(PowerStep{from_ms, to_ms, energy_j / (static_cast<double>(to_ms - from_ms) / 1000.0)});
  out.energy_j += energy_j;
}

MeasuredPower read_codecarbon(CsvScanner& csv, const Columns& h, const MeasuredOptions& options, Problems& problems) {
  bool missing = false;
  const std::size_t run_col = required(h, "run_id", "codecarbon", problems, missing);
  const std::size_t duration_col = required(h, "duration", "codecarbon", problems, missing);
  const std::size_t energy_col = required(h, "energy_consumed", "codecarbon", problems, missing);
  const std::optional<std::size_t> emissions_col = h.find("emissions");
  if (missing) problems.throw_if_any();

  // Per run in order of first appearance: its rows (cumulative duration in ms, energy in J, kg).
  struct Snapshot {
    std::int64_t ms;
    double energy_j, emissions_kg;
    int line;
  };
  struct RunRows {
    std::string id;
    std::vector<Snapshot> rows;
  };
  std::vector<RunRows> runs;
  Rows rows(csv, problems);
  std::vector<Field> fields;
  while (csv.next(fields)) {
    if (fields.size() != h.names.size()) {
      problems.add(csv.record_line(), 0, "", fmt::format("row has {} fields; the header has {}", fields.size(), h.names.size()));
      continue;
    }
    const std::string id(fields[run_col].value);
    if (!options.run_id.empty() && id != options.run_id) continue;
    double duration_s = 0, energy_kwh = 0, emissions_kg = 0;
    bool ok = rows.number(fields[duration_col], "duration", duration_s, "duration");
    ok = rows.number(fields[energy_col], "energy_consumed", energy_kwh, "energy") && ok;
    if (emissions_col) ok = rows.number(fields[*emissions_col], "emissions", emissions_kg, "emissions") && ok;
    if (ok && duration_s > kMaxSeconds) {
      rows.report(fields[duration_col], "duration", fmt::format("duration {} s is over 100 years", fields[duration_col].value));
      ok = false;
    }
    if (!ok) continue;
    RunRows* run = nullptr;
    for (RunRows& r : runs)
      if (r.id == id) run = &r;
    if (run == nullptr) run = &runs.emplace_back(RunRows{id, {}});
    const Snapshot s{std::llround(duration_s * 1000.0), energy_kwh * units::kJPerKWh, emissions_kg, csv.line_of(fields[duration_col])};
    if (!run->rows.empty()) {
      const Snapshot& prev = run->rows.back();
      if (s.ms <= prev.ms) {
        rows.report(fields[duration_col], "duration",
                    fmt::format("run '{}': duration {} s is not after line {}'s (rows of a run are cumulative snapshots, "
                                "in increasing duration, at least 1 ms apart)", id, fields[duration_col].value, prev.line));
        continue;
      }
      if (s.energy_j < prev.energy_j) {
        rows.report(fields[energy_col], "energy_consumed",
                    fmt::format("run '{}': energy_consumed {} kWh is less than line {}'s (rows of a run are cumulative)", id,
                                fields[energy_col].value, prev.line));
        continue;
      }
    } else if (s.ms == 0) {
      rows.report(fields[duration_col], "duration", "a duration of 0 ms has no power; rows need a duration of at least 1 ms");
      continue;
    }
    if (run->rows.size() == kMaxSteps) problems.fail(s.line, 0, "", fmt::format("more than {} rows", kMaxSteps));
    run->rows.push_back(s);
  }
  if (runs.empty() && !problems.any())
    problems.add(0, 0, options.run_id.empty() ? "" : "run_id",
                 options.run_id.empty() ? std::string("has no rows") : fmt::format("no row has run_id '{}'", options.run_id));
  problems.throw_if_any();

  MeasuredPower out;
  out.emissions_kg = emissions_col ? 0.0 : std::numeric_limits<double>::quiet_NaN();
  std::int64_t offset = 0;
  for (const RunRows& run : runs) {
    std::int64_t prev_ms = 0;
    double prev_j = 0.0;
    for (const Snapshot& s : run.rows) {
      add_step(out, offset + prev_ms, offset + s.ms, s.energy_j - prev_j);
      prev_ms = s.ms;
      prev_j = s.energy_j;
    }
    offset += prev_ms;
    if (emissions_col) out.emissions_kg += run.rows.back().emissions_kg;
  }
  return out;
}

MeasuredPower read_power_log(CsvScanner& csv, const Columns& h, Problems& problems) {
  const std::optional<std::size_t> iso = h.find("time"), seconds = h.find("time_s");
  if (!iso && !seconds)
    problems.add(1, 0, "time",
                 fmt::format("missing column: the power_log format needs a column 'time' (ISO 8601) or 'time_s' (seconds); "
                             "the header has: {}", quoted_list(h.names)));
  std::vector<std::size_t> power_cols;
  if (auto p = h.find("power_w")) power_cols.push_back(*p);
  else
    for (std::size_t i = 0; i < h.names.size(); ++i)
      if (h.names[i].size() > 2 && h.names[i].ends_with("_w")) power_cols.push_back(i);
  if (power_cols.empty())
    problems.add(1, 0, "power_w",
                 fmt::format("missing column: the power_log format needs 'power_w' or per-device columns ending in '_w'; "
                             "the header has: {}", quoted_list(h.names)));
  problems.throw_if_any();
  const std::size_t time_col = iso ? *iso : *seconds;
  const std::string time_name = h.names[time_col];

  MeasuredPower out;
  Rows rows(csv, problems);
  std::vector<Field> fields;
  bool have_prev = false;
  std::int64_t first_ms = 0, prev_ms = 0;
  int prev_line = 0;
  double prev_w = 0.0;
  while (csv.next(fields)) {
    if (fields.size() != h.names.size()) {
      problems.add(csv.record_line(), 0, "", fmt::format("row has {} fields; the header has {}", fields.size(), h.names.size()));
      continue;
    }
    const Field& tf = fields[time_col];
    std::int64_t t = 0;
    if (iso) {
      std::string why;
      if (tf.value.empty()) {
        rows.report(tf, time_name, "empty time");
        continue;
      }
      if (!parse_time(tf.value, false, t, why)) {
        rows.report(tf, time_name, fmt::format("cannot read time '{}': {}", tf.value, why));
        continue;
      }
    } else {
      double s = 0;
      if (!rows.number(tf, time_name, s, "time")) continue;
      if (s > kMaxSeconds) {
        rows.report(tf, time_name, fmt::format("time {} s is over 100 years", tf.value));
        continue;
      }
      t = std::llround(s * 1000.0);
    }
    double w = 0.0;
    bool ok = true;
    for (std::size_t c : power_cols) {
      double v = 0;
      if (rows.number(fields[c], h.names[c], v, "power")) w += v;
      else ok = false;
    }
    if (!ok) continue;
    if (have_prev && t <= prev_ms) {
      rows.report(tf, time_name,
                  fmt::format("time {} is not after line {}'s; rows must be in increasing time order, at least 1 ms apart",
                              tf.value, prev_line));
      continue;
    }
    if (have_prev) {
      if (out.steps.size() == kMaxSteps) problems.fail(csv.line_of(tf), 0, "", fmt::format("more than {} rows", kMaxSteps));
      add_step(out, prev_ms - first_ms, t - first_ms, prev_w * static_cast<double>(t - prev_ms) / 1000.0);
    } else {
      first_ms = t;
    }
    have_prev = true;
    prev_ms = t;
    prev_w = w;
    prev_line = csv.line_of(tf);
  }
  if (!problems.any() && out.steps.empty())
    problems.add(0, 0, "", "needs at least two rows: each row's power holds until the next row's time");
  problems.throw_if_any();
  return out;
}

}  // namespace

std::optional<MeasuredFormat> measured_format_from_name(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kFormatNames); ++i)
    if (kFormatNames[i] == name) return static_cast<MeasuredFormat>(i);
  return std::nullopt;
}

std::vector<std::string> measured_format_names() { return {std::begin(kFormatNames), std::end(kFormatNames)}; }

MeasuredPower read_measured_power(const std::string& path, const MeasuredOptions& options) {
  Problems problems(path);
  const std::string text = read_text(path, problems, "measured power");
  std::string_view body = text;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (body.find_first_not_of("\r\n\t ") == std::string_view::npos) problems.fail(0, 0, "", "is empty");
  CsvScanner csv(body, problems);
  std::vector<Field> fields;
  csv.next(fields);
  Columns header;
  for (const Field& f : fields) header.names.emplace_back(f.value);
  return options.format == MeasuredFormat::codecarbon ? read_codecarbon(csv, header, options, problems)
                                                      : read_power_log(csv, header, problems);
}

}  // namespace dcsim::input
