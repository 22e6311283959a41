// Bad input of every kind, each run through the dcsim command line.
//
// Every case must exit 2 with an error line that names the file, the line (where the input has
// one) and the key or column, as `error: FILE[:LINE[:COL]]: [KEY: ]MESSAGE`, and must leave the
// directory it ran in exactly as it was: no output file, no temporary file, no input changed.
// Each case writes its inputs into a fresh directory; the scenario is `s.yaml` there and the
// output, where there is one, `out.h5`.
//
// The cases are tables, one per kind of input. Scenario line numbers are counted in the comments
// of the base texts below.

#include <doctest/doctest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/hdf5/Hdf5.hpp"
#include "tests/support/Lines.hpp"
#include "tests/support/RunCli.hpp"
#include "tests/support/TempDir.hpp"

namespace {

namespace fs = std::filesystem;
using dcsim::test::run_cli;
using dcsim::test::TempDir;

using dcsim::test::appended;
using dcsim::test::inserted;
using dcsim::test::Lines;
using dcsim::test::text;
using dcsim::test::with;
using dcsim::test::without;

// A scenario with a constant grid.
const Lines kScenario{
    "name: bad",               // 1
    "accelerators:",           // 2
    "  V100:",                 // 3
    "    tdp: 300 W",          // 4
    "    system_power: 325 W", // 5
    "facility:",               // 6
    "  pue: 1.1",              // 7
    "grid:",                   // 8
    "  gross: 0.429 kg/kWh",   // 9
    "jobs:",                   // 10
    "  - name: a",             // 11
    "    accelerator: V100",   // 12
    "    chips: 8",            // 13
    "    duration: 2 h",       // 14
};

// A scenario replaying a job trace `j.csv` on a cluster.
const Lines kJobTraceScenario{
    "name: bad-trace",                                                   // 1
    "accelerators:",                                                     // 2
    "  X: {tdp: 400 W, system_power: 1000 W}",                           // 3
    "cluster: {accelerator: X, hosts: 8, accelerators_per_host: 8}",     // 4
    "facility: {pue: 1.1}",                                              // 5
    "grid: {gross: 0.4 kg/kWh}",                                         // 6
    "job_trace:",                                                        // 7
    "  file: j.csv",                                                     // 8
};

// The scenario with its grid from the trace `g.csv`, in `format` with `extra` keys (line 9).
std::string grid_trace_scenario(const std::string& format = "plain", const std::string& extra = "") {
  return text(with(kScenario, 9, fmt::format("  trace: {{file: g.csv, format: {}{}}}", format, extra)));
}

// The scenario at a preset facility in the weather of `w.epw`.
std::string weather_scenario() {
  return text(inserted(without(kScenario, 7, 7), 6, {"  preset: hyperscale", "  weather: {file: w.epw}"}));
}

using Files = std::map<std::string, std::string>;

constexpr int kAnyLine = -1;

struct Case {
  std::string what;
  Files files;                     ///< written into the case's directory
  std::vector<std::string> args;   ///< `{dir}` stands for the directory
  std::string file;                ///< the file the message names: relative to the directory, or absolute, or "--set"
  int line = 0;                    ///< the line it names; 0: none (the whole file), kAnyLine: not checked
  std::string key;                 ///< the key path or column it names; empty: none
  std::string message;             ///< a part of the message
  std::function<void(const fs::path&)> setup = {};  ///< makes what files cannot say (links, HDF5 files)
};

const std::vector<std::string> kRun{"run", "{dir}/s.yaml", "-o", "{dir}/out.h5"};

// A bad scenario text.
Case scenario(std::string what, const std::string& yaml, int line, std::string key, std::string message) {
  return Case{std::move(what), {{"s.yaml", yaml}}, kRun, "s.yaml", line, std::move(key), std::move(message)};
}
Case scenario(std::string what, const Lines& lines, int line, std::string key, std::string message) {
  return scenario(std::move(what), text(lines), line, std::move(key), std::move(message));
}

// A bad grid trace `g.csv` under the trace scenario.
Case grid_trace(std::string what, std::string csv, int line, std::string column, std::string message,
                const std::string& format = "plain") {
  return Case{std::move(what), {{"s.yaml", grid_trace_scenario(format)}, {"g.csv", std::move(csv)}}, kRun, "g.csv", line,
              std::move(column), std::move(message)};
}

// A bad job trace `j.csv` in `layout`.
Case job_trace(std::string what, std::string csv, int line, std::string column, std::string message,
               const std::string& layout = "dcsim") {
  return Case{std::move(what),
              {{"s.yaml", text(appended(kJobTraceScenario, {"  layout: " + layout}))}, {"j.csv", std::move(csv)}},
              kRun,
              "j.csv",
              line,
              std::move(column),
              std::move(message)};
}

// The scenario with its jobs replaced by a replay of `m.csv` in `format` (line 11).
std::string replay_scenario(const std::string& format, const std::string& extra = "") {
  return text(appended(without(kScenario, 10, 14),
                       {"replays:", fmt::format("  - {{name: m, file: m.csv, format: {}{}}}", format, extra)}));
}

// A bad measured power log `m.csv` in `format`.
Case measured(std::string what, std::string csv, int line, std::string column, std::string message,
              const std::string& format = "codecarbon") {
  return Case{std::move(what), {{"s.yaml", replay_scenario(format)}, {"m.csv", std::move(csv)}}, kRun, "m.csv", line,
              std::move(column), std::move(message)};
}

// A bad EPW weather file `w.epw`.
Case weather(std::string what, std::string epw, int line, std::string field, std::string message) {
  return Case{std::move(what), {{"s.yaml", weather_scenario()}, {"w.epw", std::move(epw)}}, kRun, "w.epw", line,
              std::move(field), std::move(message)};
}

// ---------------------------------------------------------------------------------------------
// Inputs made by hand

const Lines kEpwHeader{
    "LOCATION,Testville,IA,USA,TMY3,725500,41.30,-95.90,-6.0,299.0",  // 1
    "DESIGN CONDITIONS,0",                                            // 2
    "TYPICAL/EXTREME PERIODS,0",                                      // 3
    "GROUND TEMPERATURES,0",                                          // 4
    "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",                             // 5
    "COMMENTS 1,made by the bad-input suite",                         // 6
    "COMMENTS 2,",                                                    // 7
    "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",                       // 8
};

std::string epw_date(int month, int day, int hour) { return fmt::format("{},{},{}", month, day, hour); }

// One EPW data row: `date` is "month,day,hour"; then minute, flags, the dry bulb, a dew point,
// relative humidity and pressure, and zeros up to `fields` fields.
std::string epw_row(const std::string& date, const std::string& dry_bulb = "12.5", int fields = 35) {
  std::string row = "1999," + date + ",60,A7A7A7A7*0?9?9?9?9?9?9?9A7A7A7A7A7A7*0E8*0*0," + dry_bulb + ",3.0,55,98000";
  for (int k = 10; k < fields; ++k) row += ",0";
  return row + "\n";
}

// An EPW file: `header`, then one row per hour of a year whose months have `days` days (data rows
// from line 9); `change` may give another text for row i (0-based), or "" for the usual one.
std::string epw_year(const Lines& header = kEpwHeader, const std::function<std::string(int, const std::string&)>& change = {},
                     const std::array<int, 12>& days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}) {
  std::string out = text(header);
  int i = 0;
  for (int m = 1; m <= 12; ++m)
    for (int d = 1; d <= days[static_cast<std::size_t>(m - 1)]; ++d)
      for (int h = 1; h <= 24; ++h, ++i) {
        const std::string date = epw_date(m, d, h);
        const std::string row = change ? change(i, date) : std::string();
        out += row.empty() ? epw_row(date) : row;
      }
  return out;
}

