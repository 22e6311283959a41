#include "sim/scenario/Validate.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/units/Calendar.hpp"
#include "models/units/Units.hpp"

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
  if (c.present(p + ".checkpoint_interval") && !c.present(p + ".mtbf") && !c.present(p + ".phases.checkpoint"))
    c.fail(p + ".checkpoint_interval", "checkpoints matter only with failures or a checkpoint phase: give mtbf or phases.checkpoint");
  if (c.present(p + ".phases.checkpoint") && !c.present(p + ".checkpoint_interval"))
    c.fail(p + ".phases.checkpoint", "a checkpoint phase needs checkpoint_interval (training work between checkpoints)");
  if (c.present(p + ".phases.evaluation") && !c.present(p + ".phases.evaluation.every"))
    c.fail(p + ".phases.evaluation", "an evaluation phase needs `every` (training work between evaluations)");
  for (const char* phase : {"startup", "checkpoint", "evaluation"}) {
    const std::string q = p + ".phases." + phase;
    if (c.present(q + ".utilisation") && c.present(q + ".power_per_chip"))
      c.fail(q + ".power_per_chip", "give either utilisation or power_per_chip, not both");
    if (c.present(q + ".utilisation") && accel != nullptr && !c.present("accelerators." + job.accelerator + ".idle_power"))
      c.fail(q + ".utilisation", fmt::format("a phase utilisation needs the accelerator's power curve (accelerators.{}.idle_power)",
                                             job.accelerator));
  }
  if (c.present(p + ".phases.startup.every"))
    c.fail(p + ".phases.startup.every", "applies to the evaluation phase only");
  if (c.present(p + ".phases.checkpoint.every"))
    c.fail(p + ".phases.checkpoint.every", "a checkpoint's interval is the job's checkpoint_interval");
  if (job.spares > 0 && !c.present(p + ".mtbf")) c.fail(p + ".spares", "spares matter only with failures: give mtbf too");
  if (job.repair_s > 0.0 && !c.present(p + ".mtbf")) c.fail(p + ".repair", "repair matters only with failures: give mtbf too");

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

void check_grid(const GridSpec& g, const std::string& prefix, std::int64_t start_ms, Checker& c) {
  if (!c.valid(prefix)) return;  // malformed: reported already
  int sources = 0;
  for (const char* k : {".gross", ".trace", ".mix", ".region"}) sources += c.present(prefix + k) ? 1 : 0;
  if (sources == 0) c.fail(prefix, "needs an intensity source: one of gross, trace, mix or region");
  if (sources > 1) c.fail(prefix, "give only one intensity source: gross, trace, mix or region");
  if (c.present((prefix + ".changes")) && !c.present((prefix + ".gross")))
    c.fail((prefix + ".changes"), "changes step the constant source; give gross (or use a trace)");
  std::int64_t previous = start_ms;
  for (std::size_t i = 0; i < g.changes.size(); ++i) {
    const std::string p = element_path(prefix + ".changes", i) + ".at";
    if (!c.valid(p)) continue;
    const std::int64_t at = g.changes[i].at_ms;
    if (i == 0 && at < start_ms)
      c.fail(p, fmt::format("{} is before the scenario start {}", units::format_utc(at), units::format_utc(start_ms)));
    else if (i > 0 && at <= previous)
      c.fail(p, fmt::format("{} is not after the previous change {}", units::format_utc(at), units::format_utc(previous)));
    previous = at;
  }
  if (c.valid((prefix + ".net_basis"))) {
    const std::string& b = g.net_basis;
    if (b == "given" && !c.present((prefix + ".net")) && !c.present((prefix + ".region")))
      c.fail((prefix + ".net_basis"), "the given basis needs a published net intensity (grid.net)");
    if (b == "hourly" && !c.present((prefix + ".cfe")) && !c.present((prefix + ".region")))
      c.fail((prefix + ".net_basis"), "the hourly basis needs carbon-free supply (grid.cfe)");
    if (b == "annual" && !c.present((prefix + ".annual_matching")) && !(g.cfe && !g.cfe->contracts.empty()))
      c.fail((prefix + ".net_basis"), "the annual basis needs grid.annual_matching or contracted supply");
  }
  if (g.cfe && c.valid((prefix + ".cfe")) && !c.present((prefix + ".cfe.share")) && !c.present((prefix + ".cfe.contracts")))
    c.fail((prefix + ".cfe"), "needs a share or contracts");
  if (g.cfe)
    for (std::size_t i = 0; i < g.cfe->contracts.size(); ++i) {
      const std::string p = element_path((prefix + ".cfe.contracts"), i);
      if (!c.valid(p)) continue;
      const bool cf = c.present(p + ".capacity_factor"), profile = c.present(p + ".profile");
      const bool mix = g.cfe->contracts[i].from_mix;
      if (int(cf) + int(profile) + int(mix) != 1) c.fail(p, "give exactly one of capacity_factor, profile and from_mix");
      if (mix && !c.present((prefix + ".mix"))) c.fail(p + ".from_mix", "from_mix needs the grid's intensity from the mix model (grid.mix)");
      if (mix && c.valid(p + ".kind") && g.cfe->contracts[i].kind != "wind" && g.cfe->contracts[i].kind != "solar")
        c.fail(p + ".from_mix", "from_mix follows the model's wind or solar output; kind must be wind or solar");
    }
  if (g.annual_matching && c.valid((prefix + ".annual_matching")) &&
      c.present((prefix + ".annual_matching.certificates")) == c.present((prefix + ".annual_matching.share")))
    c.fail((prefix + ".annual_matching"), "give exactly one of certificates and share");
  for (const char* t : {".trace", ".marginal"}) {
    const std::string k = prefix + t + ".column";
    const std::string f = prefix + t + ".format";
    const TraceSpec* spec = std::string(t) == ".trace" ? (g.trace ? &*g.trace : nullptr) : (g.marginal ? &*g.marginal : nullptr);
    if (spec && c.present(k) && c.valid(f) && spec->format != "electricity_maps")
      c.fail(k, "column applies to the electricity_maps format only");
    const std::string u = prefix + t + ".unit";
    if (spec && c.valid(u) && !spec->unit.empty()) {
      try {
        units::parse_quantity("1 " + spec->unit, units::Dimension::carbon_intensity);
      } catch (const units::UnitError& e) {
        c.fail(u, e.what());
      }
    }
  }
  if (g.cfe)
    for (std::size_t i = 0; i < g.cfe->contracts.size(); ++i) {
      const std::string u = element_path(prefix + ".cfe.contracts", i) + ".profile.unit";
      if (c.valid(u) && g.cfe->contracts[i].profile && !g.cfe->contracts[i].profile->unit.empty())
        c.fail(u, "a capacity-factor profile takes no unit (values are 0..1)");
    }
}

