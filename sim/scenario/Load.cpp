// Loading a scenario: files -> YAML layers (`extends`) -> ScenarioSpec -> checks -> models.

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "models/InputError.hpp"
#include "models/hardware/PowerCurve.hpp"
#include "sim/scenario/FacilityBuild.hpp"
#include "sim/scenario/GridBuild.hpp"
#include "sim/scenario/Reader.hpp"
#include "sim/scenario/RequiredCheck.hpp"
#include "sim/scenario/Scenario.hpp"
#include "sim/scenario/Spec.hpp"
#include "sim/scenario/Validate.hpp"
#include "sim/scenario/Writer.hpp"
#include "sim/scenario/YamlFile.hpp"

namespace dcsim::scenario {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFileBytes = 16u << 20;
constexpr int kMaxExtendsDepth = 16;
constexpr int kMaxNesting = 64;

struct Layer {
  std::string file;
  YAML::Node root;
};

[[noreturn]] void fail(const std::string& file, int line, std::string message) {
  throw InputError(Location{file, line, 0}, "", std::move(message));
}

// yaml-cpp parses recursively; refuse pathological nesting before handing it the text.
void check_nesting(const std::string& file, const std::string& text) {
  int depth = 0, line = 1;
  char quote = 0, previous = '\n';  // previous non-blank character outside quotes
  bool comment = false, escaped = false;
  for (const char ch : text) {
    if (ch == '\n') {
      ++line;
      comment = false;
      if (quote == 0) previous = '\n';
      continue;
    }
    if (comment) continue;
    if (quote != 0) {
      if (escaped) escaped = false;
      else if (quote == '"' && ch == '\\') escaped = true;
      else if (ch == quote) quote = 0;
      continue;
    }
    const bool starts_scalar = previous == '\n' || previous == ':' || previous == '[' || previous == '{' ||
                               previous == ',' || previous == '-';
    if (ch != ' ' && ch != '\t') previous = ch;
    if (ch == '#') comment = true;
    else if ((ch == '"' || ch == '\'') && starts_scalar) quote = ch;  // an apostrophe inside plain text is not a quote
    else if (ch == '[' || ch == '{') {
      if (++depth > kMaxNesting) fail(file, line, fmt::format("nesting deeper than {} levels", kMaxNesting));
    } else if (ch == ']' || ch == '}') {
      --depth;
    }
  }
}

std::string read_text(const std::string& file) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (ec || !fs::exists(st)) fail(file, 0, "no such file");
  if (fs::is_directory(st)) fail(file, 0, "is a directory, not a scenario file");
  const std::uintmax_t size = fs::file_size(file, ec);
  if (!ec && size > kMaxFileBytes) fail(file, 0, fmt::format("file is {} bytes; scenario files are limited to {} bytes", size, kMaxFileBytes));
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, 0, "cannot be read");
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.find('\0') != std::string::npos) fail(file, 0, "is not a text file (contains NUL bytes)");
  return text;
}

}  // namespace

YAML::Node parse_yaml_file(const std::string& file) {
  const std::string text = read_text(file);
  check_nesting(file, text);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(Location{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1}, "",
                     fmt::format("malformed YAML: {}", e.msg));
  }
  if (!root.IsDefined() || root.IsNull()) fail(file, 0, "is empty: a scenario is a mapping of keys");
  if (!root.IsMap()) throw InputError(location_of(file, root), "", fmt::format("a scenario is a mapping of keys, found {}", node_type_name(root)));
  return root;
}

