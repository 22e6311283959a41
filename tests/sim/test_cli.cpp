// The command line, run in-process: exit codes, what it prints, and what it leaves on disk.
//
// Exit codes: 0 success, 2 bad input (one "error: file:line:col: path: message" line per
// problem on stderr), 1 anything else.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/Run.hpp"
#include "tests/support/Lines.hpp"
#include "tests/support/RunCli.hpp"
#include "tests/support/TempDir.hpp"

namespace {

namespace fs = std::filesystem;
using dcsim::test::run_cli;
using dcsim::test::TempDir;

using dcsim::test::Lines;
using dcsim::test::text;
using dcsim::test::with;
using dcsim::test::without;

// A small valid scenario; line numbers in the comments.
const Lines kGood{
    "name: cli",               // 1
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

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct BadCase {
  const char* what;
  std::string scenario;
  const char* message;  // a substring of the one problem expected
};

std::vector<BadCase> bad_cases() {
  return {
      {"a misspelt key", text(with(kGood, 13, "    chps: 8")), "did you mean 'chips'"},
      {"an unknown unit", text(with(kGood, 4, "    tdp: 330 parsecs")), "unknown unit 'parsecs'"},
      {"a negative chip count", text(with(kGood, 13, "    chips: -8")), "out of range"},
      {"a PUE below 1", text(with(kGood, 7, "  pue: 0.9")), "out of range"},
      {"malformed YAML", text(with(kGood, 13, "    chips: 8: 9")), "malformed YAML"},
      {"a missing required key", text(without(kGood, 6, 7)), "missing required key 'facility'"},
  };
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("--version prints the version and exits 0") {
  const auto r = run_cli({"--version"});
  CHECK(r.code == 0);
  CHECK(contains(r.out + r.err, std::string("dcsim ") + dcsim::sim::version()));
}

TEST_CASE("--help lists the subcommands and exits 0") {
  const auto r = run_cli({"--help"});
  CHECK(r.code == 0);
  const std::string all = r.out + r.err;
  for (const char* sub : {"run", "report", "validate", "reproduce", "schema"}) {
    CAPTURE(sub);
    CHECK(contains(all, sub));
  }
}

TEST_CASE("no subcommand exits 2") {
  const auto r = run_cli({});
  CHECK(r.code == 2);
  CHECK_FALSE(r.err.empty());
}

TEST_CASE("an unknown option exits 2") {
  CHECK(run_cli({"--frobnicate"}).code == 2);
  CHECK(run_cli({"validate", "--frobnicate", "x.yaml"}).code == 2);
}

TEST_CASE("an unknown subcommand exits 2") { CHECK(run_cli({"frobnicate"}).code == 2); }

TEST_CASE("run without a scenario exits 2") { CHECK(run_cli({"run"}).code == 2); }

TEST_CASE("validate on a good file exits 0 and says ok") {
  TempDir dir;
  const fs::path file = dir.write("good.yaml", text(kGood));
  const auto r = run_cli({"validate", file.string()});
  CHECK(r.code == 0);
  CHECK(contains(r.out, file.string() + ": ok (1 job)"));
  CHECK(r.err.empty());
}

TEST_CASE("validate --resolved prints YAML that validates again") {
  TempDir dir;
  const fs::path file = dir.write("good.yaml", text(kGood));
  const auto r = run_cli({"validate", "--resolved", file.string()});
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "name: cli"));
  const fs::path resolved = dir.write("resolved.yaml", r.out);
  CHECK(run_cli({"validate", resolved.string()}).code == 0);
}

TEST_CASE("validate on a bad file exits 2 with one error line per problem") {
  TempDir dir;
  // Three problems: line 4 (unit), line 7 (PUE), line 13 (chips).
  Lines lines = with(with(with(kGood, 4, "    tdp: 330 parsecs"), 7, "  pue: 0.9"), 13, "    chips: -8");
  const fs::path file = dir.write("bad.yaml", text(lines));
  const auto r = run_cli({"validate", file.string()});
  CHECK(r.code == 2);
  const std::vector<std::string> err = split_lines(r.err);
  INFO(r.err);
  REQUIRE(err.size() == 3);
  const std::string f = file.string();
  CHECK(err[0].rfind("error: " + f + ":4:10: accelerators.V100.tdp: ", 0) == 0);
  CHECK(contains(err[0], "unknown unit 'parsecs'"));
  CHECK(err[1].rfind("error: " + f + ":7:8: facility.pue: ", 0) == 0);
  CHECK(contains(err[1], "out of range"));
  CHECK(err[2].rfind("error: " + f + ":13:12: jobs[0].chips: ", 0) == 0);
  CHECK(contains(err[2], "out of range"));
}

TEST_CASE("validate checks every file and fails if any is bad") {
  TempDir dir;
  const fs::path good = dir.write("good.yaml", text(kGood));
  const fs::path bad = dir.write("bad.yaml", text(with(kGood, 7, "  pue: 0.9")));
  const auto r = run_cli({"validate", bad.string(), good.string()});
  CHECK(r.code == 2);
  CHECK(contains(r.out, good.string() + ": ok"));
  CHECK(contains(r.err, "error: " + bad.string() + ":7:8: facility.pue:"));
}

TEST_CASE("run on a bad scenario exits 2 and leaves no output file") {
  for (const BadCase& c : bad_cases()) {
    CAPTURE(c.what);
    TempDir dir;
    const fs::path scenario = dir.write("bad.yaml", c.scenario);
    const fs::path out = dir / "out.h5";
    const auto r = run_cli({"run", scenario.string(), "-o", out.string()});
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(contains(r.err, "error: " + scenario.string() + ":"));
    CHECK(contains(r.err, c.message));
    CHECK_FALSE(fs::exists(out));
    // No temporary file either: the directory holds only the scenario.
    CHECK(entries(dir.path()) == std::set<std::string>{"bad.yaml"});
    CHECK(r.out.empty());
  }
}

TEST_CASE("run on a good scenario writes the output file and nothing else") {
  TempDir dir;
  const fs::path scenario = dir.write("good.yaml", text(kGood));
  const fs::path out = dir / "out.h5";
  const auto r = run_cli({"run", scenario.string(), "-o", out.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(fs::exists(out));
  CHECK(entries(dir.path()) == std::set<std::string>{"good.yaml", "out.h5"});
  const auto report = run_cli({"report", out.string()});
  CHECK(report.code == 0);
}

TEST_CASE("run with an output in a directory that does not exist exits 2") {
  TempDir dir;
  const fs::path scenario = dir.write("good.yaml", text(kGood));
  const fs::path out = dir / "missing" / "out.h5";
  const auto r = run_cli({"run", scenario.string(), "-o", out.string()});
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "does not exist"));
  CHECK_FALSE(fs::exists(dir / "missing"));
  CHECK(entries(dir.path()) == std::set<std::string>{"good.yaml"});
}

TEST_CASE("run with the output path equal to the scenario exits 2 and keeps the scenario") {
  TempDir dir;
  const std::string original = text(kGood);
  const fs::path scenario = dir.write("good.yaml", original);
  for (const std::string& out : {scenario.string(), (dir.path() / "." / "good.yaml").string()}) {
    CAPTURE(out);
    const auto r = run_cli({"run", scenario.string(), "-o", out});
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(contains(r.err, "the output path is the scenario file itself"));
    CHECK(read(scenario) == original);
    CHECK(entries(dir.path()) == std::set<std::string>{"good.yaml"});
  }
}

TEST_CASE("run with the output path a symbolic link to the scenario exits 2 and keeps the scenario") {
  TempDir dir;
  const std::string original = text(kGood);
  const fs::path scenario = dir.write("good.yaml", original);
  fs::create_symlink("good.yaml", dir / "link.h5");
  const auto r = run_cli({"run", scenario.string(), "-o", (dir / "link.h5").string()});
  CHECK(r.code == 2);
  CHECK(read(scenario) == original);
  CHECK(fs::is_symlink(dir / "link.h5"));
}

TEST_CASE("run with the output path an existing directory exits 2 and leaves it alone") {
  // Hdf5Recorder checks only that the output's parent directory exists; the run is simulated and
  // then fs::rename onto the directory throws filesystem_error: "internal error", exit 1.
  TempDir dir;
  const fs::path scenario = dir.write("good.yaml", text(kGood));
  fs::create_directory(dir / "out");
  const auto r = run_cli({"run", scenario.string(), "-o", (dir / "out").string()});
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "error: " + (dir / "out").string()));
  CHECK(fs::is_directory(dir / "out"));
  CHECK(fs::is_empty(dir / "out"));
  CHECK(entries(dir.path()) == std::set<std::string>{"good.yaml", "out"});
}

