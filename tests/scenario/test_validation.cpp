// Rejecting bad scenario files: every problem at once, each as `file:line:col: key.path: message`.
//
// Most tests start from kGood (line numbers in the comments) and change, insert or delete lines,
// so the expected line of each problem can be counted by hand. Columns are 1-based: in
// "    tdp: 330 parsecs" the value starts after 4 spaces and "tdp: ", at column 10.

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "models/InputError.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/Lines.hpp"
#include "tests/support/TempDir.hpp"

namespace {

namespace fs = std::filesystem;
using dcsim::InputError;
using dcsim::Problem;
using dcsim::scenario::load_scenario;
using dcsim::test::TempDir;

using dcsim::test::appended;
using dcsim::test::inserted;
using dcsim::test::Lines;
using dcsim::test::text;
using dcsim::test::with;
using dcsim::test::without;

const Lines kGood{
    "name: v",                 // 1
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
    "    duration: 2 d",       // 14
};

// The problems load_scenario reports for `file`; fails the test when it accepts the file.
std::vector<Problem> problems_of(const fs::path& file) {
  try {
    load_scenario(file);
  } catch (const InputError& e) {
    return e.problems();
  }
  FAIL_CHECK("load_scenario accepted " << file.string());
  return {};
}

std::string all(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) out += dcsim::format_problem(p) + "\n";
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// Checks one problem's file, line, path and message; `column` 0 means "not checked".
void check_problem(const Problem& p, const fs::path& file, int line, const std::string& path, const std::string& message,
                   int column = 0) {
  INFO("problem: " << dcsim::format_problem(p));
  CHECK(p.where.file == file.string());
  CHECK(p.where.line == line);
  if (column != 0) CHECK(p.where.column == column);
  CHECK(p.path == path);
  CHECK(contains(p.message, message));
}

// Writes `lines` as `name`, loads it, and expects exactly one problem.
Problem only_problem(const TempDir& dir, const Lines& lines, const std::string& name = "s.yaml") {
  const fs::path file = dir.write(name, text(lines));
  const std::vector<Problem> problems = problems_of(file);
  INFO(all(problems));
  REQUIRE(problems.size() == 1);
  return problems[0];
}

}  // namespace

TEST_SUITE("scenario validation") {

TEST_CASE("the good scenario the other tests start from is valid") {
  TempDir dir;
  CHECK_NOTHROW(load_scenario(dir.write("good.yaml", text(kGood))));
}

TEST_CASE("a misspelt key is reported with a did-you-mean, and the key it replaced as missing") {
  TempDir dir;
  const fs::path file = dir.write("s.yaml", text(with(kGood, {{13, "    chps: 8"}})));
  const std::vector<Problem> problems = problems_of(file);
  INFO(all(problems));
  REQUIRE(problems.size() == 2);
  // Sorted by line: the job's mapping starts at line 11 ("name" at column 5, after "  - ").
  check_problem(problems[0], file, 11, "jobs[0].chips", "missing required key 'chips'", 5);
  check_problem(problems[1], file, 13, "jobs[0].chps", "unknown key 'chps' (did you mean 'chips'?)", 5);
}

TEST_CASE("a misspelt top-level key suggests the declared key") {
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, inserted(kGood, 1, {"seeed: 3"}));
  check_problem(p, file, 2, "seeed", "unknown key 'seeed' (did you mean 'seed'?)", 1);
}

TEST_CASE("a key with no plausible match gets no suggestion") {
  TempDir dir;
  const Problem p = only_problem(dir, inserted(kGood, 7, {"  colour: blue"}));
  CHECK(p.path == "facility.colour");
  CHECK(p.where.line == 8);
  CHECK(p.message == "unknown key 'colour'");
}

TEST_CASE("an unknown unit is reported at its value with the units of the dimension") {
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, with(kGood, {{4, "    tdp: 330 parsecs"}}));
  check_problem(p, file, 4, "accelerators.V100.tdp", "unknown unit 'parsecs'", 10);
  CHECK(contains(p.message, "W, kW, MW, GW"));
  CHECK(dcsim::format_problem(p) == file.string() + ":4:10: accelerators.V100.tdp: " + p.message);
}