// The usual year with row `at` replaced by `row(date)`.
std::string epw_year_changing(int at, const std::function<std::string(const std::string&)>& row) {
  return epw_year(kEpwHeader, [at, row](int i, const std::string& date) { return i == at ? row(date) : std::string(); });
}

std::string plain_trace(const Lines& rows) { return text(inserted(rows, 0, {"time,g_per_kwh"})); }

const char* const kHeliosHeader = "job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n";

// A complete run of the constant scenario, written to `{dir}/name`.
void write_run(const fs::path& dir, const std::string& name) {
  TempDir scratch;
  const fs::path yaml = scratch.write("good.yaml", text(kScenario));
  const auto r = run_cli({"run", yaml.string(), "-o", (dir / name).string()});
  REQUIRE(r.code == 0);
}

void truncate_to(const fs::path& file, std::uintmax_t bytes) { fs::resize_file(file, bytes); }

// An HDF5 file that dcsim did not write: one group, one attribute.
void write_foreign_hdf5(const fs::path& file) {
  dcsim::h5::silence_errors();
  const dcsim::h5::Handle f = dcsim::h5::create_file(file.string());
  const dcsim::h5::Handle g = dcsim::h5::create_group(f.id(), "measurements");
  dcsim::h5::write_attribute(g.id(), "instrument", std::string_view("thermometer"));
}

// ---------------------------------------------------------------------------------------------
// The tables

std::vector<Case> yaml_syntax_cases() {
  std::string deep_block = "name: deep\njobs:\n";  // a block sequence nested 5000 deep on line 3
  for (int i = 0; i < 5000; ++i) deep_block += "- ";
  deep_block += "x\n";
  std::string deep_map = "name: deep\n";  // block mappings nested 3000 deep from line 2
  for (int i = 0; i < 3000; ++i) deep_map += std::string(static_cast<std::size_t>(2 * i), ' ') + "a:\n";
  std::string deep_flow_map;
  for (int i = 0; i < 1000; ++i) deep_flow_map += "{a: ";
  deep_flow_map += "1" + std::string(1000, '}');
  std::string no_nul;
  for (int i = 1; i < 256; ++i) no_nul += static_cast<char>(i);
  return {
      scenario("a second colon in a value", with(kScenario, 13, "    chips: 8: 9"), 13, "", "malformed YAML"),
      scenario("an unclosed flow sequence", with(kScenario, 9, "  gross: [0.429 kg/kWh"), 10, "", "malformed YAML"),
      scenario("a tab in the indentation", with(kScenario, 13, "\tchips: 8"), 13, "", "malformed YAML"),
      scenario("an alias of an anchor that is not defined", inserted(kScenario, 1, {"seed: *nowhere"}), 2, "",
               "malformed YAML"),
      scenario("two tags on one value", inserted(kScenario, 1, {"seed: !!str !!int 3"}), 2, "", "malformed YAML"),
      scenario("a second YAML document", appended(kScenario, {"---", "name: other"}), 16, "",
               "more than one YAML document"),
      scenario("a key given twice in a job", inserted(kScenario, 13, {"    chips: 9"}), 14, "jobs[0].chips",
               "given twice (first on line 13)"),
      scenario("a top-level key given twice", appended(kScenario, {"name: again"}), 15, "name",
               "given twice (first on line 1)"),
      scenario("an accelerator defined twice", inserted(kScenario, 5, {"  V100:", "    tdp: 1 W"}), 6, "accelerators.V100",
               "given twice (first on line 3)"),
      scenario("flow sequences nested 1000 deep", "name: " + std::string(1000, '[') + std::string(1000, ']') + "\n", 1, "",
               "nesting deeper than 64 levels"),
      scenario("flow mappings nested 1000 deep", text(kScenario) + "x: " + deep_flow_map + "\n", 15, "",
               "nesting deeper than 64 levels"),
      scenario("block sequences nested 5000 deep", deep_block, 3, "", "nesting deeper than"),
      scenario("block mappings nested 3000 deep", deep_map, kAnyLine, "", "nesting deeper than"),
      scenario("a file over 16 MiB", text(kScenario) + "# " + std::string(16u << 20, 'x') + "\n", 0, "",
               "scenario files are limited to 16777216 bytes"),
      scenario("binary garbage with NUL bytes", std::string("name: v\0\x01\x02\xff\xfe garbage\0\0", 22), 0, "",
               "not a text file (contains NUL bytes)"),
      scenario("binary garbage without NUL bytes", no_nul + no_nul, 1, "", "a scenario is a mapping of keys, found a scalar"),
      // Found by fuzz/scenario.cpp: yaml-cpp's LoadAll never returns on these.
      scenario("a lone comma", ",\n", 0, "", "malformed YAML: no value could be read"),
      scenario("a comma and a colon after a comment", "na'e'\n# [l\n,:", 1, "", "a scenario is a mapping of keys, found a scalar"),
      scenario("an empty file", "", 0, "", "is empty"),
      scenario("a file of blank lines and comments", "\n\n# nothing here\n\n", 0, "", "is empty"),
      scenario("a top level that is a list", "- 1\n- 2\n", 1, "", "a scenario is a mapping of keys, found a list"),
      Case{"an endless character device as the scenario", {}, {"run", "/dev/zero", "-o", "{dir}/out.h5"}, "/dev/zero", 0, "",
           "not a text file (contains NUL bytes)"},
  };
}

