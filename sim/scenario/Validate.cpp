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
  if (has_duration && has_flops) c.fail(p + ".total_flops", "give either duration or total_flops, not both");
  if (!has_duration && !has_flops) c.fail(p, "needs either duration or total_flops (with flops_per_chip)");
  if (has_flops && !c.present(p + ".flops_per_chip"))
    c.fail(p + ".total_flops", "total_flops needs flops_per_chip (achieved FLOP/s per chip) to give a duration");
  if (has_duration && c.present(p + ".flops_per_chip") && !has_flops)
    c.fail(p + ".flops_per_chip", "flops_per_chip is used only with total_flops");

  if (!c.present(p + ".system_power_per_chip") && accel != nullptr && !accel->system_power_w)
    c.fail(p, fmt::format("needs system_power_per_chip: accelerator '{}' gives no system_power default",
                          job.accelerator));

  if (c.valid(p + ".start") && job.start_ms && *job.start_ms < spec.start_ms)
    c.fail(p + ".start", fmt::format("starts at {}, before the scenario start {}", units::format_utc(*job.start_ms),
                                     units::format_utc(spec.start_ms)));
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