TEST_CASE("a quantity of the wrong dimension says what it is") {
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, with(kGood, {{4, "    tdp: 330 kWh"}}));
  check_problem(p, file, 4, "accelerators.V100.tdp", "is an energy", 10);
  CHECK(contains(p.message, "a power is expected"));
}

TEST_CASE("a bare number where a power is expected names the dimension") {
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, with(kGood, {{4, "    tdp: 300"}}));
  check_problem(p, file, 4, "accelerators.V100.tdp", "'300' has no unit", 10);
  CHECK(contains(p.message, "a power"));
  CHECK(contains(p.message, "'330 W'"));
}

TEST_CASE("a rejected accelerator system_power is not reported again at the jobs that rely on it") {
  // Validate.hpp: "a bad value is reported once, by the reader, and not again as a consequence".
  // Validate.cpp's check_job tests `accel->system_power_w`, which stays empty when the value was
  // rejected, so the job is also told it "needs system_power_per_chip".
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, with(kGood, {{5, "    system_power: 325"}}));
  check_problem(p, file, 5, "accelerators.V100.system_power", "has no unit", 19);
  CHECK(contains(p.message, "a power"));
}

TEST_CASE("a negative chip count is out of range") {
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, with(kGood, {{13, "    chips: -3"}}));
  check_problem(p, file, 13, "jobs[0].chips", "'-3' is out of range: must be between 1 and 10000000", 12);
}

TEST_CASE("zero chips and a fractional chip count are rejected") {
  TempDir dir;
  CHECK(contains(only_problem(dir, with(kGood, {{13, "    chips: 0"}})).message, "out of range"));
  CHECK(contains(only_problem(dir, with(kGood, {{13, "    chips: 2.5"}})).message, "'2.5' is not a whole number"));
  CHECK(contains(only_problem(dir, with(kGood, {{13, "    chips: eight"}})).message, "does not start with a number"));
}

TEST_CASE("a PUE below 1 is out of range") {
  TempDir dir;
  for (const char* pue : {"0.9", "0.5"}) {
    CAPTURE(pue);
    const fs::path file = dir / "s.yaml";
    const Problem p = only_problem(dir, with(kGood, {{7, std::string("  pue: ") + pue}}));
    check_problem(p, file, 7, "facility.pue", std::string("'") + pue + "' is out of range: must be between 1 and 5", 8);
  }
}

TEST_CASE("a PUE of exactly 1 is accepted and one above 5 is not") {
  TempDir dir;
  CHECK(load_scenario(dir.write("one.yaml", text(with(kGood, {{7, "  pue: 1"}})))).sites[0].facility.pue() == 1.0);
  CHECK(contains(only_problem(dir, with(kGood, {{7, "  pue: 5.1"}})).message, "out of range"));
  CHECK(contains(only_problem(dir, with(kGood, {{7, "  pue: 1.1 W"}})).message, "has a unit"));
}

TEST_CASE("malformed YAML is reported with its line") {
  TempDir dir;
  const fs::path file = dir.write("s.yaml", text(with(kGood, {{13, "    chips: 8: 9"}})));
  const std::vector<Problem> problems = problems_of(file);
  INFO(all(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].where.file == file.string());
  CHECK(problems[0].where.line == 13);
  CHECK(problems[0].path.empty());
  CHECK(contains(problems[0].message, "malformed YAML"));
}

TEST_CASE("an unclosed flow sequence is malformed YAML") {
  TempDir dir;
  const fs::path file = dir.write("s.yaml", text(with(kGood, {{9, "  gross: [0.429 kg/kWh"}})));
  const std::vector<Problem> problems = problems_of(file);
  INFO(all(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].where.file == file.string());
  CHECK(problems[0].where.line >= 9);  // where the parser gives up: at or after the opening bracket
  CHECK(contains(problems[0].message, "malformed YAML"));
}

TEST_CASE("an unterminated quoted string is rejected") {
  // yaml-cpp reads an unterminated double-quoted scalar to the end of the file instead of failing,
  // so the rest of the file becomes the name and the other sections are reported missing.
  TempDir dir;
  const fs::path file = dir.write("s.yaml", text(with(kGood, {{1, "name: \"v"}})));
  const std::vector<Problem> problems = problems_of(file);
  CHECK_FALSE(problems.empty());
}