std::vector<Case> key_and_type_cases() {
  return {
      scenario("a list where a whole number is expected", with(kScenario, 13, "    chips: [1, 2]"), 13, "jobs[0].chips",
               "expected a whole number, found a list"),
      scenario("a mapping where text is expected", with(kScenario, 1, "name: {first: a}"), 1, "name",
               "expected text, found a mapping"),
      scenario("a scalar where a list is expected", with(without(kScenario, 11, 14), 10, "jobs: a"), 10, "jobs",
               "expected a list, found a scalar"),
      scenario("a scalar where a mapping is expected", with(without(kScenario, 7, 7), 6, "facility: 1.1"), 6, "facility",
               "expected a mapping of keys, found a scalar"),
      scenario("a word where a number is expected", with(kScenario, 7, "  pue: high"), 7, "facility.pue",
               "does not start with a number"),
      scenario("a fraction where a whole number is expected", with(kScenario, 13, "    chips: 2.5"), 13, "jobs[0].chips",
               "'2.5' is not a whole number"),
      scenario("a word where true or false is expected", appended(kScenario, {"output:", "  rack_power: maybe"}), 16,
               "output.rack_power", "'maybe' is not true or false"),
      scenario("a start that is not a time", inserted(kScenario, 1, {"start: yesterday"}), 2, "start", "not a UTC time"),
      scenario("a start in another time zone", inserted(kScenario, 1, {"start: 2020-01-01T00:00:00+02:00"}), 2, "start",
               "only UTC"),
      scenario("an unknown choice", appended(kScenario, {"scheduler: {policy: fifoo}"}), 15, "scheduler.policy",
               "unknown choice 'fifoo' (did you mean 'fifo'?)"),
      scenario("a misspelt job key", with(kScenario, 13, "    chps: 8"), 13, "jobs[0].chps",
               "unknown key 'chps' (did you mean 'chips'?)"),
      scenario("a misspelt top-level key", inserted(kScenario, 1, {"seeed: 3"}), 2, "seeed",
               "unknown key 'seeed' (did you mean 'seed'?)"),
      scenario("a key unlike any other", inserted(kScenario, 7, {"  colour: blue"}), 8, "facility.colour",
               "unknown key 'colour'"),
      scenario("a misspelt trace key", grid_trace_scenario("plain", ", fromat: x"), 9, "grid.trace.fromat",
               "unknown key 'fromat' (did you mean 'format'?)"),
      scenario("a missing top-level section", without(kScenario, 6, 7), 1, "facility", "missing required key 'facility'"),
      scenario("a missing accelerator key", without(kScenario, 4, 4), 4, "accelerators.V100.tdp",
               "missing required key 'tdp'"),
      scenario("a job without a name", with(kScenario, 11, "  - chips_per: 1"), 11, "jobs[0].name",
               "missing required key 'name'"),
      scenario("a trace without a format", with(kScenario, 9, "  trace: {file: g.csv}"), 9, "grid.trace.format",
               "missing required key 'format'"),
      scenario("a job trace without a file", with(kJobTraceScenario, 8, "  layout: dcsim"), 8, "job_trace.file",
               "missing required key 'file'"),
  };
}

std::vector<Case> unit_cases() {
  return {
      scenario("an unknown unit", with(kScenario, 4, "    tdp: 330 parsecs"), 4, "accelerators.V100.tdp",
               "unknown unit 'parsecs'"),
      scenario("a unit in the wrong case", with(kScenario, 4, "    tdp: 330 w"), 4, "accelerators.V100.tdp",
               "unknown unit 'w'"),
      scenario("an energy where a power is expected", with(kScenario, 4, "    tdp: 330 kWh"), 4, "accelerators.V100.tdp",
               "is an energy but a power is expected"),
      scenario("a mass where a duration is expected", with(kScenario, 14, "    duration: 2 kg"), 14, "jobs[0].duration",
               "is a mass but a duration is expected"),
      scenario("a bare number where a power is expected", with(kScenario, 4, "    tdp: 300"), 4, "accelerators.V100.tdp",
               "'300' has no unit"),
      scenario("a unit on a plain number", with(kScenario, 7, "  pue: 1.1 W"), 7, "facility.pue", "has a unit"),
      scenario("an intensity per the wrong energy", with(kScenario, 9, "  gross: 429 g/MWh"), 9, "grid.gross",
               "unknown unit 'g/MWh'"),
      Case{"an unknown unit for a trace's values",
           {{"s.yaml", grid_trace_scenario("plain", ", unit: furlongs")},
            {"g.csv", plain_trace({"2020-01-01T00:00:00Z,1", "2020-01-01T01:00:00Z,1"})}},
           kRun,
           "s.yaml",
           9,
           "grid.trace.unit",
           "unknown unit 'furlongs'"},
  };
}

std::vector<Case> value_cases() {
  return {
      scenario("a negative chip count", with(kScenario, 13, "    chips: -8"), 13, "jobs[0].chips", "out of range"),
      scenario("zero chips", with(kScenario, 13, "    chips: 0"), 13, "jobs[0].chips", "out of range"),
      scenario("1e308 chips", with(kScenario, 13, "    chips: 1e308"), 13, "jobs[0].chips", "out of range"),
      scenario("chips past the range of a double", with(kScenario, 13, "    chips: 1e999"), 13, "jobs[0].chips",
               "out of range"),
      scenario("a PUE of 0.5", with(kScenario, 7, "  pue: 0.5"), 7, "facility.pue", "out of range: must be between 1 and 5"),
      scenario("a PUE of 1e308", with(kScenario, 7, "  pue: 1e308"), 7, "facility.pue", "out of range"),
      scenario("a NaN PUE", with(kScenario, 7, "  pue: nan"), 7, "facility.pue", "not a finite number"),
      scenario("an infinite PUE", with(kScenario, 7, "  pue: inf"), 7, "facility.pue", "not a finite number"),
      scenario("a NaN power", with(kScenario, 4, "    tdp: nan W"), 4, "accelerators.V100.tdp", "not a finite number"),
      scenario("an infinite power", with(kScenario, 4, "    tdp: -inf W"), 4, "accelerators.V100.tdp",
               "not a finite number"),
      scenario("a negative duration", with(kScenario, 14, "    duration: -2 h"), 14, "jobs[0].duration", "out of range"),
      scenario("a zero duration", with(kScenario, 14, "    duration: 0 s"), 14, "jobs[0].duration", "out of range"),
      scenario("a duration that overflows in seconds", with(kScenario, 14, "    duration: 1e308 d"), 14, "jobs[0].duration",
               "out of range"),
      scenario("a negative grid intensity", with(kScenario, 9, "  gross: -0.4 kg/kWh"), 9, "grid.gross", "out of range"),
      scenario("a CFE share of 150 %", inserted(kScenario, 9, {"  cfe: {share: 1.5}"}), 10, "grid.cfe.share",
               "out of range: must be between 0 and 1"),
      scenario("a negative certificate share", inserted(kScenario, 9, {"  annual_matching: {share: -0.1}"}), 10,
               "grid.annual_matching.share", "out of range"),
      scenario("a zero horizon", appended(kScenario, {"horizon: 0 s"}), 15, "horizon", "out of range"),
      scenario("a job starting before the scenario", appended(kScenario, {"    start: 2019-06-01T00:00:00Z"}), 15,
               "jobs[0].start", "before the scenario start"),
  };
}

