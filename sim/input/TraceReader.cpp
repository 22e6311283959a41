// Grid-intensity trace readers: one hand-written CSV scanner (quotes, CRLF, BOM) shared by four
// column layouts, collecting every problem in the file before giving up.

#include "sim/input/TraceReader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <system_error>

#include <fmt/format.h>

#include "models/InputError.hpp"
#include "sim/input/Csv.hpp"
#include "sim/input/Decimal.hpp"
#include "sim/input/Problems.hpp"
#include "models/units/Calendar.hpp"
#include "models/units/Units.hpp"

namespace dcsim::input {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxSamples = 10'000'000;  // 19 years of 1-minute steps
constexpr double kGPerKWh = units::kKgPerJPerGPerKWh;

constexpr std::string_view kFormatNames[] = {"electricity_maps", "plain", "eia930", "watttime"};

// ---------------------------------------------------------------------------------------------
// Header layouts

struct Header {
  std::vector<std::string> names;
  int line = 1;

  std::optional<std::size_t> find(std::string_view name) const {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return i;
    return std::nullopt;
  }
  std::optional<std::size_t> find_any(const std::vector<std::string>& candidates) const {
    for (const std::string& c : candidates)
      if (auto i = find(c)) return i;
    return std::nullopt;
  }
  bool has_prefix(std::string_view prefix) const {
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
  }
};

// What a header looks like, for a hint when the chosen format does not fit.
std::optional<TraceFormat> guess_format(const Header& h) {
  if (h.find("Datetime (UTC)") && h.has_prefix("Carbon Intensity")) return TraceFormat::electricity_maps;
  if (h.find("timestamp") && h.find("NG") && h.find("COL")) return TraceFormat::eia930;
  if ((h.find("time") || h.find("time_s")) && h.find("g_per_kwh")) return TraceFormat::plain;
  return std::nullopt;
}

// Finds a required column (any of the spellings), or reports what was expected and what is there.
std::size_t require(const Header& h, const std::vector<std::string>& spellings, TraceFormat format, Problems& problems,
                    bool& missing) {
  if (auto i = h.find_any(spellings)) return *i;
  std::string expected;
  for (std::size_t k = 0; k < spellings.size(); ++k)
    expected += (k == 0 ? "'" : (k + 1 == spellings.size() ? "' or '" : "', '")) + spellings[k];
  expected += "'";
  std::string message = fmt::format("missing column: expected a column {} for the {} format; the header has: {}", expected,
                                    trace_format_name(format), quoted_list(h.names));
  if (auto g = guess_format(h); g && *g != format)
    message += fmt::format(" (this looks like the {} format)", trace_format_name(*g));
  problems.add(h.line, 0, spellings.front(), std::move(message));
  missing = true;
  return 0;
}

// One value column read from each row.
struct ValueColumn {
  std::size_t index = 0;
  std::string name;
};

// ---------------------------------------------------------------------------------------------
// The row loop, shared by all formats

// What TraceBuilder::plain_row() does with each field of a record, by column.
enum class Role : std::uint8_t { skip, seconds, value };

class TraceBuilder {
 public:
  TraceBuilder(const TraceOptions& options, CsvScanner& csv, Problems& problems, std::size_t header_fields)
      : options_(options), csv_(csv), problems_(problems), header_fields_(header_fields) {}

  models::IntensityTrace trace;
  std::size_t held = 0;  // values held over (empty cells and missing steps)

  // Checks a row's field count; false if the row cannot be read.
  bool shape_ok(const std::vector<Field>& fields) {
    if (fields.size() == header_fields_) return true;
    problems_.add(csv_.record_line(), 0, "",
                  fmt::format("row has {} fields; the header has {}", fields.size(), header_fields_));
    return false;
  }

  // Reads a finite, non-negative number; reports and returns Cell::bad otherwise.
  Cell number(const Field& f, const std::string& column, double& v, bool allow_negative, const char* what) {
    const Cell c = parse_number(f.value, v);
    if (c == Cell::empty) return c;
    if (c == Cell::bad) {
      report(f, column, fmt::format("'{}' is not a number", f.value));
      return Cell::bad;
    }
    if (!std::isfinite(v)) {
      report(f, column, fmt::format("'{}' is not a finite number", f.value));
      return Cell::bad;
    }
    if (v < 0 && !allow_negative) {
      report(f, column, fmt::format("{} is negative ({}); it must be at least 0", what, f.value));
      return Cell::bad;
    }
    return Cell::ok;
  }

