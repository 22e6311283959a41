// Grid-intensity trace readers: every format on small hand-written files, every input error with
// its file, line and column, and (when the shared data folder is present) the real published files.

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "models/InputError.hpp"
#include "models/units/Calendar.hpp"
#include "models/units/Units.hpp"
#include "sim/input/TraceReader.hpp"
#include "tests/support/SharedData.hpp"
#include "tests/support/TempDir.hpp"

namespace {

namespace fs = std::filesystem;
using dcsim::InputError;
using dcsim::Problem;
using dcsim::input::read_trace;
using dcsim::input::TraceFormat;
using dcsim::input::TraceOptions;
using dcsim::test::TempDir;
using dcsim::units::parse_utc_ms;

constexpr double kG = dcsim::units::kKgPerJPerGPerKWh;  // 1 g/kWh in kg/J
constexpr std::int64_t kHour = 3'600'000;

// The real header of an Electricity Maps portal export (with the subscript-two character).
const std::string kEmHeader =
    "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO\u2082eq/kWh (direct),"
    "Carbon Intensity gCO\u2082eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,"
    "Data Estimated,Data Estimation Method";
const std::string kLca = "Carbon Intensity gCO\u2082eq/kWh (LCA)";
const std::string kLowCarbon = "Low Carbon Percentage";

TraceOptions with(TraceFormat f) {
  TraceOptions o;
  o.format = f;
  return o;
}

// The problems read_trace reports for a file (fails the test if it does not throw).
std::vector<Problem> problems_of(const fs::path& file, const TraceOptions& options) {
  try {
    read_trace(file.string(), options);
  } catch (const InputError& e) {
    return e.problems();
  }
  FAIL("read_trace accepted " << file.filename().string());
  return {};
}

// Checks that read_trace fails on `file` with a problem at `line` for `column` whose message contains
// `text`; returns all problems.
std::vector<Problem> expect_problem(const fs::path& file, const TraceOptions& options, int line, const std::string& column,
                                    const std::string& text) {
  const std::vector<Problem> ps = problems_of(file, options);
  bool found = false;
  for (const Problem& p : ps) {
    CHECK(fs::path(p.where.file).filename() == file.filename());
    if (p.where.line == line && p.path == column && p.message.find(text) != std::string::npos) found = true;
  }
  if (!found) {
    std::string all;
    for (const Problem& p : ps) all += "\n  " + dcsim::format_problem(p);
    FAIL_CHECK("no problem at line " << line << " for '" << column << "' containing '" << text << "'; got:" << all);
  }
  return ps;
}

double mean_g_per_kwh(const dcsim::models::IntensityTrace& t) {
  return std::accumulate(t.intensity_kg_per_j.begin(), t.intensity_kg_per_j.end(), 0.0) /
         static_cast<double>(t.size()) / kG;
}

using dcsim::test::grid_data_dir;

// Naive comma split, for checking the real files that have no quoted fields.
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

std::vector<std::vector<std::string>> rows_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    rows.push_back(split(line));
  }
  return rows;
}

}  // namespace