std::vector<Case> extends_cases() {
  std::vector<Case> cases{
      Case{"circular extends",
           {{"s.yaml", text(inserted(kScenario, 0, {"extends: b.yaml"}))}, {"b.yaml", "extends: s.yaml\nseed: 3\n"}},
           kRun,
           "b.yaml",
           1,
           "extends",
           "circular extends"},
      scenario("a file extending itself", inserted(kScenario, 0, {"extends: s.yaml"}), 1, "extends", "circular extends"),
      scenario("extends naming a missing file", inserted(kScenario, 0, {"extends: nowhere.yaml"}), 1, "extends",
               "does not exist"),
      scenario("extends that is a list", inserted(kScenario, 0, {"extends: [a.yaml, b.yaml]"}), 1, "extends",
               "expected the path of a base scenario file"),
      Case{"extends naming a directory",
           {{"s.yaml", text(inserted(kScenario, 0, {"extends: base"}))}},
           kRun,
           "base",
           0,
           "",
           "is a directory",
           [](const fs::path& dir) { fs::create_directory(dir / "base"); }},
      Case{"a problem in a base file",
           {{"s.yaml", "extends: base.yaml\nname: child\n"}, {"base.yaml", text(with(kScenario, 7, "  pue: 0.9"))}},
           kRun,
           "base.yaml",
           7,
           "facility.pue",
           "out of range"},
      scenario("extends naming an endless character device", inserted(kScenario, 0, {"extends: /dev/zero"}), 0, "",
               "not a text file"),
  };
  cases.back().file = "/dev/zero";
  // A chain s.yaml -> 1.yaml -> ... -> 17.yaml, one level more than allowed.
  Case chain{"a chain of extends 17 deep", {{"s.yaml", "extends: 1.yaml\nname: deep\n"}}, kRun, "16.yaml", 1, "extends",
             "more than 16 levels of extends"};
  for (int i = 1; i <= 17; ++i) chain.files[fmt::format("{}.yaml", i)] = fmt::format("extends: {}.yaml\n", i + 1);
  chain.files["18.yaml"] = text(kScenario);
  cases.push_back(chain);
  return cases;
}

std::vector<Case> grid_trace_cases() {
  const std::string t0 = "2020-01-01T00:00:00Z", t1 = "2020-01-01T01:00:00Z";
  std::vector<Case> cases{
      grid_trace("a trace without the value column", "time,value\n" + t0 + ",1\n" + t1 + ",1\n", 1, "g_per_kwh",
                 "missing column"),
      grid_trace("a value that is not a number", plain_trace({t0 + ",abc", t1 + ",1"}), 2, "g_per_kwh",
                 "'abc' is not a number"),
      grid_trace("a NaN value", plain_trace({t0 + ",nan", t1 + ",1"}), 2, "g_per_kwh", "not a finite number"),
      grid_trace("an infinite value", plain_trace({t0 + ",inf", t1 + ",1"}), 2, "g_per_kwh", "not a finite number"),
      grid_trace("a negative value", plain_trace({t0 + ",-5", t1 + ",1"}), 2, "g_per_kwh", "is negative"),
      grid_trace("a gap of a missing hour", plain_trace({t0 + ",1", t1 + ",1", "2020-01-01T03:00:00Z,1"}), 4, "time",
                 "gap: 2020-01-01T03:00:00Z is 2 h after"),
      grid_trace("a duplicate timestamp", plain_trace({t0 + ",1", t1 + ",1", t1 + ",2"}), 4, "time", "duplicate time"),
      grid_trace("a timestamp going backward", plain_trace({t0 + ",1", t1 + ",1", "2020-01-01T00:30:00Z,1"}), 4, "time",
                 "time goes backward"),
      grid_trace("seconds going backward", "time_s,g_per_kwh\n0,1\n-3600,1\n", 3, "time_s", "time goes backward"),
      grid_trace("a time with a +02:00 offset", plain_trace({"2020-01-01T00:00:00+02:00,1", t1 + ",1"}), 2, "time",
                 "only UTC"),
      grid_trace("a time without a zone", plain_trace({"2020-01-01T00:00:00,1", t1 + ",1"}), 2, "time", "no time zone"),
      grid_trace("a time zone written as a name", plain_trace({"2020-01-01T00:00:00 CET,1", t1 + ",1"}), 2, "time",
                 "only UTC"),
      grid_trace("a row with an extra field", plain_trace({t0 + ",1,2", t1 + ",1"}), 2, "", "row has 3 fields; the header has 2"),
      grid_trace("a quoted field never closed", plain_trace({t0 + ",\"1", t1 + ",1"}), 2, "", "a quoted field is never closed"),
      grid_trace("an empty trace", "", 0, "", "is empty"),
      grid_trace("a header without rows", "time,g_per_kwh\n", 1, "", "has a header but no data rows"),
      grid_trace("a single row", plain_trace({t0 + ",1"}), 2, "", "has only one data row"),
      grid_trace("binary garbage in a trace", std::string("time,g_per_kwh\n\0\x01\x02", 18), 2, "", "not a text file"),
      grid_trace("a CFE of 150 %",
                 "Datetime (UTC),Carbon Intensity gCO2eq/kWh (LCA),Carbon Free Energy Percentage (CFE%)\n"
                 "2020-01-01 00:00:00,100,150\n2020-01-01 01:00:00,100,50\n",
                 2, "Carbon Free Energy Percentage (CFE%)", "'150' is outside 0..100 %", "electricity_maps"),
      grid_trace("an EIA-930 file without a fuel column", "timestamp,NG,COL\n" + t0 + ",1,1\n" + t1 + ",1,1\n", 1, "NUC",
                 "missing column", "eia930"),
      grid_trace("a WattTime file with one column", "time\n" + t0 + "\n", 1, "", "needs a time column and a value column",
                 "watttime"),
      grid_trace("a trace that ends before the run", plain_trace({"2019-01-01T00:00:00Z,1", "2019-01-01T01:00:00Z,1"}), 0,
                 "grid.trace", "outside this trace"),
      Case{"a trace file that does not exist", {{"s.yaml", grid_trace_scenario()}}, kRun, "g.csv", 0, "", "no such file"},
      Case{"an endless character device as a trace",
           {{"s.yaml", text(with(kScenario, 9, "  trace: {file: /dev/zero, format: plain}"))}},
           kRun,
           "/dev/zero",
           1,
           "",
           "not a text file"},
  };
  return cases;
}

