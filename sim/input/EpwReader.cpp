#include "sim/input/EpwReader.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "models/InputError.hpp"
#include "models/climate/Psychrometrics.hpp"

namespace dcsim::input {
namespace {

constexpr std::size_t kMaxProblems = 50;
constexpr std::size_t kRowFields = 35;
constexpr std::int64_t kMsPerHour = 3'600'000;
constexpr std::int64_t kMsPerDay = 86'400'000;

constexpr std::string_view kHeaderKeywords[8] = {"LOCATION",      "DESIGN CONDITIONS",         "TYPICAL/EXTREME PERIODS",
                                                 "GROUND TEMPERATURES", "HOLIDAYS/DAYLIGHT SAVINGS", "COMMENTS 1",
                                                 "COMMENTS 2",    "DATA PERIODS"};

class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void add(int line, int column, std::string path, std::string message) {
    if (list_.size() == kMaxProblems) {
      list_.push_back(Problem{Location{file_, 0, 0}, "", fmt::format("... more problems (stopped after the first {})", kMaxProblems)});
      throw InputError(std::move(list_));
    }
    list_.push_back(Problem{Location{file_, line, column}, std::move(path), std::move(message)});
  }
  [[noreturn]] void fail(int line, std::string message) {
    add(line, 0, "", std::move(message));
    throw InputError(std::move(list_));
  }
  bool any() const { return !list_.empty(); }
  void throw_if_any() {
    if (!list_.empty()) throw InputError(std::move(list_));
  }