TEST_SUITE("trace readers") {

// --- the format registry ------------------------------------------------------------------------

TEST_CASE("the trace format registry lists every format and maps names back") {
  const std::vector<std::string> names = dcsim::input::trace_format_names();
  CHECK(names == std::vector<std::string>{"electricity_maps", "plain", "eia930", "watttime"});
  for (const std::string& n : names) {
    const auto f = dcsim::input::trace_format_from_name(n);
    REQUIRE(f.has_value());
    CHECK(dcsim::input::trace_format_name(*f) == n);
  }
  CHECK_FALSE(dcsim::input::trace_format_from_name("csv").has_value());
  CHECK_FALSE(dcsim::input::trace_format_from_name("").has_value());
}

// --- Electricity Maps ----------------------------------------------------------------------------

TEST_CASE("an Electricity Maps trace takes the LCA column and the low-carbon share as CFE") {
  TempDir dir;
  // BOM, CRLF, a quoted zone name with a comma, trailing empty lines.
  const auto file = dir.write("US-MIDW-MISO_2023_hourly.csv",
                              "\xEF\xBB\xBF" + kEmHeader + "\r\n" +
                                  "2023-01-01 00:00:00,USA,\"Midcontinent ISO, Inc.\",US-MIDW-MISO,489.46,554.69,32.28,14.79,eia.gov,false,\r\n"
                                  "2023-01-01 01:00:00,USA,\"Midcontinent ISO, Inc.\",US-MIDW-MISO,467.13,530.42,35.09,16.74,eia.gov,false,\r\n"
                                  "2023-01-01 02:00:00,USA,\"Midcontinent ISO, Inc.\",US-MIDW-MISO,450,500,100,16.74,eia.gov,true,x\r\n"
                                  "\r\n\r\n");
  const auto t = read_trace(file.string(), with(TraceFormat::electricity_maps));
  REQUIRE(t.size() == 3);
  CHECK(t.utc_ms[0] == parse_utc_ms("2023-01-01T00:00:00Z"));
  CHECK(t.utc_ms[2] == parse_utc_ms("2023-01-01T02:00:00Z"));
  CHECK(t.step_ms == kHour);
  CHECK(t.intensity_kg_per_j[0] == doctest::Approx(554.69 * kG).epsilon(1e-12));
  CHECK(t.intensity_kg_per_j[1] == doctest::Approx(530.42 * kG).epsilon(1e-12));
  CHECK(t.intensity_kg_per_j[2] == doctest::Approx(500 * kG).epsilon(1e-12));
  REQUIRE(t.cfe_share.size() == 3);
  CHECK(t.cfe_share[0] == doctest::Approx(0.3228));
  CHECK(t.cfe_share[2] == doctest::Approx(1.0));
  CHECK(t.description.find("Electricity Maps") != std::string::npos);
  CHECK(t.description.find("US-MIDW-MISO_2023_hourly.csv") != std::string::npos);
  CHECK(t.description.find("(LCA)") != std::string::npos);
}

TEST_CASE("an Electricity Maps trace takes the direct column and a CFE% column in any order, spelt gCO2eq") {
  TempDir dir;
  const auto file = dir.write("export.csv",
                              "Carbon Free Energy Percentage (CFE%),Carbon Intensity gCO2eq/kWh (LCA),Datetime (UTC),"
                              "Carbon Intensity gCO2eq/kWh (direct)\n"
                              "50,300,2022-06-01 00:00:00,200\n"
                              "25.5,310,2022-06-01 01:00:00,210.5\n");
  TraceOptions o = with(TraceFormat::electricity_maps);
  o.lifecycle = false;
  const auto t = read_trace(file.string(), o);
  REQUIRE(t.size() == 2);
  CHECK(t.intensity_kg_per_j[0] == doctest::Approx(200 * kG).epsilon(1e-12));
  CHECK(t.intensity_kg_per_j[1] == doctest::Approx(210.5 * kG).epsilon(1e-12));
  CHECK(t.cfe_share == std::vector<double>{0.5, 0.255});
  CHECK(t.description.find("(direct)") != std::string::npos);
  CHECK(t.description.find("CFE%") != std::string::npos);
}

TEST_CASE("an Electricity Maps trace without a CFE column has no CFE share") {
  TempDir dir;
  const auto file = dir.write("x.csv", "Datetime (UTC),Carbon Intensity gCO2eq/kWh (LCA)\n2022-06-01 00:00:00,1\n2022-06-01 00:30:00,2\n");
  const auto t = read_trace(file.string(), with(TraceFormat::electricity_maps));
  CHECK(t.cfe_share.empty());
  CHECK(t.step_ms == 1'800'000);
}

TEST_CASE("an Electricity Maps trace still rejects a written non-UTC offset") {
  TempDir dir;
  const auto file = dir.write("x.csv", "Datetime (UTC),Carbon Intensity gCO2eq/kWh (LCA)\n"
                                       "2022-06-01 00:00:00,1\n2022-06-01 01:00:00+02:00,2\n");
  expect_problem(file, with(TraceFormat::electricity_maps), 3, "Datetime (UTC)", "only UTC");
}

TEST_CASE("an Electricity Maps trace rejects a CFE percentage outside 0..100") {
  TempDir dir;
  const auto file = dir.write("cfe.csv", "Datetime (UTC),Carbon Intensity gCO2eq/kWh (LCA),Low Carbon Percentage\n"
                                         "2022-06-01 00:00:00,1,100.5\n"
                                         "2022-06-01 01:00:00,1,-1\n"
                                         "2022-06-01 02:00:00,1,100\n");
  const auto ps = expect_problem(file, with(TraceFormat::electricity_maps), 2, kLowCarbon, "outside 0..100");
  expect_problem(file, with(TraceFormat::electricity_maps), 3, kLowCarbon, "negative");
  CHECK(ps.size() == 2);
}

// --- plain ---------------------------------------------------------------------------------------

TEST_CASE("a plain trace reads ISO UTC times with Z, +00:00 or a space for the T") {
  TempDir dir;
  const auto file = dir.write("plain.csv", "time,g_per_kwh\n"
                                           "2024-03-01T00:00:00Z,100\n"
                                           "2024-03-01T00:15:00+00:00,200.5\n"
                                           "2024-03-01 00:30:00Z,0\n"
                                           "\"2024-03-01T00:45:00Z\",  1e2 \n");
  const auto t = read_trace(file.string(), with(TraceFormat::plain));
  REQUIRE(t.size() == 4);
  CHECK(t.step_ms == 15 * 60'000);
  CHECK(t.utc_ms[0] == parse_utc_ms("2024-03-01T00:00:00Z"));
  CHECK(t.utc_ms[3] == t.utc_ms[0] + 3 * 15 * 60'000);
  CHECK(t.end_ms() == parse_utc_ms("2024-03-01T01:00:00Z"));
  CHECK(t.intensity_kg_per_j[1] == doctest::Approx(200.5 * kG).epsilon(1e-12));
  CHECK(t.intensity_kg_per_j[2] == 0.0);
  CHECK(t.intensity_kg_per_j[3] == doctest::Approx(100 * kG).epsilon(1e-12));
  CHECK(t.cfe_share.empty());
  CHECK(t.description.find("plain.csv") != std::string::npos);
  CHECK(t.description.find("g_per_kwh") != std::string::npos);
}

TEST_CASE("a plain trace rejects times without a zone and with a non-UTC offset") {
  TempDir dir;
  const auto file = dir.write("zones.csv", "time,g_per_kwh\n"
                                           "2024-03-01T00:00:00Z,1\n"
                                           "2024-03-01 01:00:00,1\n"
                                           "2024-03-01T02:00:00,1\n"
                                           "2024-03-01T03:00:00+01:00,1\n");
  const auto o = with(TraceFormat::plain);
  expect_problem(file, o, 3, "time", "no time zone");
  expect_problem(file, o, 4, "time", "no time zone");
  const auto ps = expect_problem(file, o, 5, "time", "only UTC");
  CHECK(ps.size() == 3);
  // The message quotes the time as written.
  CHECK(ps[0].message.find("'2024-03-01 01:00:00'") != std::string::npos);
}

TEST_CASE("a plain trace names the line and character column of an unparseable time") {
  TempDir dir;
  const auto file = dir.write("bad_time.csv", "time,g_per_kwh\n2024-03-01T00:00:00Z,1\n2024-13-01T00:00:00Z,1\n1 March,1\n");
  const auto o = with(TraceFormat::plain);
  expect_problem(file, o, 3, "time", "no such date");
  const auto ps = expect_problem(file, o, 4, "time", "cannot read time '1 March'");
  CHECK(ps.back().where.column == 1);
}

TEST_CASE("a plain trace value unit can be changed") {
  TempDir dir;
  const auto file = dir.write("kg.csv", "time,g_per_kwh\n2024-03-01T00:00:00Z,0.5\n2024-03-01T01:00:00Z,1\n");
  TraceOptions o = with(TraceFormat::plain);
  o.value_unit_kg_per_j = 1.0 / 3.6e6;  // 1 kg/kWh
  const auto t = read_trace(file.string(), o);
  CHECK(t.intensity_kg_per_j[0] == doctest::Approx(0.5 / 3.6e6));
}

// --- plain, seconds: rows read straight from the text ---------------------------------------------
// A record of the plain form ("3600,345.2") is read without splitting it into fields; any other
// form falls back to the field-by-field reading. A file with CRLF line ends has no record of the
// plain form, and the field-by-field reading trims the '\r' (the values, lines and columns stay),
// so reading each file both as written and with CRLF line ends compares the two readings.

// What read_trace makes of a file: its trace, or the problems it reports.
struct Reading {
  std::optional<dcsim::models::IntensityTrace> trace;
  std::vector<Problem> problems;
};

Reading reading(const fs::path& file, const TraceOptions& options) {
  try {
    return {read_trace(file.string(), options), {}};
  } catch (const InputError& e) {
    return {std::nullopt, e.problems()};
  }
}

// Reads `text` as written and with CRLF line ends (from two files of the same name); checks that
// both give the same trace or the same problems, and returns the first.
Reading read_both_ways(const std::string& name, const std::string& text, const TraceOptions& options) {
  TempDir lf, crlf;
  std::string crlf_text;
  for (const char c : text) {
    if (c == '\n') crlf_text += '\r';
    crlf_text += c;
  }
  const Reading a = reading(lf.write(name, text), options);
  const Reading b = reading(crlf.write(name, crlf_text), options);
  REQUIRE(a.trace.has_value() == b.trace.has_value());
  if (a.trace) {
    CHECK(a.trace->utc_ms == b.trace->utc_ms);
    CHECK(a.trace->intensity_kg_per_j == b.trace->intensity_kg_per_j);
    CHECK(a.trace->cfe_share == b.trace->cfe_share);
    CHECK(a.trace->step_ms == b.trace->step_ms);
    CHECK(a.trace->description == b.trace->description);
  }
  REQUIRE(a.problems.size() == b.problems.size());
  for (std::size_t i = 0; i < a.problems.size(); ++i) {
    CAPTURE(i);
    CHECK(fs::path(a.problems[i].where.file).filename() == fs::path(b.problems[i].where.file).filename());
    CHECK(a.problems[i].where.line == b.problems[i].where.line);
    CHECK(a.problems[i].where.column == b.problems[i].where.column);
    CHECK(a.problems[i].path == b.problems[i].path);
    CHECK(a.problems[i].message == b.problems[i].message);
  }
  return a;
}

struct WantProblem {
  int line, column;
  std::string path, message;
};

void check_problems(const Reading& r, const std::vector<WantProblem>& want) {
  CHECK_FALSE(r.trace.has_value());
  REQUIRE(r.problems.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(r.problems[i].where.line == want[i].line);
    CHECK(r.problems[i].where.column == want[i].column);
    CHECK(r.problems[i].path == want[i].path);
    CHECK(r.problems[i].message == want[i].message);
  }
}

TEST_CASE("a plain trace in seconds reads plain rows and rows of every other form alike") {
  // Plain rows between rows of other forms: quoted fields, blanks around fields, a CRLF ending,
  // exponents, a blank line, a '+' sign, seconds written with a fraction, more digits than 64
  // bits hold; the last row without a line end. Hourly from the epoch given.
  const std::string text =
      "time_s,g_per_kwh\n"
      "0,100\n"
      "3600,200.5\n"
      "7200,300\n"
      "\"10800\",400\n"
      " 14400 , 500 \n"
      "18000,600\r\n"
      "21600,7e2\n"
      "\n"
      "25200,+800\n"
      "28800,900.25\n"
      "32400.0,1000\n"
      "36000,12345678901234567890e-17\n"
      "39600,0\n"
      "43200,\"1100\"\n"
      "46800,1.2E+3\n"
      "50400,1300";
  TraceOptions o = with(TraceFormat::plain);
  o.epoch_ms = parse_utc_ms("2024-01-01T00:00:00Z");
  const Reading r = read_both_ways("seconds.csv", text, o);
  REQUIRE(r.trace.has_value());
  const std::vector<double> g = {100, 200.5, 300, 400, 500, 600, 700, 800, 900.25, 1000, 123.4567890123456789, 0, 1100, 1200, 1300};
  REQUIRE(r.trace->size() == g.size());
  CHECK(r.trace->step_ms == kHour);
  for (std::size_t i = 0; i < g.size(); ++i) {
    CAPTURE(i);
    CHECK(r.trace->utc_ms[i] == o.epoch_ms + static_cast<std::int64_t>(i) * kHour);
    CHECK(r.trace->intensity_kg_per_j[i] == g[i] * kG);
  }
  CHECK(r.trace->cfe_share.empty());
  CHECK(r.trace->description == "plain trace seconds.csv, column 'g_per_kwh'");
}

TEST_CASE("a plain trace in seconds reads its columns in any order, past other columns") {
  const std::string text =
      "g_per_kwh,note,time_s\n"
      "1,a b,0\n"
      "2,,60\n"
      "3,\"x, y\",120\n"
      "4,c,180\n"
      "5,d,240\n";
  const Reading r = read_both_ways("columns.csv", text, with(TraceFormat::plain));
  REQUIRE(r.trace.has_value());
  REQUIRE(r.trace->size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(r.trace->utc_ms[i] == static_cast<std::int64_t>(i) * 60'000);
    CHECK(r.trace->intensity_kg_per_j[i] == static_cast<double>(i + 1) * kG);
  }
}

TEST_CASE("a plain trace in seconds rounds fractions of a second to the nearest millisecond") {
  const std::string text = "time_s,g_per_kwh\n0,1\n0.001,2\n0.0021,3\n0.0029999,4\n0.00404,5\n";
  const Reading r = read_both_ways("ms.csv", text, with(TraceFormat::plain));
  REQUIRE(r.trace.has_value());
  CHECK(r.trace->utc_ms == std::vector<std::int64_t>{0, 1, 2, 3, 4});
  CHECK(r.trace->step_ms == 1);
}

TEST_CASE("a plain trace in seconds holds values over an empty cell and a gap only with fill_missing") {
  const std::string text =
      "time_s,g_per_kwh\n"
      "0,10\n"
      "60,20\n"
      "120,30\n"
      "180,\n"
      "240,50\n"
      "420,70\n"
      "480,80\n";
  TraceOptions o = with(TraceFormat::plain);
  check_problems(read_both_ways("holes.csv", text, o),
                 {{5, 5, "g_per_kwh", "empty value (empty: 'g_per_kwh'); set fill_missing to hold the previous value over"},
                  {7, 1, "time_s",
                   "gap: 1970-01-01T00:07:00Z is 3 min after 1970-01-01T00:04:00Z on line 6, but the file's resolution is "
                   "1 min (lines 2-3); 2 step(s) missing (set fill_missing to hold the previous value over)"}});

  o.fill_missing = true;
  const Reading r = read_both_ways("holes.csv", text, o);
  REQUIRE(r.trace.has_value());
  // The empty cell holds 30 over; the gap (three steps from 240 s to 420 s) holds 50 over two.
  const std::vector<double> g = {10, 20, 30, 30, 50, 50, 50, 70, 80};
  REQUIRE(r.trace->size() == g.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    CAPTURE(i);
    CHECK(r.trace->utc_ms[i] == static_cast<std::int64_t>(i) * 60'000);
    CHECK(r.trace->intensity_kg_per_j[i] == g[i] * kG);
  }
  CHECK(r.trace->description == "plain trace holes.csv, column 'g_per_kwh'; 3 missing value(s) held over");
}

TEST_CASE("a plain trace in seconds reports a bad row after plain rows with its line and column") {
  // Rows every 10 s on lines 2-3 (the step), a blank line 4, lines 5-6 (the row after a blank
  // line is read field by field, the next one straight from the text), the bad row on line 7.
  const std::string before = "time_s,g_per_kwh\n0,1\n10,2\n\n20,3\n30,4\n";
  const std::string empty_value = "empty value (empty: 'g_per_kwh'); set fill_missing to hold the previous value over";
  const std::string negative = "intensity is negative (-5); it must be at least 0";
  struct Case {
    std::string row;
    WantProblem want;
  };
  const std::vector<Case> cases = {
      {"30,5", {7, 1, "time_s", "duplicate time 1970-01-01T00:00:30Z: line 6 has the same"}},
      {"25,5",
       {7, 1, "time_s",
        "time goes backward: 1970-01-01T00:00:25Z is before 1970-01-01T00:00:30Z on line 6; rows must be in increasing "
        "time order"}},
      {"60,5",
       {7, 1, "time_s",
        "gap: 1970-01-01T00:01:00Z is 30 s after 1970-01-01T00:00:30Z on line 6, but the file's resolution is 10 s "
        "(lines 2-3); 2 step(s) missing (set fill_missing to hold the previous value over)"}},
      {"40.5,5",
       {7, 1, "time_s",
        "gap: 1970-01-01T00:00:40.500Z is 10500 ms after 1970-01-01T00:00:30Z on line 6, but the file's resolution is "
        "10 s (lines 2-3)"}},
      {",5", {7, 1, "time_s", "empty time"}},
      {"+40,5", {7, 1, "time_s", "cannot read '+40' as seconds"}},
      {"1e14,5", {7, 1, "time_s", "cannot read '1e14' as seconds"}},
      {"40,-5", {7, 4, "g_per_kwh", negative}},
      {"40,\"-5\"", {7, 4, "g_per_kwh", negative}},
      {"  40,-5", {7, 6, "g_per_kwh", negative}},
      {"40,x", {7, 4, "g_per_kwh", "'x' is not a number"}},
      {"40,1e999", {7, 4, "g_per_kwh", "'1e999' is not a number"}},
      {"40,nan", {7, 4, "g_per_kwh", "'nan' is not a finite number"}},
      {"40,", {7, 4, "g_per_kwh", empty_value}},
      {"40", {7, 0, "", "row has 1 fields; the header has 2"}},
      {"40,5,6", {7, 0, "", "row has 3 fields; the header has 2"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.row);
    check_problems(read_both_ways("bad.csv", before + c.row + "\n", with(TraceFormat::plain)), {c.want});
  }
}

TEST_CASE("a plain trace in seconds goes on checking the rows after a problem") {
  const std::string text =
      "time_s,g_per_kwh\n"
      "0,1\n"
      "10,2\n"
      "\n"
      "20,3\n"
      "30,4\n"
      "30,5\n"    // line 7: the time of line 6
      "40,-5\n"   // line 8
      "50,6,7\n"  // line 9
      "50,7\n"    // line 10: one step after line 8
      "60,8\n"    // line 11
      "60,9\n";   // line 12: the time of line 11
  check_problems(read_both_ways("many.csv", text, with(TraceFormat::plain)),
                 {{7, 1, "time_s", "duplicate time 1970-01-01T00:00:30Z: line 6 has the same"},
                  {8, 4, "g_per_kwh", "intensity is negative (-5); it must be at least 0"},
                  {9, 0, "", "row has 3 fields; the header has 2"},
                  {12, 1, "time_s", "duplicate time 1970-01-01T00:01:00Z: line 11 has the same"}});
}

// --- EIA-930 -------------------------------------------------------------------------------------

TEST_CASE("an EIA-930 trace is the generation-weighted mean of the AR5 fuel factors") {
  TempDir dir;
  // Columns shuffled, an extra avg_CI column, a negative (clipped) value.
  const auto file = dir.write("BA_2022_hourly.csv",
                              "avg_CI,NG,timestamp,WND,SUN,WAT,OIL,COL,NUC,OTH\n"
                              "999,100,2022-01-01 00:00:00+00:00,100,0,0,0,0,0,0\n"
                              "999,0,2022-01-01 01:00:00+00:00,0,-5,0,0,100,0,0\n"
                              "999,0,2022-01-01 02:00:00+00:00,0,10,10,10,0,10,10\n"
                              "999,0,2022-01-01T03:00:00Z,0,0,0,0,0,1,3\n");
  const auto t = read_trace(file.string(), with(TraceFormat::eia930));
  REQUIRE(t.size() == 4);
  CHECK(t.step_ms == kHour);
  CHECK(t.utc_ms[0] == parse_utc_ms("2022-01-01T00:00:00Z"));
  CHECK(t.intensity_kg_per_j[0] == doctest::Approx((11.0 + 490.0) / 2 * kG).epsilon(1e-12));
  CHECK(t.intensity_kg_per_j[1] == doctest::Approx(820.0 * kG).epsilon(1e-12));
  CHECK(t.intensity_kg_per_j[2] == doctest::Approx((48.0 + 24 + 650 + 12 + 700) / 5 * kG).epsilon(1e-12));
  CHECK(t.intensity_kg_per_j[3] == doctest::Approx((12.0 + 3 * 700) / 4 * kG).epsilon(1e-12));
  CHECK(t.description.find("EIA-930") != std::string::npos);
  CHECK(t.description.find("BA_2022_hourly.csv") != std::string::npos);
  CHECK(t.description.find("AR5") != std::string::npos);
}

TEST_CASE("an EIA-930 trace uses the given emission factors instead of the defaults") {
  TempDir dir;
  const auto file = dir.write("two.csv", "timestamp,A,B\n2022-01-01T00:00:00Z,1,3\n2022-01-01T01:00:00Z,0,2\n");
  TraceOptions o = with(TraceFormat::eia930);
  o.emission_factors_kg_per_j = {{"A", 100 * kG}, {"B", 500 * kG}};
  const auto t = read_trace(file.string(), o);
  CHECK(t.intensity_kg_per_j[0] == doctest::Approx((100.0 + 3 * 500) / 4 * kG).epsilon(1e-12));
  CHECK(t.intensity_kg_per_j[1] == doctest::Approx(500.0 * kG).epsilon(1e-12));
  o.emission_factors_kg_per_j["C"] = 1 * kG;
  expect_problem(file, o, 1, "C", "missing column");
}

TEST_CASE("an EIA-930 trace rejects a row whose total generation is zero") {
  TempDir dir;
  const auto file = dir.write("zero.csv", "timestamp,WND,SUN,WAT,OIL,NG,COL,NUC,OTH\n"
                                          "2022-01-01 00:00:00+00:00,1,0,0,0,0,0,0,0\n"
                                          "2022-01-01 01:00:00+00:00,0,-3,0,0,0,0,0,0\n");
  expect_problem(file, with(TraceFormat::eia930), 3, "", "total generation is 0");
}

TEST_CASE("an EIA-930 trace rejects a timestamp without a zone and a bad generation number") {
  TempDir dir;
  const auto file = dir.write("zone.csv", "timestamp,WND,SUN,WAT,OIL,NG,COL,NUC,OTH\n"
                                          "2022-01-01 00:00:00,1,0,0,0,0,0,0,0\n"
                                          "2022-01-01 01:00:00+00:00,1,0,0,0,x,0,0,0\n");
  expect_problem(file, with(TraceFormat::eia930), 2, "timestamp", "no time zone");
  expect_problem(file, with(TraceFormat::eia930), 3, "NG", "'x' is not a number");
}

// --- WattTime ------------------------------------------------------------------------------------

TEST_CASE("a WattTime trace reads its first two columns as time and MOER in lb/MWh") {
  TempDir dir;
  const auto file = dir.write("moer.csv", "point_time,MOER,extra\n"
                                          "2023-06-08 00:00:00,1000,a\n"
                                          "2023-06-08 00:05:00,500,b\n"
                                          "2023-06-08T00:10:00Z,0,c\n");
  const auto t = read_trace(file.string(), with(TraceFormat::watttime));
  REQUIRE(t.size() == 3);
  CHECK(t.step_ms == 5 * 60'000);
  CHECK(t.utc_ms[0] == parse_utc_ms("2023-06-08T00:00:00Z"));
  // 1 lb = 0.45359237 kg; 1 MWh = 3.6e9 J.
  CHECK(t.intensity_kg_per_j[0] == doctest::Approx(1000 * 0.45359237 / 3.6e9).epsilon(1e-12));
  CHECK(t.intensity_kg_per_j[1] == doctest::Approx(500 * 0.45359237 / 3.6e9).epsilon(1e-12));
  CHECK(t.description.find("WattTime") != std::string::npos);
  CHECK(t.description.find("MOER") != std::string::npos);

  TraceOptions g = with(TraceFormat::watttime);
  g.value_unit_kg_per_j = kG;
  CHECK(read_trace(file.string(), g).intensity_kg_per_j[0] == doctest::Approx(1000 * kG).epsilon(1e-12));
}

TEST_CASE("a WattTime trace needs a value column") {
  TempDir dir;
  const auto file = dir.write("one.csv", "oootime\n2023-06-08 00:00:00\n");
  expect_problem(file, with(TraceFormat::watttime), 1, "", "missing column");
}

// --- the file itself -----------------------------------------------------------------------------

TEST_CASE("a trace file that is missing, a directory, binary, empty or header-only is refused") {
  TempDir dir;
  const auto o = with(TraceFormat::plain);
  expect_problem(dir / "absent.csv", o, 0, "", "no such file");
  fs::create_directories(dir / "folder.csv");
  expect_problem(dir / "folder.csv", o, 0, "", "is a directory");
  std::string binary = "time,g_per_kwh\n2024-01-01T00:00:00Z,1\n";
  binary += '\0';
  binary += "\n";
  expect_problem(dir.write("nul.csv", binary), o, 3, "", "NUL");
  expect_problem(dir.write("empty.csv", ""), o, 0, "", "is empty");
  expect_problem(dir.write("blank.csv", "\xEF\xBB\xBF\r\n  \n"), o, 0, "", "is empty");
  expect_problem(dir.write("header.csv", "time,g_per_kwh\r\n\r\n"), o, 1, "", "no data rows");
  expect_problem(dir.write("single.csv", "time,g_per_kwh\n2024-01-01T00:00:00Z,1\n"), o, 2, "", "only one data row");
}

TEST_CASE("a trace file that cannot be read is refused") {
  if (::geteuid() == 0) {
    MESSAGE("running as root: permissions do not stop reading; skipped");
    return;
  }
  TempDir dir;
  const auto file = dir.write("locked.csv", "time,g_per_kwh\n");
  ::chmod(file.c_str(), 0);
  expect_problem(file, with(TraceFormat::plain), 0, "", "cannot be read");
}

TEST_CASE("a trace file over 512 MiB is refused before it is read") {
  TempDir dir;
  const auto file = dir.write("huge.csv", "time,g_per_kwh\n");
  fs::resize_file(file, (512ull << 20) + 1);  // sparse: takes no disk space
  expect_problem(file, with(TraceFormat::plain), 0, "", "limited to");
}

TEST_CASE("a trace file missing a required column lists what was expected and what the header has") {
  TempDir dir;
  const auto file = dir.write("US_2023_hourly.csv", kEmHeader + "\n2023-01-01 00:00:00,USA,USA,US,1,2,3,4,,false,\n");
  // Read as plain: both columns are missing, and the hint names the right format.
  const auto ps = expect_problem(file, with(TraceFormat::plain), 1, "time", "expected a column 'time'");
  expect_problem(file, with(TraceFormat::plain), 1, "g_per_kwh", "the header has: 'Datetime (UTC)', 'Country'");
  CHECK(ps.size() == 2);
  CHECK(ps[0].message.find("looks like the electricity_maps format") != std::string::npos);

  const auto lca_only = dir.write("lca.csv", "Datetime (UTC),Carbon Intensity gCO2eq/kWh (LCA)\n2023-01-01 00:00:00,2\n");
  TraceOptions direct = with(TraceFormat::electricity_maps);
  direct.lifecycle = false;
  expect_problem(lca_only, direct, 1, "Carbon Intensity gCO\u2082eq/kWh (direct)",
                 "'Carbon Intensity gCO\u2082eq/kWh (direct)' or 'Carbon Intensity gCO2eq/kWh (direct)'");

  const auto eia = dir.write("eia.csv", "timestamp,WND,SUN,WAT,OIL,NG,COL,NUC\n2022-01-01T00:00:00Z,1,1,1,1,1,1,1\n");
  expect_problem(eia, with(TraceFormat::eia930), 1, "OTH", "missing column");
}

// --- values --------------------------------------------------------------------------------------

TEST_CASE("a trace reports a bad number with its line, character column and column name") {
  TempDir dir;
  const auto file = dir.write("bad.csv", "time,g_per_kwh\n2024-03-01T00:00:00Z,abc\n2024-03-01T01:00:00Z,12x\n");
  const auto ps = expect_problem(file, with(TraceFormat::plain), 2, "g_per_kwh", "'abc' is not a number");
  expect_problem(file, with(TraceFormat::plain), 3, "g_per_kwh", "'12x' is not a number");
  CHECK(ps[0].where.column == 22);  // after "2024-03-01T00:00:00Z," (21 characters)
  // "file:line:col: path: message"
  CHECK(dcsim::format_problem(ps[0]).find("bad.csv:2:22: g_per_kwh: ") != std::string::npos);
}

TEST_CASE("a trace rejects NaN, infinite and negative intensities") {
  TempDir dir;
  const auto file = dir.write("nonfinite.csv", "time,g_per_kwh\n"
                                               "2024-03-01T00:00:00Z,nan\n"
                                               "2024-03-01T01:00:00Z,inf\n"
                                               "2024-03-01T02:00:00Z,-0.5\n"
                                               "2024-03-01T03:00:00Z,1e999\n");
  const auto o = with(TraceFormat::plain);
  expect_problem(file, o, 2, "g_per_kwh", "not a finite number");
  expect_problem(file, o, 3, "g_per_kwh", "not a finite number");
  expect_problem(file, o, 4, "g_per_kwh", "negative");
  const auto ps = expect_problem(file, o, 5, "g_per_kwh", "not a number");
  CHECK(ps.size() == 4);
}

TEST_CASE("a trace rejects duplicate and backward timestamps") {
  TempDir dir;
  const auto file = dir.write("order.csv", "time,g_per_kwh\n"
                                           "2024-03-01T00:00:00Z,1\n"
                                           "2024-03-01T01:00:00Z,1\n"
                                           "2024-03-01T01:00:00Z,1\n"
                                           "2024-03-01T00:30:00Z,1\n"
                                           "2024-03-01T02:00:00Z,1\n");
  const auto o = with(TraceFormat::plain);
  expect_problem(file, o, 4, "time", "duplicate time 2024-03-01T01:00:00Z: line 3");
  const auto ps = expect_problem(file, o, 5, "time", "time goes backward");
  CHECK(ps.size() == 2);  // line 6 follows line 3 by one step: fine
}

TEST_CASE("a trace rejects a gap unless fill_missing holds the previous value over it") {
  TempDir dir;
  const auto file = dir.write("gap.csv", "time,g_per_kwh\n"
                                         "2024-03-01T00:00:00Z,10\n"
                                         "2024-03-01T01:00:00Z,20\n"
                                         "2024-03-01T04:00:00Z,30\n"
                                         "2024-03-01T05:00:00Z,40\n");
  TraceOptions o = with(TraceFormat::plain);
  const auto ps = expect_problem(file, o, 4, "time", "3 h after 2024-03-01T01:00:00Z on line 3");
  CHECK(ps[0].message.find("resolution is 1 h") != std::string::npos);
  CHECK(ps[0].message.find("2 step(s) missing") != std::string::npos);

  o.fill_missing = true;
  const auto t = read_trace(file.string(), o);
  REQUIRE(t.size() == 6);
  for (std::size_t i = 0; i < t.size(); ++i) CHECK(t.utc_ms[i] == t.utc_ms[0] + static_cast<std::int64_t>(i) * kHour);
  const std::vector<double> expected = {10, 20, 20, 20, 30, 40};
  for (std::size_t i = 0; i < t.size(); ++i) CHECK(t.intensity_kg_per_j[i] == doctest::Approx(expected[i] * kG));
  CHECK(t.description.find("2 missing value(s) held over") != std::string::npos);
}

TEST_CASE("a trace rejects a step that is not a whole number of steps even with fill_missing") {
  TempDir dir;
  const auto file = dir.write("odd.csv", "time,g_per_kwh\n"
                                         "2024-03-01T00:00:00Z,1\n"
                                         "2024-03-01T01:00:00Z,1\n"
                                         "2024-03-01T01:30:00Z,1\n");
  TraceOptions o = with(TraceFormat::plain);
  o.fill_missing = true;
  expect_problem(file, o, 4, "time", "30 min after");
}

TEST_CASE("a trace rejects empty cells unless fill_missing holds the previous value") {
  TempDir dir;
  const auto file = dir.write("holes.csv", "Datetime (UTC),Carbon Intensity gCO2eq/kWh (LCA),Low Carbon Percentage\n"
                                           "2023-01-01 00:00:00,100,50\n"
                                           "2023-01-01 01:00:00,,\n"
                                           "2023-01-01 02:00:00,200,\n"
                                           "2023-01-01 03:00:00,,10\n");
  TraceOptions o = with(TraceFormat::electricity_maps);
  expect_problem(file, o, 3, "Carbon Intensity gCO2eq/kWh (LCA)", "empty value");
  expect_problem(file, o, 4, kLowCarbon, "empty value");
  const auto ps = expect_problem(file, o, 5, "Carbon Intensity gCO2eq/kWh (LCA)", "fill_missing");
  CHECK(ps.size() == 3);

  o.fill_missing = true;
  const auto t = read_trace(file.string(), o);
  REQUIRE(t.size() == 4);
  const std::vector<double> g = {100, 100, 200, 200};
  const std::vector<double> cfe = {0.5, 0.5, 0.5, 0.1};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(t.intensity_kg_per_j[i] == doctest::Approx(g[i] * kG));
    CHECK(t.cfe_share[i] == doctest::Approx(cfe[i]));
  }
}

TEST_CASE("a trace cannot hold a value over an empty cell in its first row") {
  TempDir dir;
  const auto file = dir.write("first.csv", "time,g_per_kwh\n2024-03-01T00:00:00Z,\n2024-03-01T01:00:00Z,1\n");
  TraceOptions o = with(TraceFormat::plain);
  o.fill_missing = true;
  expect_problem(file, o, 2, "g_per_kwh", "no previous value");
}

TEST_CASE("a trace reports rows with the wrong number of fields and unclosed quotes") {
  TempDir dir;
  const auto file = dir.write("fields.csv", "time,g_per_kwh\n2024-03-01T00:00:00Z,1\n2024-03-01T01:00:00Z,1,2\n2024-03-01T02:00:00Z\n");
  expect_problem(file, with(TraceFormat::plain), 3, "", "row has 3 fields; the header has 2");
  expect_problem(file, with(TraceFormat::plain), 4, "", "row has 1 fields");
  const auto quote = dir.write("quote.csv", "time,g_per_kwh\n2024-03-01T00:00:00Z,1\n\"2024-03-01T01:00:00Z,1\n");
  expect_problem(quote, with(TraceFormat::plain), 3, "", "never closed");
}

TEST_CASE("a trace reports every problem in the file at once") {
  TempDir dir;
  const auto file = dir.write("many.csv", "time,g_per_kwh\n"
                                          "2024-03-01T00:00:00Z,1\n"
                                          "2024-03-01T01:00:00Z,-1\n"
                                          "yesterday,1\n"
                                          "2024-03-01T02:00:00Z,\n"
                                          "2024-03-01T03:00:00Z,x\n");
  const auto ps = problems_of(file, with(TraceFormat::plain));
  REQUIRE(ps.size() == 4);
  CHECK(ps[0].where.line == 3);
  CHECK(ps[1].where.line == 4);
  CHECK(ps[2].where.line == 5);
  CHECK(ps[3].where.line == 6);
}

TEST_CASE("a trace with more than 50 problems stops with a final more-problems line") {
  TempDir dir;
  std::string text = "time,g_per_kwh\n";
  for (int i = 0; i < 80; ++i) text += "2024-03-01T00:00:00Z,bad\n";
  const auto ps = problems_of(dir.write("lots.csv", text), with(TraceFormat::plain));
  REQUIRE(ps.size() == 51);
  CHECK(ps[49].where.line > 0);
  CHECK(ps[50].message.find("... more problems") != std::string::npos);
}

// --- a full year ---------------------------------------------------------------------------------
// (How fast it parses is measured by the benchmark, not asserted here.)

TEST_CASE("a year of hourly rows with quoted fields and CRLF line ends reads completely") {
  TempDir dir;
  std::string text = kEmHeader + "\r\n";
  const std::int64_t start = parse_utc_ms("2023-01-01T00:00:00Z");
  for (int h = 0; h < 8760; ++h) {
    const std::string when = dcsim::units::format_utc(start + h * kHour);  // "2023-01-01T00:00:00Z"
    text += when.substr(0, 10) + " " + when.substr(11, 8) + ",USA,\"Some Operator, Inc.\",US-X," +
            std::to_string(200 + h % 97) + ".25," + std::to_string(250 + h % 89) + ".75,45.5,30.1,eia.gov,false,\r\n";
  }
  const auto file = dir.write("year.csv", text);
  const auto t = read_trace(file.string(), with(TraceFormat::electricity_maps));
  REQUIRE(t.size() == 8760);
  CHECK(t.utc_ms.back() == start + 8759 * kHour);
  CHECK(t.intensity_kg_per_j.back() == doctest::Approx((250 + 8759 % 89 + 0.75) * kG).epsilon(1e-12));  // LCA column
}

// --- the real published files ---------------------------------------------------------------------

TEST_CASE("real Electricity Maps trace US-CAL-CISO 2023 has the published annual means") {
  const fs::path grid = grid_data_dir();
  if (grid.empty()) {
    MESSAGE("shared grid data not found; real-file checks skipped");
    return;
  }
  const fs::path file = grid / "electricitymaps-hourly" / "US-CAL-CISO_2023_hourly.csv";
  const auto lca = read_trace(file.string(), with(TraceFormat::electricity_maps));
  CHECK(lca.size() == 8760);
  CHECK(lca.step_ms == kHour);
  CHECK(lca.utc_ms.front() == parse_utc_ms("2023-01-01T00:00:00Z"));
  CHECK(lca.end_ms() == parse_utc_ms("2024-01-01T00:00:00Z"));
  CHECK(mean_g_per_kwh(lca) == doctest::Approx(261).epsilon(0.001));  // facts 4.2, EM-LCA 2023
  REQUIRE(lca.cfe_share.size() == 8760);
  for (double c : lca.cfe_share) REQUIRE((c >= 0 && c <= 1));

  TraceOptions direct = with(TraceFormat::electricity_maps);
  direct.lifecycle = false;
  CHECK(mean_g_per_kwh(read_trace(file.string(), direct)) == doctest::Approx(194).epsilon(0.01));  // EM-direct 2023
}

TEST_CASE("real Electricity Maps trace US 2023 needs fill_missing for its empty hours") {
  const fs::path grid = grid_data_dir();
  if (grid.empty()) {
    MESSAGE("shared grid data not found; real-file checks skipped");
    return;
  }
  const fs::path file = grid / "electricitymaps-hourly" / "US_2023_hourly.csv";
  // The first line whose LCA cell (6th field) is empty, found by reading the file here.
  const auto rows = rows_of(file);
  int first_empty = 0, empty_rows = 0;
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (rows[i].size() > 5 && rows[i][5].empty()) {
      ++empty_rows;
      if (first_empty == 0) first_empty = static_cast<int>(i) + 1;
    }
  CHECK(empty_rows == 686);  // SOURCE.md / facts 4.2
  REQUIRE(first_empty > 0);
  const auto ps = expect_problem(file, with(TraceFormat::electricity_maps), first_empty, kLca, "empty value");
  CHECK(ps.size() == 51);  // far more than 50 problems

  TraceOptions fill = with(TraceFormat::electricity_maps);
  fill.fill_missing = true;
  const auto t = read_trace(file.string(), fill);
  CHECK(t.size() == 8760);
  CHECK(t.description.find("686 missing value(s) held over") != std::string::npos);
}

TEST_CASE("real EIA-930 trace MISO 2022 reproduces the published SustainDC intensities") {
  const fs::path grid = grid_data_dir();
  if (grid.empty()) {
    MESSAGE("shared grid data not found; real-file checks skipped");
    return;
  }
  const fs::path file = grid / "sustaindc-eia930-2022" / "MISO_2022_hourly.csv";
  // The file has hours with empty cells, so it loads only with fill_missing.
  CHECK_THROWS_AS(read_trace(file.string(), with(TraceFormat::eia930)), InputError);
  TraceOptions o = with(TraceFormat::eia930);
  o.fill_missing = true;

  // The factors SustainDC's avg_CI column was made with (SOURCE.md: AR5 medians, rooftop PV 41
  // for SUN and biomass 230 for OTH): every complete row must match avg_CI.
  TraceOptions sdc = o;
  sdc.emission_factors_kg_per_j = {{"WND", 11 * kG}, {"SUN", 41 * kG}, {"WAT", 24 * kG}, {"OIL", 650 * kG},
                                   {"NG", 490 * kG},  {"COL", 820 * kG}, {"NUC", 12 * kG}, {"OTH", 230 * kG}};
  const auto t = read_trace(file.string(), sdc);
  REQUIRE(t.size() == 8760);
  CHECK(t.step_ms == kHour);
  const auto rows = rows_of(file);
  REQUIRE(rows.size() == 8761);
  int compared = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() != 10 || rows[i][9].empty()) continue;
    ++compared;
    REQUIRE(t.intensity_kg_per_j[i - 1] / kG == doctest::Approx(std::stod(rows[i][9])).epsilon(1e-9));
  }
  CHECK(compared > 8700);
  CHECK(mean_g_per_kwh(t) == doctest::Approx(441).epsilon(0.01));  // facts 4.2, EIA930-AR5 MISO

  // With the defaults (utility PV 48, unknown 700) every row is at least as high.
  const auto d = read_trace(file.string(), o);
  REQUIRE(d.size() == t.size());
  for (std::size_t i = 0; i < d.size(); ++i) REQUIRE(d.intensity_kg_per_j[i] >= t.intensity_kg_per_j[i] * (1 - 1e-12));
  MESSAGE("MISO 2022 mean: " << mean_g_per_kwh(t) << " g/kWh with SustainDC factors, " << mean_g_per_kwh(d)
                             << " g/kWh with the default AR5 factors");
  CHECK(mean_g_per_kwh(d) == doctest::Approx(441).epsilon(0.02));
}

TEST_CASE("real WattTime trace sample loads with 5-minute steps") {
  const fs::path grid = grid_data_dir();
  if (grid.empty()) {
    MESSAGE("shared grid data not found; real-file checks skipped");
    return;
  }
  const fs::path file = grid / "watttime-moer-sample" / "watttime_caiso_north_moer_2023-06-08_to_07-08.csv";
  const auto t = read_trace(file.string(), with(TraceFormat::watttime));
  CHECK(t.step_ms == 5 * 60'000);
  CHECK(t.size() == 8928);  // 31 days x 288 (SOURCE.md)
  CHECK(t.utc_ms.front() == parse_utc_ms("2023-06-08T00:00:00Z"));
  CHECK(t.end_ms() == parse_utc_ms("2023-07-09T00:00:00Z"));
  CHECK(t.description.find("Caiso_North") != std::string::npos);
}

}  // TEST_SUITE