std::vector<Case> measured_power_cases() {
  const std::string cc = "run_id,duration,emissions,energy_consumed\n";
  const std::string log = "time_s,power_w\n";
  return {
      measured("a CodeCarbon file without energy_consumed", "run_id,duration,emissions\nr,10,0.1\n", 1, "energy_consumed",
               "missing column"),
      measured("a CodeCarbon duration that is not a number", cc + "r,ten,0.1,0.2\n", 2, "duration", "'ten' is not a number"),
      measured("a negative CodeCarbon energy", cc + "r,10,0.1,-0.2\n", 2, "energy_consumed", "is negative"),
      measured("a NaN CodeCarbon emissions", cc + "r,10,nan,0.2\n", 2, "emissions", "not a finite number"),
      measured("an empty CodeCarbon energy", cc + "r,10,0.1,\n", 2, "energy_consumed", "empty energy"),
      measured("CodeCarbon snapshots going backward", cc + "r,10,0.1,0.2\nr,5,0.1,0.3\n", 3, "duration",
               "is not after line 2's"),
      measured("CodeCarbon energy falling within a run", cc + "r,10,0.1,0.2\nr,20,0.1,0.1\n", 3, "energy_consumed",
               "is less than line 2's"),
      measured("a CodeCarbon row of zero duration", cc + "r,0,0,0\n", 2, "duration", "at least 1 ms"),
      measured("a CodeCarbon duration of 1e300 s", cc + "r,1e300,0.1,0.2\n", 2, "duration", "over 100 years"),
      measured("a CodeCarbon row with a missing field", cc + "r,10,0.1\n", 2, "", "row has 3 fields; the header has 4"),
      measured("a CodeCarbon header without rows", cc, 0, "", "has no rows"),
      Case{"a CodeCarbon run_id the file does not have",
           {{"s.yaml", replay_scenario("codecarbon", ", run_id: zz")}, {"m.csv", cc + "r,10,0.1,0.2\n"}},
           kRun,
           "m.csv",
           0,
           "run_id",
           "no row has run_id 'zz'"},
      measured("a power log without a power column", "time_s,volts\n0,1\n1,1\n", 1, "power_w", "missing column", "power_log"),
      measured("a power log without a time column", "t,power_w\n0,1\n1,1\n", 1, "time", "missing column", "power_log"),
      measured("a power log time going backward", log + "0,1\n10,1\n5,1\n", 4, "time_s", "is not after line 3's", "power_log"),
      measured("a power log with a negative power", log + "0,-1\n10,1\n", 2, "power_w", "is negative", "power_log"),
      measured("a power log with one row", log + "0,1\n", 0, "", "needs at least two rows", "power_log"),
      measured("a power log time without a zone", "time,power_w\n2020-01-01T00:00:00,1\n2020-01-01T01:00:00Z,1\n", 2, "time",
               "no time zone", "power_log"),
      measured("an empty power log", "", 0, "", "is empty", "power_log"),
      Case{"a measured power file that does not exist", {{"s.yaml", replay_scenario("power_log")}}, kRun, "m.csv", 0, "",
           "no such file"},
      scenario("a replay in an unknown format", replay_scenario("joules"), 11, "replays[0].format", "joules"),
      scenario("a run_id for a power log", replay_scenario("power_log", ", run_id: r"), 11, "replays[0].run_id",
               "applies to the codecarbon format only"),
  };
}

std::vector<Case> job_trace_cases() {
  const std::string dcsim = "arrival_s,hosts,duration_s,utilisation\n";
  return {
      job_trace("a job trace without the duration column", "arrival_s,hosts\n0,1\n", 1, "duration_s", "missing column"),
      job_trace("a host count that is not a number", dcsim + "0,x,10,1\n", 2, "hosts", "'x' is not a number"),
      job_trace("arrivals going backward", dcsim + "10,1,10,1\n5,1,10,1\n", 3, "arrival_s", "arrival 5 s is before 10 s"),
      job_trace("zero hosts", dcsim + "0,0,10,1\n", 2, "hosts", "a job needs at least 1"),
      job_trace("1e308 hosts", dcsim + "0,1e308,10,1\n", 2, "hosts", "out of range"),
      job_trace("a negative duration", dcsim + "0,1,-10,1\n", 2, "duration_s", "it must be > 0"),
      job_trace("a NaN duration", dcsim + "0,1,nan,1\n", 2, "duration_s", "not a finite number"),
      job_trace("an infinite arrival", dcsim + "inf,1,10,1\n", 2, "arrival_s", "not a finite number"),
      job_trace("an arrival a googol of seconds away", dcsim + "1e300,1,10,1\n", 2, "arrival_s", "more than"),
      job_trace("a duration of 1e300 s", dcsim + "0,1,1e300,1\n", 2, "duration_s", "more than"),
      job_trace("a utilisation of 150 %", dcsim + "0,1,10,1.5\n", 2, "utilisation", "'1.5' is outside [0, 1]"),
      job_trace("a row with a missing field", dcsim + "0,1,10\n", 2, "", "row has 3 fields; the header has 4"),
      job_trace("a header without rows", dcsim, 1, "", "has a header but no data rows"),
      job_trace("an empty job trace", "", 0, "", "is empty"),
      job_trace("a Helios time in Pacific time", kHeliosHeader + std::string("1,u,v,1,1,1,COMPLETED,2020-01-01 00:00:00 PST,,,100,0\n"),
                2, "submit_time", "only UTC", "helios"),
      job_trace("a Philly time with an offset",
                kHeliosHeader + std::string("1,u,v,1,1,1,COMPLETED,2020-01-01T00:00:00+08:00,,,100,0\n"), 2, "submit_time",
                "only UTC", "philly"),
      job_trace("a Helios arrival before the epoch", kHeliosHeader + std::string("1,u,v,1,1,1,COMPLETED,2019-01-01 00:00:00,,,100,0\n"),
                2, "submit_time", "before the epoch", "helios"),
      job_trace("a PAI row with a field missing", "a,b,1,Terminated,100,200,1,1,100\n", 1, "", "row has 9 fields", "pai"),
      job_trace("a PAI task ending before it starts", "a,b,1,Terminated,100,50,1,1,100,V100\n", 1, "end_time",
                "the job ends at or before it starts", "pai"),
      Case{"a job trace that does not exist", {{"s.yaml", text(kJobTraceScenario)}}, kRun, "j.csv", 0, "", "no such file"},
      Case{"an endless character device as a job trace",
           {{"s.yaml", text(with(kJobTraceScenario, 8, "  file: /dev/zero"))}},
           kRun,
           "/dev/zero",
           1,
           "",
           "not a text file"},
  };
}