namespace {

// The chain of files from `file` to its base-most ancestor. (Never reorder a container of
// YAML::Node: yaml-cpp assignment writes through to the node referred to.)
std::vector<Layer> read_layers(const std::string& file) {
  std::vector<Layer> chain;
  std::vector<std::string> seen;
  std::string current = file;
  for (;;) {
    std::error_code ec;
    const std::string canonical = fs::weakly_canonical(current, ec).string();
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) {
      const YAML::Node& ext = chain.back().root["extends"];
      throw InputError(location_of(chain.back().file, ext), "extends",
                       fmt::format("circular extends: '{}' is already in the chain", current));
    }
    seen.push_back(canonical);
    YAML::Node root = parse_yaml_file(current);
    chain.push_back(Layer{current, root});
    const YAML::Node ext = root["extends"];
    if (!ext.IsDefined()) break;
    if (!ext.IsScalar() || ext.Scalar().empty())
      throw InputError(location_of(current, ext), "extends", "expected the path of a base scenario file");
    if (static_cast<int>(chain.size()) > kMaxExtendsDepth)
      throw InputError(location_of(current, ext), "extends", fmt::format("more than {} levels of extends", kMaxExtendsDepth));
    const fs::path base = fs::path(current).parent_path() / ext.Scalar();
    std::error_code exists_ec;
    if (!fs::exists(base, exists_ec))
      throw InputError(location_of(current, ext), "extends", fmt::format("base file '{}' does not exist", base.string()));
    current = base.string();
  }
  return chain;
}

std::int64_t to_ms(double seconds) { return std::llround(seconds * 1000.0); }

// The paper's path first: a run's own measured power, exactly. Then the physical path: the
// accelerator's power curve at the run's utilisation (given, or its MFU) plus the host share.
// Last, the accelerator's measured average (Patterson et al. 2021 Table 3) as a default.
double per_chip_power_w(const AcceleratorSpec& a, const JobSpec& j, double& utilisation, bool& capped) {
  utilisation = std::nan("");
  capped = false;
  if (j.system_power_per_chip_w) return *j.system_power_per_chip_w;
  std::optional<double> u = j.utilisation;
  if (!u && j.mfu) u = j.mfu;
  if (!u && j.flop_per_s_per_chip && a.peak_flop_per_s)
    u = models::mfu_utilisation(*j.flop_per_s_per_chip, *a.peak_flop_per_s);
  if (a.idle_power_w && u) {
    utilisation = *u;
    const double max_w = a.max_power_w.value_or(a.tdp_w);
    const models::PowerCurve chip = a.curve == "fan2007"  ? models::PowerCurve::fan2007(*a.idle_power_w, max_w, a.curve_r)
                                    : a.curve == "square" ? models::PowerCurve::square(*a.idle_power_w, max_w)
                                    : a.curve == "cubic"  ? models::PowerCurve::cubic(*a.idle_power_w, max_w)
                                    : a.curve == "sqrt"   ? models::PowerCurve::sqrt(*a.idle_power_w, max_w)
                                                          : models::PowerCurve::linear(*a.idle_power_w, max_w);
    const double p = chip.power_w(*u) + models::PowerCurve::linear(a.host_idle_w, a.host_max_w).power_w(*u);
    capped = a.power_cap_w && p > *a.power_cap_w;
    return capped ? *a.power_cap_w : p;
  }
  return a.system_power_w.value_or(0.0);
}

