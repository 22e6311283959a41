#include "sim/cli/Bench.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "models/Memo.hpp"
#include "sim/Run.hpp"
#include "sim/engine/Engine.hpp"
#include "sim/scenario/DataDir.hpp"
#include "sim/scenario/Scenario.hpp"
#include "sim/sweep/Sweep.hpp"
#include "sim/sweep/SweepSpec.hpp"

namespace dcsim::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Case {
  std::string name;
  std::string what;
  std::string target;
  int runs = 1;
  /// One repetition; returns the events it simulated (0 when not counted) and may set `note`.
  std::function<std::uint64_t(std::string& note)> once;
};

struct Result {
  std::vector<double> seconds;
  std::uint64_t events = 0;
  double peak_mib = 0.0;
  std::string note;
  std::string error;
};

// Runs a case in a child process: one warm-up, then `runs` timed repetitions. The child's peak
// resident memory (wait4) is the case's own.
Result measure(const Case& c) {
  Result r;
  int fds[2];
  if (::pipe(fds) != 0) {
    r.error = "pipe failed";
    return r;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    r.error = "fork failed";
    return r;
  }
  if (pid == 0) {
    ::close(fds[0]);
    std::string text;
    try {
      std::string note;
      forget_memos();
      std::uint64_t events = c.once(note);  // warm-up
      std::vector<double> times;
      for (int i = 0; i < c.runs; ++i) {
        forget_memos();  // each repetition reads and makes what a fresh process would
        const auto t0 = Clock::now();
        events = c.once(note);
        times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
      }
      text = fmt::format("ok {} {}\n", events, times.size());
      for (const double t : times) text += fmt::format("{:a}\n", t);
      text += note;
    } catch (const std::exception& e) {
      text = std::string("error ") + e.what();
    }
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
      const ssize_t n = ::write(fds[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  r.peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
  std::istringstream in(text);
  std::string word;
  in >> word;
  if (word != "ok") {
    r.error = text.empty() ? fmt::format("the case's process ended with status {}", status) : text.substr(std::min<std::size_t>(6, text.size()));
    return r;
  }
  std::size_t n = 0;
  in >> r.events >> n;
  for (std::size_t i = 0; i < n; ++i) {
    std::string hex;
    in >> hex;
    r.seconds.push_back(std::strtod(hex.c_str(), nullptr));
  }
  std::getline(in, r.note);
  std::getline(in, r.note);
  return r;
}

// The engine alone: 64 chains of events, each handler scheduling its chain's next at a
// pseudo-random delay, so the queue holds 64 pending events throughout.
std::uint64_t engine_only(std::uint64_t events) {
  engine::Engine e;
  struct Chain {
    engine::Engine* e;
    std::uint64_t* left;
    std::uint64_t state;
    void next() {
      if (*left == 0) return;
      --*left;
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      e->schedule_in(engine::Duration::from_ms(static_cast<std::int64_t>(1 + (state >> 33) % 1000)), [this] { next(); });
    }
  };
  std::uint64_t left = events;
  std::vector<Chain> chains(64);
  for (std::size_t i = 0; i < chains.size(); ++i) {
    chains[i] = Chain{&e, &left, i + 1};
    chains[i].next();
  }
  e.run();
  return e.events_processed();
}

std::map<std::string, double> read_expected(const fs::path& file) {
  std::map<std::string, double> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    for (std::string w; words >> w;)
      if (const auto eq = w.find('='); eq != std::string::npos) out[w.substr(0, eq)] = std::strtod(w.c_str() + eq + 1, nullptr);
  }
  return out;
}

fs::path default_fleet_dir() {
  if (const char* c = std::getenv("FLEET_YEAR_CACHE")) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME")) return fs::path(x) / "fleet-year";
  if (const char* h = std::getenv("HOME")) return fs::path(h) / ".cache" / "fleet-year";
  return "fleet-year";
}

fs::path temp_path(const std::string& stem) {
  return fs::temp_directory_path() / fmt::format("dcsim-bench-{}-{}", ::getpid(), stem);
}

std::vector<Case> cases(const BenchOptions& o, std::ostream& err) {
  const fs::path scenarios = scenario::scenario_dir();
  const int runs = o.quick ? 1 : o.runs;
  std::vector<Case> out;
  out.push_back({"engine", "engine alone: 2,000,000 events, 64 pending", "", runs,
                 [](std::string&) { return engine_only(2'000'000); }});
  out.push_back({"gpt3", "GPT-3 (paper/gpt3.yaml): load + run, no output", "< 5 ms", o.quick ? 1 : 20 * runs,
                 [scenarios](std::string&) {
                   const auto s = scenario::load_scenario(scenarios / "paper" / "gpt3.yaml", {}, scenario::LoadOptions{false});
                   return sim::run_scenario(s, std::nullopt, sim::RunOptions{0, false}).events;
                 }});
  // The same hall for a day and for four years: peak memory must not grow with simulated time.
  const auto facility = [scenarios](std::vector<std::string> sets) {
    return [scenarios, sets](std::string&) {
      const fs::path file = temp_path("facility.h5");
      const auto s = scenario::load_scenario(scenarios / "whatif" / "facility-100-racks-year.yaml", sets);
      const std::uint64_t events = sim::run_scenario(s, file, sim::RunOptions{0, false}).events;
      fs::remove(file);
      return events;
    };
  };
  out.push_back({"facility-day", "the 100-rack hall for one day (peak memory to compare)", "", runs, facility({"horizon=24 h"})});
  out.push_back({"facility-year", "100-rack hall, one year, full physics, hourly HDF5 output", "< 50 ms", runs, facility({})});
  out.push_back({"facility-4-years", "the 100-rack hall for four years", "RSS as facility-day", o.quick ? 1 : std::max(1, runs / 2),
                 facility({"horizon=35040 h"})});
  struct Size {
    const char* name;
    int hosts, jobs;
  };
  const fs::path fleet = o.fleet_dir.empty() ? default_fleet_dir() : fs::path(o.fleet_dir);
  for (const Size z : {Size{"small", 100, 10'000}, Size{"medium", 1000, 100'000}, Size{"large", 10'000, 1'000'000}}) {
    const fs::path dir = fleet / fmt::format("h{}-j{}-s1", z.hosts, z.jobs);
    if (!fs::exists(dir / "jobs.csv") || !fs::exists(dir / "grid.csv")) {
      err << fmt::format("bench: fleet-year {} skipped: no traces in {} (../shared/bench/fleet-year/compare.sh {} makes them)\n",
                         z.name, dir.string(), z.name);
      continue;
    }
    if (o.quick && z.hosts > 1000) continue;
    const std::vector<std::string> sets{"job_trace.file=" + (dir / "jobs.csv").string(), "grid.trace.file=" + (dir / "grid.csv").string(),
                                        fmt::format("cluster.hosts={}", z.hosts), "horizon=31536000s"};
    const auto expected = read_expected(dir / "expected.txt");
    out.push_back({std::string("fleet-year-") + z.name,
                   fmt::format("fleet-year {}: {} hosts, {} jobs, a year, lossless hall", z.name, z.hosts, z.jobs),
                   "RSS < 32 MiB; 1.7x the bare DES (compare.sh)", z.hosts > 1000 ? std::max(1, runs / 2) : runs,
                   [scenarios, sets, expected](std::string& note) {
                     const auto s = scenario::load_scenario(scenarios / "bench" / "fleet-year.yaml", sets, scenario::LoadOptions{false});
                     const sim::RunOutcome r = sim::run_scenario(s, std::nullopt, sim::RunOptions{0, false});
                     if (expected.count("energy_kwh") && expected.count("tco2e")) {
                       const double e = r.summary.facility_energy_mwh * 1e3, c = r.summary.co2e_gross_t;
                       note = fmt::format("totals vs reference: energy rel {:.1e}, tCO2e rel {:.1e}",
                                          std::abs(e - expected.at("energy_kwh")) / expected.at("energy_kwh"),
                                          std::abs(c - expected.at("tco2e")) / expected.at("tco2e"));
                     }
                     return r.events;
                   }});
  }
  // A sweep file run whole on every core, its output thrown away.
  const auto sweep_case = [&](const char* name, const char* file, const char* what, const char* target) {
    out.push_back({name, what, target, 1, [scenarios, file, name](std::string& note) {
                     const sweep::SweepSpec spec = sweep::load_sweep((scenarios / "sweeps" / file).string());
                     sweep::SweepOptions so;
                     so.output = temp_path(std::string(name) + ".h5").string();
                     std::ostringstream log;
                     const sweep::SweepReport r = sweep::run_sweep(spec, so, log);
                     fs::remove(so.output);
                     fs::remove(so.output + ".progress");
                     note = fmt::format("{} variants, {} failed", r.variants, r.failed);
                     return std::uint64_t{0};
                   }});
  };
  if (!o.quick) {
    sweep_case("sweep-hall", "bench-hall.yaml", "sweep of 200 variants of a hall (sweeps/bench-hall.yaml), all cores", "");
    sweep_case("sweep-10k", "bench-10k.yaml", "sweep of 10,000 variants (sweeps/bench-10k.yaml), all cores", "< 30 s on 2 cores");
  }
  return out;
}

}  // namespace

int run_bench(const BenchOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<Case> all = cases(options, err);
  if (!options.only.empty())
    std::erase_if(all, [&](const Case& c) { return std::find(options.only.begin(), options.only.end(), c.name) == options.only.end(); });
  out << fmt::format("{:<18} {:>5} {:>11} {:>11} {:>11} {:>13} {:>9}  {}\n", "case", "runs", "median ms", "min ms",
                     "max ms", "events/s", "peak MiB", "target");
  int failures = 0;
  std::vector<std::string> notes;
  for (const Case& c : all) {
    const Result r = measure(c);
    if (!r.error.empty()) {
      out << fmt::format("{:<18} failed: {}\n", c.name, r.error);
      ++failures;
      continue;
    }
    std::vector<double> t = r.seconds;
    std::sort(t.begin(), t.end());
    const double median = t.empty() ? 0.0 : (t.size() % 2 ? t[t.size() / 2] : 0.5 * (t[t.size() / 2 - 1] + t[t.size() / 2]));
    const std::string rate = r.events > 0 && median > 0 ? fmt::format("{:.3g}", static_cast<double>(r.events) / median) : "-";
    out << fmt::format("{:<18} {:>5} {:>11.3f} {:>11.3f} {:>11.3f} {:>13} {:>9.1f}  {}\n", c.name, t.size(), median * 1e3,
                       t.empty() ? 0.0 : t.front() * 1e3, t.empty() ? 0.0 : t.back() * 1e3, rate, r.peak_mib, c.target);
    notes.push_back(fmt::format("  {}: {}{}", c.name, c.what, r.note.empty() ? "" : "; " + r.note));
  }
  out << "cases (times in-process, without process start; peak memory of the case's own process):\n";
  for (const std::string& n : notes) out << n << '\n';
  return failures == 0 ? 0 : 1;
}

}  // namespace dcsim::cli