TEST_CASE("a missing required top-level key is reported at the start of the file") {
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, without(kGood, 6, 7));
  check_problem(p, file, 1, "facility", "missing required key 'facility'", 1);
  CHECK(contains(p.message, "the datacentre"));  // the key's description
}

TEST_CASE("a missing required nested key names its full path") {
  TempDir dir;
  const Problem p = only_problem(dir, without(kGood, 4, 4));
  CHECK(p.path == "accelerators.V100.tdp");
  CHECK(contains(p.message, "missing required key 'tdp'"));
  CHECK(p.where.line >= 3);
  CHECK(p.where.line <= 4);
}

TEST_CASE("a file with three different errors gives exactly three problems, in line order") {
  TempDir dir;
  const fs::path file =
      dir.write("s.yaml", text(with(kGood, {{4, "    tdp: 330 parsecs"}, {7, "  pue: 0.9"}, {13, "    chips: -3"}})));
  const std::vector<Problem> problems = problems_of(file);
  INFO(all(problems));
  REQUIRE(problems.size() == 3);
  check_problem(problems[0], file, 4, "accelerators.V100.tdp", "unknown unit 'parsecs'", 10);
  check_problem(problems[1], file, 7, "facility.pue", "out of range", 8);
  check_problem(problems[2], file, 13, "jobs[0].chips", "out of range", 12);
}

TEST_CASE("an unknown accelerator reference suggests the closest name") {
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, with(kGood, {{12, "    accelerator: V10"}}));
  check_problem(p, file, 12, "jobs[0].accelerator", "unknown accelerator 'V10' (did you mean 'V100'?)", 18);
}

TEST_CASE("an unknown accelerator unlike any name lists the defined ones") {
  TempDir dir;
  const Problem p = only_problem(dir, with(kGood, {{12, "    accelerator: Gaudi2"}}));
  CHECK(p.path == "jobs[0].accelerator");
  CHECK(contains(p.message, "unknown accelerator 'Gaudi2'"));
  CHECK(contains(p.message, "`accelerators` defines V100"));
}

TEST_CASE("a job giving both duration and total_flops is rejected") {
  TempDir dir;
  const Lines lines = appended(kGood, {"    total_flops: 3.14e23", "    flops_per_chip: 24.6 TFLOP/s"});  // lines 15, 16
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, lines);
  check_problem(p, file, 15, "jobs[0].total_flops", "give either duration or total_flops, not both", 18);
}

TEST_CASE("a job giving neither duration nor total_flops is rejected") {
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, without(kGood, 14, 14));
  check_problem(p, file, 11, "jobs[0]", "needs either duration or total_flops", 5);
}

TEST_CASE("total_flops without flops_per_chip is rejected") {
  TempDir dir;
  const Lines lines = with(kGood, {{14, "    total_flops: 3.14e23"}});
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, lines);
  check_problem(p, file, 14, "jobs[0].total_flops", "total_flops needs flops_per_chip", 18);
}

TEST_CASE("flops_per_chip with a duration and no total_flops is rejected as unused") {
  TempDir dir;
  const Problem p = only_problem(dir, appended(kGood, {"    flops_per_chip: 24.6 TFLOP/s"}));
  CHECK(p.path == "jobs[0].flops_per_chip");
  CHECK(p.where.line == 15);
  CHECK(contains(p.message, "used only with total_flops"));
}

TEST_CASE("a job without system power whose accelerator gives none is rejected") {
  TempDir dir;
  const Problem p = only_problem(dir, without(kGood, 5, 5));
  CHECK(p.path == "jobs[0]");
  CHECK(p.where.line == 10);  // line 11 of kGood, one line up
  CHECK(contains(p.message, "needs a power"));
}

TEST_CASE("duplicate job names are rejected at the second one") {
  TempDir dir;
  const Lines lines = appended(kGood, {"  - name: a", "    accelerator: V100", "    chips: 1", "    duration: 1 h"});  // 15..18
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, lines);
  check_problem(p, file, 15, "jobs[1].name", "job name 'a' is used twice", 11);
}

TEST_CASE("a grid change before the scenario start is rejected") {
  TempDir dir;
  const Lines lines = inserted(kGood, 9,
                               {
                                   "  changes:",                      // 10
                                   "    - at: 2019-12-31T00:00:00Z",  // 11
                                   "      gross: 300 g/kWh",          // 12
                               });
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, lines);
  check_problem(p, file, 11, "grid.changes[0].at", "2019-12-31T00:00:00Z is before the scenario start 2020-01-01T00:00:00Z",
                11);
}