Scenario build(const ScenarioSpec& spec, const std::string& file) {
  Scenario s;
  s.name = spec.name;
  s.description = spec.description;
  s.file = file;
  s.resolved_yaml = Writer::to_yaml(spec);
  s.start_ms = spec.start_ms;
  s.seed = spec.seed;
  for (const auto& [name, a] : spec.accelerators)
    s.accelerators.push_back(models::Accelerator{name, a.tdp_w, a.peak_flop_per_s.value_or(0.0),
                                                 a.system_power_w.value_or(0.0), a.embodied_kg.value_or(0.0),
                                                 a.service_life_s});
  if (spec.facility.pue) s.facility = models::FixedPue(*spec.facility.pue);
  else s.physical = build_facility(spec);

  s.grid = build_grid(spec, s.warnings);

  for (const JobSpec& j : spec.jobs) {
    const AcceleratorSpec& a = spec.accelerators.at(j.accelerator);
    models::TrainingRun run;
    run.name = j.name;
    run.accelerator = j.accelerator;
    run.chips = j.chips;
    run.peak_flop_per_s = a.peak_flop_per_s.value_or(0.0);
    run.flop_per_s_per_chip = j.flop_per_s_per_chip.value_or(j.mfu ? *j.mfu * a.peak_flop_per_s.value_or(0.0) : 0.0);
    run.system_power_per_chip_w = per_chip_power_w(a, j, run.utilisation, run.power_capped);
    if (j.model) {
      const ModelSpec& m = *j.model;
      models::ModelDescription d;
      d.parameters = m.parameters.value_or(m.shared_parameters + m.experts.value_or(0.0) * m.expert_parameters.value_or(0.0));
      d.activated_share = m.activated_share;
      d.experts = m.experts.value_or(0.0);
      d.top_k = m.top_k.value_or(0.0);
      d.expert_parameters = m.expert_parameters.value_or(0.0);
      d.shared_parameters = m.shared_parameters;
      d.tokens = m.tokens;
      d.layers = m.layers.value_or(0.0);
      d.context = m.context.value_or(0.0);
      d.d_model = m.d_model.value_or(0.0);
      run.total_flop = d.training_flop();
      run.activated_parameters = d.activated_parameters();
    } else if (j.total_flop) {
      run.total_flop = *j.total_flop;
    }
    if (j.model || j.total_flop) {
      run.duration_s = models::duration_from_flops_s(run.total_flop, j.chips, run.flop_per_s_per_chip);
    } else {
      run.duration_s = *j.duration_s;
      if (run.flop_per_s_per_chip > 0.0) run.total_flop = run.duration_s * static_cast<double>(j.chips) * run.flop_per_s_per_chip;
    }
    const std::int64_t start = j.start_ms.value_or(spec.start_ms) - spec.start_ms;
    const std::int64_t duration_ms = std::max<std::int64_t>(1, to_ms(run.duration_s));
    const models::Accelerator& accel =
        *std::find_if(s.accelerators.begin(), s.accelerators.end(), [&](const auto& x) { return x.name == j.accelerator; });
    ScheduledJob job{std::move(run), start, duration_ms, models::amortised_embodied_kg(accel, static_cast<double>(j.chips), 1.0)};
    if (j.mtbf_s) job.failure_rate_per_s = static_cast<double>(j.chips) / *j.mtbf_s;
    job.checkpoint_interval_ms = j.checkpoint_interval_s ? to_ms(*j.checkpoint_interval_s) : 0;
    job.restart_ms = to_ms(j.restart_s);
    job.slack_ms = to_ms(j.slack_s);
    if (j.trials > 1) {
      job.campaign = static_cast<int>(s.campaign_concurrency.size());
      s.campaign_concurrency.push_back(static_cast<int>(j.concurrency.value_or(j.trials)));
    }
    for (std::int64_t t = 0; t < j.trials; ++t) {
      ScheduledJob trial = job;
      if (j.trials > 1) trial.run.name = fmt::format("{}#{}", j.name, t + 1);
      // Each job's failures get their own stream, fixed by the scenario seed and the job's position.
      trial.seed = static_cast<std::uint64_t>(spec.seed) * 0x9E3779B97F4A7C15ull + s.jobs.size() + 1;
      s.jobs.push_back(std::move(trial));
    }
  }
  s.sample_interval_ms = std::max<std::int64_t>(1, to_ms(spec.output.interval_s));
  s.rack_power = spec.output.rack_power && s.physical.has_value();
  s.carbon_aware = spec.scheduler.policy == "carbon_aware";
  s.forecast_error = spec.scheduler.forecast_error;

  if (spec.expected) {
    const ExpectedSpec& e = *spec.expected;
    s.expected = analysis::PublishedFigures{e.table,
                                            static_cast<int>(e.position),
                                            e.label,
                                            e.energy_j / (units::kJPerKWh * 1e3),
                                            e.co2e_gross_kg / 1e3,
                                            e.co2e_net_kg / 1e3,
                                            e.tolerance,
                                            e.source};
  }
  return s;
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& path) {
  const std::vector<Layer> layers = read_layers(path.string());
  ScenarioSpec spec;
  SourceMap sources;
  std::vector<Problem> problems;
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    Reader reader(layer->file, sources, problems);
    reader.read_root(layer->root, spec, {"extends"});
  }
  RequiredCheck(sources, problems).check_root(spec);
  validate(spec, sources, problems);
  if (!problems.empty()) {
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
      return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
    });
    throw InputError(std::move(problems));
  }
  resolve_paths(spec, sources);
  resolve_facility_paths(spec, sources);
  return build(spec, path.string());
}

}  // namespace dcsim::scenario