  void report(const Field& f, const std::string& column, std::string message) {
    problems_.add(csv_.line_of(f), csv_.column_of(f), column, std::move(message));
  }

  // Reports a row's empty cells (one problem, at the first).
  void report_empty(const std::vector<const Field*>& cells, const std::vector<std::string>& columns) {
    std::string names;
    for (const std::string& c : columns) names += (names.empty() ? "'" : ", '") + c + "'";
    problems_.add(csv_.line_of(*cells.front()), csv_.column_of(*cells.front()), columns.front(),
                  fmt::format("empty value (empty: {}); set fill_missing to hold the previous value over", names));
  }

  // Places a row's time: checks order and resolution, holds values over missing steps. Returns
  // false if the row must not be appended.
  bool place(const Field& f, const std::string& column, bool naive_is_utc, std::int64_t& t, bool seconds = false) {
    if (f.value.empty()) {
      report(f, column, "empty time");
      return false;
    }
    std::string why;
    if (seconds) {
      // Seconds since options.epoch_ms, on the millisecond clock.
      double sec = 0;
      const char* end = f.value.data() + f.value.size();
      const bool read = fast_decimal(f.value.data(), end, sec) || [&] {
        const auto [ptr, ec] = std::from_chars(f.value.data(), end, sec);
        return ec == std::errc() && ptr == end;
      }();
      if (!read || !std::isfinite(sec) || std::abs(sec) > 1e13) {
        report(f, column, fmt::format("cannot read '{}' as seconds", f.value));
        return false;
      }
      t = options_.epoch_ms + std::llround(sec * 1000.0);
    } else if (!parse_time(f.value, naive_is_utc, t, why)) {
      report(f, column, fmt::format("cannot read time '{}': {}", f.value, why));
      return false;
    }
    const int line = csv_.line_of(f);
    if (!have_prev_) {
      have_prev_ = true;
      prev_t_ = t;
      prev_line_ = line;
      first_line_ = line;
      return true;
    }
    const std::int64_t d = t - prev_t_;
    if (d == 0) {
      report(f, column, fmt::format("duplicate time {}: line {} has the same", units::format_utc(t), prev_line_));
      return false;
    }
    if (d < 0) {
      report(f, column,
             fmt::format("time goes backward: {} is before {} on line {}; rows must be in increasing time order",
                         units::format_utc(t), units::format_utc(prev_t_), prev_line_));
      return false;
    }
    bool ok = true;
    if (step_ == 0) {
      step_ = d;
      step_line_ = line;
    } else if (d != step_) {
      const std::int64_t missing = d / step_ - 1;
      if (options_.fill_missing && d % step_ == 0) {
        if (trace.utc_ms.size() + static_cast<std::size_t>(missing) > kMaxSamples)
          problems_.fail(line, csv_.column_of(f), column,
                         fmt::format("a gap of {} would make the trace longer than {} samples", format_duration(d), kMaxSamples));
        if (!trace.utc_ms.empty() && trace.utc_ms.back() == prev_t_) {
          const double v = trace.intensity_kg_per_j.back();
          const bool cfe = !trace.cfe_share.empty();
          const double c = cfe ? trace.cfe_share.back() : 0.0;
          for (std::int64_t k = 1; k <= missing; ++k) {
            trace.utc_ms.push_back(prev_t_ + k * step_);
            trace.intensity_kg_per_j.push_back(v);
            if (cfe) trace.cfe_share.push_back(c);
          }
          held += static_cast<std::size_t>(missing);
        }
      } else {
        std::string message = fmt::format(
            "gap: {} is {} after {} on line {}, but the file's resolution is {} (lines {}-{})", units::format_utc(t),
            format_duration(d), units::format_utc(prev_t_), prev_line_, format_duration(step_), first_line_, step_line_);
        if (d % step_ == 0) message += fmt::format("; {} step(s) missing (set fill_missing to hold the previous value over)", missing);
        report(f, column, std::move(message));
        ok = false;
      }
    }
    prev_t_ = t;
    prev_line_ = line;
    return ok;
  }

