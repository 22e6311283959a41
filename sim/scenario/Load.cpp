// Loading a scenario: files -> YAML layers (`extends`) -> ScenarioSpec -> checks -> models.

#include <algorithm>
#include <array>
#include <stdexcept>
#include <cmath>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "models/InputError.hpp"
#include "models/Memo.hpp"
#include "models/hardware/PowerCurve.hpp"
#include "models/units/Units.hpp"
#include "sim/SpareCore.hpp"
#include "sim/input/JobTraceReader.hpp"
#include "sim/input/MeasuredPower.hpp"
#include "sim/scenario/Distributions.hpp"
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
  std::vector<std::string> removes;  ///< an override that removes this key path instead
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
  // In pieces, checked as they come, so that a device or a pipe without end (/dev/zero) stops.
  std::string text;
  char piece[1 << 16];
  while (in.read(piece, sizeof piece) || in.gcount() > 0) {
    const std::string_view read(piece, static_cast<std::size_t>(in.gcount()));
    if (read.find('\0') != std::string_view::npos) fail(file, 0, "is not a text file (contains NUL bytes)");
    text.append(read);
    if (text.size() > kMaxFileBytes) fail(file, 0, fmt::format("is over {} bytes, the limit for scenario files", kMaxFileBytes));
  }
  return text;
}

// Whether a text holds nothing but blanks, comments, document markers and an explicit null: what
// yaml-cpp reads as an empty document. (It also gives an empty document for some malformed text.)
bool holds_nothing(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const std::size_t hash = line.find(" #");
    if (line.rfind('#', 0) == 0) line.clear();
    else if (hash != std::string::npos) line.resize(hash);
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const std::string v = line.substr(first, line.find_last_not_of(" \t\r") + 1 - first);
    if (v != "~" && v != "null" && v != "Null" && v != "NULL" && v != "---" && v != "...") return false;
  }
  return true;
}

// Where a stream's second document starts, if it has one with anything in it. Read event by
// event, two documents at most: yaml-cpp 0.7's LoadAll loops for ever on some malformed text
// (a lone ",", found by fuzz/scenario.cpp), its parser returning empty documents endlessly.
class SecondDocument : public YAML::EventHandler {
 public:
  static std::optional<YAML::Mark> find(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    SecondDocument events;
    for (int n = 0; n < 2 && parser.HandleNextDocument(events); ++n) {
    }
    return events.content_;
  }