TEST_CASE("grid changes out of time order are rejected") {
  TempDir dir;
  const Lines lines = inserted(kGood, 9,
                               {
                                   "  changes:",                      // 10
                                   "    - at: 2020-01-03T00:00:00Z",  // 11
                                   "      gross: 300 g/kWh",          // 12
                                   "    - at: 2020-01-02T00:00:00Z",  // 13
                                   "      gross: 200 g/kWh",          // 14
                               });
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, lines);
  check_problem(p, file, 13, "grid.changes[1].at",
                "2020-01-02T00:00:00Z is not after the previous change 2020-01-03T00:00:00Z", 11);
}

TEST_CASE("two grid changes at the same instant are out of order") {
  TempDir dir;
  const Problem p = only_problem(dir, inserted(kGood, 9,
                                               {
                                                   "  changes:",
                                                   "    - at: 2020-01-03",
                                                   "      gross: 300 g/kWh",
                                                   "    - at: 2020-01-03T00:00Z",
                                                   "      gross: 200 g/kWh",
                                               }));
  CHECK(p.path == "grid.changes[1].at");
  CHECK(contains(p.message, "is not after the previous change"));
}

TEST_CASE("a job starting before the scenario start is rejected") {
  TempDir dir;
  const Lines lines = appended(kGood, {"    start: 2019-06-01T00:00:00Z"});  // 15
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, lines);
  check_problem(p, file, 15, "jobs[0].start", "starts at 2019-06-01T00:00:00Z, before the scenario start 2020-01-01T00:00:00Z",
                12);
}

TEST_CASE("a job start before an explicit scenario start is rejected") {
  TempDir dir;
  const Problem p =
      only_problem(dir, appended(inserted(kGood, 1, {"start: 2021-01-01T00:00:00Z"}), {"    start: 2020-12-31T23:59:59Z"}));
  CHECK(p.path == "jobs[0].start");
  CHECK(p.where.line == 16);
  CHECK(contains(p.message, "before the scenario start 2021-01-01T00:00:00Z"));
}

TEST_CASE("a bad instant is reported with the time format") {
  TempDir dir;
  const Problem p = only_problem(dir, inserted(kGood, 1, {"start: 2020-01-01T00:00:00+02:00"}));
  CHECK(p.path == "start");
  CHECK(p.where.line == 2);
  CHECK(p.where.column == 8);
  CHECK(contains(p.message, "only UTC"));
}

TEST_CASE("a list where a number is expected is a type error") {
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  Problem p = only_problem(dir, with(kGood, {{13, "    chips: [1, 2]"}}));
  check_problem(p, file, 13, "jobs[0].chips", "expected a whole number, found a list", 12);

  p = only_problem(dir, with(kGood, {{7, "  pue: [1.1]"}}));
  CHECK(p.path == "facility.pue");
  CHECK(contains(p.message, "expected a plain number, found a list"));

  p = only_problem(dir, with(kGood, {{4, "    tdp: [300 W]"}}));
  CHECK(p.path == "accelerators.V100.tdp");
  CHECK(contains(p.message, "expected a power such as '330 W', found a list"));
}

TEST_CASE("a mapping where text is expected is a type error") {
  TempDir dir;
  const fs::path file = dir / "s.yaml";
  const Problem p = only_problem(dir, with(kGood, {{1, "name: {first: a, second: b}"}}));
  check_problem(p, file, 1, "name", "expected text, found a mapping", 7);
}

TEST_CASE("a scalar where a list is expected is a type error") {
  TempDir dir;
  const Problem p = only_problem(dir, with(without(kGood, 11, 14), {{10, "jobs: a"}}));
  CHECK(p.path == "jobs");
  CHECK(p.where.line == 10);
  CHECK(p.where.column == 7);
  CHECK(contains(p.message, "expected a list, found a scalar"));
}