  bool have_value() const { return !trace.intensity_kg_per_j.empty(); }

  /// A record of the plain form that place(), number() and append() take without a problem, read
  /// straight from the text at p (up to `end`), its fields as `roles` says: a time in seconds
  /// and a value, every field unquoted, without blanks or '\r' around the numbers, the numbers
  /// in the forms decimal_prefix() decides, the value not negative, the time one step (already
  /// known from two earlier rows) after the previous row's, the trace not full. Then the row is
  /// appended as the general reading would, `value` is its value in kg/J (the number times
  /// `unit`) and the result is where the next record starts. Anything else (a blank line, quotes,
  /// blanks, '\r', another form of number, a field too many or too few, a gap, a value or time
  /// the general reading reports, an earlier problem) gives null and changes nothing: the record
  /// is then read field by field, with the same result or its message. `line` is the record's.
  const char* plain_row(const char* p, const char* end, int line, const std::vector<Role>& roles, double unit,
                        double& value) {
    if (step_ == 0 || problems_.any() || trace.utc_ms.size() >= kMaxSamples) return nullptr;
    std::int64_t ms = 0;
    double v = 0;
    for (std::size_t i = 0; i < roles.size(); ++i) {
      if (roles[i] == Role::skip) {
        while (p < end && *p != ',' && *p != '\n' && *p != '"' && *p != '\r') ++p;
        if (p < end && (*p == '"' || *p == '\r')) return nullptr;
      } else if (roles[i] == Role::seconds) {
        double sec = 0;
        p = decimal_prefix(p, end, sec);
        if (p == nullptr || !(std::abs(sec) <= 1e13)) return nullptr;
        // As place() rounds; a whole number of milliseconds (|x| <= 1e16 fits) is its own rounding.
        const double x = sec * 1000.0;
        ms = static_cast<std::int64_t>(x);
        if (static_cast<double>(ms) != x) ms = std::llround(x);
      } else {
        p = decimal_prefix(p, end, v);
        if (p == nullptr || !(v >= 0) || !std::isfinite(v)) return nullptr;
      }
      // What ends the field: a comma, or for the last one the end of the line.
      if (i + 1 < roles.size()) {
        if (p == end || *p != ',') return nullptr;
        ++p;
      } else if (p < end) {
        if (*p != '\n') return nullptr;
        ++p;
      }
    }
    const std::int64_t t = options_.epoch_ms + ms;
    if (t - prev_t_ != step_) return nullptr;
    prev_t_ = t;
    prev_line_ = line;
    value = v * unit;
    trace.utc_ms.push_back(t);
    trace.intensity_kg_per_j.push_back(value);
    return p;
  }

  void append(std::int64_t t, double intensity, std::optional<double> cfe) {
    if (trace.utc_ms.size() >= kMaxSamples)
      problems_.fail(csv_.record_line(), 0, "", fmt::format("more than {} samples", kMaxSamples));
    trace.utc_ms.push_back(t);
    trace.intensity_kg_per_j.push_back(intensity);
    if (cfe) trace.cfe_share.push_back(*cfe);
  }

  void finish(int rows) {
    if (rows == 0) problems_.fail(csv_.record_line(), 0, "", "has a header but no data rows");
    if (rows == 1 && !problems_.any())
      problems_.fail(csv_.record_line(), 0, "", "has only one data row; a trace needs two to tell its time step");
    problems_.throw_if_any();
    trace.step_ms = step_;
  }

