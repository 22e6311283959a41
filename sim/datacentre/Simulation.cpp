#include "sim/datacentre/Simulation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "models/grid/Accounting.hpp"
#include "models/units/Units.hpp"
#include "sim/datacentre/CarbonAware.hpp"
#include "sim/datacentre/SeriesPlayer.hpp"
#include "sim/engine/Profile.hpp"

namespace dcsim::sim {

using engine::Time;
using scenario::NetBasis;

Simulation::Simulation(const scenario::Scenario& scenario)
    : scenario_(scenario), grid_(scenario.grid), active_(scenario.jobs.size()), jobs_left_(scenario.jobs.size()),
      contract_w_(scenario.grid.contracts.size(), 0.0) {
  if (scenario.physical) {
    const scenario::PhysicalFacilitySetup& p = *scenario.physical;
    hall_.emplace(models::standard_hall(p.hall), models::make_cooling_model(p.cooling, p.design_it_w),
                  p.accelerators_per_rack, p.switch_power_w, p.rack_cap_w);
  }
}

Simulation::~Simulation() = default;

void Simulation::update() {
  // set_rate() integrates each old rate up to now before switching: update before change.
  const Time now = engine_.now();
  for (const auto& p : players_) p->check(now, jobs_left_ > 0);
  PowerState& s = state_;
  if (hall_) {
    s.hall = &*hall_;
    s.power = hall_->power(weather_);
    const std::size_t over = hall_->over_rating_count();
    if (over > 0 && s.over_rating_nodes == 0) ++over_rating_episodes_;
    s.over_rating_nodes = over;
    const std::size_t capped = hall_->capped_racks();
    if (capped > 0 && s.capped_racks == 0) ++capped_episodes_;
    s.capped_racks = capped;
  } else {
    s.power = scenario_.facility.power(it_w_);
  }
  const double f = s.power.total_w();
  s.cfe_supply_w = grid_.cfe_share * f + std::accumulate(contract_w_.begin(), contract_w_.end(), 0.0);
  s.hourly_rate_kg_per_s = models::hourly_matched_rate(f, s.cfe_supply_w, s.gross_kg_per_j);
  switch (grid_.net_basis) {
    case NetBasis::given: s.net_rate_kg_per_s = f * s.net_given_kg_per_j; break;
    case NetBasis::hourly: s.net_rate_kg_per_s = s.hourly_rate_kg_per_s; break;
    case NetBasis::annual:
    case NetBasis::gross: s.net_rate_kg_per_s = f * s.gross_kg_per_j; break;
  }
  const double idle_net = grid_.net_basis == NetBasis::given ? s.net_given_kg_per_j : s.gross_kg_per_j;
  s.net_kg_per_j = f > 0.0 ? s.net_rate_kg_per_s / f : idle_net;
  it_j_.set_rate(now, s.power.it_w);  // as drawn: switches included, rack caps applied
  facility_j_.set_rate(now, f);
  gross_kg_.set_rate(now, f * s.gross_kg_per_j);
  given_kg_.set_rate(now, f * s.net_given_kg_per_j);
  hourly_kg_.set_rate(now, s.hourly_rate_kg_per_s);
  marginal_kg_.set_rate(now, f * s.marginal_kg_per_j);
  supply_j_.set_rate(now, s.cfe_supply_w - grid_.cfe_share * f);  // contracted output only
  matched_j_.set_rate(now, std::min(f, s.cfe_supply_w));
  const double per_it = it_w_ > 0.0 ? 1.0 / it_w_ : 0.0;  // jobs share in proportion to their demand
  per_it_facility_.set_rate(now, f * per_it);
  per_it_gross_.set_rate(now, f * s.gross_kg_per_j * per_it);
  per_it_net_.set_rate(now, s.net_rate_kg_per_s * per_it);
  changed.emit(now, state_);
}

void Simulation::start_job(std::size_t index) {
  const scenario::ScheduledJob& job = scenario_.jobs[index];
  const double it_w = job.run.it_power_w();
  it_w_ += it_w;
  const std::size_t placement = hall_ ? hall_->place(job.run.chips, job.run.system_power_per_chip_w) : 0;
  update();
  ActiveJob& a = active_[index];
  a.job = &job;
  a.it_w = it_w;
  a.facility_at_start = per_it_facility_.total();
  a.gross_at_start = per_it_gross_.total();
  a.net_at_start = per_it_net_.total();
  a.placement = placement;
  a.started = engine_.now();
  if (job.failure_rate_per_s > 0.0) a.failures.emplace(job.failure_rate_per_s, job.seed);
  run_segment(index);
}

void Simulation::run_segment(std::size_t index) {
  ActiveJob& a = active_[index];
  const Time now = engine_.now();
  a.segment_start = now;
  const std::int64_t remaining = a.job->duration_ms - a.progress_ms;
  a.completion = engine_.schedule_at(now + engine::Duration::from_ms(remaining), [this, index] { end_job(index); });
  if (a.failures) {
    const auto until_failure = std::max<std::int64_t>(1, std::llround(a.failures->next_interval_s() * 1000.0));
    if (until_failure < remaining)
      a.failure = engine_.schedule_at(now + engine::Duration::from_ms(until_failure), [this, index] { fail_job(index); });
  }
}

void Simulation::fail_job(std::size_t index) {
  ActiveJob& a = active_[index];
  engine_.cancel(a.completion);
  const std::int64_t progress = a.progress_ms + (engine_.now() - a.segment_start).ms();
  const auto interval = a.job->checkpoint_interval_ms;
  const std::int64_t lost = interval > 0 ? progress % interval : progress;
  a.progress_ms = progress - lost;
  a.wasted_j += a.it_w * static_cast<double>(lost + a.job->restart_ms) / 1000.0;
  ++a.restarts;
  // The job keeps its accelerators and draws its power while it restarts.
  engine_.schedule_at(engine_.now() + engine::Duration::from_ms(a.job->restart_ms), [this, index] { run_segment(index); });
}

void Simulation::end_job(std::size_t index) {
  ActiveJob& a = active_[index];
  engine_.cancel(a.failure);
  const scenario::ScheduledJob& job = *a.job;
  // The last job leaves exactly zero IT power behind, not a rounding residue.
  it_w_ = --jobs_left_ == 0 ? 0.0 : std::max(0.0, it_w_ - a.it_w);
  if (hall_) hall_->release(a.placement);
  update();
  const double start_s = a.started.seconds();
  const double duration_s = (engine_.now() - a.started).seconds();
  analysis::JobRow row;
  row.name = job.run.name;
  row.start_s = start_s;
  row.end_s = start_s + duration_s;
  row.chips = job.run.chips;
  row.it_energy_kwh = a.it_w * duration_s / units::kJPerKWh;
  row.facility_energy_kwh = a.it_w * (per_it_facility_.total() - a.facility_at_start) / units::kJPerKWh;
  row.co2e_gross_kg = a.it_w * (per_it_gross_.total() - a.gross_at_start);
  row.co2e_net_kg = a.it_w * (per_it_net_.total() - a.net_at_start);
  row.restarts = a.restarts;
  row.delay_s = (a.started - a.arrived).seconds();
  row.co2e_saved_kg = a.co2e_saved_kg;
  row.wasted_energy_kwh = a.wasted_j / units::kJPerKWh;
  row.total_flop = job.run.total_flop;
  row.mfu = job.run.peak_flop_per_s > 0.0 && job.run.flop_per_s_per_chip > 0.0
                ? job.run.flop_per_s_per_chip / job.run.peak_flop_per_s
                : 0.0;
  embodied_kg_ += job.embodied_kg_per_s * duration_s;
  capped_jobs_ += job.run.power_capped ? 1 : 0;
  wasted_j_ += a.wasted_j;
  if (grid_.net_basis == NetBasis::annual) held_rows_.push_back(std::move(row));
  else job_finished.emit(row);
  if (job.campaign >= 0 && !waiting_[static_cast<std::size_t>(job.campaign)].empty()) {
    auto& queue = waiting_[static_cast<std::size_t>(job.campaign)];
    const std::size_t next = queue.back();
    queue.pop_back();
    engine_.schedule_at(engine_.now(), [this, next] { start_job(next); });
  }
  if (jobs_left_ == 0) engine_.stop();
}

// Hourly weather of one calendar year, replayed by whole years for runs outside it.
void Simulation::apply_weather() {
  const models::WeatherTrace& w = scenario_.physical->weather;
  const std::int64_t span = w.end_ms() - w.utc_ms.front();
  std::int64_t offset = (scenario_.start_ms + engine_.now().ms() - w.utc_ms.front()) % span;
  if (offset < 0) offset += span;
  weather_ = w.values[static_cast<std::size_t>(offset / w.step_ms)];
  state_.outdoor_temp_c = weather_.dry_bulb_c;
  state_.outdoor_wet_bulb_c = weather_.wet_bulb_c;
  update();
  engine_.schedule_at(engine_.now() + engine::Duration::from_ms(w.step_ms - offset % w.step_ms), [this] { apply_weather(); });
}

double Simulation::annual_factor() const {
  const double e = facility_j_.total();
  if (e <= 0.0) return 1.0;
  const double certificates = grid_.certificate_share ? *grid_.certificate_share * e
                              : grid_.certificates_j  ? *grid_.certificates_j
                                                      : supply_j_.total();
  return models::annual_matched_kg(1.0, e, certificates);
}

analysis::Summary Simulation::run() {
  const models::IntensityStep& first = grid_.steps.steps().front();
  state_.gross_kg_per_j = first.gross_kg_per_j;
  state_.net_given_kg_per_j = grid_.has_net_given ? first.net_kg_per_j : kNaN;
  for (std::size_t i = 0; i < grid_.contracts.size(); ++i)
    contract_w_[i] = grid_.contracts[i].capacity_w * grid_.contracts[i].capacity_factor;

  // Exogenous series, each scheduling its own next change.
  std::vector<engine::Dated<models::IntensityStep>> steps;
  for (std::size_t i = 1; i < grid_.steps.steps().size(); ++i) {
    const models::IntensityStep& s = grid_.steps.steps()[i];
    steps.push_back({Time::from_ms(std::llround(s.from_s * 1000.0)), s});
  }
  const bool gross_from_steps = !grid_.trace.has_value();
  engine::ProfilePlayer<models::IntensityStep> step_player(engine_, std::move(steps), [this, gross_from_steps](const models::IntensityStep& s) {
    if (gross_from_steps) state_.gross_kg_per_j = s.gross_kg_per_j;
    if (grid_.has_net_given) state_.net_given_kg_per_j = s.net_kg_per_j;
    update();
  });
  const std::int64_t t0 = scenario_.start_ms;
  if (grid_.trace)
    players_.push_back(std::make_unique<SeriesPlayer>(engine_, *grid_.trace, t0, grid_.trace_origin, [this](const auto& s) {
      state_.gross_kg_per_j = s.value;
      update();
    }));
  if (grid_.marginal)
    players_.push_back(std::make_unique<SeriesPlayer>(engine_, *grid_.marginal, t0, grid_.marginal_origin, [this](const auto& s) {
      state_.marginal_kg_per_j = s.value;
      update();
    }));
  for (std::size_t i = 0; i < grid_.contracts.size(); ++i)
    if (grid_.contracts[i].profile)
      players_.push_back(std::make_unique<SeriesPlayer>(engine_, *grid_.contracts[i].profile, t0,
                                                        grid_.contracts[i].profile->trace().description,
                                                        [this, i](const auto& s) {
                                                          contract_w_[i] = grid_.contracts[i].capacity_w * s.value;
                                                          update();
                                                        }));

  if (hall_) {
    const models::WeatherTrace& w = scenario_.physical->weather;
    weather_ = w.values.front();
  }
  update();
  if (hall_) apply_weather();
  step_player.start();
  for (auto& p : players_) p->start();
  const IntensityForecast truth(grid_, scenario_.start_ms, 0.0, 0);
  const IntensityForecast forecast(grid_, scenario_.start_ms, scenario_.forecast_error,
                                   static_cast<std::uint64_t>(scenario_.seed) ^ 0xF0CA57ull);
  waiting_.assign(scenario_.campaign_concurrency.size(), {});
  std::vector<int> launched(scenario_.campaign_concurrency.size(), 0);
  for (std::size_t i = 0; i < scenario_.jobs.size(); ++i) {
    const scenario::ScheduledJob& job = scenario_.jobs[i];
    std::int64_t start = job.start_offset_ms;
    active_[i].arrived = Time::from_ms(start);
    if (job.campaign >= 0) {
      // A campaign's trials beyond its concurrency wait for a running one to end.
      const auto c = static_cast<std::size_t>(job.campaign);
      if (launched[c]++ >= scenario_.campaign_concurrency[c]) {
        waiting_[c].insert(waiting_[c].begin(), i);
        continue;
      }
    } else if (scenario_.carbon_aware && job.slack_ms > 0) {
      start = best_start_ms(forecast, job.start_offset_ms, job.slack_ms, job.duration_ms);
      // The saving as it turns out (true intensities), at the facility's fixed PUE (IT only for a
      // preset facility, whose PUE is not known in advance).
      const double pue = scenario_.physical ? 1.0 : scenario_.facility.pue();
      active_[i].co2e_saved_kg =
          job.run.it_power_w() * pue *
          (truth.integral(job.start_offset_ms, job.start_offset_ms + job.duration_ms) -
           truth.integral(start, start + job.duration_ms));
    }
    engine_.schedule_at(Time::from_ms(start), [this, i] { start_job(i); });
  }
  engine_.run();

  const Time end = engine_.now();
  for (engine::Integral* i : {&it_j_, &facility_j_, &gross_kg_, &given_kg_, &hourly_kg_, &marginal_kg_, &supply_j_, &matched_j_})
    i->advance(end);
  for (const auto& p : players_)
    if (p->wrapped() && warnings_.empty()) warnings_.push_back("a trace was replayed by whole years to cover the run");

  const double factor = grid_.net_basis == NetBasis::annual ? annual_factor() : 1.0;
  constexpr double kJPerMWh = units::kJPerKWh * 1e3;
  analysis::Summary s;
  s.it_energy_mwh = it_j_.total() / kJPerMWh;
  s.facility_energy_mwh = facility_j_.total() / kJPerMWh;
  s.pue = it_j_.total() > 0.0 ? facility_j_.total() / it_j_.total() : 0.0;
  s.co2e_gross_t = gross_kg_.total() / 1e3;
  s.co2e_net_given_t = grid_.has_net_given ? given_kg_.total() / 1e3 : kNaN;
  s.co2e_hourly_t = grid_.has_hourly ? hourly_kg_.total() / 1e3 : kNaN;
  s.co2e_annual_t = grid_.has_annual ? gross_kg_.total() * annual_factor() / 1e3 : kNaN;
  s.co2e_marginal_t = grid_.marginal ? marginal_kg_.total() / 1e3 : kNaN;
  switch (grid_.net_basis) {
    case NetBasis::given: s.co2e_net_t = s.co2e_net_given_t; break;
    case NetBasis::hourly: s.co2e_net_t = s.co2e_hourly_t; break;
    case NetBasis::annual: s.co2e_net_t = s.co2e_annual_t; break;
    case NetBasis::gross: s.co2e_net_t = s.co2e_gross_t; break;
  }
  s.cfe_supply_mwh = supply_j_.total() / kJPerMWh;
  s.cfe_matched_share = facility_j_.total() > 0.0 ? matched_j_.total() / facility_j_.total() : 0.0;
  s.makespan_h = end.seconds() / 3600.0;
  s.embodied_co2e_t = embodied_kg_ / 1e3;
  s.wasted_energy_mwh = wasted_j_ / kJPerMWh;
  s.over_rating_episodes = over_rating_episodes_;
  s.capped_rack_episodes = capped_episodes_;
  s.capped_jobs = capped_jobs_;
  s.net_basis = grid_.net_basis == NetBasis::given    ? "given"
                : grid_.net_basis == NetBasis::hourly ? "hourly"
                : grid_.net_basis == NetBasis::annual ? "annual"
                                                      : "gross";
  for (analysis::JobRow& row : held_rows_) {
    row.co2e_net_kg *= factor;
    job_finished.emit(row);
  }
  finished.emit(end, s, factor);
  return s;
}

}  // namespace dcsim::sim
