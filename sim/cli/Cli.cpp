#include "sim/cli/Cli.hpp"

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>

#include "analysis/Compare.hpp"
#include "analysis/Report.hpp"
#include "analysis/Uncertainty.hpp"
#include "analysis/ResultFile.hpp"
#include "models/InputError.hpp"
#include "sim/Run.hpp"
#include "sim/cli/CatalogCommand.hpp"
#include "sim/cli/Completion.hpp"
#include "sim/cli/Explain.hpp"
#include "sim/cli/Bench.hpp"
#include "sim/cli/Plot.hpp"
#include "sim/cli/StatusLine.hpp"
#include "sim/scenario/DataDir.hpp"
#include "sim/scenario/SchemaDoc.hpp"
#include "sim/scenario/Spec.hpp"
#include "sim/sweep/MonteCarlo.hpp"
#include "sim/sweep/Sweep.hpp"
#include "sim/sweep/SweepMpi.hpp"

namespace dcsim::cli {
namespace {

namespace fs = std::filesystem;

// How much the command says on stderr, and whether in colour: set once per run() from the global
// options. Colour only when the stream is the process's stderr, a terminal, and NO_COLOR is unset.
struct Diagnostics {
  bool quiet = false;    ///< no warnings, no progress
  bool verbose = false;  ///< timings and counts
  bool colour = false;
};
Diagnostics diagnostics;

bool colour_for(const std::ostream& err) {
  const char* no_colour = std::getenv("NO_COLOR");
  return &err == &std::cerr && (no_colour == nullptr || *no_colour == '\0') && ::isatty(STDERR_FILENO) == 1;
}

std::string tagged(const char* tag, const char* colour) {
  return diagnostics.colour ? fmt::format("\033[{}m{}:\033[0m", colour, tag) : fmt::format("{}:", tag);
}

// Progress on the terminal for the commands that take a while (a sweep draws its own bar).
bool progress_for(const std::ostream& err) { return &err == &std::cerr && !diagnostics.quiet && ::isatty(STDERR_FILENO) == 1; }

void print_problems(const InputError& e, std::ostream& err) {
  for (const Problem& p : e.problems()) err << tagged("error", "1;31") << ' ' << format_problem(p) << '\n';
}

void warn(std::ostream& err, const std::string& file, const std::string& message) {
  if (!diagnostics.quiet) err << tagged("warning", "1;33") << ' ' << file << ": " << message << '\n';
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec1, ec2;
  return fs::weakly_canonical(a, ec1) == fs::weakly_canonical(b, ec2);
}

struct RunOptions {
  std::string scenario;
  std::string output;
  bool json = false;
  std::vector<std::string> set;
  std::size_t samples = 0;  ///< 0: one run at the nominal values
  std::optional<std::uint64_t> seed;
  int threads = 0;
};

// `run --samples N`: Monte Carlo over the scenario's distributions.
int cmd_monte_carlo(const RunOptions& o, std::ostream& out, std::ostream& err) {
  if (!o.output.empty()) {
    if (same_file(o.output, o.scenario)) throw InputError(Location{o.output, 0, 0}, "", "the output path is the scenario file itself");
    sweep::check_monte_carlo_output(o.scenario, o.set, o.output);
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<sweep::MonteCarloResult> result;
  {
    StatusLine status(err, progress_for(err));
    result = sweep::run_monte_carlo(o.scenario, o.set, sweep::MonteCarloOptions{o.samples, o.seed, o.threads},
                                    [&status](std::size_t done, std::size_t total) {
                                      status.show(fmt::format("sample {}/{}", done, total), done == total);
                                    });
  }
  const sweep::MonteCarloResult& r = *result;
  const auto t1 = std::chrono::steady_clock::now();
  for (const std::string& w : r.warnings) warn(err, o.scenario, w);
  if (!o.output.empty()) sweep::write_monte_carlo(o.output, r);
  if (o.json) out << analysis::uncertainty_json(r.report).dump() << '\n';
  else out << analysis::format_uncertainty(r.report);
  if (diagnostics.verbose) {
    const double s = std::chrono::duration<double>(t1 - t0).count();
    fmt::print(err, "{}: {} samples in {:.2f} s ({:.0f} samples/s)\n", o.scenario, o.samples, s,
               s > 0.0 ? static_cast<double>(o.samples) / s : 0.0);
  }
  return kExitOk;
}

int cmd_run(const RunOptions& o, std::ostream& out, std::ostream& err) {
  if (o.samples > 0) return cmd_monte_carlo(o, out, err);
  if (o.seed || o.threads > 0) throw InputError(Location{"--seed", 0, 0}, "", "--seed and --threads go with --samples N");
  if (!o.output.empty() && same_file(o.output, o.scenario))
    throw InputError(Location{o.output, 0, 0}, "", "the output path is the scenario file itself");
  const auto t0 = std::chrono::steady_clock::now();
  // The resolved text goes into an output file only: a run that prints its summary skips writing it.
  scenario::LoadOptions load_options;
  load_options.resolved_text = !o.output.empty();
  const scenario::Scenario s = scenario::load_scenario(o.scenario, o.set, load_options);
  // The printed summary lists at most kMaxJsonJobs jobs (the file has every row).
  const sim::RunOutcome r = sim::run_scenario(s, o.output.empty() ? std::nullopt : std::optional<fs::path>(o.output),
                                              sim::RunOptions{analysis::kMaxJsonJobs, diagnostics.verbose});
  const auto t1 = std::chrono::steady_clock::now();
  for (const std::string& w : r.warnings) warn(err, o.scenario, w);
  if (o.json) {
    out << analysis::summary_json(r.info, r.summary, r.jobs).dump() << '\n';
  } else {
    analysis::RunFile view{r.info, r.summary, r.jobs, 0};
    out << analysis::format_report(o.output.empty() ? o.scenario : o.output, view);
  }
  if (diagnostics.verbose)
    fmt::print(err, "{}: {} events in {:.2f} ms; trajectory fingerprint {:016x}\n", o.scenario, r.events,
               std::chrono::duration<double, std::milli>(t1 - t0).count(), r.fingerprint);
  return kExitOk;
}

int cmd_report(const std::string& file, bool json, bool profile, std::ostream& out) {
  const analysis::RunFile run = analysis::read_run(file);
  if (profile) {
    out << analysis::format_profile(run, analysis::read_timeseries(file));
    return kExitOk;
  }
  if (json) {
    out << analysis::summary_json(run.info, run.summary, run.jobs).dump() << '\n';
  } else {
    out << analysis::format_report(file, run);
  }
  return kExitOk;
}

int cmd_validate(const std::vector<std::string>& files, bool print_resolved, std::ostream& out, std::ostream& err) {
  int code = kExitOk;
  for (const std::string& f : files) {
    try {
      const scenario::Scenario s = scenario::load_scenario(f);
      scenario::check_distribution_ends(s, f);
      // Every row of a job trace is checked too (a run reads them only as it reaches them).
      std::size_t jobs = s.jobs.size();
      if (s.trace_jobs) jobs += scenario::TraceCursor(*s.trace_jobs).drain();
      if (print_resolved) out << s.resolved_yaml;
      else
        out << f << ": ok (" << jobs << " job" << (jobs == 1 ? "" : "s")
            << (s.drawn.empty() ? std::string() : fmt::format(", {} distribution{}", s.drawn.size(), s.drawn.size() == 1 ? "" : "s"))
            << ")\n";
    } catch (const InputError& e) {
      print_problems(e, err);
      code = kExitInputError;
    }
  }
  return code;
}

std::vector<fs::path> scenario_files(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(Location{dir.string(), 0, 0}, "", "is not a directory of scenarios");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  if (!(file << text) || !file.flush()) throw InputError(Location{path, 0, 0}, "", "cannot be written");
}

struct ReproduceOptions {
  std::string out_dir;
  std::string markdown;  ///< also write the tables here as Markdown
  std::string csv;       ///< and here as CSV
};

int cmd_reproduce(const std::string& scenarios, const ReproduceOptions& o, std::ostream& out, std::ostream& err) {
  const std::string& out_dir = o.out_dir;
  const std::vector<fs::path> files = scenario_files(scenarios);
  fs::path dir = out_dir;
  const bool keep = !out_dir.empty();
  if (!keep) {
    dir = fs::temp_directory_path() / fmt::format("dcsim-reproduce-{}", ::getpid());
  }
  fs::create_directories(dir);
  std::vector<analysis::Reproduction> rows;
  std::map<std::string, analysis::RunFile> ratio_runs;
  StatusLine status(err, progress_for(err));
  for (const fs::path& f : files) {
    status.show(fmt::format("reproduce: {}/{} {}", &f - files.data() + 1, files.size(), f.filename().string()));
    const scenario::Scenario s = scenario::load_scenario(f);
    const std::string stem = f.stem().string();
    const bool for_ratios = std::find(analysis::kRatioScenarios.begin(), analysis::kRatioScenarios.end(), stem) !=
                            analysis::kRatioScenarios.end();
    if (!s.expected && !for_ratios) continue;
    const fs::path h5 = dir / (stem + ".h5");
    sim::run_scenario(s, h5);
    // Compare what the file says, not what the run returned: the output path is what users read.
    analysis::RunFile run = analysis::read_run(h5.string());
    if (s.expected) rows.push_back(analysis::Reproduction{*s.expected, run.summary, f.string()});
    if (for_ratios) ratio_runs.emplace(stem, std::move(run));
  }
  status.clear();
  if (!keep) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  if (rows.empty()) {
    err << tagged("error", "1;31") << ' ' << scenarios << ": no scenario with an `expected:` block\n";
    return kExitInputError;
  }
  out << "Patterson et al. 2021, \"Carbon Emissions and Large Neural Network Training\": each figure simulated,\n"
         "written to HDF5 and read back (error = dcsim / paper - 1).\n";
  out << analysis::format_reproduction(rows);
  const std::vector<analysis::RatioReproduction> ratios = analysis::paper_ratios(ratio_runs);
  out << analysis::format_ratios(ratios);
  if (!o.markdown.empty()) write_text(o.markdown, analysis::reproduction_markdown(rows, ratios));
  if (!o.csv.empty()) write_text(o.csv, analysis::reproduction_csv(rows, ratios));
  const bool ok = std::all_of(rows.begin(), rows.end(), [](const auto& r) { return analysis::check(r).ok(); }) &&
                  std::all_of(ratios.begin(), ratios.end(), [](const auto& r) { return analysis::check(r).ok; });
  return ok ? kExitOk : kExitFailure;
}

bool is_result_file(const fs::path& p) { return p.extension() == ".h5" || p.extension() == ".hdf5"; }

// Every file is checked (scenarios loaded, result files read) before any scenario runs, so one
// bad name costs no simulation and all bad names are reported together.
int cmd_compare(const std::vector<std::string>& files, bool json, std::ostream& out, std::ostream& err) {
  if (files.size() < 2) {
    err << tagged("error", "1;31") << " compare needs at least two scenarios or result files\n";
    return kExitInputError;
  }
  std::vector<std::optional<scenario::Scenario>> scenarios(files.size());
  std::vector<analysis::CompareInput> inputs(files.size());
  std::vector<Problem> problems;
  for (std::size_t k = 0; k < files.size(); ++k) {
    try {
      inputs[k].label = files[k];
      if (is_result_file(files[k])) inputs[k].run = analysis::read_run(files[k]);
      else scenarios[k] = scenario::load_scenario(files[k]);
    } catch (const InputError& e) {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  StatusLine status(err, progress_for(err));
  for (std::size_t k = 0; k < files.size(); ++k) {
    if (!scenarios[k]) continue;
    status.show(fmt::format("compare: running {} ({}/{})", files[k], k + 1, files.size()));
    sim::RunOutcome r = sim::run_scenario(*scenarios[k], std::nullopt);
    status.clear();
    for (const std::string& w : r.warnings) warn(err, files[k], w);
    inputs[k].run = analysis::RunFile{std::move(r.info), std::move(r.summary), std::move(r.jobs), 0};
  }
  if (inputs.size() == 2) {
    const analysis::Comparison c = analysis::compare(inputs[0], inputs[1]);
    if (json) out << analysis::comparison_json(c).dump() << '\n';
    else out << analysis::format_comparison(c);
  } else {
    const analysis::Chain chain = analysis::compare_chain(inputs);
    if (json) out << analysis::chain_json(chain).dump() << '\n';
    else out << analysis::format_chain(chain);
  }
  return kExitOk;
}

struct SweepCommand {
  std::string spec;
  std::string output;
  int threads = 0;
  std::string shard;
  std::string runs_dir;
  bool list = false;
};

// A shard from --shard, else from a SLURM job array (SLURM_ARRAY_TASK_ID of a 0..N-1 or 1..N
// array, SLURM_ARRAY_TASK_COUNT).
std::optional<std::pair<int, int>> shard_of(const std::string& option) {
  if (!option.empty()) return sweep::parse_shard(option);
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  if (id == nullptr || count == nullptr) return std::nullopt;
  const int first = min != nullptr ? std::atoi(min) : 0;
  return sweep::parse_shard(fmt::format("{}/{}", std::atoi(id) - first + 1, std::atoi(count)));
}

int cmd_sweep(const SweepCommand& o, std::ostream& out, std::ostream& err) {
  const sweep::SweepSpec spec = sweep::load_sweep(o.spec);
  if (o.list) {
    for (const sweep::Variant& v : spec.variants) {
      out << v.index << ' ' << v.id;
      for (const auto& [k, value] : v.settings) out << ' ' << k << '=' << value;
      out << '\n';
    }
    return kExitOk;
  }
  if (o.output.empty()) throw InputError(Location{o.spec, 0, 0}, "", "give the output file: -o RESULTS.h5");
  if (same_file(o.output, o.spec) || same_file(o.output, spec.base))
    throw InputError(Location{o.output, 0, 0}, "", "the output path is an input file");
  // A key misspelt in the sweep would fail every variant: check the first one before running.
  (void)scenario::load_scenario(spec.variants.front().base, sweep::overrides_of(spec, spec.variants.front()),
                                scenario::LoadOptions{false});

  const auto [rank, size] = sweep::mpi_start();
  sweep::SweepOptions options;
  options.output = o.output;
  options.threads = o.threads;
  options.shard = shard_of(o.shard);
  options.runs_dir = o.runs_dir;
  options.progress_tty = ::isatty(STDERR_FILENO) == 1 && !diagnostics.quiet;
  options.mpi_rank = rank;
  options.mpi_size = size;
  sweep::SweepReport r;
  try {
    std::ostream silent(nullptr);  // --quiet: no progress lines either
    r = sweep::run_sweep(spec, options, diagnostics.quiet ? silent : err);
  } catch (const InputError& e) {
    if (size == 1) throw;
    print_problems(e, err);
    sweep::mpi_abort(kExitInputError);
  } catch (const std::exception& e) {
    if (size == 1) throw;
    err << "dcsim: rank " << rank << ": " << e.what() << '\n';
    sweep::mpi_abort(kExitFailure);
  }
  sweep::mpi_finish();
  if (rank != 0) return kExitOk;
  const std::size_t excluded = spec.excluded;
  fmt::print(out, "{}: {} variants{} in {:.2f} s ({:.0f} variants/s){}{}; {} failed -> {}\n", o.spec, r.variants,
             options.shard ? fmt::format(" (shard {}/{})", options.shard->first, options.shard->second) : std::string(),
             r.seconds, r.seconds > 0.0 ? static_cast<double>(r.ran) / r.seconds : 0.0,
             r.resumed > 0 ? fmt::format(", {} resumed from the progress log", r.resumed) : std::string(),
             excluded > 0 ? fmt::format(", {} excluded", excluded) : std::string(), r.failed, o.output);
  if (!r.first_error.empty()) err << "sweep: first failure: " << r.first_error << '\n';
  return kExitOk;
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"dcsim: discrete-event simulation of the energy and carbon of ML training in datacentres", "dcsim"};
  app.set_version_flag("--version", std::string("dcsim ") + sim::version());
  app.require_subcommand(1);
  app.fallthrough();
  diagnostics = Diagnostics{};
  app.add_flag("-q,--quiet", diagnostics.quiet, "Print no warnings and no progress on stderr");
  app.add_flag("-v,--verbose", diagnostics.verbose, "Print timings and counts on stderr (run: events, wall time, fingerprint)");

  RunOptions run_opts;
  CLI::App* run_cmd = app.add_subcommand("run", "Simulate a scenario; optionally write its HDF5 output");
  run_cmd->add_option("scenario", run_opts.scenario, "Scenario YAML file")->required();
  run_cmd->add_option("-o,--output", run_opts.output, "Write the run to this HDF5 file");
  run_cmd->add_flag("--json", run_opts.json, "Print the summary as one JSON object");
  run_cmd->add_option("--samples", run_opts.samples,
                      "Monte Carlo: run N samples of the scenario's distributions; print mean, sd and the 90% interval")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  std::uint64_t run_seed = 0;
  CLI::Option* run_seed_opt =
      run_cmd->add_option("--seed", run_seed, "With --samples: seed of the draws (default: the scenario's seed)");
  run_cmd->add_option("--threads", run_opts.threads, "With --samples: threads (default: every core)")->check(CLI::Range(1, 4096));
  run_cmd->add_option("--set", run_opts.set,
                      "Override a scenario key: KEY.PATH=VALUE (e.g. cluster.hosts=1000, job_trace.file=jobs.csv); repeatable");

  std::string report_file;
  bool report_json = false;
  CLI::App* report_cmd = app.add_subcommand("report", "Print the summary of a run file");
  report_cmd->add_option("file", report_file, "HDF5 file written by dcsim run")->required();
  report_cmd->add_flag("--json", report_json, "Print the summary as one JSON object");
  bool report_profile = false;
  report_cmd->add_flag("--profile", report_profile, "Print mean grid intensity by hour of day (UTC) and by month");

  std::vector<std::string> validate_files;
  bool print_resolved = false;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Check scenario files without running them");
  validate_cmd->add_option("files", validate_files, "Scenario YAML files")->required();
  validate_cmd->add_flag("--resolved", print_resolved, "Print each scenario fully resolved (extends and defaults applied)");

  std::string scenarios_dir = (scenario::scenario_dir() / "paper").string();
  ReproduceOptions reproduce_opts;
  CLI::App* reproduce_cmd =
      app.add_subcommand("reproduce", "Simulate the paper's Tables 1 and 4, its GShard/GPT-3 and NAS ratios, and compare with the published figures");
  reproduce_cmd->add_option("--scenarios", scenarios_dir, "Directory of scenarios with expected: blocks")
      ->capture_default_str();
  reproduce_cmd->add_option("--out-dir", reproduce_opts.out_dir, "Keep each run's HDF5 file in this directory");
  reproduce_cmd->add_option("--markdown", reproduce_opts.markdown, "Also write the tables to this file as Markdown");
  reproduce_cmd->add_option("--csv", reproduce_opts.csv, "Also write the tables to this file as CSV (one row per figure)");

  SweepCommand sweep_opts;
  CLI::App* sweep_cmd = app.add_subcommand("sweep", "Run every variant of a sweep spec on all cores (or MPI ranks, or one shard)");
  sweep_cmd->add_option("spec", sweep_opts.spec, "Sweep YAML file")->required();
  sweep_cmd->add_option("-o,--output", sweep_opts.output, "Results HDF5 file (appears when the sweep is complete)");
  sweep_cmd->add_option("--threads", sweep_opts.threads, "Threads (default: every core)")->check(CLI::Range(0, 4096));
  sweep_cmd->add_option("--shard", sweep_opts.shard, "Run shard K of N (K/N); default from SLURM_ARRAY_TASK_ID/COUNT");
  sweep_cmd->add_option("--runs-dir", sweep_opts.runs_dir, "Also write each variant's full run as DIR/<id>.h5");
  sweep_cmd->add_flag("--list", sweep_opts.list, "Print the variants (index, id, settings) and exit");

  std::vector<std::string> merge_inputs;
  std::string merge_output;
  CLI::App* merge_cmd = app.add_subcommand("merge", "Merge the shard files of one sweep");
  merge_cmd->add_option("shards", merge_inputs, "Shard HDF5 files")->required();
  merge_cmd->add_option("-o,--output", merge_output, "Merged HDF5 file")->required();

  CLI::App* schema_cmd = app.add_subcommand("schema", "Print the scenario format reference (Markdown)");

  std::string catalog_dir = scenario::catalog_dir().string();
  std::string catalog_topic;
  CLI::App* catalog_cmd = app.add_subcommand("catalog", "List what is built in, each item with its source: hardware, facility presets, climate sites, grid regions, model registries");
  catalog_cmd->add_option("topic", catalog_topic, "One of them only")
      ->check(CLI::IsMember(std::vector<std::string>(kCatalogTopics.begin(), kCatalogTopics.end())));
  catalog_cmd->add_option("--dir", catalog_dir, "Catalog directory")->capture_default_str();

  std::string explain_file;
  std::vector<std::string> explain_set;
  CLI::App* explain_cmd = app.add_subcommand(
      "explain", "Print a scenario resolved (extends, --set and defaults applied), each key with where its value came from");
  explain_cmd->add_option("scenario", explain_file, "Scenario YAML file")->required();
  explain_cmd->add_option("--set", explain_set, "Override a scenario key: KEY.PATH=VALUE; repeatable");

  std::string completion_shell;
  CLI::App* completion_cmd = app.add_subcommand("completion", "Print the shell completion script for bash or zsh");
  completion_cmd->add_option("shell", completion_shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  CLI::App* man_cmd = app.add_subcommand("man", "Print the man page, dcsim(1), in roff (man -l FILE shows it)");

  std::vector<std::string> compare_files;
  bool compare_json = false;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "Decompose the CO2e ratio of runs A / B into model x machine x mechanization x map; a chain A B C ... step by step");
  compare_cmd->add_option("runs", compare_files, "Scenario YAML files (run now) or result .h5 files, two or more")->required();
  compare_cmd->add_flag("--json", compare_json, "Print the comparison as one JSON object");

  PlotOptions plot_opts;
  CLI::App* plot_cmd = app.add_subcommand(
      "plot", "Draw the plots of run files, sweep files or compare --json output (Python: h5py, matplotlib)");
  plot_cmd->add_option("files", plot_opts.files, "Run or sweep .h5 files, or .json written by compare --json")->required();
  plot_cmd->add_option("-o,--output-dir", plot_opts.out_dir, "Directory for the images (created if missing)")
      ->capture_default_str();
  plot_cmd->add_option("--format", plot_opts.format, "Image format")
      ->check(CLI::IsMember({"png", "svg"}))
      ->capture_default_str();
  plot_cmd->add_option("--x", plot_opts.x, "Sweep heatmap: varied key along x (default: the one with most values)");
  plot_cmd->add_option("--y", plot_opts.y, "Sweep heatmap: varied key along y (default: the next one)");
  plot_cmd->add_option("--metric", plot_opts.metric, "Sweep heatmap: summary figure to show (default: co2e_net_t)");

  BenchOptions bench_opts;
  CLI::App* bench_cmd = app.add_subcommand(
      "bench", "Measure fixed cases (engine, GPT-3, a hall's year, fleet-year, a 10,000-variant sweep) and print a table");
  bench_cmd->add_option("--runs", bench_opts.runs, "Timed runs per case after one warm-up (median reported)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  bench_cmd->add_option("--only", bench_opts.only, "Run only these cases (engine, gpt3, facility-year, fleet-year-small, ...)");
  bench_cmd->add_option("--fleet-dir", bench_opts.fleet_dir,
                        "Folder of fleet-year traces h<H>-j<J>-s1/ (default: the benchmark script's cache, ~/.cache/fleet-year)");
  bench_cmd->add_flag("--quick", bench_opts.quick, "One run each, no sweep and no large fleet (a smoke test)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitInputError;
  }
  if (diagnostics.quiet && diagnostics.verbose) {
    err << "error: --quiet and --verbose exclude each other\n";
    return kExitInputError;
  }
  diagnostics.colour = colour_for(err);

  try {
    if (run_cmd->parsed()) {
      if (run_seed_opt->count() > 0) run_opts.seed = run_seed;
      return cmd_run(run_opts, out, err);
    }
    if (report_cmd->parsed()) return cmd_report(report_file, report_json, report_profile, out);
    if (validate_cmd->parsed()) return cmd_validate(validate_files, print_resolved, out, err);
    if (reproduce_cmd->parsed()) return cmd_reproduce(scenarios_dir, reproduce_opts, out, err);
    if (catalog_cmd->parsed()) {
      print_catalog(catalog_topic, catalog_dir, out);
      return kExitOk;
    }
    if (explain_cmd->parsed()) {
      out << explain_scenario(explain_file, explain_set);
      return kExitOk;
    }
    if (completion_cmd->parsed()) {
      out << (completion_shell == "bash" ? bash_completion(app) : zsh_completion(app));
      return kExitOk;
    }
    if (man_cmd->parsed()) {
      out << man_page(app, sim::version());
      return kExitOk;
    }
    if (compare_cmd->parsed()) return cmd_compare(compare_files, compare_json, out, err);
    if (sweep_cmd->parsed()) return cmd_sweep(sweep_opts, out, err);
    if (plot_cmd->parsed()) return run_plots(plot_opts, out, err);
    if (bench_cmd->parsed()) return run_bench(bench_opts, out, err);
    if (merge_cmd->parsed()) {
      sweep::merge_shards(merge_inputs, merge_output);
      fmt::print(out, "merged {} shard(s) -> {}\n", merge_inputs.size(), merge_output);
      return kExitOk;
    }
    if (schema_cmd->parsed()) {
      out << scenario::SchemaDoc::markdown<scenario::ScenarioSpec>();
      return kExitOk;
    }
  } catch (const InputError& e) {
    print_problems(e, err);
    return kExitInputError;
  } catch (const std::exception& e) {
    err << "dcsim: " << tagged("internal error", "1;31") << ' ' << e.what() << '\n';
    return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace dcsim::cli