 private:
  const TraceOptions& options_;
  CsvScanner& csv_;
  Problems& problems_;
  std::size_t header_fields_;
  bool have_prev_ = false;
  std::int64_t prev_t_ = 0;
  int prev_line_ = 0;
  std::int64_t step_ = 0;
  int step_line_ = 0;
  int first_line_ = 0;
};

std::string file_name(const std::string& path) { return fs::path(path).filename().string(); }

std::string held_note(std::size_t held) {
  return held == 0 ? std::string() : fmt::format("; {} missing value(s) held over", held);
}

// ---------------------------------------------------------------------------------------------
// Formats

// electricity_maps, plain and watttime: one time column, one intensity column, maybe CFE.
struct SingleLayout {
  ValueColumn time;
  ValueColumn value;
  std::optional<ValueColumn> cfe;
  bool naive_is_utc = false;
  bool seconds = false;  ///< the time column holds seconds since options.epoch_ms
  double unit = kGPerKWh;
};

models::IntensityTrace read_single(CsvScanner& csv, const Header& header, const SingleLayout& layout,
                                   const TraceOptions& options, Problems& problems, std::size_t& held) {
  TraceBuilder b(options, csv, problems, header.names.size());
  std::vector<Field> fields;
  std::vector<const Field*> empty_cells;
  std::vector<std::string> empty_names;
  double last_value = 0, last_cfe = 0;
  int rows = 0;
  // Times in seconds and no CFE column: a record of the plain form is read straight from the
  // text (TraceBuilder::plain_row), any other field by field below.
  std::vector<Role> roles;
  if (layout.seconds && !layout.cfe) {
    roles.assign(header.names.size(), Role::skip);
    roles[layout.time.index] = Role::seconds;
    roles[layout.value.index] = Role::value;
  }
  for (;;) {
    if (!roles.empty()) {
      if (const char* after = b.plain_row(csv.at(), csv.text_end(), csv.line(), roles, layout.unit, last_value)) {
        csv.taken(after);
        ++rows;
        continue;
      }
    }
    if (!csv.next(fields)) break;
    ++rows;
    if (!b.shape_ok(fields)) continue;
    std::int64_t t = 0;
    bool ok = b.place(fields[layout.time.index], layout.time.name, layout.naive_is_utc, t, layout.seconds);
    empty_cells.clear();
    empty_names.clear();

    double v = 0;
    const Field& vf = fields[layout.value.index];
    switch (b.number(vf, layout.value.name, v, false, "intensity")) {
      case Cell::ok: v *= layout.unit; break;
      case Cell::empty:
        empty_cells.push_back(&vf);
        empty_names.push_back(layout.value.name);
        v = last_value;
        break;
      case Cell::bad: ok = false; break;
    }

    std::optional<double> cfe;
    if (layout.cfe) {
      double c = 0;
      const Field& cf = fields[layout.cfe->index];
      switch (b.number(cf, layout.cfe->name, c, false, "the percentage")) {
        case Cell::ok:
          if (c > 100) {
            b.report(cf, layout.cfe->name, fmt::format("'{}' is outside 0..100 %", cf.value));
            ok = false;
          }
          cfe = c / 100.0;
          break;
        case Cell::empty:
          empty_cells.push_back(&cf);
          empty_names.push_back(layout.cfe->name);
          cfe = last_cfe;
          break;
        case Cell::bad:
          ok = false;
          cfe = 0.0;
          break;
      }
    }

    if (!empty_cells.empty()) {
      if (!options.fill_missing) {
        b.report_empty(empty_cells, empty_names);
        ok = false;
      } else if (!b.have_value()) {
        b.report(*empty_cells.front(), empty_names.front(),
                 "empty value in the first data row: there is no previous value to hold over");
        ok = false;
      } else {
        ++b.held;
      }
    }
    if (ok && !problems.any()) b.append(t, v, cfe);
    last_value = v;
    if (cfe) last_cfe = *cfe;
  }
  b.finish(rows);
  held = b.held;
  return std::move(b.trace);
}

models::IntensityTrace read_eia930(CsvScanner& csv, const Header& header, const ValueColumn& time,
                                   const std::vector<ValueColumn>& fuels, const std::vector<double>& factors,
                                   const TraceOptions& options, Problems& problems, std::size_t& held) {
  TraceBuilder b(options, csv, problems, header.names.size());
  std::vector<Field> fields;
  std::vector<const Field*> empty_cells;
  std::vector<std::string> empty_names;
  double last_value = 0;
  int rows = 0;
  while (csv.next(fields)) {
    ++rows;
    if (!b.shape_ok(fields)) continue;
    std::int64_t t = 0;
    bool ok = b.place(fields[time.index], time.name, false, t);
    empty_cells.clear();
    empty_names.clear();
    double total = 0, weighted = 0;
    for (std::size_t k = 0; k < fuels.size(); ++k) {
      const Field& f = fields[fuels[k].index];
      double g = 0;
      switch (b.number(f, fuels[k].name, g, true, "generation")) {
        case Cell::ok:
          g = std::max(g, 0.0);  // EIA-930 net generation can dip below 0 (plant consumption)
          total += g;
          weighted += g * factors[k];
          break;
        case Cell::empty:
          empty_cells.push_back(&f);
          empty_names.push_back(fuels[k].name);
          break;
        case Cell::bad: ok = false; break;
      }
    }
    double v = last_value;
    if (!empty_cells.empty()) {
      if (!options.fill_missing) {
        b.report_empty(empty_cells, empty_names);
        ok = false;
      } else if (!b.have_value()) {
        b.report(*empty_cells.front(), empty_names.front(),
                 "empty value in the first data row: there is no previous value to hold over");
        ok = false;
      } else {
        ++b.held;
      }
    } else if (ok) {
      if (total > 0) {
        v = weighted / total;
      } else {
        std::string names;
        for (const ValueColumn& c : fuels) names += (names.empty() ? "" : ", ") + c.name;
        problems.add(csv.record_line(), 0, "",
                     fmt::format("total generation is 0 MWh (all of {} are zero or negative): the intensity is undefined", names));
        ok = false;
      }
    }
    if (ok && !problems.any()) b.append(t, v, std::nullopt);
    last_value = v;
  }
  b.finish(rows);
  held = b.held;
  return std::move(b.trace);
}

const std::vector<std::string> kEmTime = {"Datetime (UTC)"};
const std::vector<std::string> kEmLca = {"Carbon Intensity gCO₂eq/kWh (LCA)", "Carbon Intensity gCO2eq/kWh (LCA)"};
const std::vector<std::string> kEmDirect = {"Carbon Intensity gCO₂eq/kWh (direct)", "Carbon Intensity gCO2eq/kWh (direct)"};
const std::vector<std::string> kEmCfe = {"Carbon Free Energy Percentage (CFE%)", "Low Carbon Percentage"};

}  // namespace