std::vector<Case> weather_cases() {
  const Lines header_only(kEpwHeader.begin(), kEpwHeader.begin() + 2);
  return {
      weather("an EPW file that ends inside the header", text(header_only), 2, "", "ends inside the header"),
      weather("an EPW header line with the wrong keyword", epw_year(with(kEpwHeader, 2, "DESIGN THOUGHTS,0")), 2,
              "DESIGN CONDITIONS", "should start with 'DESIGN CONDITIONS'"),
      weather("an EPW latitude past the pole",
              epw_year(with(kEpwHeader, 1, "LOCATION,Testville,IA,USA,TMY3,725500,95.00,-95.90,-6.0,299.0")), 1,
              "LOCATION.latitude", "95 is outside -90..90"),
      weather("EPW data every quarter hour", epw_year(with(kEpwHeader, 8, "DATA PERIODS,1,4,Data,Sunday, 1/ 1,12/31")), 8,
              "DATA PERIODS.records_per_hour", "must be 1"),
      weather("an EPW row with 30 fields", epw_year_changing(5, [](const std::string& d) { return epw_row(d, "12.5", 30); }),
              14, "", "has 30 fields, an EPW data row has 35"),
      weather("an EPW row with 40 fields", epw_year_changing(0, [](const std::string& d) { return epw_row(d, "12.5", 40); }),
              9, "", "has 40 fields"),
      weather("an EPW missing-value marker", epw_year_changing(1, [](const std::string& d) { return epw_row(d, "99.9"); }), 10,
              "dry_bulb", "missing value"),
      weather("an EPW temperature that is not a number",
              epw_year_changing(2, [](const std::string& d) { return epw_row(d, "warm"); }), 11, "dry_bulb",
              "'warm' is not a number"),
      weather("an EPW month of 1e300", epw_year_changing(3, [](const std::string&) { return epw_row("1e300,1,4"); }), 12,
              "month", "1e300"),
      weather("an EPW file of 100 rows", text(kEpwHeader) + [] {
        std::string rows;
        for (int h = 0; h < 100; ++h) rows += epw_row(epw_date(1, 1 + h / 24, 1 + h % 24));
        return rows;
      }(), 108, "", "has 100 hourly rows"),
      weather("an EPW year of 8760 rows with February 29 and no December 31",
              epw_year(kEpwHeader, {}, {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 30}), 8768, "", "the last row is month 12 day 30 hour 24"),
      Case{"a weather file that does not exist", {{"s.yaml", weather_scenario()}}, kRun, "w.epw", 0, "", "no such file"},
  };
}

// Setups of `r.h5`: a complete run cut to `bytes` (0: to half its size), or another program's file.
std::function<void(const fs::path&)> cut_run(std::uintmax_t bytes) {
  return [bytes](const fs::path& dir) {
    write_run(dir, "r.h5");
    truncate_to(dir / "r.h5", bytes > 0 ? bytes : fs::file_size(dir / "r.h5") / 2);
  };
}
void foreign_run(const fs::path& dir) { write_foreign_hdf5(dir / "r.h5"); }
void whole_run(const fs::path& dir) { write_run(dir, "r.h5"); }

std::vector<Case> result_file_cases() {
  const std::vector<std::string> report{"report", "{dir}/r.h5"};
  const std::vector<std::string> compare{"compare", "{dir}/s.yaml", "{dir}/r.h5"};
  const std::vector<std::string> merge{"merge", "{dir}/r.h5", "-o", "{dir}/out.h5"};
  const Files scenario_beside{{"s.yaml", text(kScenario)}};
  const auto file_case = [](std::string what, std::vector<std::string> args, std::function<void(const fs::path&)> setup,
                            std::string message, Files files = {}) {
    return Case{std::move(what), std::move(files), std::move(args), "r.h5", 0, "", std::move(message), std::move(setup)};
  };
  return {
      file_case("a run file cut to 2000 bytes", report, cut_run(2000), "is not an HDF5 file (or is truncated)"),
      file_case("a run file cut to its signature", report, cut_run(8), "is not an HDF5 file (or is truncated)"),
      file_case("a run file cut in half, read for its profile", {"report", "--profile", "{dir}/r.h5"}, cut_run(0), "truncated"),
      file_case("an HDF5 file another program wrote", report, foreign_run, "is an HDF5 file but not a dcsim run"),
      file_case("an HDF5 file another program wrote, as JSON", {"report", "--json", "{dir}/r.h5"}, foreign_run,
                "not a dcsim run"),
      file_case("a run file of a future format", report,
                [](const fs::path& dir) {
                  const dcsim::h5::Handle f = dcsim::h5::create_file((dir / "r.h5").string());
                  dcsim::h5::write_attribute(f.id(), "format_version", std::int64_t{99});
                  const dcsim::h5::Handle s = dcsim::h5::create_group(f.id(), "summary");
                },
                "has format version 99"),
      file_case("a run file with an empty summary", report,
                [](const fs::path& dir) {
                  const dcsim::h5::Handle f = dcsim::h5::create_file((dir / "r.h5").string());
                  dcsim::h5::write_attribute(f.id(), "format_version", std::int64_t{1});
                  const dcsim::h5::Handle s = dcsim::h5::create_group(f.id(), "summary");
                },
                "is not a complete dcsim run"),
      file_case("a text file given as a run file", report, {}, "not an HDF5 file", {{"r.h5", text(kScenario)}}),
      file_case("an empty run file", report, {}, "not an HDF5 file", {{"r.h5", ""}}),
      file_case("a directory given as a run file", report, [](const fs::path& dir) { fs::create_directory(dir / "r.h5"); },
                "is a directory"),
      file_case("a run file that does not exist", report, {}, "no such file"),
      file_case("a truncated run file given to compare", compare, cut_run(2000), "is not an HDF5 file (or is truncated)",
                scenario_beside),
      file_case("another program's HDF5 file given to compare", compare, foreign_run, "not a dcsim run", scenario_beside),
      file_case("a truncated file given to merge", merge, cut_run(2000), "cannot open"),
      file_case("a run file given to merge as a sweep shard", merge, whole_run, "is not a dcsim sweep file"),
      file_case("another program's HDF5 file given to merge", merge, foreign_run, "is not a dcsim sweep file"),
  };
}

std::vector<Case> path_cases() {
  const Files good{{"s.yaml", text(kScenario)}};
  const auto run_to = [](std::string out) { return std::vector<std::string>{"run", "{dir}/s.yaml", "-o", std::move(out)}; };
  const Files traced{{"s.yaml", grid_trace_scenario()}, {"g.csv", plain_trace({"2020-01-01T00:00:00Z,1", "2020-01-01T01:00:00Z,1", "2020-01-01T02:00:00Z,1"})}};
  const Files with_base{{"s.yaml", "extends: base.yaml\nname: child\n"}, {"base.yaml", text(kScenario)}};
  Files jobs{{"s.yaml", text(kJobTraceScenario)}, {"j.csv", "arrival_s,hosts,duration_s\n0,1,3600\n"}};
  return {
      Case{"a scenario that does not exist", {}, kRun, "s.yaml", 0, "", "no such file"},
      Case{"a directory given as the scenario", {}, kRun, "s.yaml", 0, "", "is a directory",
           [](const fs::path& dir) { fs::create_directory(dir / "s.yaml"); }},
      Case{"an output directory that does not exist", good, run_to("{dir}/missing/out.h5"), "missing/out.h5", 0, "",
           "output directory '{dir}/missing' does not exist"},
      Case{"an output path under a regular file", good, run_to("{dir}/s.yaml/out.h5"), "s.yaml/out.h5", 0, "",
           "'{dir}/s.yaml' is not a directory"},
      Case{"an output directory no one can write (/proc)", good, run_to("/proc/dcsim-out.h5"), "/proc/dcsim-out.h5", 0, "",
           "cannot write in output directory '/proc'"},
      Case{"an output path that is an existing directory", good, run_to("{dir}/out"), "out", 0, "",
           "the output path is a directory", [](const fs::path& dir) { fs::create_directory(dir / "out"); }},
      Case{"the output path equal to the scenario", good, run_to("{dir}/s.yaml"), "s.yaml", 0, "",
           "the output path is the scenario file itself"},
      Case{"the output path a link to the scenario", good, run_to("{dir}/link.h5"), "link.h5", 0, "",
           "the output path is the scenario file itself",
           [](const fs::path& dir) { fs::create_symlink("s.yaml", dir / "link.h5"); }},
      Case{"the output path equal to the grid trace", traced, run_to("{dir}/g.csv"), "g.csv", 0, "",
           "the output path is an input of the scenario (grid.trace.file)"},
      Case{"the output path equal to the base scenario", with_base, run_to("{dir}/./base.yaml"), "./base.yaml", 0, "",
           "the output path is an input of the scenario (extends)"},
      Case{"the output path equal to the job trace", jobs, run_to("{dir}/j.csv"), "j.csv", 0, "",
           "the output path is an input of the scenario (job_trace.file)"},
      Case{"reproduce from a directory that does not exist", {}, {"reproduce", "--scenarios", "{dir}/none"}, "none", 0, "",
           "is not a directory of scenarios"},
  };
}