void check_facility(const std::string& prefix, Checker& c) {
  const bool pue = c.present(prefix + ".pue"), preset = c.present(prefix + ".preset");
  if (c.valid(prefix) && pue == preset)
    c.fail(prefix, pue ? "give either pue or preset, not both" : "needs pue (fixed) or preset (computed from load and weather)");
  if (preset && c.present(prefix + ".site") == c.present(prefix + ".weather"))
    c.fail(prefix, "a preset needs the weather: give site or weather (not both)");
  for (const char* k : {".site", ".weather", ".racks", ".design_it"})
    if (pue && c.present(prefix + k)) c.fail(prefix + k, "applies to a preset facility only; a fixed PUE takes no weather or racks");
}

std::string known(const std::string& name, const std::vector<std::string>& names, const char* what, const char* where) {
  std::string message = fmt::format("unknown {} '{}'", what, name);
  const std::string guess = did_you_mean(name, names);
  if (!guess.empty()) message += fmt::format(" (did you mean '{}'?)", guess);
  else if (!names.empty()) message += fmt::format("; {} defines {}", where, fmt::join(names, ", "));
  return message;
}

std::vector<std::string> accelerator_names(const ScenarioSpec& spec) {
  std::vector<std::string> names;
  for (const auto& [name, a] : spec.accelerators) names.push_back(name);
  return names;
}

void check_cluster(const ScenarioSpec& spec, const ClusterSpec& cl, const std::string& p, Checker& c) {
  if (!c.valid(p)) return;
  if (c.present(p + ".hosts") == c.present(p + ".accelerators"))
    c.fail(p, "give exactly one of hosts and accelerators");
  if (c.valid(p + ".accelerator") && !spec.accelerators.contains(cl.accelerator))
    c.fail(p + ".accelerator", known(cl.accelerator, accelerator_names(spec), "accelerator", "`accelerators`"));
}