// -----------------------------------------------------------------------------------------------

std::optional<TraceFormat> trace_format_from_name(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kFormatNames); ++i)
    if (kFormatNames[i] == name) return static_cast<TraceFormat>(i);
  return std::nullopt;
}

std::vector<std::string> trace_format_names() { return {std::begin(kFormatNames), std::end(kFormatNames)}; }

std::string_view trace_format_name(TraceFormat format) { return kFormatNames[static_cast<std::size_t>(format)]; }

const std::map<std::string, double>& default_eia930_factors_kg_per_j() {
  static const std::map<std::string, double> factors = {
      // IPCC AR5 WG3 Annex III Table A.III.2, lifecycle medians (g CO2eq/kWh):
      {"WND", 11 * kGPerKWh},   // wind onshore median 11
      {"SUN", 48 * kGPerKWh},   // solar PV utility-scale median 48
      {"WAT", 24 * kGPerKWh},   // hydropower median 24
      {"NUC", 12 * kGPerKWh},   // nuclear median 12
      {"NG", 490 * kGPerKWh},   // gas, combined cycle, median 490
      {"COL", 820 * kGPerKWh},  // coal, pulverised, median 820
      // AR5 gives no oil figure: Electricity Maps' lifecycle default for oil, 650
      // (electricitymaps-contrib config/defaults.yaml, from UK POST).
      {"OIL", 650 * kGPerKWh},
      // Other/unknown: Electricity Maps' lifecycle default for "unknown", 700 (same file).
      {"OTH", 700 * kGPerKWh},
  };
  return factors;
}