  void OnDocumentStart(const YAML::Mark&) override { ++documents_; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { seen(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { seen(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { seen(m); }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { seen(m); }
  void OnMapEnd() override {}

 private:
  void seen(const YAML::Mark& m) {
    if (documents_ == 2 && !content_) content_ = m;
  }
  int documents_ = 0;
  std::optional<YAML::Mark> content_;
};

// Whether a text may hold a second document: a later document needs a marker ("---", "...") or a
// directive ("%") at the start of a line, so a text with none holds one document at most and the
// second parse that looks for another (SecondDocument) is not needed.
bool may_hold_more_documents(const std::string& text) {
  for (std::size_t pos = 0; pos < text.size();) {
    if (text.compare(pos, 3, "---") == 0 || text.compare(pos, 3, "...") == 0 || text[pos] == '%') return true;
    pos = text.find('\n', pos);
    if (pos == std::string::npos) break;
    ++pos;
  }
  return false;
}

}  // namespace

YAML::Node parse_yaml_text(const std::string& file, const std::string& text) {
  check_nesting(file, text);
  const auto at = [&file](const YAML::Mark& m) {
    return Location{file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1};
  };
  YAML::Node root;
  try {
    root = YAML::Load(text);
    if (const auto second = may_hold_more_documents(text) ? SecondDocument::find(text) : std::nullopt)
      throw InputError(at(*second), "", "holds more than one YAML document (a scenario is one)");
  } catch (const YAML::DeepRecursion& e) {  // block nesting, which check_nesting does not count
    throw InputError(at(e.mark), "", fmt::format("nesting deeper than {} levels", e.depth() - 1));
  } catch (const YAML::Exception& e) {
    throw InputError(at(e.mark), "", fmt::format("malformed YAML: {}", e.msg));
  }
  if ((!root.IsDefined() || root.IsNull()) && !holds_nothing(text)) fail(file, 0, "malformed YAML: no value could be read");
  if (!root.IsDefined() || root.IsNull()) fail(file, 0, "is empty: a scenario is a mapping of keys");
  if (!root.IsMap()) throw InputError(location_of(file, root), "", fmt::format("a scenario is a mapping of keys, found {}", node_type_name(root)));
  return root;
}

YAML::Node parse_yaml_file(const std::string& file) { return parse_yaml_text(file, read_text(file)); }
std::string read_yaml_text(const std::string& file) { return read_text(file); }

std::string file_identity(const std::string& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return {};
  const auto mtime = fs::last_write_time(file, ec);
  if (ec) return {};
  const std::string canonical = fs::weakly_canonical(file, ec).string();
  if (ec) return {};
  return fmt::format("{}|{}|{}", canonical, size, mtime.time_since_epoch().count());
}

namespace {

// Parsed files by path, size and modification time: a sweep loads the same base thousands of
// times. Each caller gets its own deep copy (nodes are not safe to share between threads). A
// copy (YAML::Clone) loses every node's line and column, so a file holding distributions, whose
// drawn values are checked again in each sample, is parsed afresh from its text instead.
struct Parsed {
  YAML::Node root;
  std::string text;  ///< kept only when the file holds distributions
};

YAML::Node parse_cached(const std::string& file) {
  static MemoTable<Parsed> memo(256);
  const std::string key = file_identity(file);
  if (key.empty()) return parse_yaml_file(file);  // let the parser report it
  // The copy is made under the memo's lock: the kept node is never read by two threads at once.
  YAML::Node copy;
  std::string kept_text;
  bool cloned = false;
  if (memo.visit(key, [&](const Parsed& p) {
        if (p.text.empty()) {
          copy = YAML::Clone(p.root);
          cloned = true;
        } else {
          kept_text = p.text;
        }
      }))
    return cloned ? copy : parse_yaml_text(file, kept_text);
  std::string text = read_text(file);
  YAML::Node root = parse_yaml_text(file, text);
  if (!holds_distributions(root)) text.clear();
  memo.put(key, Parsed{YAML::Clone(root), std::move(text)});
  return root;
}

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
    YAML::Node root = parse_cached(current);
    chain.push_back(Layer{current, root, {}});
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

std::int64_t to_ms(double seconds) { return units::seconds_to_ms(seconds); }

models::PowerCurve chip_curve(const AcceleratorSpec& a) {
  const double idle = a.idle_power_w.value_or(0.0);
  const double max_w = a.max_power_w.value_or(a.tdp_w);
  return a.curve == "fan2007"  ? models::PowerCurve::fan2007(idle, max_w, a.curve_r)
         : a.curve == "square" ? models::PowerCurve::square(idle, max_w)
         : a.curve == "cubic"  ? models::PowerCurve::cubic(idle, max_w)
         : a.curve == "sqrt"   ? models::PowerCurve::sqrt(idle, max_w)
                               : models::PowerCurve::linear(idle, max_w);
}

// Wall power of one accelerator with its host share at utilisation u, clipped at the server cap.
double curve_power_w(const AcceleratorSpec& a, double u, bool& capped) {
  const double p = chip_curve(a).power_w(u) + models::PowerCurve::linear(a.host_idle_w, a.host_max_w).power_w(u);
  capped = a.power_cap_w && p > *a.power_cap_w;
  return capped ? *a.power_cap_w : p;
}

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
    return curve_power_w(a, *u, capped);
  }
  return a.system_power_w.value_or(0.0);
}

// A phase's power per accelerator: given, from the power curve, or the training power.
double phase_power_w(const AcceleratorSpec& a, const std::optional<PhaseSpec>& phase, double training_w) {
  if (!phase) return training_w;
  if (phase->power_per_chip_w) return *phase->power_per_chip_w;
  bool capped = false;
  if (phase->utilisation && a.idle_power_w) return curve_power_w(a, *phase->utilisation, capped);
  return training_w;
}

// Power of an accelerator no job holds: its idle power with the host's, else nothing known.
double idle_power_w(const AcceleratorSpec& a) { return a.idle_power_w.value_or(0.0) + a.host_idle_w; }

std::int64_t cluster_chips(const std::optional<ClusterSpec>& c) {
  if (!c) return 0;
  return c->accelerators ? *c->accelerators : c->hosts.value_or(0) * c->accelerators_per_host;
}

// The accelerator of a trace's jobs: its own, or the cluster's of its site (or of the first).
std::string trace_accelerator(const ScenarioSpec& spec, const JobTraceSpec& t) {
  if (!t.accelerator.empty()) return t.accelerator;
  if (spec.cluster) return spec.cluster->accelerator;
  for (const SiteSpec& site : spec.sites)
    if ((t.site.empty() || site.name == t.site) && site.cluster) return site.cluster->accelerator;
  return spec.accelerators.begin()->first;  // validation requires a cluster or an accelerator
}

std::int64_t per_host_of(const ScenarioSpec& spec, int site) {
  if (spec.cluster) return spec.cluster->accelerators_per_host;
  if (site >= 0 && spec.sites[static_cast<std::size_t>(site)].cluster)
    return spec.sites[static_cast<std::size_t>(site)].cluster->accelerators_per_host;
  for (const SiteSpec& s : spec.sites)
    if (s.cluster) return s.cluster->accelerators_per_host;
  return 8;
}

SiteSetup build_site(const ScenarioSpec& spec, const std::string& name, const FacilitySpec& facility, const GridSpec& grid,
                     const std::optional<ClusterSpec>& cluster, const std::string& prefix, std::vector<std::string>& warnings) {
  SiteSetup site;
  site.name = name;
  site.capacity_chips = cluster_chips(cluster);
  double max_w = 0.0;
  if (cluster) {
    const AcceleratorSpec& a = spec.accelerators.at(cluster->accelerator);
    site.idle_w_per_chip = idle_power_w(a);
    bool capped = false;
    max_w = a.idle_power_w ? curve_power_w(a, 1.0, capped) : a.system_power_w.value_or(a.tdp_w);
  }
  const std::string p = prefix.empty() ? "" : prefix + ".";
  // A hall's catalogs and the grid's files are independent (and both builds are safe to run at
  // once, as a parallel sweep does): with a core to spare the grid is built meanwhile. The
  // facility's error, if any, is still the one reported when both have one, as in order.
  std::vector<std::string> grid_warnings;
  std::future<GridSetup> grid_built;
  if (!facility.pue && sim::spare_core())
    grid_built = std::async(std::launch::async, [&] { return build_grid(grid, p + "grid", spec.start_ms, spec.seed, grid_warnings); });
  if (facility.pue) site.facility = models::FixedPue(*facility.pue);
  else site.physical = build_facility(facility, p + "facility", spec, site.capacity_chips, max_w);
  site.grid = grid_built.valid() ? grid_built.get() : build_grid(grid, p + "grid", spec.start_ms, spec.seed, grid_warnings);
  warnings.insert(warnings.end(), grid_warnings.begin(), grid_warnings.end());
  return site;
}

// Jobs of a cluster trace: each a fixed-duration run at the trace's utilisation on the cluster's
// accelerator (power from its curve, else its measured system power). The trace is opened here,
// so that a missing file or a bad header is reported when the scenario loads; its rows are read
// as the run replays them (a public trace, which must be sorted, is read whole now).
void add_trace_jobs(const ScenarioSpec& spec, const JobTraceSpec& t, int site, Scenario& s) {
  auto trace = std::make_shared<TraceJobs>();
  input::JobTraceOptions& o = trace->options;
  o.layout = *input::job_trace_layout_from_name(t.layout);
  if (t.columns) {
    const TraceColumnsSpec& c = *t.columns;
    o.columns.arrival = c.arrival;
    o.columns.hosts = c.hosts;
    o.columns.accelerators = c.accelerators;
    o.columns.duration = c.duration;
    o.columns.start = c.start;
    o.columns.end = c.end;
    o.columns.utilisation = c.utilisation;
    o.columns.user = c.user;
    o.columns.name = c.name;
  }
  o.time_unit_s = t.time_unit_s;
  o.default_utilisation = t.utilisation;
  o.epoch_ms = t.epoch_ms.value_or(spec.start_ms);
  trace->file = t.file;
  if (input::job_trace_streams(o)) {
    (void)input::JobTraceStream(t.file, o);  // the header and its columns
  } else {
    trace->loaded = std::make_shared<const input::JobTrace>(input::read_job_trace(t.file, o));
    const input::JobTrace& whole = *trace->loaded;
    if (whole.skipped > 0)
      s.warnings.push_back(fmt::format("{}: {} row(s) without a usable duration (unfinished jobs) skipped", t.file, whole.skipped));
    if (whole.skipped_cpu_only > 0)
      s.warnings.push_back(fmt::format("{}: {} CPU-only row(s) (no accelerators) skipped", t.file, whole.skipped_cpu_only));
  }
  const std::string accel_name = trace_accelerator(spec, t);
  const AcceleratorSpec& a = spec.accelerators.at(accel_name);
  const models::Accelerator accel =
      *std::find_if(s.accelerators.begin(), s.accelerators.end(), [&](const auto& x) { return x.name == accel_name; });
  const std::int64_t per_host = per_host_of(spec, site);
  const double idle_w = idle_power_w(a);
  const double fixed_w = a.system_power_w.value_or(a.tdp_w);
  // curve_power_w, with the curves made once.
  const models::PowerCurve chip = chip_curve(a);
  const models::PowerCurve host = models::PowerCurve::linear(a.host_idle_w, a.host_max_w);
  const std::optional<double> cap = a.power_cap_w;
  const bool on_curve = a.idle_power_w.has_value();
  const double peak = a.peak_flop_per_s.value_or(0.0);
  const std::int64_t slack_ms = to_ms(t.slack_s);
  const int job_site = s.sites.size() == 1 ? 0 : site;
  const std::uint64_t seed = static_cast<std::uint64_t>(spec.seed) * 0x9E3779B97F4A7C15ull;
  const std::size_t first = s.jobs.size();
  trace->first_ordinal = first;
  trace->make = [=](const input::TraceJob& tj, std::size_t k, ScheduledJob& job) {
    // A reused job (one this trace filled before: trace_row set) holds its accelerator already.
    if (job.trace_row == 0) job.run.accelerator = accel_name;
    job.run.chips = tj.hosts > 0 ? tj.hosts * per_host : tj.accelerators;
    bool capped = false;
    job.run.utilisation = tj.utilisation;
    if (on_curve) {
      const double p = chip.power_w(tj.utilisation) + host.power_w(tj.utilisation);
      capped = cap && p > *cap;
      job.run.system_power_per_chip_w = capped ? *cap : p;
    } else {
      job.run.system_power_per_chip_w = fixed_w;
    }
    job.run.power_capped = capped;
    job.run.duration_s = tj.duration_s;
    job.run.peak_flop_per_s = peak;
    job.start_offset_ms = to_ms(tj.arrival_s);
    job.duration_ms = std::max<std::int64_t>(1, to_ms(tj.duration_s));
    job.embodied_kg_per_s = models::amortised_embodied_kg(accel, static_cast<double>(job.run.chips), 1.0);
    job.slack_ms = slack_ms;
    job.site = job_site;
    job.startup_w_per_chip = job.checkpoint_w_per_chip = job.eval_w_per_chip = job.run.system_power_per_chip_w;
    job.idle_w_per_chip = idle_w;
    job.seed = seed + first + k + 1;
    job.trace_row = static_cast<std::int64_t>(k) + 1;
  };
  s.trace_jobs = std::move(trace);
}

Scenario build(const ScenarioSpec& spec, const std::string& file, bool resolved_text) {
  Scenario s;
  s.name = spec.name;
  s.description = spec.description;
  s.file = file;
  if (resolved_text) s.resolved_yaml = Writer::to_yaml(spec);
  s.start_ms = spec.start_ms;
  s.seed = spec.seed;
  for (const auto& [name, a] : spec.accelerators)
    s.accelerators.push_back(models::Accelerator{name, a.tdp_w, a.peak_flop_per_s.value_or(0.0),
                                                 a.system_power_w.value_or(0.0), a.embodied_kg.value_or(0.0),
                                                 a.service_life_s});
  if (spec.sites.empty()) {
    s.sites.push_back(build_site(spec, "site", spec.facility, spec.grid, spec.cluster, "", s.warnings));
  } else {
    for (std::size_t i = 0; i < spec.sites.size(); ++i) {
      const SiteSpec& site = spec.sites[i];
      SiteSetup built = build_site(spec, site.name, site.facility, site.grid, site.cluster, element_path("sites", i), s.warnings);
      built.latency_s = site.latency_s;
      built.price_per_mwh = site.price_per_mwh;
      if (site.price_trace) built.price = series(*site.price_trace, element_path("sites", i) + ".price_trace", false, spec.start_ms);
      s.sites.push_back(std::move(built));
    }
  }
  const auto site_index = [&](const std::string& name) {
    if (name.empty()) return -1;
    for (std::size_t i = 0; i < s.sites.size(); ++i)
      if (s.sites[i].name == name) return static_cast<int>(i);
    return -1;  // unknown names are reported by validation
  };

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
    job.site = s.sites.size() == 1 ? 0 : site_index(j.site);
    job.spares = j.spares;
    job.idle_w_per_chip = idle_power_w(a);
    job.repair_ms = to_ms(j.repair_s);
    const double train_w = job.run.system_power_per_chip_w;
    job.startup_w_per_chip = train_w;
    job.checkpoint_w_per_chip = train_w;
    job.eval_w_per_chip = train_w;
    if (j.phases) {
      const PhasesSpec& ph = *j.phases;
      job.startup_w_per_chip = phase_power_w(a, ph.startup, train_w);
      job.checkpoint_w_per_chip = phase_power_w(a, ph.checkpoint, train_w);
      job.eval_w_per_chip = phase_power_w(a, ph.evaluation, train_w);
      if (ph.startup) job.startup_ms = to_ms(ph.startup->duration_s);
      if (ph.checkpoint) job.checkpoint_ms = to_ms(ph.checkpoint->duration_s);
      if (ph.evaluation) {
        job.eval_ms = to_ms(ph.evaluation->duration_s);
        job.eval_every_ms = ph.evaluation->every_s ? to_ms(*ph.evaluation->every_s) : 0;
      }
    }
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
  if (spec.job_trace) add_trace_jobs(spec, *spec.job_trace, site_index(spec.job_trace->site), s);
  for (std::size_t i = 0; i < spec.services.size(); ++i) {
    const ServiceSpec& v = spec.services[i];
    ServiceSetup out;
    models::InferenceService& m = out.service;
    m.name = v.name;
    m.mean_queries_per_s = v.queries_per_s;
    const std::string p = element_path("services", i);
    try {
      if (v.shape) {
        const QueryShapeSpec& q = *v.shape;
        const double offset_h = q.utc_offset_s / 3600.0;
        if (!q.hourly.empty() || !q.daily.empty()) {
          std::array<double, 24> hour{};
          std::array<double, 7> day{};
          hour.fill(1.0);
          day.fill(1.0);
          if (!q.hourly.empty()) std::copy(q.hourly.begin(), q.hourly.end(), hour.begin());
          if (!q.daily.empty()) std::copy(q.daily.begin(), q.daily.end(), day.begin());
          m.shape = models::QueryShape(hour, day, offset_h);
        } else {
          m.shape = models::diurnal_shape(q.peak_to_trough.value_or(1.0), q.peak_hour, q.weekend, offset_h);
        }
      }
      if (v.energy_per_query_j) {
        m.energy_per_query_j = v.energy_per_query_j;
      } else {
        const AcceleratorSpec& a = spec.accelerators.at(v.accelerator);
        bool capped = false;
        m.replicas = *v.replicas;
        m.chips_per_replica = v.chips_per_replica;
        m.max_queries_per_s_per_chip = *v.queries_per_s_per_chip;
        m.chip_idle_w = a.idle_power_w ? idle_power_w(a) : a.system_power_w.value_or(a.tdp_w);
        m.chip_max_w = a.idle_power_w ? curve_power_w(a, 1.0, capped) : a.system_power_w.value_or(a.tdp_w);
      }
      m.validate();
    } catch (const std::invalid_argument& e) {
      throw InputError(Location{file, 0, 0}, p, e.what());
    }
    out.site = std::max(0, site_index(v.site));
    out.start_offset_ms = v.start_ms.value_or(spec.start_ms) - spec.start_ms;
    if (v.duration_s) out.end_offset_ms = out.start_offset_ms + to_ms(*v.duration_s);
    for (std::size_t k = 0; k < s.jobs.size() && !v.training_job.empty(); ++k)
      if (s.jobs[k].run.name == v.training_job) out.training_job = static_cast<int>(k);
    s.services.push_back(std::move(out));
  }
  for (const ReplaySpec& r : spec.replays) {
    input::MeasuredOptions options;
    options.format = *input::measured_format_from_name(r.format);
    options.run_id = r.run_id;
    const input::MeasuredPower log = input::read_measured_power(r.file, options);
    ServiceSetup out;
    out.service.name = r.name;
    out.site = std::max(0, site_index(r.site));
    const std::int64_t begin = r.start_ms.value_or(spec.start_ms);
    out.start_offset_ms = begin - spec.start_ms;
    out.end_offset_ms = out.start_offset_ms + log.steps.back().end_ms;
    out.measured.reserve(log.steps.size());
    for (const input::PowerStep& step : log.steps)
      out.measured.push_back(models::ServiceStep{begin + step.start_ms, begin + step.end_ms, 0.0, 0.0, step.power_w});
    s.services.push_back(std::move(out));
  }
  s.sample_interval_ms = std::max<std::int64_t>(1, to_ms(spec.output.interval_s));
  s.rack_power = spec.output.rack_power && s.sites.size() == 1 && s.sites[0].physical.has_value();
  const SchedulerSpec& sch = spec.scheduler;
  s.scheduler.policy = sch.policy == "backfill" ? Policy::backfill : sch.policy == "carbon_aware" ? Policy::carbon_aware : Policy::fifo;
  s.scheduler.suspend = sch.mode == "suspend";
  s.scheduler.forecast_error = sch.forecast_error;
  s.scheduler.spatial = sch.placement == "spatial";
  s.scheduler.weight_co2e = sch.weights.co2e;
  s.scheduler.weight_price = sch.weights.price;
  s.scheduler.weight_latency = sch.weights.latency;
  s.scheduler.baseline = sch.baseline;
  if (spec.horizon_s) s.horizon_ms = to_ms(*spec.horizon_s);

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

namespace {

// `key.path=value` as a one-key layer over the scenario; the value is read as YAML (so a number,
// a quantity, a list or a mapping), and paths in it are relative to the working directory.
Layer override_layer(const std::string& text) {
  const std::string file = "--set " + text;
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError(Location{"--set", 0, 0}, "", fmt::format("'{}' is not KEY.PATH=VALUE", text));
  std::vector<std::string> keys;
  std::string key = text.substr(0, eq);
  for (std::size_t from = 0;;) {
    const auto dot = key.find('.', from);
    keys.push_back(key.substr(from, dot == std::string::npos ? std::string::npos : dot - from));
    if (keys.back().empty() || keys.back().find_first_of("[] ") != std::string::npos)
      throw InputError(Location{"--set", 0, 0}, key, fmt::format("'{}' is not a path of mapping keys (a.b.c)", key));
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw InputError(Location{"--set", 0, 0}, key, fmt::format("malformed value: {}", e.msg));
  }
  if (!value.IsDefined() || value.IsNull()) return Layer{"", YAML::Node(), keys};  // removes the key
  for (auto k = keys.rbegin(); k != keys.rend(); ++k) {
    YAML::Node map(YAML::NodeType::Map);
    map[*k] = value;
    value.reset(map);
  }
  return Layer{"", value, {}};
}

// Removes a key path from a parsed file (a `--set KEY=~`), so that a base's choice can be undone.
void remove_path(YAML::Node root, const std::vector<std::string>& keys) {
  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    const YAML::Node next = chain.back()[keys[i]];
    if (!next.IsDefined() || !next.IsMap()) return;
    chain.push_back(next);
  }
  if (chain.back().IsMap()) chain.back().remove(keys.back());
}

// Every file a scenario reads besides its own, with the key that names it.
std::vector<std::pair<std::string, std::string>> input_files(const ScenarioSpec& spec, const std::vector<Layer>& layers) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 1; i < layers.size(); ++i) out.emplace_back("extends", layers[i].file);
  const auto add = [&out](const std::string& key, const std::string& file) {
    if (!file.empty()) out.emplace_back(key, file);
  };
  const auto grid = [&](const GridSpec& g, const std::string& p) {
    if (g.trace) add(p + ".trace.file", g.trace->file);
    if (g.marginal) add(p + ".marginal.file", g.marginal->file);
    if (g.mix) add(p + ".mix.catalog", g.mix->catalog);
    if (g.region) add(p + ".region.catalog", g.region->catalog);
    if (g.cfe)
      for (std::size_t i = 0; i < g.cfe->contracts.size(); ++i)
        if (g.cfe->contracts[i].profile) add(element_path(p + ".cfe.contracts", i) + ".profile.file", g.cfe->contracts[i].profile->file);
  };
  const auto facility = [&](const FacilitySpec& f, const std::string& p) {
    add(p + ".catalog", f.catalog);
    add(p + ".sites_catalog", f.sites_catalog);
    if (f.weather) add(p + ".weather.file", f.weather->file);
  };
  grid(spec.grid, "grid");
  facility(spec.facility, "facility");
  for (std::size_t i = 0; i < spec.sites.size(); ++i) {
    const std::string p = element_path("sites", i);
    grid(spec.sites[i].grid, p + ".grid");
    facility(spec.sites[i].facility, p + ".facility");
    if (spec.sites[i].price_trace) add(p + ".price_trace.file", spec.sites[i].price_trace->file);
  }
  if (spec.job_trace) add("job_trace.file", spec.job_trace->file);
  for (std::size_t i = 0; i < spec.replays.size(); ++i) add(element_path("replays", i) + ".file", spec.replays[i].file);
  return out;
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& path, const std::vector<std::string>& overrides,
                       const LoadOptions& options) {
  // Overrides apply over the file, the last given last; layers are read base-most first. (Built
  // by construction only: assigning a YAML::Node would write through to the node it refers to.)
  const std::vector<Layer> file_layers = read_layers(path.string());
  std::vector<Layer> layers;
  layers.reserve(overrides.size() + file_layers.size());
  std::vector<std::vector<std::string>> removals;
  for (auto o = overrides.rbegin(); o != overrides.rend(); ++o) {
    Layer l = override_layer(*o);
    if (!l.removes.empty()) removals.push_back(l.removes);
    else layers.push_back(std::move(l));
  }
  for (const Layer& l : file_layers) {
    for (const auto& keys : removals) remove_path(l.root, keys);
    layers.push_back(l);
  }
  ScenarioSpec spec;
  SourceMap sources;
  std::vector<Problem> problems, dist_problems;
  std::vector<DrawnInput> drawn;
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    const std::string file = layer->file.empty() ? "--set" : layer->file;
    forget_overridden(layer->root, drawn);
    resolve_distributions(layer->root, file, options.draws, drawn, dist_problems);
    Reader reader(file, sources, problems);
    reader.read_root(layer->root, spec, {"extends"});
  }
  RequiredCheck(sources, problems).check_root(spec);
  validate(spec, sources, problems);
  // A bad distribution is left as a mapping, which the reader rejects again: say it once. A
  // problem with a drawn value says which value of which distribution it was.
  std::erase_if(problems, [&dist_problems](const Problem& p) {
    return std::any_of(dist_problems.begin(), dist_problems.end(), [&p](const Problem& d) { return at_or_below(p.path, d.path); });
  });
  for (Problem& p : problems)
    for (const DrawnInput& d : drawn)
      if (at_or_below(p.path, d.path)) p.message = annotated(p.message, d);
  problems.insert(problems.end(), dist_problems.begin(), dist_problems.end());
  if (!problems.empty()) {
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
      return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
    });
    throw InputError(std::move(problems));
  }
  resolve_grid_paths(spec.grid, "grid", sources);
  resolve_facility_paths(spec.facility, "facility", sources);
  for (std::size_t i = 0; i < spec.sites.size(); ++i) {
    SiteSpec& site = spec.sites[i];
    const std::string p = element_path("sites", i);
    resolve_grid_paths(site.grid, p + ".grid", sources);
    resolve_facility_paths(site.facility, p + ".facility", sources);
    if (site.price_trace) resolve_relative(site.price_trace->file, p + ".price_trace.file", sources);
  }
  if (spec.job_trace) resolve_relative(spec.job_trace->file, "job_trace.file", sources);
  for (std::size_t i = 0; i < spec.replays.size(); ++i)
    resolve_relative(spec.replays[i].file, element_path("replays", i) + ".file", sources);
  Scenario s = build(spec, path.string(), options.resolved_text);
  if (options.sources != nullptr) *options.sources = sources;
  s.inputs = input_files(spec, file_layers);
  s.drawn = std::move(drawn);
  return s;
}

