// The command line's own tooling: shell completion and the man page generated from its
// definition, global --quiet and --verbose, `catalog TOPIC` and `explain`.

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/Lines.hpp"
#include "tests/support/RunCli.hpp"
#include "tests/support/TempDir.hpp"

namespace {

using dcsim::test::run_cli;
using dcsim::test::TempDir;

// What a shell command prints on stdout.
std::string shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  ::pclose(pipe);
  return out;
}

// The completions bash offers for the words typed so far (the last one being completed).
std::string bash_complete(const std::string& script, const std::string& words, int cword) {
  return shell("bash -c 'source \"" + script + "\"; COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(cword) +
               "; _dcsim; echo \"${COMPREPLY[*]}\"'");
}

// The subcommands `dcsim --help` lists, read from its help text (the App's own rendering).
std::vector<std::string> subcommands_in_help() {
  const std::string help = run_cli({"--help"}).out;
  const std::size_t at = help.find("Subcommands:");
  REQUIRE(at != std::string::npos);
  std::vector<std::string> names;
  const std::regex line(R"(\n  ([a-z]+) )");
  for (std::sregex_iterator it(help.begin() + static_cast<std::ptrdiff_t>(at), help.end(), line), end; it != end; ++it)
    names.push_back((*it)[1]);
  return names;
}

// The option names (-x, --long) of the option lines of a help text ("  -o,--output TEXT  ...").
std::set<std::string> options_in(const std::string& help) {
  std::set<std::string> names;
  const std::regex line(R"((^|\n)  (-[^ \n]+))");
  const std::regex name(R"(--?[a-z][a-z-]*)");
  for (std::sregex_iterator it(help.begin(), help.end(), line), end; it != end; ++it) {
    const std::string token = (*it)[2];
    for (std::sregex_iterator n(token.begin(), token.end(), name), nend; n != nend; ++n) names.insert(n->str());
  }
  return names;
}

}  // namespace

TEST_CASE("the bash completion completes subcommands, then the options of the subcommand") {
  TempDir dir;
  const auto r = run_cli({"completion", "bash"});
  REQUIRE(r.code == 0);
  const std::string script = dir.write("dcsim.bash", r.out).string();
  CHECK(bash_complete(script, "dcsim re", 1) == "report reproduce\n");
  CHECK(bash_complete(script, "dcsim ca", 1) == "catalog\n");
  CHECK(bash_complete(script, "dcsim run s.yaml --js", 3) == "--json\n");
  CHECK(bash_complete(script, "dcsim report x.h5 --pro", 3) == "--profile\n");
  // Fixed sets of values: a positional argument's, an option's.
  CHECK(bash_complete(script, "dcsim catalog s", 2) == "sites\n");
  CHECK(bash_complete(script, "dcsim completion \"\"", 2) == "bash zsh\n");
  CHECK(bash_complete(script, "dcsim plot x.h5 --format \"\"", 4) == "png svg\n");
  // Global options after a subcommand too.
  CHECK(bash_complete(script, "dcsim run s.yaml --qu", 3) == "--quiet\n");
}

TEST_CASE("the zsh completion names every subcommand") {
  const auto r = run_cli({"completion", "zsh"});
  REQUIRE(r.code == 0);
  CHECK(r.out.rfind("#compdef dcsim\n", 0) == 0);
  for (const std::string& sub : subcommands_in_help()) CHECK(r.out.find("    '" + sub + ":") != std::string::npos);
  // Where zsh is installed, the script must at least parse.
  if (std::system("command -v zsh > /dev/null 2>&1") == 0) {
    TempDir dir;
    const std::string script = dir.write("_dcsim", r.out).string();
    CHECK(shell("zsh -n '" + script + "' 2>&1; echo rc=$?") == "rc=0\n");
  }
}

TEST_CASE("completion for another shell exits 2") { CHECK(run_cli({"completion", "fish"}).code == 2); }

TEST_CASE("the man page lists every subcommand and every option of each, and the exit codes") {
  const auto man = run_cli({"man"});
  REQUIRE(man.code == 0);
  std::string page = std::regex_replace(man.out, std::regex(R"(\\-)"), "-");
  CHECK(page.rfind(".TH DCSIM 1 ", 0) == 0);
  const std::vector<std::string> subs = subcommands_in_help();
  CHECK(subs.size() >= 13);
  const std::size_t commands = page.find(".SH COMMANDS");
  REQUIRE(commands != std::string::npos);
  for (const std::string& o : options_in(run_cli({"--help"}).out)) {
    CAPTURE(o);
    CHECK(page.substr(0, commands).find("\\fB" + o + "\\fR") != std::string::npos);
  }
  for (std::size_t k = 0; k < subs.size(); ++k) {
    CAPTURE(subs[k]);
    const std::size_t from = page.find("\n.SS " + subs[k] + "\n");
    REQUIRE(from != std::string::npos);
    const std::size_t to = page.find("\n.SS ", from + 1);
    const std::string section = page.substr(from, to == std::string::npos ? std::string::npos : to - from);
    for (const std::string& o : options_in(run_cli({subs[k], "--help"}).out)) {
      CAPTURE(o);
      CHECK(section.find("\\fB" + o + "\\fR") != std::string::npos);
    }
  }
  for (const char* code : {".B 0\n", ".B 1\n", ".B 2\n"}) CHECK(page.find(code) != std::string::npos);
}