std::vector<Case> override_cases() {
  const Files good{{"s.yaml", text(kScenario)}};
  const auto set = [](std::string s) { return std::vector<std::string>{"run", "{dir}/s.yaml", "-o", "{dir}/out.h5", "--set", std::move(s)}; };
  return {
      Case{"--set without a value", good, set("facility.pue"), "--set", 0, "", "'facility.pue' is not KEY.PATH=VALUE"},
      Case{"--set with an empty path part", good, set("facility..pue=1.2"), "--set", 0, "facility..pue",
           "is not a path of mapping keys"},
      Case{"--set of a list element", good, set("jobs[0].chips=4"), "--set", 0, "jobs[0].chips", "is not a path of mapping keys"},
      Case{"--set of an unknown key", good, set("facility.colour=blue"), "--set", 0, "facility.colour", "unknown key 'colour'"},
      Case{"--set of a misspelt key", good, set("facility.peu=1.2"), "--set", 0, "facility.peu", "did you mean 'pue'?"},
      Case{"--set of a value out of range", good, set("facility.pue=0.5"), "--set", kAnyLine, "facility.pue", "out of range"},
      Case{"--set of a malformed value", good, set("name=[unclosed"), "--set", 0, "name", "malformed value"},
      Case{"--set of a value with a unit where none goes", good, set("facility.pue=1.1 W"), "--set", kAnyLine,
           "facility.pue", "has a unit"},
      Case{"--set of a scalar over a section", good, set("facility=3"), "--set", kAnyLine, "facility",
           "expected a mapping of keys, found a scalar"},
      Case{"--set of a job trace that does not exist", {{"s.yaml", text(kJobTraceScenario)}}, set("job_trace.file={dir}/none.csv"),
           "none.csv", 0, "", "no such file"},
  };
}

std::vector<Case> distribution_cases() {
  const auto pue = [](const std::string& dist) { return with(kScenario, 7, "  pue: " + dist); };
  const auto power = [](const std::string& dist) { return with(kScenario, 5, "    system_power: " + dist); };
  const std::vector<std::string> sampled{"run", "{dir}/s.yaml", "--samples", "20", "-o", "{dir}/out.h5"};
  const std::vector<std::string> check{"validate", "{dir}/s.yaml"};
  return {
      scenario("a negative sd", pue("{dist: normal, mean: 1.2, sd: -0.1}"), 7, "facility.pue", "sd (-0.1) must be positive"),
      scenario("low above high", pue("{dist: uniform, low: 1.3, high: 1.1}"), 7, "facility.pue",
               "low (1.3) must be below high (1.1)"),
      scenario("a mode outside low..high", pue("{dist: triangular, low: 1.1, mode: 1.5, high: 1.3}"), 7, "facility.pue",
               "mode (1.5) must be between low (1.1) and high (1.3)"),
      scenario("a lognormal with a zero median", pue("{dist: lognormal, median: 0, sigma: 0.1}"), 7, "facility.pue",
               "median (0) must be positive"),
      scenario("an unknown distribution", pue("{dist: uniformm, low: 1.1, high: 1.3}"), 7, "facility.pue",
               "unknown distribution 'uniformm' (did you mean 'uniform'?)"),
      scenario("an unknown parameter", pue("{dist: normal, mean: 1.2, sigma: 0.1}"), 7, "facility.pue",
               "unknown key 'sigma' of a normal distribution"),
      scenario("a missing parameter", pue("{dist: uniform, low: 1.1}"), 7, "facility.pue", "a uniform distribution needs `high`"),
      scenario("a parameter that is no number", pue("{dist: uniform, low: 1.1, high: x}"), 7, "facility.pue",
               "high: 'x' is not a number"),
      scenario("a NaN parameter", pue("{dist: normal, mean: nan, sd: 0.1}"), 7, "facility.pue", "mean: 'nan' is not a finite number"),
      scenario("a distribution where text is expected", with(kScenario, 1, "name: {dist: uniform, low: 1, high: 2}"), 1, "name",
               "a uniform distribution can stand only for a number or a quantity"),
      scenario("parameters in two units", power("{dist: uniform, low: 0.3 kW, high: 350 W}"), 5, "accelerators.V100.system_power",
               "give every parameter in one unit: low has 'kW', high has 'W'"),
      scenario("a distribution of powers without units", power("{dist: uniform, low: 300, high: 350}"), 5,
               "accelerators.V100.system_power", "has no unit: expected a power"),
      scenario("a lognormal sigma with a unit", power("{dist: lognormal, median: 325 W, sigma: 10 W}"), 5,
               "accelerators.V100.system_power", "sigma: is the standard deviation of ln x and has no unit"),
      scenario("bounds that keep nothing", pue("{dist: normal, mean: 1.2, sd: 0.01, min: 2}"), 7, "facility.pue",
               "min and max keep"),
      scenario("a choice without values", with(kScenario, 9, "  gross: {dist: choice, value: [0.4 kg/kWh]}"), 9, "grid.gross",
               "unknown key 'value' of a choice distribution (did you mean 'values'?)"),
      scenario("a choice with one weight too few", with(kScenario, 9, "  gross: {dist: choice, values: [0.4 kg/kWh, 0.5 kg/kWh], weights: [1]}"),
               9, "grid.gross", "weights: expected a list of 2 numbers"),
      scenario("a parameter given twice", pue("{dist: uniform, low: 1.1, low: 1.2, high: 1.3}"), 7, "facility.pue", "given twice"),
      Case{"a distribution whose low end is out of range (validate)", {{"s.yaml", text(pue("{dist: uniform, low: 0.9, high: 1.3}"))}},
           check, "s.yaml", 7, "facility.pue", "'0.9' is out of range: must be between 1 and 5 (the low end of uniform(0.9, 1.3))"},
      Case{"a normal PUE without a lower bound (--samples)", {{"s.yaml", text(pue("{dist: normal, mean: 1.2, sd: 0.1}"))}},
           sampled, "s.yaml", 7, "facility.pue", "is out of range: must be between 1 and 5 (the low end of normal(mean 1.2, sd 0.1))"},
      Case{"a choice of a trace file that does not exist",
           {{"s.yaml", text(with(kScenario, 9, "  trace: {file: {dist: choice, values: [g.csv, none.csv]}, format: plain}"))},
            {"g.csv", plain_trace({"2020-01-01T00:00:00Z,400", "2020-01-01T01:00:00Z,300", "2020-01-01T02:00:00Z,350",
                                   "2020-01-01T03:00:00Z,380"})}},
           check, "none.csv", 0, "", "no such file (with grid.trace.file at value 2 of choice(g.csv, none.csv))"},
      Case{"a scenario without distributions given --samples", {{"s.yaml", text(kScenario)}}, sampled, "s.yaml", 0, "",
           "has no distribution to sample"},
      Case{"--seed without --samples", {{"s.yaml", text(kScenario)}}, {"run", "{dir}/s.yaml", "--seed", "3"}, "--seed", 0, "",
           "--seed and --threads go with --samples N"},
      Case{"--samples with the output over the scenario", {{"s.yaml", text(pue("{dist: uniform, low: 1.1, high: 1.3}"))}},
           {"run", "{dir}/s.yaml", "--samples", "5", "-o", "{dir}/s.yaml"}, "s.yaml", 0, "", "the output path is the scenario file itself"},
      Case{"--samples with the output in a missing directory", {{"s.yaml", text(pue("{dist: uniform, low: 1.1, high: 1.3}"))}},
           {"run", "{dir}/s.yaml", "--samples", "5", "-o", "{dir}/no/out.h5"}, "no/out.h5", 0, "", "the output directory does not exist"},
  };
}