std::unique_ptr<input::JobTraceStream> TraceJobs::open() const {
  if (loaded) return std::make_unique<input::JobTraceStream>(loaded);
  return std::make_unique<input::JobTraceStream>(file, options);
}

void TraceJobs::check() const {
  TraceCursor cursor(*this);
  (void)cursor.drain();
}

bool TraceCursor::next(ScheduledJob& out) {
  input::TraceJob job;
  if (!stream_->next(job)) return false;
  // `out` held this trace's jobs only (or is new): the fields make() does not set are still at
  // their defaults. A name unchanged from the slot's previous job (none, typically) is not copied.
  const std::string& name = stream_->name();
  if (out.run.name.size() != name.size() || out.run.name != name) out.run.name.assign(name);
  trace_.make(job, k_++, out);
  return true;
}

std::size_t TraceCursor::drain() {
  input::TraceJob job;
  while (stream_->next(job)) ++k_;
  return k_;
}

void check_distribution_ends(const Scenario& nominal, const std::filesystem::path& file,
                             const std::vector<std::string>& overrides) {
  std::vector<Problem> problems;
  std::set<std::string> seen;
  for (const DrawnInput& d : nominal.drawn) {
    std::vector<double> ends;
    if (d.choices == 0) ends = {0.0, 1.0};
    for (std::size_t k = 1; k < d.choices; ++k) ends.push_back(static_cast<double>(k));
    for (const double end : ends) {
      LoadOptions o;
      o.resolved_text = false;
      o.draws.pinned = d.path;
      o.draws.pinned_at = end;
      try {
        (void)load_scenario(file, overrides, o);
      } catch (const InputError& e) {
        // A problem found in building (a trace file) does not name the distribution: say which.
        const std::string role = d.choices > 0 ? fmt::format("value {}", static_cast<std::size_t>(end) + 1)
                                 : end <= 0.0  ? "the low end"
                                               : "the high end";
        for (Problem p : e.problems()) {
          if (p.message.find(d.description) == std::string::npos)
            p.message += fmt::format(" (with {} at {} of {})", d.path, role, d.description);
          if (seen.insert(format_problem(p)).second) problems.push_back(std::move(p));
        }
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

}  // namespace dcsim::scenario