std::int64_t capacity_of(const std::optional<ClusterSpec>& cl) {
  if (!cl) return 0;
  return cl->accelerators ? *cl->accelerators : cl->hosts.value_or(0) * cl->accelerators_per_host;
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

  const bool multi = !spec.sites.empty();
  if (!multi) {
    if (!c.present("facility")) c.fail("facility", "missing required key 'facility' (the datacentre; or give sites)");
    else check_facility("facility", c);
    if (!c.present("grid")) c.fail("grid", "missing required key 'grid' (carbon intensity of the electricity; or give sites)");
    else check_grid(spec.grid, "grid", spec.start_ms, c);
    if (spec.cluster) check_cluster(spec, *spec.cluster, "cluster", c);
  } else {
    for (const char* k : {"facility.pue", "facility.preset", "grid.gross", "grid.trace", "grid.mix", "grid.region", "cluster"})
      if (c.present(k)) c.fail(k, "a multi-site scenario gives each site its own facility, grid and cluster");
    std::set<std::string> site_names;
    for (std::size_t i = 0; i < spec.sites.size(); ++i) {
      const std::string p = element_path("sites", i);
      if (!c.valid(p)) continue;
      const SiteSpec& site = spec.sites[i];
      if (c.valid(p + ".name") && !site_names.insert(site.name).second)
        c.fail(p + ".name", fmt::format("site name '{}' is used twice", site.name));
      if (c.valid(p + ".name") && (site.name.find('/') != std::string::npos || site.name == "." || site.name == ".."))
        c.fail(p + ".name", "a site name must not contain '/' or be '.' or '..' (it names an HDF5 group)");
      check_facility(p + ".facility", c);
      check_grid(site.grid, p + ".grid", spec.start_ms, c);
      if (site.cluster) check_cluster(spec, *site.cluster, p + ".cluster", c);
      if (site.price_trace && c.valid(p + ".price_trace.unit") && !site.price_trace->unit.empty())
        c.fail(p + ".price_trace.unit", "a price trace takes no unit (values are per MWh)");
      if (site.grid.net_basis == "annual" || site.grid.annual_matching)
        c.fail(p + ".grid", "annual matching nets a whole period's energy; it is supported in single-site scenarios only");
    }
  }
  std::vector<std::string> site_list;
  for (const SiteSpec& site : spec.sites) site_list.push_back(site.name);
  std::int64_t max_capacity = 0;
  bool unlimited = false;
  if (!multi) {
    max_capacity = capacity_of(spec.cluster);
    unlimited = !spec.cluster;
  }
  for (const SiteSpec& site : spec.sites) {
    max_capacity = std::max(max_capacity, capacity_of(site.cluster));
    unlimited = unlimited || !site.cluster;
  }
  for (std::size_t i = 0; i < spec.jobs.size(); ++i) {
    const std::string p = element_path("jobs", i);
    if (!c.valid(p)) continue;
    const JobSpec& j = spec.jobs[i];
    if (c.present(p + ".site")) {
      if (!multi) c.fail(p + ".site", "applies to multi-site scenarios (sites) only");
      else if (std::find(site_list.begin(), site_list.end(), j.site) == site_list.end())
        c.fail(p + ".site", known(j.site, site_list, "site", "`sites`"));
    }
    std::int64_t capacity = max_capacity;
    bool open_ended = unlimited;
    if (multi && !j.site.empty())
      for (const SiteSpec& site : spec.sites)
        if (site.name == j.site) {
          capacity = capacity_of(site.cluster);
          open_ended = !site.cluster;
        }
    if (!open_ended && c.valid(p + ".chips") && j.chips + j.spares > capacity)
      c.fail(p + ".chips", fmt::format("needs {} accelerators{}, more than the cluster has ({})", j.chips + j.spares,
                                       j.spares > 0 ? " with its spares" : "", capacity));
  }
  if (!c.present("job_trace") && !c.present("services") && !c.present("replays")) {
    if (!c.present("jobs")) c.fail("jobs", "missing required key 'jobs' (training runs; or give a job_trace)");
    else if (c.valid("jobs") && spec.jobs.empty()) c.fail("jobs", "needs at least one entry (or give a job_trace)");
  }
  if (spec.job_trace && c.valid("job_trace")) {
    const JobTraceSpec& t = *spec.job_trace;
    if (!t.accelerator.empty() && c.valid("job_trace.accelerator") && !spec.accelerators.contains(t.accelerator))
      c.fail("job_trace.accelerator", known(t.accelerator, accelerator_names(spec), "accelerator", "`accelerators`"));
    bool any_cluster = spec.cluster.has_value();
    for (const SiteSpec& site : spec.sites) any_cluster = any_cluster || site.cluster.has_value();
    if (t.accelerator.empty() && !any_cluster)
      c.fail("job_trace", "needs an accelerator (job_trace.accelerator) or a cluster whose accelerator its jobs use");
    if (c.present("job_trace.site")) {
      if (!multi) c.fail("job_trace.site", "applies to multi-site scenarios (sites) only");
      else if (std::find(site_list.begin(), site_list.end(), t.site) == site_list.end())
        c.fail("job_trace.site", known(t.site, site_list, "site", "`sites`"));
    }
  }
  std::set<std::string> service_names;
  for (std::size_t i = 0; i < spec.services.size(); ++i) {
    const std::string p = element_path("services", i);
    if (!c.valid(p)) continue;
    const ServiceSpec& v = spec.services[i];
    if (c.valid(p + ".name") && !service_names.insert(v.name).second)
      c.fail(p + ".name", fmt::format("service name '{}' is used twice", v.name));
    const bool per_query = c.present(p + ".energy_per_query");
    const bool fleet = c.present(p + ".replicas") || c.present(p + ".queries_per_s_per_chip") || c.present(p + ".accelerator");
    if (per_query == fleet)
      c.fail(p, per_query ? "give either energy_per_query or a replica fleet (accelerator, replicas, queries_per_s_per_chip), not both"
                          : "needs energy_per_query, or a replica fleet: accelerator, replicas and queries_per_s_per_chip");
    if (fleet && !per_query)
      for (const char* k : {".accelerator", ".replicas", ".queries_per_s_per_chip"})
        if (!c.present(p + k)) c.fail(p, fmt::format("a replica fleet needs {}", std::string(k).substr(1)));
    if (!v.accelerator.empty() && c.valid(p + ".accelerator") && !spec.accelerators.contains(v.accelerator))
      c.fail(p + ".accelerator", known(v.accelerator, accelerator_names(spec), "accelerator", "`accelerators`"));
    if (!c.present(p + ".duration") && !c.present("horizon"))
      c.fail(p, "needs a duration, or a scenario horizon to serve until");
    if (c.valid(p + ".start") && v.start_ms && *v.start_ms < spec.start_ms)
      c.fail(p + ".start", "starts before the scenario start");
    if (!v.training_job.empty() && c.valid(p + ".training_job")) {
      std::vector<std::string> job_names;
      for (const JobSpec& j : spec.jobs) job_names.push_back(j.name);
      if (std::find(job_names.begin(), job_names.end(), v.training_job) == job_names.end())
        c.fail(p + ".training_job", known(v.training_job, job_names, "job", "`jobs`"));
    }
    if (c.present(p + ".site")) {
      if (!multi) c.fail(p + ".site", "applies to multi-site scenarios (sites) only");
      else if (std::find(site_list.begin(), site_list.end(), v.site) == site_list.end())
        c.fail(p + ".site", known(v.site, site_list, "site", "`sites`"));
    }
    if (v.shape && c.valid(p + ".shape")) {
      const bool cosine = c.present(p + ".shape.peak_to_trough");
      const bool table = c.present(p + ".shape.hourly") || c.present(p + ".shape.daily");
      if (cosine && table) c.fail(p + ".shape", "give a cosine day (peak_to_trough with peak_hour, weekend) or hourly/daily factors, not both");
    }
  }
  for (std::size_t i = 0; i < spec.replays.size(); ++i) {
    const std::string p = element_path("replays", i);
    if (!c.valid(p)) continue;
    const ReplaySpec& r = spec.replays[i];
    if (c.valid(p + ".name") && !service_names.insert(r.name).second)
      c.fail(p + ".name", fmt::format("name '{}' is used twice among services and replays", r.name));
    if (c.present(p + ".run_id") && r.format != "codecarbon")
      c.fail(p + ".run_id", "applies to the codecarbon format only");
    if (c.valid(p + ".start") && r.start_ms && *r.start_ms < spec.start_ms)
      c.fail(p + ".start", "starts before the scenario start");
    if (c.present(p + ".site")) {
      if (!multi) c.fail(p + ".site", "applies to multi-site scenarios (sites) only");
      else if (std::find(site_list.begin(), site_list.end(), r.site) == site_list.end())
        c.fail(p + ".site", known(r.site, site_list, "site", "`sites`"));
    }
  }
  const SchedulerSpec& sch = spec.scheduler;
  if (sch.mode == "suspend" && sch.policy != "carbon_aware")
    c.fail("scheduler.mode", "applies to the carbon_aware policy only");
  if (sch.forecast_error > 0.0 && sch.policy != "carbon_aware" && sch.placement != "spatial")
    c.fail("scheduler.forecast_error", "applies to the carbon_aware policy or spatial placement only");
  if (sch.placement == "spatial" && spec.sites.size() < 2)
    c.fail("scheduler.placement", "spatial placement needs a multi-site scenario (two or more sites)");
  if ((sch.weights.co2e != 1.0 || sch.weights.price != 0.0 || sch.weights.latency != 0.0) && sch.placement != "spatial")
    c.fail("scheduler.weights", "applies to spatial placement only");
}

}  // namespace dcsim::scenario
