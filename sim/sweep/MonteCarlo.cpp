#include "sim/sweep/MonteCarlo.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <optional>
#include <set>

#include <fmt/format.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "analysis/hdf5/Hdf5.hpp"
#include "analysis/hdf5/Table.hpp"
#include "models/InputError.hpp"
#include "sim/Run.hpp"
#include "sim/SpareCore.hpp"
#include "sim/output/TempFiles.hpp"
#include "sim/scenario/Scenario.hpp"

namespace dcsim::sweep {
namespace {

namespace fs = std::filesystem;
using analysis::kSummaryFields;

constexpr std::int64_t kMonteCarloFormat = 1;

// The outputs reported, in order: energy, then CO2e on every accounting basis.
struct Reported {
  const char* name;
  const char* label;
};
constexpr std::array<Reported, 10> kReported{{
    {"it_energy_mwh", "IT energy"},
    {"facility_energy_mwh", "facility energy"},
    {"pue", "PUE"},
    {"co2e_gross_t", "CO2e gross"},
    {"co2e_net_t", "CO2e net"},
    {"co2e_net_given_t", "CO2e net given"},
    {"co2e_hourly_t", "CO2e hourly (24/7)"},
    {"co2e_annual_t", "CO2e annual matching"},
    {"co2e_marginal_t", "CO2e marginal"},
    {"embodied_co2e_t", "CO2e embodied"},
}};

std::size_t field_index(std::string_view name) {
  for (std::size_t i = 0; i < kSummaryFields.size(); ++i)
    if (kSummaryFields[i].name == name) return i;
  throw std::logic_error(fmt::format("no summary field {}", name));
}

std::int64_t sample_seed(std::uint64_t seed, std::uint64_t index) {
  return static_cast<std::int64_t>(scenario::draw_uniform(seed, index, "seed") * 0x1.0p53);
}

[[noreturn]] void fail(const std::string& file, const std::string& message) {
  throw InputError(Location{file, 0, 0}, "", message);
}

analysis::UncertaintyReport report_of(const scenario::Scenario& nominal, const std::string& file, const MonteCarloResult& r,
                                      std::size_t samples, std::uint64_t seed, const std::string& net_basis) {
  analysis::UncertaintyReport rep;
  rep.scenario_name = nominal.name;
  rep.scenario_file = file;
  rep.samples = samples;
  rep.seed = seed;
  rep.net_basis = net_basis;
  for (std::size_t k = 0; k < r.inputs.size(); ++k) {
    analysis::SampledInput in;
    in.key = r.inputs[k].path;
    in.distribution = r.inputs[k].description;
    std::vector<double> numbers;
    std::set<std::string> texts;
    for (const auto& draw : r.draws) {
      numbers.push_back(draw[k].number);
      texts.insert(draw[k].text);
    }
    in.numeric = std::all_of(numbers.begin(), numbers.end(), [](double x) { return std::isfinite(x); });
    if (in.numeric) in.stats = analysis::statistics(numbers);
    in.distinct = texts.size();
    rep.inputs.push_back(std::move(in));
  }
  for (const Reported& o : kReported) {
    const std::size_t f = field_index(o.name);
    std::vector<double> values;
    for (const auto& m : r.metrics) values.push_back(m[f]);
    if (!std::all_of(values.begin(), values.end(), [](double x) { return std::isfinite(x); })) continue;  // basis not configured
    if (std::string_view(o.name) == "embodied_co2e_t" && std::all_of(values.begin(), values.end(), [](double x) { return x == 0.0; }))
      continue;
    rep.outputs.push_back(analysis::SampledOutput{o.name, o.label, std::string(kSummaryFields[f].units), analysis::statistics(values)});
  }
  return rep;
}

}  // namespace

void check_monte_carlo_output(const std::filesystem::path& scenario_file, const std::vector<std::string>& overrides,
                              const std::string& output) {
  const fs::path dest(output);
  std::error_code ec;
  if (!dest.parent_path().empty() && !fs::is_directory(dest.parent_path(), ec))
    fail(output, "the output directory does not exist");
  if (fs::equivalent(dest, scenario_file, ec)) fail(output, "the output path is the scenario file itself");
  const scenario::Scenario s = scenario::load_scenario(scenario_file, overrides, scenario::LoadOptions{false, {}});
  for (const auto& [key, file] : s.inputs)
    if (fs::equivalent(dest, file, ec)) fail(output, fmt::format("the output path is an input of the scenario ({})", key));
}

MonteCarloResult run_monte_carlo(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                                 const MonteCarloOptions& options, const MonteCarloProgress& progress) {
  if (options.samples == 0) fail("--samples", "give at least one sample");
  const scenario::Scenario nominal = scenario::load_scenario(file, overrides);
  if (nominal.drawn.empty())
    throw InputError(Location{file.string(), 0, 0}, "",
                     "has no distribution to sample (give a key as {dist: uniform, low: .., high: ..}, see scenarios/README.md)");
  scenario::check_distribution_ends(nominal, file, overrides);
  const std::uint64_t seed = options.seed.value_or(static_cast<std::uint64_t>(nominal.seed));

  MonteCarloResult r;
  r.resolved_yaml = nominal.resolved_yaml;
  r.warnings = nominal.warnings;
  r.inputs = nominal.drawn;
  const std::size_t n = options.samples;
  r.seeds.resize(n);
  r.draws.resize(n);
  r.metrics.resize(n);
  std::vector<std::optional<InputError>> input_errors(n);
  std::vector<std::string> run_errors(n);
  std::atomic<std::size_t> first_bad{n};
  std::mutex progress_mutex;
  std::size_t done = 0;  // guarded by progress_mutex
  std::string net_basis;
  // A sample above the lowest failure found so far is skipped; every sample below it still runs,
  // so the failure reported is the lowest one whatever the thread count.
  const auto run_sample = [&](std::size_t i) {
    if (i > first_bad.load()) return;
    const sim::NoHelperThreads only_this_thread;  // --threads is the run's number of cores
    try {
      r.seeds[i] = sample_seed(seed, i);
      std::vector<std::string> o{fmt::format("seed={}", r.seeds[i])};
      o.insert(o.end(), overrides.begin(), overrides.end());
      scenario::LoadOptions lo;
      lo.resolved_text = false;
      lo.draws.sample = scenario::DrawRule::Sample{seed, i};
      const scenario::Scenario s = scenario::load_scenario(file, o, lo);
      for (const scenario::DrawnInput& in : r.inputs) {
        const auto it = std::find_if(s.drawn.begin(), s.drawn.end(), [&](const auto& d) { return d.path == in.path; });
        const scenario::DrawnInput& d = it != s.drawn.end() ? *it : in;
        r.draws[i].push_back(MonteCarloResult::Draw{d.text, d.number});
      }
      const sim::RunOutcome run = sim::run_scenario(s, std::nullopt, sim::RunOptions{0, false});  // totals only
      for (std::size_t f = 0; f < kSummaryFields.size(); ++f) r.metrics[i][f] = run.summary.*kSummaryFields[f].member;
      if (i == 0) net_basis = run.summary.net_basis;  // the scenario's, the same in every sample
      if (progress) {
        const std::lock_guard lock(progress_mutex);
        progress(++done, n);
      }
      return;
    } catch (const InputError& e) {
      input_errors[i] = e;
    } catch (const std::exception& e) {
      run_errors[i] = e.what();
    }
    std::size_t seen = first_bad.load();
    while (i < seen && !first_bad.compare_exchange_weak(seen, i)) {
    }
  };
#ifdef _OPENMP
  const int threads = options.threads > 0 ? options.threads : omp_get_num_procs();
  const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::int64_t k = 0; k < count; ++k) run_sample(static_cast<std::size_t>(k));
#else
  for (std::size_t i = 0; i < n; ++i) run_sample(i);
#endif
  if (const std::size_t bad = first_bad.load(); bad < n) {
    if (input_errors[bad]) {
      std::vector<Problem> problems = input_errors[bad]->problems();
      for (Problem& p : problems)
        if (p.message.find(fmt::format("sample {}", bad)) == std::string::npos) p.message += fmt::format(" (in sample {})", bad);
      throw InputError(std::move(problems));
    }
    throw std::runtime_error(fmt::format("sample {}: {}", bad, run_errors[bad]));
  }
  r.report = report_of(nominal, file.string(), r, n, seed, net_basis);
  return r;
}