TEST_CASE("a scalar where a mapping is expected is one problem, not also its missing keys") {
  // RequiredCheck descends into an ObjectKind field whenever it is present, even when the reader
  // rejected it, so "facility: 1.1" is also reported as "facility.pue: missing required key".
  TempDir dir;
  const Problem p = only_problem(dir, with(without(kGood, 7, 7), {{6, "facility: 1.1"}}));
  CHECK(p.path == "facility");
  CHECK(p.where.line == 6);
  CHECK(p.where.column == 11);
  CHECK(contains(p.message, "expected a mapping of keys, found a scalar"));
}

TEST_CASE("an empty job list is rejected") {
  TempDir dir;
  const Problem p = only_problem(dir, with(without(kGood, 11, 14), {{10, "jobs: []"}}));
  CHECK(p.path == "jobs");
  CHECK(contains(p.message, "needs at least one entry"));
}

TEST_CASE("a key with no value is reported") {
  TempDir dir;
  const Problem p = only_problem(dir, with(kGood, {{9, "  gross:"}}));
  CHECK(p.path == "grid.gross");
  CHECK(contains(p.message, "has no value"));
}

TEST_CASE("an empty file is rejected") {
  TempDir dir;
  for (const char* content : {"", "\n\n", "# only a comment\n", "~\n"}) {
    CAPTURE(content);
    const fs::path file = dir.write("empty.yaml", content);
    const std::vector<Problem> problems = problems_of(file);
    INFO(all(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].where.file == file.string());
    CHECK(contains(problems[0].message, "is empty"));
  }
}

TEST_CASE("a file whose top level is not a mapping is rejected") {
  TempDir dir;
  const Problem p = only_problem(dir, {"- 1", "- 2"});
  CHECK(contains(p.message, "a scenario is a mapping of keys, found a list"));
  CHECK(p.where.line == 1);
}

TEST_CASE("a file that does not exist is reported by name") {
  TempDir dir;
  const fs::path file = dir / "no-such.yaml";
  const std::vector<Problem> problems = problems_of(file);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].where.file == file.string());
  CHECK(problems[0].where.line == 0);
  CHECK(contains(problems[0].message, "no such file"));
  CHECK(dcsim::format_problem(problems[0]) == file.string() + ": no such file");
}

TEST_CASE("a directory is not a scenario file") {
  TempDir dir;
  const std::vector<Problem> problems = problems_of(dir.path());
  REQUIRE(problems.size() == 1);
  CHECK(contains(problems[0].message, "is a directory"));
}

TEST_CASE("circular extends is reported at the extends that closes the loop") {
  TempDir dir;
  const fs::path a = dir.write("a.yaml", text(inserted(kGood, 0, {"extends: b.yaml"})));
  const fs::path b = dir.write("b.yaml", "extends: a.yaml\nseed: 3\n");
  const std::vector<Problem> problems = problems_of(a);
  INFO(all(problems));
  REQUIRE(problems.size() == 1);
  check_problem(problems[0], b, 1, "extends", "circular extends", 10);
  CHECK(contains(problems[0].message, "a.yaml"));
}

TEST_CASE("a file extending itself is circular") {
  TempDir dir;
  const fs::path a = dir.write("a.yaml", text(inserted(kGood, 0, {"extends: a.yaml"})));
  const std::vector<Problem> problems = problems_of(a);
  REQUIRE(problems.size() == 1);
  check_problem(problems[0], a, 1, "extends", "circular extends", 10);
}

TEST_CASE("a missing extends target is reported at the extends key") {
  TempDir dir;
  const fs::path file = dir.write("child.yaml", text(inserted(kGood, 0, {"extends: nowhere.yaml"})));
  const std::vector<Problem> problems = problems_of(file);
  INFO(all(problems));
  REQUIRE(problems.size() == 1);
  check_problem(problems[0], file, 1, "extends", "does not exist", 10);
  CHECK(contains(problems[0].message, "nowhere.yaml"));
}

TEST_CASE("extends that is not a path is rejected") {
  TempDir dir;
  const Problem p = only_problem(dir, inserted(kGood, 0, {"extends: [a.yaml, b.yaml]"}));
  CHECK(p.path == "extends");
  CHECK(contains(p.message, "expected the path of a base scenario file"));
}