TEST_CASE("--quiet and --verbose are global and exclude each other") {
  TempDir dir;
  const std::string s = dir.write("s.yaml", R"(name: s
accelerators:
  A: {tdp: 300 W, system_power: 300 W}
facility: {pue: 1.5}
grid: {gross: 0.5 kg/kWh}
jobs:
  - {name: j, accelerator: A, chips: 2, duration: 10 h}
)").string();
  const auto plain = run_cli({"run", s});
  REQUIRE(plain.code == 0);
  CHECK(plain.err.empty());
  const auto verbose = run_cli({"--verbose", "run", s});
  CHECK(verbose.code == 0);
  CHECK(verbose.err.find("events in") != std::string::npos);
  CHECK(run_cli({"run", s, "-v"}).err.find("events in") != std::string::npos);
  CHECK(run_cli({"run", s, "-q"}).code == 0);
  CHECK(run_cli({"-q", "-v", "run", s}).code == 2);
}

TEST_CASE("messages carry no colour codes when stderr is not a terminal") {
  const auto r = run_cli({"validate", "/nonexistent/s.yaml"});
  CHECK(r.code == 2);
  CHECK(r.err.rfind("error: /nonexistent/s.yaml: no such file", 0) == 0);
  CHECK(r.err.find('\033') == std::string::npos);
}

TEST_CASE("catalog TOPIC lists the built-in entries of that catalog, each with its source") {
  const auto sites = run_cli({"catalog", "sites"});
  REQUIRE(sites.code == 0);
  CHECK(sites.out.find("Climate sites (facility.site)") != std::string::npos);
  CHECK(sites.out.find("  iowa ") != std::string::npos);
  CHECK(sites.out.find("source: NOAA NCEI") != std::string::npos);
  CHECK(sites.out.find("Accelerators") == std::string::npos);

  const auto regions = run_cli({"catalog", "regions"});
  CHECK(regions.out.find("  us-central1 ") != std::string::npos);
  CHECK(regions.out.find("  caiso ") != std::string::npos);
  CHECK(regions.out.find("source 2019: Google Cloud region carbon data 2019") != std::string::npos);

  const auto hardware = run_cli({"catalog", "hardware"});
  CHECK(hardware.out.find("V100") != std::string::npos);
  CHECK(hardware.out.find("Patterson") != std::string::npos);

  const auto models = run_cli({"catalog", "models"});
  CHECK(models.out.find("fan2007") != std::string::npos);
  CHECK(models.out.find("models/hardware/PowerCurve.hpp") != std::string::npos);

  const auto facilities = run_cli({"catalog", "facilities"});
  CHECK(facilities.out.find("  hyperscale ") != std::string::npos);

  const auto all = run_cli({"catalog"});
  for (const char* heading : {"Accelerators", "Facility presets", "Climate sites", "Published grid figures",
                              "Generation-mix regions", "Model registries"})
    CHECK(all.out.find(heading) != std::string::npos);
  CHECK(run_cli({"catalog", "planets"}).code == 2);
}

TEST_CASE("explain says where each value of the resolved scenario came from") {
  TempDir dir;
  dir.write("base.yaml", R"(accelerators:
  A:
    tdp: 300 W
    system_power: 280 W
facility:
  pue: 1.5
)");
  const std::string s = dir.write("s.yaml", R"(extends: base.yaml
name: s
grid:
  gross: 0.5 kg/kWh
jobs:
  - name: j
    accelerator: A
    chips: 2
    duration: 10 h
)").string();
  const std::string base = (dir / "base.yaml").string();
  const auto r = run_cli({"explain", s, "--set", "facility.pue=1.2"});
  REQUIRE(r.code == 0);
  const auto origin_of = [&](const std::string& line_start) {
    const std::size_t at = r.out.find("\n" + line_start);
    if (at == std::string::npos) return std::string("(no line '" + line_start + "')");
    const std::size_t end = r.out.find('\n', at + 1);
    const std::string line = r.out.substr(at + 1, end - at - 1);
    return line.substr(line.find("  # ") + 4);
  };
  CHECK(origin_of("name: s ") == s + ":2");
  CHECK(origin_of("  gross: 500 g/kWh ") == s + ":4");
  CHECK(origin_of("    chips: 2 ") == s + ":8");
  CHECK(origin_of("    tdp: 300 W ") == base + ":3");
  CHECK(origin_of("  pue: 1.2 ") == "--set");
  CHECK(origin_of("seed: 1 ") == "default");
  CHECK(r.out.find(s + " -> " + base) != std::string::npos);
  CHECK(run_cli({"explain", (dir / "missing.yaml").string()}).code == 2);
}

TEST_CASE("explain names the catalog a preset is read from") {
  TempDir dir;
  const std::string s = dir.write("s.yaml", R"(name: s
accelerators:
  A: {tdp: 300 W, system_power: 300 W}
facility: {preset: hyperscale, site: iowa}
grid: {gross: 0.5 kg/kWh}
jobs:
  - {name: j, accelerator: A, chips: 2, duration: 10 h}
)").string();
  const auto r = run_cli({"explain", s});
  REQUIRE(r.code == 0);
  CHECK(r.out.find("preset: hyperscale") != std::string::npos);
  CHECK(r.out.find("an entry of the catalog ") != std::string::npos);
  CHECK(r.out.find("facilities.yaml") != std::string::npos);
}