// ---------------------------------------------------------------------------------------------
// Running a case

std::string substituted(std::string s, const fs::path& dir) {
  for (std::size_t at; (at = s.find("{dir}")) != std::string::npos;) s.replace(at, 5, dir.string());
  return s;
}

// Every entry under `dir` (recursively, links not followed) with the bytes of each regular file.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string content = e.is_symlink() ? "-> " + fs::read_symlink(e.path()).string() : e.is_directory() ? "/" : "";
    if (e.is_regular_file() && !e.is_symlink()) {
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      content = ss.str();
    }
    out[fs::relative(e.path(), dir).string()] = std::move(content);
  }
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The expected file as the message names it.
std::string expected_file(const Case& c, const fs::path& dir) {
  if (starts_with(c.file, "--") || starts_with(c.file, "/")) return c.file;  // --set, --seed
  return (dir / c.file).string();
}

// Whether `line` of stderr is the error the case expects.
bool matches(const std::string& line, const Case& c, const std::string& file, const fs::path& dir) {
  const std::string head = "error: " + file;
  if (!starts_with(line, head)) return false;
  std::string rest = line.substr(head.size());
  if (c.line > 0) {
    if (!starts_with(rest, fmt::format(":{}:", c.line))) return false;
  } else if (c.line == 0) {
    if (!starts_with(rest, ": ")) return false;
  } else if (!starts_with(rest, ":")) {
    return false;
  }
  if (!c.key.empty() && !contains(rest, " " + c.key + ": ")) return false;
  return contains(rest, substituted(c.message, dir));
}

void check(const Case& c) {
  INFO("case: " << c.what);
  TempDir dir;
  for (const auto& [name, content] : c.files) dir.write(name, content);
  if (c.setup) c.setup(dir.path());
  const auto before = snapshot(dir.path());

  std::vector<std::string> args;
  for (const std::string& a : c.args) args.push_back(substituted(a, dir.path()));
  const auto r = run_cli(args);
  INFO("stderr: " << r.err);

  CHECK(r.code == 2);
  const std::string file = expected_file(c, dir.path());
  bool found = false;
  std::istringstream err(r.err);
  for (std::string line; std::getline(err, line);) found = found || matches(line, c, file, dir.path());
  CHECK_MESSAGE(found, "expected an error naming " << file << (c.line > 0 ? fmt::format(" line {}", c.line) : std::string())
                                                   << (c.key.empty() ? std::string() : " key " + c.key) << ": "
                                                   << substituted(c.message, dir.path()));
  CHECK(r.out.empty());
  // Nothing written, nothing left behind, no input changed: the directory is as it was.
  CHECK(snapshot(dir.path()) == before);
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "-o" && !before.contains(fs::relative(args[i + 1], dir.path()).lexically_normal().string()))
      CHECK_FALSE(fs::exists(fs::symlink_status(args[i + 1])));
}

void check_all(const std::vector<Case>& cases) {
  for (const Case& c : cases) check(c);
}

std::size_t suite_size() {
  return yaml_syntax_cases().size() + key_and_type_cases().size() + unit_cases().size() + value_cases().size() +
         extends_cases().size() + grid_trace_cases().size() + job_trace_cases().size() + measured_power_cases().size() +
         weather_cases().size() +
         result_file_cases().size() + path_cases().size() + override_cases().size() + distribution_cases().size();
}

}  // namespace

TEST_SUITE("bad input") {

TEST_CASE("malformed, deep, huge, binary and empty scenario files are rejected") { check_all(yaml_syntax_cases()); }
TEST_CASE("wrong types, unknown keys and missing keys are named by their key") { check_all(key_and_type_cases()); }
TEST_CASE("bad and mismatched units are named with the dimension expected") { check_all(unit_cases()); }
TEST_CASE("negative, zero, NaN, infinite and absurd values are out of range") { check_all(value_cases()); }
TEST_CASE("circular, missing and overlong extends are reported where they are written") { check_all(extends_cases()); }
TEST_CASE("grid traces with missing columns, bad numbers, gaps and bad times name line and column") {
  check_all(grid_trace_cases());
}
TEST_CASE("job traces with missing columns, bad numbers and bad times name line and column") { check_all(job_trace_cases()); }
TEST_CASE("measured power logs with missing columns, bad numbers and bad order name line and column") {
  check_all(measured_power_cases());
}
TEST_CASE("EPW weather files with wrong field counts and bad values name line and field") { check_all(weather_cases()); }
TEST_CASE("truncated and foreign HDF5 files given to report, compare and merge are named") { check_all(result_file_cases()); }
TEST_CASE("missing paths, unwritable outputs and outputs over an input are refused") { check_all(path_cases()); }
TEST_CASE("bad --set overrides name the override") { check_all(override_cases()); }
TEST_CASE("bad distributions name the key, and a value a sample could take is checked before any run") {
  check_all(distribution_cases());
}

TEST_CASE("the bad-input suite has at least 60 cases") { CHECK(suite_size() >= 60); }

}  // TEST_SUITE