void write_monte_carlo(const std::string& path, const MonteCarloResult& r) {
  const std::size_t n = r.metrics.size();
  h5::Table inputs, samples, stats;
  h5::Column key{"key", h5::Column::Kind::text, "", {}, {}, {}};
  h5::Column dist{"distribution", h5::Column::Kind::text, "", {}, {}, {}};
  for (const scenario::DrawnInput& in : r.inputs) {
    key.texts.push_back(in.path);
    dist.texts.push_back(in.description);
  }
  inputs.columns = {key, dist};

  h5::Column index{"sample", h5::Column::Kind::integer, "1", {}, {}, {}};
  h5::Column seed{"seed", h5::Column::Kind::integer, "1", {}, {}, {}};
  for (std::size_t i = 0; i < n; ++i) {
    index.integers.push_back(static_cast<std::int64_t>(i));
    seed.integers.push_back(r.seeds[i]);
  }
  samples.columns = {index, seed};
  for (std::size_t k = 0; k < r.inputs.size(); ++k) {
    h5::Column text{r.inputs[k].path, h5::Column::Kind::text, "", {}, {}, {}};
    h5::Column number{r.inputs[k].path + ".number", h5::Column::Kind::real, "as written", {}, {}, {}};
    bool numeric = true;
    for (std::size_t i = 0; i < n; ++i) {
      text.texts.push_back(r.draws[i][k].text);
      number.reals.push_back(r.draws[i][k].number);
      numeric = numeric && std::isfinite(r.draws[i][k].number);
    }
    samples.columns.push_back(std::move(text));
    if (numeric) samples.columns.push_back(std::move(number));
  }
  for (std::size_t f = 0; f < kSummaryFields.size(); ++f) {
    h5::Column c{std::string(kSummaryFields[f].name), h5::Column::Kind::real, std::string(kSummaryFields[f].units), {}, {}, {}};
    for (std::size_t i = 0; i < n; ++i) c.reals.push_back(r.metrics[i][f]);
    samples.columns.push_back(std::move(c));
  }

  h5::Column name{"name", h5::Column::Kind::text, "", {}, {}, {}};
  h5::Column kind{"kind", h5::Column::Kind::text, "", {}, {}, {}};
  h5::Column units{"units", h5::Column::Kind::text, "", {}, {}, {}};
  h5::Column count{"n", h5::Column::Kind::integer, "1", {}, {}, {}};
  std::array<h5::Column, 7> values{{{"mean", h5::Column::Kind::real, "", {}, {}, {}},
                                    {"sd", h5::Column::Kind::real, "", {}, {}, {}},
                                    {"p05", h5::Column::Kind::real, "", {}, {}, {}},
                                    {"p50", h5::Column::Kind::real, "", {}, {}, {}},
                                    {"p95", h5::Column::Kind::real, "", {}, {}, {}},
                                    {"min", h5::Column::Kind::real, "", {}, {}, {}},
                                    {"max", h5::Column::Kind::real, "", {}, {}, {}}}};
  const auto add = [&](const std::string& what, const std::string& k, const std::string& u, const analysis::Statistics& s) {
    name.texts.push_back(what);
    kind.texts.push_back(k);
    units.texts.push_back(u);
    count.integers.push_back(static_cast<std::int64_t>(s.n));
    const std::array<double, 7> v{s.mean, s.sd, s.p05, s.p50, s.p95, s.min, s.max};
    for (std::size_t c = 0; c < v.size(); ++c) values[c].reals.push_back(v[c]);
  };
  for (const analysis::SampledInput& in : r.report.inputs)
    if (in.numeric) add(in.key, "input", "as written", in.stats);
  for (const analysis::SampledOutput& o : r.report.outputs) add(o.name, "output", o.units, o.stats);
  stats.columns = {name, kind, units, count};
  for (h5::Column& c : values) stats.columns.push_back(std::move(c));

  // Written under a temporary name beside the destination, renamed when complete.
  const fs::path dest(path);
  const fs::path tmp = dest.parent_path() / (dest.filename().string() + ".tmp");
  const int slot = output::register_temporary(tmp.string());
  try {
    {
      const h5::Handle file = h5::create_file(tmp.string());
      h5::write_attribute(file.id(), "format_version", kMonteCarloFormat);
      h5::write_attribute(file.id(), "dcsim_version", std::string_view(sim::version()));
      h5::write_attribute(file.id(), "kind", std::string_view("monte_carlo"));
      h5::write_attribute(file.id(), "scenario_file", std::string_view(r.report.scenario_file));
      h5::write_attribute(file.id(), "scenario_name", std::string_view(r.report.scenario_name));
      h5::write_attribute(file.id(), "scenario_yaml", std::string_view(r.resolved_yaml));
      h5::write_attribute(file.id(), "seed", static_cast<std::int64_t>(r.report.seed));
      h5::write_attribute(file.id(), "samples", static_cast<std::int64_t>(n));
      h5::write_attribute(file.id(), "percentile_method", std::string_view(analysis::kPercentileMethod));
      const h5::Handle group = h5::create_group(file.id(), "uncertainty");
      h5::write_table(group.id(), "inputs", inputs, "the distributions of the scenario");
      h5::write_table(group.id(), "samples", samples, "each sample's drawn values and the summary figures of its run");
      h5::write_table(group.id(), "statistics", stats, "mean, standard deviation and type-7 percentiles over the samples");
    }
    fs::rename(tmp, dest);
    output::release_temporary(slot);
  } catch (const std::exception& e) {
    output::release_temporary(slot);
    std::error_code ec;
    fs::remove(tmp, ec);
    fail(path, e.what());
  }
}

}  // namespace dcsim::sweep