 private:
  std::string file_;
  std::vector<Problem> list_;
};

struct Field {
  std::string_view text;
  int column;  // 1-based
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

void split(std::string_view line, std::vector<Field>& out) {
  out.clear();
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
    out.push_back(Field{trim(line.substr(start, end - start)), static_cast<int>(start) + 1});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

bool parse_double(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size() && std::isfinite(out);
}

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

/// Days from 1970-01-01 to y-m-d (proleptic Gregorian, y >= 1).
std::int64_t days_from_civil(int y, int m, int d) {
  auto leaps = [](std::int64_t n) { return n / 4 - n / 100 + n / 400; };
  std::int64_t days = 365 * static_cast<std::int64_t>(y - 1970) + leaps(y - 1) - leaps(1969);
  for (int k = 1; k < m; ++k) days += days_in_month(y, k);
  return days + d - 1;
}

struct Row {
  int month, day, hour;
  double dry_bulb, rh, pressure;
};

}  // namespace

models::WeatherTrace read_epw(const std::string& path, int year_for_times) {
  Problems problems(path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) problems.fail(0, "no such file (or not a regular file)");
  if (year_for_times < 1 || year_for_times > 9999) problems.fail(0, fmt::format("year_for_times {} is outside 1..9999", year_for_times));
  std::ifstream in(path, std::ios::binary);
  if (!in) problems.fail(0, "cannot be read");

  models::WeatherTrace trace;
  std::vector<Field> f;
  std::string line_text;
  int line = 0;
  for (std::size_t h = 0; h < 8; ++h) {
    if (!std::getline(in, line_text)) problems.fail(line, fmt::format("ends inside the header: expected 8 header lines, the last '{}'", kHeaderKeywords[7]));
    ++line;
    std::string_view text = line_text;
    if (line == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    split(text, f);
    if (f[0].text != kHeaderKeywords[h]) {
      problems.add(line, 1, std::string(kHeaderKeywords[h]),
                   fmt::format("header line {} should start with '{}', found '{}'", h + 1, kHeaderKeywords[h], f[0].text));
      continue;
    }
    if (h == 0) {
      if (f.size() < 10) {
        problems.add(line, 1, "LOCATION", fmt::format("has {} fields, expected 10 (keyword, city, state, country, source, WMO, latitude, longitude, time zone, elevation)", f.size()));
        continue;
      }
      trace.site.name = std::string(f[1].text);
      struct Num { std::size_t i; const char* name; double* out; double lo, hi; };
      const Num nums[] = {{6, "latitude", &trace.site.latitude_deg, -90, 90},
                          {7, "longitude", &trace.site.longitude_deg, -180, 180},
                          {8, "time_zone", &trace.site.utc_offset_h, -12, 14},
                          {9, "elevation", &trace.site.elevation_m, -1000, 9999.9}};
      for (const Num& n : nums) {
        double v = 0;
        if (!parse_double(f[n.i].text, v))
          problems.add(line, f[n.i].column, fmt::format("LOCATION.{}", n.name), fmt::format("'{}' is not a number", f[n.i].text));
        else if (v < n.lo || v > n.hi)
          problems.add(line, f[n.i].column, fmt::format("LOCATION.{}", n.name), fmt::format("{} is outside {}..{}", v, n.lo, n.hi));
        else
          *n.out = v;
      }
    }
    if (h == 7) {
      int per_hour = 0;
      if (f.size() < 3 || !parse_int(f[2].text, per_hour) || per_hour != 1)
        problems.add(line, f.size() >= 3 ? f[2].column : 0, "DATA PERIODS.records_per_hour",
                     fmt::format("must be 1 (hourly data), found '{}'", f.size() >= 3 ? f[2].text : std::string_view()));
    }
  }

  static constexpr const char* kNames[] = {"year", "month", "day", "hour", "minute"};
  std::vector<Row> rows;
  rows.reserve(8784);
  int exp_month = 1, exp_day = 1, exp_hour = 1;
  while (std::getline(in, line_text)) {
    ++line;
    if (trim(line_text).empty()) continue;
    split(line_text, f);
    if (f.size() != kRowFields) {
      problems.add(line, 0, "", fmt::format("has {} fields, an EPW data row has {}", f.size(), kRowFields));
      continue;
    }
    int ints[5] = {};
    bool ok = true;
    for (std::size_t i = 0; i < 5; ++i) {
      double v = 0;
      if (!parse_double(f[i].text, v) || v != std::floor(v)) {
        problems.add(line, f[i].column, kNames[i], fmt::format("'{}' is not a whole number", f[i].text));
        ok = false;
      } else if (std::abs(v) > 1e6) {  // no date field comes near; an int could not hold it
        problems.add(line, f[i].column, kNames[i], fmt::format("'{}' is out of range", f[i].text));
        ok = false;
      } else {
        ints[i] = static_cast<int>(v);
      }
    }
    Row r{ints[1], ints[2], ints[3], 0, 0, 0};
    struct Value { std::size_t i; const char* name; double missing; double lo, hi; const char* unit; double* out; };
    const Value values[] = {{6, "dry_bulb", 99.9, -70, 70, "C", &r.dry_bulb},
                            {8, "relative_humidity", 999, 0, 110, "%", &r.rh},
                            {9, "atmospheric_pressure", 999999, 31'000, 120'000, "Pa", &r.pressure}};
    for (const Value& v : values) {
      double x = 0;
      if (!parse_double(f[v.i].text, x)) {
        problems.add(line, f[v.i].column, v.name, fmt::format("'{}' is not a number", f[v.i].text));
        ok = false;
      } else if (x == v.missing) {
        problems.add(line, f[v.i].column, v.name, fmt::format("missing value ({} is the EPW missing-value marker for {})", f[v.i].text, v.name));
        ok = false;
      } else if (x < v.lo || x > v.hi) {
        problems.add(line, f[v.i].column, v.name, fmt::format("{} {} is outside {}..{} {}", x, v.unit, v.lo, v.hi, v.unit));
        ok = false;
      } else {
        *v.out = x;
      }
    }
    if (r.month != exp_month || r.day != exp_day || r.hour != exp_hour) {
      const bool leap_day = exp_month == 3 && exp_day == 1 && exp_hour == 1 && r.month == 2 && r.day == 29 && r.hour == 1;
      if (!leap_day) {
        problems.add(line, f[1].column, "hour",
                     fmt::format("out of order: expected month {} day {} hour {}, found month {} day {} hour {}",
                                 exp_month, exp_day, exp_hour, r.month, r.day, r.hour));
        ok = false;
      }
    }
    // The next expected hour follows what this row says, so one misplaced row is one problem.
    if (r.month >= 1 && r.month <= 12 && r.day >= 1 && r.hour >= 1 && r.hour <= 24) {
      exp_month = r.month, exp_day = r.day, exp_hour = r.hour + 1;
      if (exp_hour > 24) {
        exp_hour = 1;
        const int dim = r.month == 2 ? (r.day == 29 ? 29 : 28) : days_in_month(2001, r.month);
        if (++exp_day > dim) exp_day = 1, ++exp_month;
      }
    }
    if (ok) rows.push_back(r);
  }
  const std::size_t count = rows.size();
  if (!problems.any() && count != 8760 && count != 8784)
    problems.add(line, 0, "", fmt::format("has {} hourly rows; an EPW year has 8760 (or 8784 in a leap year)", count));
  else if (!problems.any() && (rows.back().month != 12 || rows.back().day != 31 || rows.back().hour != 24))
    problems.add(line, 0, "",
                 fmt::format("the last row is month {} day {} hour {}; an EPW year ends on December 31 hour 24",
                             rows.back().month, rows.back().day, rows.back().hour));
  problems.throw_if_any();

  const bool target_leap = is_leap(year_for_times);
  const auto offset_ms = static_cast<std::int64_t>(std::llround(trace.site.utc_offset_h * kMsPerHour));
  trace.step_ms = kMsPerHour;
  trace.utc_ms.reserve(target_leap ? 8784 : 8760);
  trace.values.reserve(target_leap ? 8784 : 8760);
  const double to_rh = 0.01;
  auto push = [&](const Row& r, int month, int day) {
    const std::int64_t local = days_from_civil(year_for_times, month, day) * kMsPerDay + (r.hour - 1) * kMsPerHour;
    trace.utc_ms.push_back(local - offset_ms);
    trace.values.push_back(models::make_weather(r.dry_bulb, std::min(r.rh * to_rh, 1.0), r.pressure));
  };
  for (std::size_t i = 0; i < count; ++i) {
    const Row& r = rows[i];
    if (r.month == 2 && r.day == 29 && !target_leap) continue;
    push(r, r.month, r.day);
    if (target_leap && count == 8760 && r.month == 2 && r.day == 28 && r.hour == 24)
      for (std::size_t k = i - 23; k <= i; ++k) push(rows[k], 2, 29);
  }
  trace.description = fmt::format("EPW weather {} ({}), placed in {}", std::filesystem::path(path).filename().string(),
                                  trace.site.name, year_for_times);
  return trace;
}

}  // namespace dcsim::input
