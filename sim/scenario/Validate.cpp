#include "sim/scenario/Validate.hpp"

#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/units/Calendar.hpp"

namespace dcsim::scenario {
namespace {

class Checker {
 public:
  Checker(const SourceMap& sources, std::vector<Problem>& problems) : sources_(sources), problems_(problems) {}
  void fail(const std::string& path, std::string message) {
    problems_.push_back(Problem{sources_.find(path), path, std::move(message)});
  }
  bool present(const std::string& path) const { return sources_.present(path); }
  bool valid(const std::string& path) const { return sources_.valid(path); }

 private:
  const SourceMap& sources_;
  std::vector<Problem>& problems_;
};

void check_job(const ScenarioSpec& spec, const JobSpec& job, const std::string& p, Checker& c) {
  const AcceleratorSpec* accel = nullptr;
  // An accelerator entry that was written but rejected has been reported already.
  const std::string entry = "accelerators." + job.accelerator;
  if (c.valid(p + ".accelerator") && c.present(entry) && !c.valid(entry)) return;
  if (c.valid(p + ".accelerator")) {
    auto it = spec.accelerators.find(job.accelerator);
    if (it != spec.accelerators.end()) {
      accel = &it->second;
    } else {
      std::vector<std::string> names;
      for (const auto& [name, a] : spec.accelerators) names.push_back(name);
      std::string message = fmt::format("unknown accelerator '{}'", job.accelerator);
      const std::string guess = did_you_mean(job.accelerator, names);
      if (!guess.empty()) message += fmt::format(" (did you mean '{}'?)", guess);
      else if (!names.empty()) message += fmt::format("; `accelerators` defines {}", fmt::join(names, ", "));
      c.fail(p + ".accelerator", std::move(message));
    }
  }

  const bool has_duration = c.present(p + ".duration"), has_flops = c.present(p + ".total_flops");
  const bool has_model = c.present(p + ".model");
  const bool has_rate = c.present(p + ".flops_per_chip"), has_mfu = c.present(p + ".mfu");
  if (has_duration && has_flops) c.fail(p + ".total_flops", "give either duration or total_flops, not both");
  else if (int(has_duration) + int(has_flops) + int(has_model) > 1)
    c.fail(p + ".model", "give only one of duration, total_flops and model");
  if (!has_duration && !has_flops && !has_model)
    c.fail(p, "needs either duration or total_flops (with flops_per_chip), or a model");
  if ((has_flops || has_model) && !has_rate && !has_mfu)
    c.fail(p + (has_flops ? ".total_flops" : ".model"),
           std::string(has_flops ? "total_flops" : "a model") +
               " needs flops_per_chip (achieved FLOP/s per chip) or mfu to give a duration");
  if (has_rate && has_mfu) c.fail(p + ".mfu", "give either flops_per_chip or mfu, not both");
  if (has_duration && has_rate && !has_flops)
    c.fail(p + ".flops_per_chip", "flops_per_chip is used only with total_flops");
  if (has_mfu && accel != nullptr && !c.present("accelerators." + job.accelerator + ".peak"))
    c.fail(p + ".mfu", fmt::format("mfu needs the accelerator's peak FLOP/s (accelerators.{}.peak)", job.accelerator));
  if (job.model && c.valid(p + ".model")) {
    const ModelSpec& m = *job.model;
    if (m.experts && (!m.top_k || !m.expert_parameters))
      c.fail(p + ".model", "a mixture of experts needs experts, top_k and expert_parameters");
    if (!m.experts && !m.parameters) c.fail(p + ".model", "needs parameters (or experts, top_k and expert_parameters)");
    if (m.experts && m.top_k && *m.top_k > *m.experts) c.fail(p + ".model.top_k", "top_k is more than the experts");
    const int attention = int(m.layers.has_value()) + int(m.context.has_value()) + int(m.d_model.has_value());
    if (attention != 0 && attention != 3) c.fail(p + ".model", "the attention term needs all of layers, context and d_model");
  }
  if (c.present(p + ".checkpoint_interval") && !c.present(p + ".mtbf"))
    c.fail(p + ".checkpoint_interval", "checkpoints matter only with failures: give mtbf too");

  const std::string a = "accelerators." + job.accelerator;
  const bool curve = accel != nullptr && c.present(a + ".idle_power") &&
                     (c.present(p + ".utilisation") || c.present(p + ".mfu") ||
                      (c.present(p + ".flops_per_chip") && c.present(a + ".peak")));
  if (!c.present(p + ".system_power_per_chip") && accel != nullptr && !curve && !c.present(a + ".system_power"))
    c.fail(p, fmt::format("needs a power: system_power_per_chip, accelerator '{}''s system_power, or its idle_power "
                          "with a utilisation (or flops_per_chip and peak)",
                          job.accelerator));

  if (c.valid(p + ".start") && job.start_ms && *job.start_ms < spec.start_ms)
    c.fail(p + ".start", fmt::format("starts at {}, before the scenario start {}", units::format_utc(*job.start_ms),
                                     units::format_utc(spec.start_ms)));
}

void check_grid(const GridSpec& g, Checker& c) {
  if (!c.valid("grid")) return;  // missing or malformed: reported already
  int sources = 0;
  for (const char* k : {"grid.gross", "grid.trace", "grid.mix", "grid.region"}) sources += c.present(k) ? 1 : 0;
  if (sources == 0) c.fail("grid", "needs an intensity source: one of gross, trace, mix or region");
  if (sources > 1) c.fail("grid", "give only one intensity source: gross, trace, mix or region");
  if (c.present("grid.changes") && !c.present("grid.gross"))
    c.fail("grid.changes", "changes step the constant source; give gross (or use a trace)");
  if (c.valid("grid.net_basis")) {
    const std::string& b = g.net_basis;
    if (b == "given" && !c.present("grid.net") && !c.present("grid.region"))
      c.fail("grid.net_basis", "the given basis needs a published net intensity (grid.net)");
    if (b == "hourly" && !c.present("grid.cfe") && !c.present("grid.region"))
      c.fail("grid.net_basis", "the hourly basis needs carbon-free supply (grid.cfe)");
    if (b == "annual" && !c.present("grid.annual_matching") && !(g.cfe && !g.cfe->contracts.empty()))
      c.fail("grid.net_basis", "the annual basis needs grid.annual_matching or contracted supply");
  }
  if (g.cfe && c.valid("grid.cfe") && !c.present("grid.cfe.share") && !c.present("grid.cfe.contracts"))
    c.fail("grid.cfe", "needs a share or contracts");
  if (g.cfe)
    for (std::size_t i = 0; i < g.cfe->contracts.size(); ++i) {
      const std::string p = element_path("grid.cfe.contracts", i);
      if (!c.valid(p)) continue;
      const bool cf = c.present(p + ".capacity_factor"), profile = c.present(p + ".profile");
      const bool mix = g.cfe->contracts[i].from_mix;
      if (int(cf) + int(profile) + int(mix) != 1) c.fail(p, "give exactly one of capacity_factor, profile and from_mix");
      if (mix && !c.present("grid.mix")) c.fail(p + ".from_mix", "from_mix needs the grid's intensity from the mix model (grid.mix)");
      if (mix && c.valid(p + ".kind") && g.cfe->contracts[i].kind != "wind" && g.cfe->contracts[i].kind != "solar")
        c.fail(p + ".from_mix", "from_mix follows the model's wind or solar output; kind must be wind or solar");
    }
  if (g.annual_matching && c.valid("grid.annual_matching") &&
      c.present("grid.annual_matching.certificates") == c.present("grid.annual_matching.share"))
    c.fail("grid.annual_matching", "give exactly one of certificates and share");
  for (const char* t : {"grid.trace", "grid.marginal"}) {
    const std::string k = std::string(t) + ".column";
    const std::string f = std::string(t) + ".format";
    const TraceSpec* spec = std::string(t) == "grid.trace" ? (g.trace ? &*g.trace : nullptr) : (g.marginal ? &*g.marginal : nullptr);
    if (spec && c.present(k) && c.valid(f) && spec->format != "electricity_maps")
      c.fail(k, "column applies to the electricity_maps format only");
  }
}

}  // namespace

void validate(const ScenarioSpec& spec, const SourceMap& sources, std::vector<Problem>& problems) {
  Checker c(sources, problems);

  std::set<std::string> names;
  for (std::size_t i = 0; i < spec.jobs.size(); ++i) {
    const std::string p = element_path("jobs", i);
    if (!c.valid(p)) continue;
    check_job(spec, spec.jobs[i], p, c);
    if (c.valid(p + ".name") && !names.insert(spec.jobs[i].name).second)
      c.fail(p + ".name", fmt::format("job name '{}' is used twice", spec.jobs[i].name));
  }

  check_grid(spec.grid, c);

  const bool pue = c.present("facility.pue"), preset = c.present("facility.preset");
  if (c.valid("facility") && pue == preset)
    c.fail("facility", pue ? "give either pue or preset, not both" : "needs pue (fixed) or preset (computed from load and weather)");
  if (preset && c.present("facility.site") == c.present("facility.weather"))
    c.fail("facility", "a preset needs the weather: give site or weather (not both)");
  for (const char* k : {"facility.site", "facility.weather", "facility.racks", "facility.design_it"})
    if (pue && c.present(k)) c.fail(k, "applies to a preset facility only; a fixed PUE takes no weather or racks");

  std::int64_t previous = spec.start_ms;
  for (std::size_t i = 0; i < spec.grid.changes.size(); ++i) {
    const std::string p = element_path("grid.changes", i) + ".at";
    if (!c.valid(p)) continue;
    const std::int64_t at = spec.grid.changes[i].at_ms;
    if (i == 0 && at < spec.start_ms)
      c.fail(p, fmt::format("{} is before the scenario start {}", units::format_utc(at), units::format_utc(spec.start_ms)));
    else if (i > 0 && at <= previous)
      c.fail(p, fmt::format("{} is not after the previous change {}", units::format_utc(at), units::format_utc(previous)));
    previous = at;
  }
}

}  // namespace dcsim::scenario