TEST_CASE("a problem in a base file is reported in that file") {
  TempDir dir;
  const fs::path base = dir.write("base.yaml", text(with(kGood, {{7, "  pue: 0.9"}})));
  const fs::path child = dir.write("child.yaml", "extends: base.yaml\nname: child\n");
  const std::vector<Problem> problems = problems_of(child);
  INFO(all(problems));
  REQUIRE(problems.size() == 1);
  check_problem(problems[0], base, 7, "facility.pue", "out of range", 8);
}

TEST_CASE("binary garbage with NUL bytes is rejected as not a text file") {
  TempDir dir;
  const std::string garbage("name: v\0\x01\x02\xff\xfe garbage\0\0", 22);
  const fs::path file = dir.write("bin.yaml", garbage);
  const std::vector<Problem> problems = problems_of(file);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].where.file == file.string());
  CHECK(contains(problems[0].message, "not a text file"));
  CHECK(contains(problems[0].message, "NUL"));
}

TEST_CASE("binary garbage without NUL bytes is rejected without a crash") {
  TempDir dir;
  std::string garbage;
  for (int i = 1; i < 256; ++i) garbage += static_cast<char>(i);
  const fs::path file = dir.write("bin.yaml", garbage + garbage);
  CHECK_THROWS_AS(load_scenario(file), InputError);
}

TEST_CASE("a rejected accelerator entry is not reported again as an unknown accelerator") {
  // Same rule as above: "accelerators.V100" is reported once by the reader; Validate.cpp then
  // looks V100 up in the map (where the reader did not put it) and reports "unknown accelerator".
  TempDir dir;
  const Problem p = only_problem(dir, with(without(kGood, 4, 5), {{3, "  V100: 300 W"}}));
  CHECK(p.path == "accelerators.V100");
  CHECK(p.where.line == 3);
  CHECK(contains(p.message, "expected a mapping of keys, found a scalar"));
}

TEST_CASE("brackets in a quoted string after an escaped quote are not nesting") {
  // Load.cpp's check_nesting ends a double-quoted string at the escaped quote \", so the 65
  // brackets that follow inside the same string are counted as flow nesting.
  TempDir dir;
  const fs::path file =
      dir.write("s.yaml", text(inserted(kGood, 1, {"description: \"say \\\" " + std::string(65, '[') + "\""})));
  CHECK_NOTHROW(load_scenario(file));
}

TEST_CASE("brackets in quoted strings are not nesting") {
  TempDir dir;
  const fs::path file = dir.write(
      "s.yaml", text(inserted(kGood, 1, {"description: \"" + std::string(100, '[') + "\"", "seed: '2' # " + std::string(100, '{')})));
  CHECK_NOTHROW(load_scenario(file));
}

TEST_CASE("deeply nested flow sequences are rejected without a crash") {
  TempDir dir;
  const fs::path file = dir.write("deep.yaml", "name: " + std::string(1000, '[') + std::string(1000, ']') + "\n");
  const std::vector<Problem> problems = problems_of(file);
  INFO(all(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].where.line == 1);
  CHECK(contains(problems[0].message, "nesting deeper than"));
}

TEST_CASE("deeply nested flow mappings are rejected without a crash") {
  TempDir dir;
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "{a: ";
  deep += "1" + std::string(1000, '}');
  const fs::path file = dir.write("deep.yaml", text(kGood) + "x: " + deep + "\n");
  const std::vector<Problem> problems = problems_of(file);
  INFO(all(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].where.line == 15);
  CHECK(contains(problems[0].message, "nesting deeper than"));
}

TEST_CASE("deep nesting after an apostrophe in plain text is still rejected without a crash") {
  // A plain scalar may contain a single quote ("it's"); it does not start a quoted string.
  TempDir dir;
  for (const int depth : {1000, 100000}) {
    CAPTURE(depth);
    const fs::path file = dir.write("deep.yaml", "description: it's deep\nname: " + std::string(static_cast<std::size_t>(depth), '[') +
                                                     std::string(static_cast<std::size_t>(depth), ']') + "\n");
    CHECK_THROWS_AS(load_scenario(file), InputError);
  }
}

TEST_CASE("an unclosed deep flow sequence is rejected without a crash") {
  TempDir dir;
  const fs::path file = dir.write("deep.yaml", "name: " + std::string(100000, '[') + "\n");
  CHECK_THROWS_AS(load_scenario(file), InputError);
}

}  // TEST_SUITE
