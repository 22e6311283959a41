#include "sim/datacentre/Simulation.hpp"

#include <algorithm>
#include <cmath>

#include "models/units/Units.hpp"
#include "sim/engine/Profile.hpp"

namespace dcsim::sim {

using engine::Time;

Simulation::Simulation(const scenario::Scenario& scenario)
    : scenario_(scenario), active_(scenario.jobs.size()), jobs_left_(scenario.jobs.size()) {}

void Simulation::update(Time now) {
  // set_rate() integrates each old rate up to now before switching: update before change.
  state_.power = scenario_.facility.power(it_w_);
  const double facility_w = state_.power.total_w();
  const double ratio = it_w_ > 0.0 ? facility_w / it_w_ : 0.0;
  it_energy_j_.set_rate(now, it_w_);
  facility_energy_j_.set_rate(now, facility_w);
  gross_kg_.set_rate(now, facility_w * state_.gross_kg_per_j);
  net_kg_.set_rate(now, facility_w * state_.net_kg_per_j);
  ratio_s_.set_rate(now, ratio);
  ratio_gross_.set_rate(now, ratio * state_.gross_kg_per_j);
  ratio_net_.set_rate(now, ratio * state_.net_kg_per_j);
  changed.emit(now, state_);
}

void Simulation::set_grid(double gross_kg_per_j, double net_kg_per_j) {
  state_.gross_kg_per_j = gross_kg_per_j;
  state_.net_kg_per_j = net_kg_per_j;
  update(engine_.now());
}

void Simulation::start_job(std::size_t index) {
  const Time now = engine_.now();
  const scenario::ScheduledJob& job = scenario_.jobs[index];
  const double it_w = job.run.it_power_w();
  it_w_ += it_w;
  update(now);
  active_[index] = ActiveJob{&job, it_w, ratio_s_.total(), ratio_gross_.total(), ratio_net_.total()};
  engine_.schedule_at(now + engine::Duration::from_ms(job.duration_ms), [this, index] { end_job(index); });
}

void Simulation::end_job(std::size_t index) {
  const Time now = engine_.now();
  const ActiveJob& a = active_[index];
  const scenario::ScheduledJob& job = *a.job;
  const double start_s = static_cast<double>(job.start_offset_ms) / 1000.0;
  const double duration_s = static_cast<double>(job.duration_ms) / 1000.0;
  // Subtract rather than recompute, so that a run whose jobs all end returns exactly to zero.
  it_w_ = --jobs_left_ == 0 ? 0.0 : std::max(0.0, it_w_ - a.it_w);
  update(now);  // integrates up to now at the old rates first
  analysis::JobRow row;
  row.name = job.run.name;
  row.start_s = start_s;
  row.end_s = start_s + duration_s;
  row.chips = job.run.chips;
  row.it_energy_kwh = a.it_w * duration_s / units::kJPerKWh;
  row.facility_energy_kwh = a.it_w * (ratio_s_.total() - a.ratio_at_start) / units::kJPerKWh;
  row.co2e_gross_kg = a.it_w * (ratio_gross_.total() - a.gross_at_start);
  row.co2e_net_kg = a.it_w * (ratio_net_.total() - a.net_at_start);
  job_finished.emit(row);
  if (jobs_left_ == 0) engine_.stop();
}

analysis::Summary Simulation::run() {
  std::vector<engine::Dated<models::IntensityStep>> steps;
  for (const models::IntensityStep& s : scenario_.grid.steps())
    steps.push_back({Time::from_ms(std::llround(s.from_s * 1000.0)), s});
  const models::IntensityStep& first = scenario_.grid.steps().front();
  state_.gross_kg_per_j = first.gross_kg_per_j;
  state_.net_kg_per_j = first.net_kg_per_j;
  update(Time::zero());
  engine::ProfilePlayer<models::IntensityStep> grid(
      engine_, std::vector(steps.begin() + 1, steps.end()),
      [this](const models::IntensityStep& s) { set_grid(s.gross_kg_per_j, s.net_kg_per_j); });
  grid.start();
  for (std::size_t i = 0; i < scenario_.jobs.size(); ++i)
    engine_.schedule_at(Time::from_ms(scenario_.jobs[i].start_offset_ms), [this, i] { start_job(i); });
  engine_.run();

  const Time end = engine_.now();
  for (engine::Integral* i : {&it_energy_j_, &facility_energy_j_, &gross_kg_, &net_kg_}) i->advance(end);
  analysis::Summary s;
  s.it_energy_mwh = it_energy_j_.total() / (units::kJPerKWh * 1e3);
  s.facility_energy_mwh = facility_energy_j_.total() / (units::kJPerKWh * 1e3);
  s.pue = it_energy_j_.total() > 0.0 ? facility_energy_j_.total() / it_energy_j_.total() : 0.0;
  s.co2e_gross_t = gross_kg_.total() / 1e3;
  s.co2e_net_t = net_kg_.total() / 1e3;
  s.makespan_h = end.seconds() / 3600.0;
  s.embodied_co2e_t = 0.0;
  finished.emit(end, s);
  return s;
}

}  // namespace dcsim::sim