TEST_CASE("report on a missing file exits 2 naming the file") {
  TempDir dir;
  const fs::path file = dir / "nothing.h5";
  const auto r = run_cli({"report", file.string()});
  CHECK(r.code == 2);
  CHECK(contains(r.err, "error: " + file.string()));
  CHECK(contains(r.err, "no such file"));
}

TEST_CASE("report on a text file exits 2 naming the file") {
  TempDir dir;
  const fs::path file = dir.write("text.h5", text(kGood));
  const auto r = run_cli({"report", file.string()});
  CHECK(r.code == 2);
  CHECK(contains(r.err, "error: " + file.string()));
  CHECK(contains(r.err, "not an HDF5 file"));
}

TEST_CASE("report on an empty file exits 2 naming the file") {
  TempDir dir;
  const fs::path file = dir.write("empty.h5", "");
  const auto r = run_cli({"report", file.string()});
  CHECK(r.code == 2);
  CHECK(contains(r.err, "error: " + file.string()));
}

TEST_CASE("report on a directory exits 2") {
  TempDir dir;
  const auto r = run_cli({"report", dir.path().string()});
  CHECK(r.code == 2);
  CHECK(contains(r.err, dir.path().string()));
}

}  // TEST_SUITE

TEST_CASE("dcsim bench measures its cases in child processes and prints one row each") {
  // No figure is checked (speed is not a unit-test matter): the table has its header and a row
  // for each case asked for, with the peak memory of the case's own process.
  const std::string cmd = std::string("'") + DCSIM_BINARY + "' bench --quick --only engine gpt3 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string text;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) text += buf;
  const int status = ::pclose(pipe);
  CHECK(status == 0);
  CHECK(text.find("median ms") != std::string::npos);
  CHECK(text.find("\nengine ") != std::string::npos);
  CHECK(text.find("\ngpt3 ") != std::string::npos);
  CHECK(text.find("facility-year") == std::string::npos);
  CHECK(text.find("failed") == std::string::npos);
}