models::IntensityTrace read_trace(const std::string& path, const TraceOptions& options) {
  Problems problems(path);
  const std::string text = read_text(path, problems, "trace");
  std::string_view body = text;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (body.find_first_not_of("\r\n\t ") == std::string_view::npos) problems.fail(0, 0, "", "is empty");

  CsvScanner csv(body, problems);
  std::vector<Field> fields;
  csv.next(fields);
  Header header;
  header.line = csv.record_line();
  for (const Field& f : fields) header.names.emplace_back(f.value);

  const std::string name = file_name(path);
  const TraceFormat format = options.format;
  bool missing = false;
  models::IntensityTrace trace;

  if (format == TraceFormat::eia930) {
    const auto& factor_map =
        options.emission_factors_kg_per_j.empty() ? default_eia930_factors_kg_per_j() : options.emission_factors_kg_per_j;
    for (const auto& [code, f] : factor_map)
      if (!std::isfinite(f) || f < 0)
        problems.add(0, 0, "emission_factors_kg_per_j." + code,
                     fmt::format("emission factor {} kg/J is not a finite number >= 0", f));
    problems.throw_if_any();
    const ValueColumn time{require(header, {"timestamp"}, format, problems, missing), "timestamp"};
    // Fuels in the file's column order, so descriptions read like the header.
    std::vector<ValueColumn> fuels;
    std::vector<double> factors;
    for (const auto& [code, f] : factor_map) {
      const std::size_t i = require(header, {code}, format, problems, missing);
      fuels.push_back(ValueColumn{i, code});
      factors.push_back(f);
    }
    problems.throw_if_any();
    std::vector<std::size_t> order(fuels.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fuels[a].index < fuels[b].index; });
    std::vector<ValueColumn> sorted_fuels;
    std::vector<double> sorted_factors;
    for (std::size_t k : order) {
      sorted_fuels.push_back(fuels[k]);
      sorted_factors.push_back(factors[k]);
    }
    std::size_t held = 0;
    trace = read_eia930(csv, header, time, sorted_fuels, sorted_factors, options, problems, held);
    std::string cols;
    for (const ValueColumn& c : sorted_fuels) cols += (cols.empty() ? "" : ", ") + c.name;
    trace.description = fmt::format("EIA-930 generation mix {}, columns {} weighted by {}", name, cols,
                                    options.emission_factors_kg_per_j.empty() ? "IPCC AR5 lifecycle factors" : "the given emission factors");
    trace.description += held_note(held);
    return trace;
  }

  SingleLayout layout;
  std::string label;
  switch (format) {
    case TraceFormat::electricity_maps: {
      const auto& spellings = options.lifecycle ? kEmLca : kEmDirect;
      layout.time = ValueColumn{require(header, kEmTime, format, problems, missing), kEmTime.front()};
      const std::size_t vi = require(header, spellings, format, problems, missing);
      problems.throw_if_any();
      layout.value = ValueColumn{vi, header.names[vi]};
      if (auto ci = header.find_any(kEmCfe)) layout.cfe = ValueColumn{*ci, header.names[*ci]};
      layout.naive_is_utc = true;
      label = "Electricity Maps export";
      break;
    }
    case TraceFormat::plain: {
      layout.seconds = header.find("time_s").has_value() && !header.find("time").has_value();
      layout.time = layout.seconds ? ValueColumn{*header.find("time_s"), "time_s"}
                                   : ValueColumn{require(header, {"time"}, format, problems, missing), "time"};
      layout.value = ValueColumn{require(header, {"g_per_kwh"}, format, problems, missing), "g_per_kwh"};
      problems.throw_if_any();
      layout.unit = options.value_unit_kg_per_j > 0 ? options.value_unit_kg_per_j : kGPerKWh;
      label = "plain trace";
      break;
    }
    case TraceFormat::watttime: {
      if (header.names.size() < 2)
        problems.fail(header.line, 0, "",
                      fmt::format("missing column: the watttime format needs a time column and a value column; the header has: {}",
                                  quoted_list(header.names)));
      layout.time = ValueColumn{0, header.names[0].empty() ? std::string("column 1") : header.names[0]};
      layout.value = ValueColumn{1, header.names[1].empty() ? std::string("column 2") : header.names[1]};
      layout.naive_is_utc = true;
      layout.unit = options.value_unit_kg_per_j > 0 ? options.value_unit_kg_per_j : kKgPerJPerLbPerMWh;
      label = "WattTime marginal signal";
      break;
    }
    case TraceFormat::eia930: break;  // handled above
  }
  if (options.value_unit_kg_per_j < 0 || !std::isfinite(options.value_unit_kg_per_j))
    problems.fail(0, 0, "value_unit_kg_per_j", "the value unit must be a finite number > 0 (or 0 for the format's own)");

  std::size_t held = 0;
  trace = read_single(csv, header, layout, options, problems, held);
  trace.description = fmt::format("{} {}, column '{}'", label, name, layout.value.name);
  if (layout.cfe) trace.description += fmt::format(", CFE from '{}'", layout.cfe->name);
  trace.description += held_note(held);
  return trace;
}

}  // namespace dcsim::input
