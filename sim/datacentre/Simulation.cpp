#include "sim/datacentre/Simulation.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include "models/grid/Accounting.hpp"
#include "models/units/Calendar.hpp"
#include "models/units/Units.hpp"
#include "sim/datacentre/CarbonAware.hpp"
#include "sim/datacentre/SeriesPlayer.hpp"
#include "sim/SpareCore.hpp"
#include "sim/engine/BatchHandOff.hpp"

namespace dcsim::sim {

using engine::Duration;
using engine::Time;
using scenario::NetBasis;
using scenario::Policy;

namespace {
constexpr std::int64_t kHourMs = 3'600'000;
constexpr double kJPerMWh = units::kJPerKWh * 1e3;
}  // namespace

Simulation::Simulation(const scenario::Scenario& scenario, SimulationOptions options)
    : scenario_(scenario), options_(options), jobs_(scenario.jobs.size()), explicit_(scenario.jobs.size()),
      jobs_left_(scenario.jobs.size()) {
  const scenario::SchedulerSetup& s = scenario.scheduler;
  policy_ = options.baseline ? Policy::fifo : s.policy;
  carbon_aware_ = policy_ == Policy::carbon_aware;
  suspend_mode_ = carbon_aware_ && s.suspend;
  spatial_ = !options.baseline && s.spatial;
  sites_.resize(scenario.sites.size());
  for (std::size_t i = 0; i < sites_.size(); ++i) {
    Site& site = sites_[i];
    const scenario::SiteSetup& setup = scenario.sites[i];
    site.setup = &setup;
    site.free_chips = setup.capacity_chips;
    site.contract_w.assign(setup.grid.contracts.size(), 0.0);
    site.price = setup.price_per_mwh;
    site.fac = std::make_unique<SiteFacility>();
    SiteFacility& fac = *site.fac;
    fac.setup = &setup;
    // The quantities this site has are integrated (slots first), the rest are zero or unused.
    const scenario::GridSetup& g = setup.grid;
    const bool supply = g.cfe_share != 0.0 || !g.contracts.empty();
    const bool has[9] = {true, true, true, g.has_net_given || g.net_basis == NetBasis::given, g.has_hourly || g.net_basis == NetBasis::hourly,
                         g.marginal.has_value(), supply, supply, setup.price_per_mwh != 0.0 || setup.price.has_value()};
    std::uint8_t next = 0;
    for (std::size_t q = 0; q < 9; ++q)
      if (has[q]) fac.slot[q] = next++;
    fac.sums.integrate_first(next);
    for (std::size_t q = 0; q < 9; ++q)
      if (!has[q]) fac.slot[q] = next++;
    if (setup.physical) {
      const scenario::PhysicalFacilitySetup& p = *setup.physical;
      fac.hall.emplace(models::standard_hall(p.hall), models::make_cooling_model(p.cooling, p.design_it_w),
                        p.accelerators_per_rack, p.switch_power_w, p.rack_cap_w);
      if (setup.capacity_chips > 0) fac.hall->install_idle_machines(setup.capacity_chips, setup.idle_w_per_chip);
    }
  }
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    jobs_[i].spec = &scenario.jobs[i];
    jobs_[i].ordinal = i;
  }
  ends_.assign(explicit_, kNaN);
  if (suspend_mode_) plans_.resize(jobs_.size());
  arrival_lane_ = engine_.add_lane();
}

// ---------------------------------------------------------------------------------------------
// Pipeline
//
// Nothing on the simulation side reads the facility side back while no job's share of facility
// energy is kept (shares_kept_ false, and no inference service reads the per-IT-watt integrals):
// FIFO and backfill read free accelerators and planned ends, carbon-aware and spatial decisions
// the forecast and price. So the facility side can run behind the simulation, on a second
// thread, from an ordered log: the hall's placements and power changes by job slot, and each
// refresh with its inputs. It performs the same operations in the same order as when run
// inline (refresh_facility, the hall's place / set_power / release), so every sum and every
// `changed` record is the same, bit for bit. A refresh carries its IT power; the rest of its
// inputs (intensities, weather, contracts, price: hourly at most) only when one of them was
// set since the site's previous refresh (Site::inputs_new), so most refreshes are one record.
// The log goes in chunks (engine::BatchHandOff: one lock per chunk, a bounded number in flight,
// so memory stays flat);
// the listeners of `changed` are called on the pipeline's thread, one at a time, before the run
// returns. An exception there (a failed health check, a listener's write error) stops the
// facility side; the simulation side sees it at its next hand-over, or at the end, and throws
// it, being the earlier of the two.
struct Simulation::Pipeline {
  enum class Op : std::uint8_t { place, set_power, release, refresh };
  struct Record {
    Op op = Op::refresh;
    std::uint32_t site = 0;
    std::size_t slot = 0;  ///< a job's slot; for a refresh, its new inputs in the chunk (or kSameInputs)
    std::int64_t n = 0;    ///< chips placed; for a refresh, the time (ms)
    double w = 0.0;        ///< per chip; for a refresh, the IT power
  };
  static_assert(sizeof(Record) == 32);
  static constexpr std::size_t kSameInputs = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t kChunkRecords = 16384;
  static constexpr std::size_t kChunksInFlight = 4;
  struct alignas(64) Chunk {  // of one thread at a time: not sharing a cache line with another
    std::vector<Record> records;
    std::vector<SiteInputs> inputs;
    Chunk() { records.reserve(kChunkRecords); }
    bool empty() const { return records.empty(); }
    void clear() {
      records.clear();
      inputs.clear();
    }
  };

  explicit Pipeline(Simulation& owner) : sim(owner) {
    // The placement of each job slot, as held by the jobs until now.
    placement.reserve(sim.jobs_.size());
    for (const Job& job : sim.jobs_) placement.push_back(job.placement);
    for (const Site& site : sim.sites_) facility.push_back(site.fac.get());
    current.resize(facility.size());
    chunks = std::make_unique<engine::BatchHandOff<Chunk>>(kChunksInFlight, [this](Chunk& c) { apply(c); });
  }

  void push(Op op, std::size_t site, std::size_t slot, std::int64_t n, double w) {
    chunks->batch().records.push_back({op, static_cast<std::uint32_t>(site), slot, n, w});
  }
  /// `inputs_new`: some input other than the IT power may differ from the site's previous
  /// refresh (always true for a site's first refresh in the pipeline: see start_pipeline()).
  void refresh(std::size_t site, Time now, const SiteInputs& in, bool inputs_new) {
    Chunk& chunk = chunks->batch();
    std::size_t slot = kSameInputs;
    if (inputs_new) {
      slot = chunk.inputs.size();
      chunk.inputs.push_back(in);
    }
    chunk.records.push_back({Op::refresh, static_cast<std::uint32_t>(site), slot, now.ms(), in.it_w});
  }
  /// At the end of an instant: a full chunk goes to the thread. Throws what the thread threw.
  void instant_done() {
    if (chunks->batch().records.size() >= kChunkRecords) chunks->hand_over();
  }
  /// Hands over the rest, waits for the thread and joins it; returns what it threw (or null).
  std::exception_ptr finish() { return chunks->finish(); }

  // On the pipeline's thread.
  void apply(const Chunk& c) {
    for (const Record& r : c.records) {
      SiteFacility& fac = *facility[r.site];
      models::PhysicalFacility* hall = r.op == Op::refresh ? nullptr : &*fac.hall;
      switch (r.op) {
        case Op::place:
          if (r.slot >= placement.size()) placement.resize(r.slot + 1, 0);
          placement[r.slot] = hall->place(r.n, r.w);
          break;
        case Op::set_power: hall->set_power(placement[r.slot], r.w); break;
        case Op::release: hall->release(placement[r.slot]); break;
        case Op::refresh: {
          SiteInputs& in = current[r.site];
          if (r.slot != kSameInputs) in = c.inputs[r.slot];
          in.it_w = r.w;
          sim.refresh_facility(fac, in, Time::from_ms(r.n), false);
          break;
        }
      }
    }
  }

  Simulation& sim;
  // The pipeline's thread's own (read by the other once it has joined).
  alignas(64) std::vector<std::size_t> placement;
  std::vector<SiteFacility*> facility;  ///< by site
  std::vector<SiteInputs> current;      ///< by site: the inputs of its last refresh
  std::unique_ptr<engine::BatchHandOff<Chunk>> chunks;  ///< last: its thread starts once the rest is set
};

Simulation::~Simulation() = default;

void Simulation::start_pipeline() {
  // Each site's first refresh there gives the pipeline's thread all its inputs.
  for (Site& site : sites_) site.inputs_new = true;
  pipeline_ = std::make_unique<Pipeline>(*this);
}

void Simulation::stop_pipeline() {
  std::unique_ptr<Pipeline> p = std::move(pipeline_);
  const std::exception_ptr error = p->finish();
  for (std::size_t k = 0; k < jobs_.size() && k < p->placement.size(); ++k) jobs_[k].placement = p->placement[k];
  if (error) std::rethrow_exception(error);
}

void Simulation::hall_place(std::size_t index, double w_per_chip) {
  Job& job = jobs_[index];
  const std::int64_t chips = job.spec->allocated_chips();
  if (pipeline_) pipeline_->push(Pipeline::Op::place, static_cast<std::size_t>(job.site), index, chips, w_per_chip);
  else job.placement = sites_[static_cast<std::size_t>(job.site)].fac->hall->place(chips, w_per_chip);
}

void Simulation::hall_set_power(std::size_t index, double w_per_chip) {
  Job& job = jobs_[index];
  if (pipeline_) pipeline_->push(Pipeline::Op::set_power, static_cast<std::size_t>(job.site), index, 0, w_per_chip);
  else sites_[static_cast<std::size_t>(job.site)].fac->hall->set_power(job.placement, w_per_chip);
}

void Simulation::hall_release(std::size_t index) {
  Job& job = jobs_[index];
  if (pipeline_) pipeline_->push(Pipeline::Op::release, static_cast<std::size_t>(job.site), index, 0, 0.0);
  else sites_[static_cast<std::size_t>(job.site)].fac->hall->release(job.placement);
}

// The next job of the trace, into a free slot, arriving at its time. Only one trace job that has
// not arrived is held at a time.
void Simulation::pull_trace_job() {
  std::size_t slot = 0;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = jobs_.size();
    jobs_.emplace_back();
    trace_specs_.emplace_back();
    if (suspend_mode_) plans_.resize(jobs_.size());
  }
  scenario::ScheduledJob& spec = trace_specs_[slot - explicit_];
  if (!trace_->next(spec)) {
    free_slots_.push_back(slot);
    trace_done_ = true;
    return;
  }
  Job& job = jobs_[slot];
  job = Job{};
  job.spec = &spec;
  job.ordinal = explicit_ + trace_->taken() - 1;
  if (suspend_mode_) plans_[slot].clear();
  ++jobs_left_;
  // The trace's arrivals are a time-sorted stream, one pending at a time: they have a lane.
  const Time at = Time::from_ms(spec.start_offset_ms);
  if (engine_.pending(trace_arrival_)) engine_.schedule_at(at, [this, slot] { arrive(slot); });
  else trace_arrival_ = engine_.schedule_in_lane(arrival_lane_, at, [this, slot] { arrive(slot); });
}

// A trace job's slot, once it has ended (or was rejected), for the next.
void Simulation::release(std::size_t index) {
  if (index >= explicit_) free_slots_.push_back(index);
}

std::string Simulation::name_of(const Job& job) const {
  const scenario::ScheduledJob& spec = *job.spec;
  if (spec.run.name.empty() && spec.trace_row > 0) return fmt::format("trace#{}", spec.trace_row);
  return spec.run.name;
}

// ---------------------------------------------------------------------------------------------
// Sites and accounting

void Simulation::update(std::size_t index) {
  Site& site = sites_[index];
  if (site.dirty) return;
  site.dirty = true;
  dirty_.push_back(index);
}

void Simulation::inputs_changed(std::size_t index) {
  sites_[index].inputs_new = true;
  update(index);
}

void Simulation::flush() {
  if (sites_.size() > 1 && !dirty_.empty()) {
    // The listeners see every site's series as they are now, also those of a site whose own
    // refresh comes later in this instant.
    for (Site& site : sites_) {
      PowerState& s = site.fac->state;
      s.gross_kg_per_j = site.in.gross_kg_per_j;
      s.net_given_kg_per_j = site.in.net_given_kg_per_j;
      s.marginal_kg_per_j = site.in.marginal_kg_per_j;
      s.outdoor_temp_c = site.in.outdoor_temp_c;
      s.outdoor_wet_bulb_c = site.in.outdoor_wet_bulb_c;
    }
  }
  for (const std::size_t i : dirty_) {
    sites_[i].dirty = false;
    refresh(i);
  }
  dirty_.clear();
  if (pipeline_) pipeline_->instant_done();
  else if (pipeline_wanted_ && !per_it_kept_) start_pipeline();
}

// A site's power, emission rates and integrals after the changes of this instant. The integrals
// advance to now at the rates that held until now, then switch (update before change); within one
// instant no time passes, so one refresh after all of its changes gives the same sums as one
// after each.
void Simulation::refresh(std::size_t index) {
  Site& site = sites_[index];
  const Time now = engine_.now();
  const bool continues = (jobs_left_ > 0 || services_left_ > 0) && (!scenario_.horizon_ms || now.ms() < *scenario_.horizon_ms);
  for (const auto& p : site.players) p->check(now, continues);
  SiteInputs& in = site.in;
  in.it_w = site.it_w();
  const bool inputs_new = std::exchange(site.inputs_new, false);
  if (inputs_new) {
    in.contract_w = std::accumulate(site.contract_w.begin(), site.contract_w.end(), 0.0);
    in.price = site.price;
  }
  if (pipeline_) pipeline_->refresh(index, now, in, inputs_new);
  else refresh_facility(*site.fac, in, now, per_it_kept_);
}

void Simulation::refresh_facility(SiteFacility& site, const SiteInputs& in, Time now, bool per_it_kept) {
  const scenario::GridSetup& grid = site.setup->grid;
  PowerState& s = site.state;
  s.gross_kg_per_j = in.gross_kg_per_j;
  s.net_given_kg_per_j = in.net_given_kg_per_j;
  s.marginal_kg_per_j = in.marginal_kg_per_j;
  s.outdoor_temp_c = in.outdoor_temp_c;
  s.outdoor_wet_bulb_c = in.outdoor_wet_bulb_c;
  if (site.hall) {
    s.hall = &*site.hall;
    s.power = site.hall->power(in.weather);
    const std::size_t over = site.hall->over_rating_count();
    if (over > 0 && s.over_rating_nodes == 0) ++site.over_rating_episodes;
    s.over_rating_nodes = over;
    const std::size_t capped = site.hall->capped_racks();
    if (capped > 0 && s.capped_racks == 0) ++site.capped_episodes;
    s.capped_racks = capped;
  } else {
    site.setup->facility.update(in.it_w, s.power);  // the other fields stay zero
  }
  const double f = s.power.total_w();
  check_health(site, now);
  s.cfe_supply_w = grid.cfe_share * f + in.contract_w;
  s.hourly_rate_kg_per_s = models::hourly_matched_rate(f, s.cfe_supply_w, s.gross_kg_per_j);
  switch (grid.net_basis) {
    case NetBasis::given: s.net_rate_kg_per_s = f * s.net_given_kg_per_j; break;
    case NetBasis::hourly: s.net_rate_kg_per_s = s.hourly_rate_kg_per_s; break;
    case NetBasis::annual:
    case NetBasis::gross: s.net_rate_kg_per_s = f * s.gross_kg_per_j; break;
  }
  const double idle_net = grid.net_basis == NetBasis::given ? s.net_given_kg_per_j : s.gross_kg_per_j;
  s.net_kg_per_j = f > 0.0 ? s.net_rate_kg_per_s / f : idle_net;
  engine::Integrals<9>& sums = site.sums;
  sums.advance(now);
  sums.set_rate(site.slot[kItJ], s.power.it_w);  // as drawn: switches included, rack caps applied
  sums.set_rate(site.slot[kFacilityJ], f);
  sums.set_rate(site.slot[kGrossKg], f * s.gross_kg_per_j);
  sums.set_rate(site.slot[kGivenKg], f * s.net_given_kg_per_j);
  sums.set_rate(site.slot[kHourlyKg], s.hourly_rate_kg_per_s);
  sums.set_rate(site.slot[kMarginalKg], f * s.marginal_kg_per_j);
  sums.set_rate(site.slot[kSupplyJ], s.cfe_supply_w - grid.cfe_share * f);  // contracted output only
  sums.set_rate(site.slot[kMatchedJ], std::min(f, s.cfe_supply_w));
  sums.set_rate(site.slot[kCost], f * in.price / kJPerMWh);
  if (per_it_kept) {
    const double it = in.it_w;
    const double per_it = it > 0.0 ? 1.0 / it : 0.0;  // jobs share in proportion to their demand
    site.per_it.advance(now);
    site.per_it.set_rate(kPerItFacility, f * per_it);
    site.per_it.set_rate(kPerItGross, f * s.gross_kg_per_j * per_it);
    site.per_it.set_rate(kPerItNet, s.net_rate_kg_per_s * per_it);
  }
  emit_changed(site, now);
}

// Numerical health, at every change: powers finite and non-negative, the subsystems adding up to
// their totals (delivery losses, cooling), intensities finite. A violation stops the run naming
// the site, the instant and the figures.
void Simulation::check_health(const SiteFacility& site, Time now) const {
  const models::FacilityPower& p = site.state.power;
  const models::FacilityDetail& d = p.detail;
  const double losses = d.psu_loss_w + d.pdu_loss_w + d.ups_loss_w + d.transformer_loss_w;
  const double cooling = d.chiller_w + d.economiser_w + d.fans_w + d.pumps_w + d.tower_w + d.humidifier_w;
  // The usual case, decided at once: every figure finite and non-negative and, for a hall, the
  // subsystems adding up to their totals exactly (report_health's full tests allow rounding).
  if (p.it_w >= 0.0 && p.delivery_loss_w >= 0.0 && p.cooling_w >= 0.0 && p.other_w >= 0.0 &&
      p.it_w + p.delivery_loss_w + p.cooling_w + p.other_w <= std::numeric_limits<double>::max() &&
      site.state.gross_kg_per_j >= 0.0 && site.state.gross_kg_per_j <= std::numeric_limits<double>::max() &&
      (!site.hall || (losses == p.delivery_loss_w && cooling == p.cooling_w)))
    return;
  report_health(site, now, losses, cooling);
}

void Simulation::report_health(const SiteFacility& site, Time now, double losses, double cooling) const {
  const models::FacilityPower& p = site.state.power;
  const auto bad = [](double x) { return !std::isfinite(x) || x < -1e-6; };
  const auto off = [](double a, double b) { return std::abs(a - b) > 1e-9 * std::max({1.0, std::abs(a), std::abs(b)}); };
  std::string problem;
  if (bad(p.it_w) || bad(p.delivery_loss_w) || bad(p.cooling_w) || bad(p.other_w))
    problem = fmt::format("power not finite or negative: IT {} W, losses {} W, cooling {} W, other {} W", p.it_w, p.delivery_loss_w,
                          p.cooling_w, p.other_w);
  else if (site.hall && off(losses, p.delivery_loss_w))
    problem = fmt::format("delivery losses {} W are not the sum of their parts {} W", p.delivery_loss_w, losses);
  else if (site.hall && off(cooling, p.cooling_w))
    problem = fmt::format("cooling {} W is not the sum of its parts {} W", p.cooling_w, cooling);
  else if (!std::isfinite(site.state.gross_kg_per_j) || site.state.gross_kg_per_j < 0.0)
    problem = fmt::format("grid intensity {} kg/J is not finite or negative", site.state.gross_kg_per_j);
  if (!problem.empty())
    throw std::runtime_error(fmt::format("numerical health check failed at site '{}', {} ({} s into the run): {}", site.setup->name,
                                         units::format_utc(scenario_.start_ms + now.ms()), now.seconds(), problem));
}

// One site: its own state. Several: their sum, intensities weighted by facility power.
void Simulation::emit_changed(const SiteFacility& changed_site, Time now) {
  if (!changed.connected()) return;
  if (sites_.size() == 1) {
    changed.emit(now, changed_site.state);
    return;
  }
  PowerState t;
  double f = 0.0, gross = 0.0, given = 0.0, marginal = 0.0, idle_gross = 0.0;
  for (const Site& site : sites_) {
    const PowerState& s = site.fac->state;
    const models::FacilityPower& p = s.power;
    const double fs = p.total_w();
    t.power.it_w += p.it_w;
    t.power.delivery_loss_w += p.delivery_loss_w;
    t.power.cooling_w += p.cooling_w;
    t.power.other_w += p.other_w;
    models::FacilityDetail& d = t.power.detail;
    const models::FacilityDetail& e = p.detail;
    d.psu_loss_w += e.psu_loss_w;
    d.pdu_loss_w += e.pdu_loss_w;
    d.ups_loss_w += e.ups_loss_w;
    d.transformer_loss_w += e.transformer_loss_w;
    d.chiller_w += e.chiller_w;
    d.economiser_w += e.economiser_w;
    d.fans_w += e.fans_w;
    d.pumps_w += e.pumps_w;
    d.tower_w += e.tower_w;
    d.humidifier_w += e.humidifier_w;
    d.lighting_w += e.lighting_w;
    f += fs;
    gross += fs * s.gross_kg_per_j;
    given += fs * s.net_given_kg_per_j;
    marginal += fs * s.marginal_kg_per_j;
    idle_gross += s.gross_kg_per_j / static_cast<double>(sites_.size());
    t.cfe_supply_w += s.cfe_supply_w;
    t.hourly_rate_kg_per_s += s.hourly_rate_kg_per_s;
    t.net_rate_kg_per_s += s.net_rate_kg_per_s;
    t.over_rating_nodes += s.over_rating_nodes;
    t.capped_racks += s.capped_racks;
  }
  t.gross_kg_per_j = f > 0.0 ? gross / f : idle_gross;
  t.net_given_kg_per_j = f > 0.0 ? given / f : kNaN;
  t.marginal_kg_per_j = f > 0.0 ? marginal / f : kNaN;
  t.net_kg_per_j = f > 0.0 ? t.net_rate_kg_per_s / f : t.gross_kg_per_j;
  total_state_ = t;
  changed.emit(now, total_state_);
}

// Hourly weather of one calendar year, replayed by whole years for runs outside it.
void Simulation::apply_weather(std::size_t index) {
  Site& site = sites_[index];
  const models::WeatherFeed& w = *site.setup->physical->weather;
  const std::int64_t span = w.end_ms() - w.first_ms();
  std::int64_t offset = (scenario_.start_ms + engine_.now().ms() - w.first_ms()) % span;
  if (offset < 0) offset += span;
  if (site.weather_read) {
    site.in.weather = w.at(static_cast<std::size_t>(offset / w.step_ms()));
    site.in.outdoor_temp_c = site.in.weather.dry_bulb_c;
    site.in.outdoor_wet_bulb_c = site.in.weather.wet_bulb_c;
  }
  inputs_changed(index);
  engine_.schedule_at(engine_.now() + Duration::from_ms(w.step_ms() - offset % w.step_ms()), [this, index] { apply_weather(index); });
}

double Simulation::annual_factor(const SiteFacility& site) const {
  const scenario::GridSetup& grid = site.setup->grid;
  const double e = site.total(kFacilityJ);
  if (e <= 0.0) return 1.0;
  const double certificates = grid.certificate_share ? *grid.certificate_share * e
                              : grid.certificates_j  ? *grid.certificates_j
                                                     : site.total(kSupplyJ);
  return models::annual_matched_kg(1.0, e, certificates);
}

// A job's IT energy always (its phases' energies and its wasted energy feed the totals); its
// shares of facility energy and emissions only while a row can still be built for it.
void Simulation::account(Job& job) {
  job.phase_j[static_cast<int>(job.phase)] += shares_kept_ ? account(static_cast<Load&>(job)) : account_it(job);
}

double Simulation::account_it(Load& job) {
  const Time now = engine_.now();
  if (job.site < 0 || job.last_change == now) return 0.0;
  const double e = job.w * (now - job.last_change).seconds();
  job.it_j += e;
  job.last_change = now;
  return e;
}

// Closes a load's account at its current power up to now; returns the IT energy since its last change.
double Simulation::account(Load& job) {
  const Time now = engine_.now();
  // No time since its last change: every share below is zero (its marks were read at this
  // instant, and the totals cannot move within one).
  if (job.site < 0 || job.last_change == now) return 0.0;
  SiteFacility& site = *sites_[static_cast<std::size_t>(job.site)].fac;
  site.per_it.advance(now);
  const double e = job.w * (now - job.last_change).seconds();
  job.it_j += e;
  job.facility_j += job.w * (site.per_it.total(kPerItFacility) - job.mark_facility);
  job.gross_kg += job.w * (site.per_it.total(kPerItGross) - job.mark_gross);
  job.net_kg += job.w * (site.per_it.total(kPerItNet) - job.mark_net);
  job.mark_facility = site.per_it.total(kPerItFacility);
  job.mark_gross = site.per_it.total(kPerItGross);
  job.mark_net = site.per_it.total(kPerItNet);
  job.last_change = now;
  return e;
}

// An inference service moves to its next hourly step (or ends).
void Simulation::service_step(std::size_t index) {
  ServiceRun& v = services_[index];
  const auto s = static_cast<std::size_t>(v.site);
  Site& site = sites_[s];
  const bool more = v.next < v.steps.size();
  const double w = more ? v.steps[v.next].it_power_w : 0.0;
  account(v);
  if (!v.placed && more && site.fac->hall) {
    v.placement = site.fac->hall->place(v.slots, w / static_cast<double>(v.slots));
    v.placed = true;
  } else if (v.placed && more) {
    site.fac->hall->set_power(v.placement, w / static_cast<double>(v.slots));
  } else if (v.placed) {
    site.fac->hall->release(v.placement);
    v.placed = false;
  }
  site.services_w = std::max(0.0, site.services_w + (w - v.w));
  v.w = w;
  update(s);
  if (!more) {
    if (--services_left_ == 0 && jobs_left_ == 0 && !scenario_.horizon_ms) engine_.stop();
    return;
  }
  const std::int64_t end = v.steps[v.next].end_ms;
  ++v.next;
  engine_.schedule_at(Time::from_ms(end), [this, index] { service_step(index); });
}

analysis::ServiceSummary Simulation::service_summary(const ServiceRun& v) const {
  analysis::ServiceSummary out;
  const models::InferenceService& m = v.setup->service;
  out.name = m.name;
  out.site = sites_[static_cast<std::size_t>(v.site)].setup->name;
  const Time end = engine_.now();
  for (const models::ServiceStep& step : v.steps) {
    const double from = static_cast<double>(step.start_ms), to = std::min(static_cast<double>(step.end_ms), static_cast<double>(end.ms()));
    if (to <= from) break;
    const double dt = (to - from) / 1000.0;
    out.queries_offered += step.queries_per_s * dt;
    out.queries_served += step.served_queries_per_s * dt;
  }
  out.queries_dropped = out.queries_offered - out.queries_served;
  out.it_energy_kwh = v.it_j / units::kJPerKWh;
  out.facility_energy_kwh = v.facility_j / units::kJPerKWh;
  out.co2e_gross_kg = v.gross_kg;
  out.co2e_net_kg = v.net_kg;
  if (out.queries_served > 0.0) {
    out.energy_per_query_wh = v.facility_j / out.queries_served / 3600.0;
    out.co2e_per_query_g = v.net_kg * 1e3 / out.queries_served;
  }
  if (v.setup->training_job >= 0) {
    const Job& t = jobs_[static_cast<std::size_t>(v.setup->training_job)];
    const models::Lifecycle l = models::lifecycle_footprint(t.net_kg, out.queries_served > 0.0 ? v.net_kg / out.queries_served : 0.0,
                                                            out.queries_served, m.mean_queries_per_s);
    out.training_co2e_kg = l.training_kg;
    out.lifecycle_co2e_kg = l.total_kg;
    out.serving_share = l.serving_share;
    out.break_even_queries = l.break_even_queries;
    out.break_even_days = l.break_even_s / 86'400.0;
  }
  return out;
}

void Simulation::set_power(std::size_t index, double w) {
  Job& job = jobs_[index];
  account(job);
  if (w == job.w) return;
  const auto s = static_cast<std::size_t>(job.site);
  Site& site = sites_[s];
  site.jobs_w = site.running.empty() ? 0.0 : std::max(0.0, site.jobs_w + (w - job.w));
  job.w = w;
  if (site.setup->physical) hall_set_power(index, w / static_cast<double>(job.spec->allocated_chips()));
  update(s);
}

// ---------------------------------------------------------------------------------------------
// Scheduling

void Simulation::arrive(std::size_t index) {
  if (index >= explicit_ && !trace_done_) pull_trace_job();
  Job& job = jobs_[index];
  job.arrived = Time::from_ms(job.spec->start_offset_ms);  // a campaign trial released later still arrived with its campaign
  const int site = place(index);
  if (site < 0) {
    ++rejected_;
    if (rejected_ == 1)
      warnings_.push_back(fmt::format("job '{}' needs {} accelerators, more than any site's cluster has; it never starts",
                                      name_of(job), job.spec->allocated_chips()));
    job.phase = Phase::done;
    release(index);
    if (--jobs_left_ == 0 && services_left_ == 0 && !scenario_.horizon_ms) engine_.stop();
    return;
  }
  job.site = site;
  const scenario::ScheduledJob& spec = *job.spec;
  if (carbon_aware_ && !suspend_mode_ && spec.slack_ms > 0) {
    // Shift: enter the queue at the start of the lowest-forecast window within the slack.
    const Site& s = sites_[static_cast<std::size_t>(site)];
    const std::int64_t arrival = engine_.now().ms();
    const std::int64_t wall = spec.planned_wall_ms();
    const std::int64_t start = best_start_ms(*s.forecast, arrival, spec.slack_ms, wall);
    const IntensityForecast truth(s.setup->grid, scenario_.start_ms, 0.0, 0);
    // The saving as it turns out (true intensities), at the fixed PUE (IT only for a preset
    // facility, whose PUE is not known in advance).
    const double pue = s.setup->physical ? 1.0 : s.setup->facility.pue();
    job.co2e_saved_kg = spec.run.it_power_w() * pue *
                        (truth.integral(arrival, arrival + wall) - truth.integral(start, start + wall));
    if (start > arrival) {
      engine_.schedule_at(Time::from_ms(start), [this, index] { enqueue(index); });
      return;
    }
  }
  enqueue(index);
}

// A fixed site (the job's, else the first that could ever hold it), or the best by the objective.
int Simulation::place(std::size_t index) {
  const Job& job = jobs_[index];
  const scenario::ScheduledJob& spec = *job.spec;
  const auto can_hold = [&](const Site& s) { return !s.limited() || spec.allocated_chips() <= s.setup->capacity_chips; };
  if (spec.site >= 0) return can_hold(sites_[static_cast<std::size_t>(spec.site)]) ? spec.site : -1;
  if (!spatial_) {
    for (std::size_t i = 0; i < sites_.size(); ++i)
      if (can_hold(sites_[i])) return static_cast<int>(i);
    return -1;
  }
  // Spatial: forecast CO2e, electricity cost and latency of running here, each divided by its
  // mean over the candidate sites, weighted; the candidates are the sites that can start it now
  // if there are any (so a full cluster does not hold a job another could run).
  const std::int64_t now = engine_.now().ms();
  const std::int64_t wall = spec.planned_wall_ms();
  const double it_w = spec.run.it_power_w();
  struct Candidate {
    int site;
    double co2e, cost, latency;
  };
  // Sites where it can start now (free accelerators, nobody queued), else every site that could
  // ever hold it.
  const auto free_now = [&](const Site& s) { return can_hold(s) && s.queue.empty() && fits(s, job); };
  bool any_free = false;
  for (const Site& s : sites_) any_free = any_free || free_now(s);
  std::vector<Candidate> c;
  for (std::size_t i = 0; i < sites_.size(); ++i) {
    const Site& s = sites_[i];
    if (!(any_free ? free_now(s) : can_hold(s))) continue;
    const double pue = s.setup->physical ? 1.0 : s.setup->facility.pue();
    const double energy_j = it_w * pue * static_cast<double>(wall) / 1000.0;
    c.push_back({static_cast<int>(i), it_w * pue * s.forecast->integral(now, now + wall), energy_j / kJPerMWh * s.price,
                 s.setup->latency_s});
  }
  if (c.empty()) return -1;
  const scenario::SchedulerSetup& w = scenario_.scheduler;
  const auto mean = [&](double Candidate::*m) {
    double sum = 0.0;
    for (const Candidate& x : c) sum += std::abs(x.*m);
    return sum > 0.0 ? sum / static_cast<double>(c.size()) : 1.0;
  };
  const double mc = mean(&Candidate::co2e), mp = mean(&Candidate::cost), ml = mean(&Candidate::latency);
  int best = c.front().site;
  double best_score = std::numeric_limits<double>::infinity();
  for (const Candidate& x : c) {
    const double score = w.weight_co2e * x.co2e / mc + w.weight_price * x.cost / mp + w.weight_latency * x.latency / ml;
    if (score < best_score) {  // ties: the first site listed
      best_score = score;
      best = x.site;
    }
  }
  return best;
}

void Simulation::enqueue(std::size_t index) {
  const auto s = static_cast<std::size_t>(jobs_[index].site);
  sites_[s].queue.push_back(index);
  dispatch(s);
}

bool Simulation::fits(const Site& site, const Job& job) const {
  return !site.limited() || job.spec->allocated_chips() <= site.free_chips;
}

void Simulation::dispatch(std::size_t s) {
  Site& site = sites_[s];
  while (!site.queue.empty() && fits(site, jobs_[site.queue.front()])) {
    const std::size_t next = site.queue.front();
    site.queue.pop_front();
    start(next);
  }
  if (policy_ == Policy::backfill && site.queue.size() > 1) backfill(site);
}

// EASY backfilling: reserve the head's start at the earliest planned time enough accelerators
// are free; a later job may start now if it fits and ends by then, or uses only the
// accelerators the head will not need.
void Simulation::backfill(Site& site) {
  const Job& head = jobs_[site.queue.front()];
  std::vector<std::pair<std::int64_t, std::int64_t>> ends;  // planned end, chips released
  ends.reserve(site.running.size());
  for (const std::size_t r : site.running) ends.emplace_back(jobs_[r].planned_end_ms, jobs_[r].spec->allocated_chips());
  std::sort(ends.begin(), ends.end());
  std::int64_t free_then = site.free_chips;
  std::int64_t shadow = std::numeric_limits<std::int64_t>::max();
  for (const auto& [end, chips] : ends) {
    free_then += chips;
    if (free_then >= head.spec->allocated_chips()) {
      shadow = end;
      break;
    }
  }
  std::int64_t extra = free_then - head.spec->allocated_chips();
  const std::int64_t now = engine_.now().ms();
  for (auto it = std::next(site.queue.begin()); it != site.queue.end() && site.free_chips > 0;) {
    const Job& j = jobs_[*it];
    const std::int64_t chips = j.spec->allocated_chips();
    const bool before_shadow = now + j.spec->planned_wall_ms() <= shadow;
    if (chips <= site.free_chips && (before_shadow || chips <= extra)) {
      if (!before_shadow) extra -= chips;
      const std::size_t index = *it;
      it = site.queue.erase(it);
      start(index);
    } else {
      ++it;
    }
  }
}

void Simulation::start(std::size_t index) {
  Job& job = jobs_[index];
  const scenario::ScheduledJob& spec = *job.spec;
  const auto s = static_cast<std::size_t>(job.site);
  Site& site = sites_[s];
  if (site.limited()) site.free_chips -= spec.allocated_chips();
  job.started = engine_.now();
  job.last_change = job.started;
  job.planned_end_ms = job.started.ms() + spec.planned_wall_ms();
  job.running_pos = site.running.size();
  site.running.push_back(index);
  ++site.jobs_run;
  ++started_;
  wait_s_ += (job.started - job.arrived).seconds();
  job.next_checkpoint_ms = spec.checkpoint_interval_ms > 0 ? spec.checkpoint_interval_ms : spec.duration_ms;
  job.next_eval_ms = spec.eval_every_ms > 0 ? spec.eval_every_ms : spec.duration_ms;
  if (spec.failure_rate_per_s > 0.0) job.failures.emplace(spec.failure_rate_per_s, spec.seed);
  // Its accelerators leave the idle pool (free_chips): their power becomes the job's.
  const double w0 = phase_w(job, spec.startup_ms > 0 ? Phase::startup : Phase::train);
  site.jobs_w += w0;
  job.w = w0;
  if (site.setup->physical) hall_place(index, w0 / static_cast<double>(spec.allocated_chips()));
  update(s);
  if (shares_kept_) {
    engine::Integrals<3>& per_it = site.fac->per_it;
    per_it.advance(engine_.now());
    job.mark_facility = per_it.total(kPerItFacility);
    job.mark_gross = per_it.total(kPerItGross);
    job.mark_net = per_it.total(kPerItNet);
  }
  arm_failure(index);
  if (spec.startup_ms > 0) {
    begin(index, Phase::startup, spec.startup_ms);
  } else if (spec.checkpoint_interval_ms == 0 && spec.eval_every_ms == 0 && spec.duration_ms > 0) {
    // One training phase to the end, as proceed() and begin() would set it up: no time has passed
    // since the start and the power is the training power already, so there is nothing to
    // account or change.
    job.phase = Phase::train;
    job.phase_start = job.started;
    job.phase_left_ms = spec.duration_ms;
    job.next = engine_.schedule_at(job.started + Duration::from_ms(spec.duration_ms), [this, index] { phase_end(index); });
  } else {
    proceed(index);
  }
  if (suspend_mode_ && spec.slack_ms > 0) {
    plans_[index] = suspend_plan(job);
    follow_plan(index);
  }
}

// Suspend mode: the cleanest hours (by forecast) of the window from now to the job's deadline
// (arrival + planned wall time + slack), enough of them to hold its planned wall time, in time
// order and merged where adjacent.
std::vector<std::pair<std::int64_t, std::int64_t>> Simulation::suspend_plan(const Job& job) const {
  const Site& site = sites_[static_cast<std::size_t>(job.site)];
  const std::int64_t from = engine_.now().ms();
  const std::int64_t wall = job.spec->planned_wall_ms();
  const std::int64_t deadline = job.arrived.ms() + wall + job.spec->slack_ms;
  if (deadline - from <= wall) return {{from, std::numeric_limits<std::int64_t>::max()}};
  struct Slot {
    std::int64_t from, to;
    double mean;
  };
  std::vector<Slot> slots;
  const std::int64_t utc0 = scenario_.start_ms;
  for (std::int64_t t = from; t < deadline;) {
    const std::int64_t utc = utc0 + t;
    std::int64_t next_hour = (utc / kHourMs + 1) * kHourMs - utc0;
    if (utc % kHourMs < 0) next_hour = ((utc - kHourMs + 1) / kHourMs + 1) * kHourMs - utc0;
    const std::int64_t to = std::min(next_hour, deadline);
    slots.push_back({t, to, site.forecast->integral(t, to) / (static_cast<double>(to - t) / 1000.0)});
    t = to;
  }
  std::stable_sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) { return a.mean < b.mean; });
  std::vector<Slot> chosen;
  std::int64_t held = 0;
  for (const Slot& s : slots) {
    if (held >= wall) break;
    chosen.push_back(s);
    held += s.to - s.from;
  }
  std::sort(chosen.begin(), chosen.end(), [](const Slot& a, const Slot& b) { return a.from < b.from; });
  std::vector<std::pair<std::int64_t, std::int64_t>> plan;
  for (const Slot& s : chosen) {
    if (!plan.empty() && plan.back().second == s.from) plan.back().second = s.to;
    else plan.emplace_back(s.from, s.to);
  }
  plan.back().second = std::numeric_limits<std::int64_t>::max();  // after the last window it runs to the end
  return plan;
}

// Moves the job along its plan: suspended before a window, running inside one.
void Simulation::follow_plan(std::size_t index) {
  Job& job = jobs_[index];
  if (job.phase == Phase::done) return;
  const auto& plan = plans_[index];
  const std::int64_t now = engine_.now().ms();
  while (job.plan_index < plan.size() && plan[job.plan_index].second <= now) ++job.plan_index;
  if (job.plan_index >= plan.size()) return;
  const auto [from, to] = plan[job.plan_index];
  if (now < from) {
    suspend(index);
    job.plan_event = engine_.schedule_at(Time::from_ms(from), [this, index] { follow_plan(index); });
  } else {
    resume(index);
    if (to != std::numeric_limits<std::int64_t>::max())
      job.plan_event = engine_.schedule_at(Time::from_ms(to), [this, index] { follow_plan(index); });
  }
}

void Simulation::suspend(std::size_t index) {
  Job& job = jobs_[index];
  if (job.phase == Phase::suspended || job.phase == Phase::done) return;
  const Time now = engine_.now();
  if (job.phase == Phase::train) job.progress_ms += (now - job.phase_start).ms();
  job.phase_left_ms = std::max<std::int64_t>(0, job.phase_left_ms - (now - job.phase_start).ms());
  engine_.cancel(job.next);
  engine_.cancel(job.failure);
  account(job);
  job.paused_phase = job.phase;
  job.phase = Phase::suspended;
  job.suspended_at = now;
  set_power(index, job.spec->idle_w_per_chip * static_cast<double>(job.spec->allocated_chips()));
}

void Simulation::resume(std::size_t index) {
  Job& job = jobs_[index];
  if (job.phase != Phase::suspended) return;
  account(job);
  job.suspended_s += (engine_.now() - job.suspended_at).seconds();
  const Phase p = job.paused_phase;
  job.phase = p;  // so begin() charges the right power
  arm_failure(index);
  if (p == Phase::train) proceed(index);
  else begin(index, p, job.phase_left_ms);
}

// ---------------------------------------------------------------------------------------------
// A running job's phases

double Simulation::phase_w(const Job& job, Phase phase) const {
  const scenario::ScheduledJob& s = *job.spec;
  const auto chips = static_cast<double>(s.run.chips);
  const double spares = static_cast<double>(s.spares) * s.idle_w_per_chip;
  switch (phase) {
    case Phase::startup:
    case Phase::restart: return chips * s.startup_w_per_chip + spares;
    case Phase::checkpoint: return chips * s.checkpoint_w_per_chip + spares;
    case Phase::eval: return chips * s.eval_w_per_chip + spares;
    case Phase::suspended: return (chips + static_cast<double>(s.spares)) * s.idle_w_per_chip;
    default: return chips * s.run.system_power_per_chip_w + spares;
  }
}

void Simulation::begin(std::size_t index, Phase phase, std::int64_t duration_ms) {
  Job& job = jobs_[index];
  account(job);
  job.phase = phase;
  job.phase_start = engine_.now();
  job.phase_left_ms = duration_ms;
  set_power(index, phase_w(job, phase));
  job.next = engine_.schedule_at(engine_.now() + Duration::from_ms(duration_ms), [this, index] { phase_end(index); });
}

// After a phase: the next checkpoint or evaluation if one is due, else training up to the next
// boundary, else the end.
void Simulation::proceed(std::size_t index) {
  Job& job = jobs_[index];
  const scenario::ScheduledJob& s = *job.spec;
  if (job.progress_ms >= s.duration_ms) {
    finish(index, true);
    return;
  }
  if (s.checkpoint_interval_ms > 0 && job.progress_ms == job.next_checkpoint_ms) {
    if (s.checkpoint_ms > 0) {
      begin(index, Phase::checkpoint, s.checkpoint_ms);
      return;
    }
    account(job);  // an instantaneous checkpoint
    job.saved_ms = job.progress_ms;
    job.energy_at_saved = job.it_j;
    job.next_checkpoint_ms += s.checkpoint_interval_ms;
    ++job.checkpoints;
  }
  if (s.eval_every_ms > 0 && job.progress_ms == job.next_eval_ms) {
    job.next_eval_ms += s.eval_every_ms;
    if (s.eval_ms > 0) {
      begin(index, Phase::eval, s.eval_ms);
      return;
    }
  }
  std::int64_t until = s.duration_ms;
  if (s.checkpoint_interval_ms > 0) until = std::min(until, job.next_checkpoint_ms);
  if (s.eval_every_ms > 0) until = std::min(until, job.next_eval_ms);
  begin(index, Phase::train, until - job.progress_ms);
}

void Simulation::phase_end(std::size_t index) {
  Job& job = jobs_[index];
  const scenario::ScheduledJob& s = *job.spec;
  switch (job.phase) {
    case Phase::train: job.progress_ms += (engine_.now() - job.phase_start).ms(); break;
    case Phase::checkpoint:
      account(job);
      job.saved_ms = job.progress_ms;
      job.energy_at_saved = job.it_j;
      job.next_checkpoint_ms += s.checkpoint_interval_ms;
      ++job.checkpoints;
      break;
    case Phase::restart:
      account(job);
      job.wasted_j += job.it_j - job.energy_at_saved;
      job.energy_at_saved = job.it_j;
      arm_failure(index);
      break;
    default: break;
  }
  proceed(index);
}

void Simulation::draw_failure(std::size_t index) {
  Job& job = jobs_[index];
  engine_.cancel(job.failure);
  const auto until = std::max<std::int64_t>(1, std::llround(job.failures->next_interval_s() * 1000.0));
  job.failure = engine_.schedule_at(engine_.now() + Duration::from_ms(until), [this, index] { fail(index); });
}

// A failure loses the work since the last checkpoint and everything drawn since; the job keeps
// its accelerators and restarts (plus the repair time when it has no spares).
void Simulation::fail(std::size_t index) {
  Job& job = jobs_[index];
  const scenario::ScheduledJob& s = *job.spec;
  engine_.cancel(job.next);
  if (job.phase == Phase::train) job.progress_ms += (engine_.now() - job.phase_start).ms();
  account(job);
  job.wasted_j += job.it_j - job.energy_at_saved;
  job.energy_at_saved = job.it_j;
  job.progress_ms = job.saved_ms;
  job.next_checkpoint_ms = s.checkpoint_interval_ms > 0 ? job.saved_ms + s.checkpoint_interval_ms : s.duration_ms;
  if (s.eval_every_ms > 0) job.next_eval_ms = (job.saved_ms / s.eval_every_ms + 1) * s.eval_every_ms;
  ++job.restarts;
  begin(index, Phase::restart, s.restart_ms + (s.spares > 0 ? 0 : s.repair_ms));
}

analysis::JobRow Simulation::row_of(const Job& job, bool completed) {
  const scenario::ScheduledJob& spec = *job.spec;
  analysis::JobRow row;
  row.name = name_of(job);
  row.site = sites_[static_cast<std::size_t>(job.site)].setup->name;
  row.start_s = job.started.seconds();
  row.end_s = engine_.now().seconds();
  row.chips = spec.run.chips;
  row.it_energy_kwh = job.it_j / units::kJPerKWh;
  row.facility_energy_kwh = job.facility_j / units::kJPerKWh;
  row.co2e_gross_kg = job.gross_kg;
  row.co2e_net_kg = job.net_kg;
  row.restarts = job.restarts;
  row.delay_s = (job.started - job.arrived).seconds();
  row.co2e_saved_kg = job.co2e_saved_kg;
  row.wasted_energy_kwh = job.wasted_j / units::kJPerKWh;
  row.total_flop = spec.run.total_flop;
  row.mfu = spec.run.peak_flop_per_s > 0.0 && spec.run.flop_per_s_per_chip > 0.0
                ? spec.run.flop_per_s_per_chip / spec.run.peak_flop_per_s
                : 0.0;
  row.completed = completed ? 1 : 0;
  row.checkpoints = job.checkpoints;
  row.startup_energy_kwh = job.phase_j[static_cast<int>(Phase::startup)] / units::kJPerKWh;
  row.checkpoint_energy_kwh = job.phase_j[static_cast<int>(Phase::checkpoint)] / units::kJPerKWh;
  row.eval_energy_kwh = job.phase_j[static_cast<int>(Phase::eval)] / units::kJPerKWh;
  row.suspended_s = job.suspended_s;
  return row;
}

void Simulation::finish(std::size_t index, bool completed) {
  Job& job = jobs_[index];
  const scenario::ScheduledJob& spec = *job.spec;
  engine_.cancel(job.next);
  engine_.cancel(job.failure);
  engine_.cancel(job.plan_event);
  if (job.phase == Phase::suspended) job.suspended_s += (engine_.now() - job.suspended_at).seconds();
  account(job);
  const auto s = static_cast<std::size_t>(job.site);
  Site& site = sites_[s];
  site.running[job.running_pos] = site.running.back();
  jobs_[site.running.back()].running_pos = job.running_pos;
  site.running.pop_back();
  // The last job leaves exactly zero job power behind, not a rounding residue.
  site.jobs_w = site.running.empty() ? 0.0 : std::max(0.0, site.jobs_w - job.w);
  if (site.limited()) site.free_chips += spec.allocated_chips();
  if (site.setup->physical) hall_release(index);
  job.w = 0.0;
  job.phase = Phase::done;
  if (index < explicit_ || options_.record_ends) {
    if (ends_.size() <= job.ordinal) ends_.resize(job.ordinal + 1, kNaN);
    ends_[job.ordinal] = engine_.now().seconds();
  }
  const bool last = --jobs_left_ == 0 && trace_done_;
  update(s);
  embodied_kg_ += spec.embodied_kg_per_s * (engine_.now() - job.started).seconds();
  capped_jobs_ += spec.run.power_capped ? 1 : 0;
  wasted_j_ += job.wasted_j;
  ++(completed ? completed_ : cut_);
  const bool annual = sites_.size() == 1 && site.setup->grid.net_basis == NetBasis::annual;
  if ((annual || job_finished.connected()) && rows_emitted_ < options_.max_rows) {
    if (++rows_emitted_ == options_.max_rows) {
      // The last row: no job's shares are read again, and the per-IT-watt integrals only
      // by inference services.
      shares_kept_ = false;
      per_it_kept_ = !scenario_.services.empty();
    }
    analysis::JobRow row = row_of(job, completed);
    if (annual) held_rows_.push_back(std::move(row));
    else job_finished.emit(row);
  }
  const int campaign = spec.campaign;
  release(index);
  if (!completed) return;  // cut at the horizon: nothing more starts
  if (campaign >= 0 && !waiting_[static_cast<std::size_t>(campaign)].empty()) {
    auto& queue = waiting_[static_cast<std::size_t>(campaign)];
    const std::size_t next = queue.back();
    queue.pop_back();
    engine_.schedule_at(engine_.now(), [this, next] { arrive(next); });
  }
  dispatch(s);
  if (last && services_left_ == 0 && !scenario_.horizon_ms) engine_.stop();
}

// ---------------------------------------------------------------------------------------------

analysis::Summary Simulation::run() {
  const std::int64_t t0 = scenario_.start_ms;
  // Per-job shares are kept while a job's row can still be built (rows go to the listeners, or
  // are held under annual matching, up to options_.max_rows).
  const bool rows = job_finished.connected() || (sites_.size() == 1 && sites_.front().setup->grid.net_basis == NetBasis::annual);
  shares_kept_ = rows && options_.max_rows > 0;
  per_it_kept_ = shares_kept_ || !scenario_.services.empty();
  for (std::size_t i = 0; i < sites_.size(); ++i) {
    Site& site = sites_[i];
    const scenario::GridSetup& grid = site.setup->grid;
    const models::IntensityStep& first = grid.steps.steps().front();
    site.in.gross_kg_per_j = first.gross_kg_per_j;
    site.in.net_given_kg_per_j = grid.has_net_given ? first.net_kg_per_j : kNaN;
    for (std::size_t c = 0; c < grid.contracts.size(); ++c)
      site.contract_w[c] = grid.contracts[c].capacity_w * grid.contracts[c].capacity_factor;

    // Exogenous series, each scheduling its own next change.
    std::vector<engine::Dated<models::IntensityStep>> steps;
    for (std::size_t k = 1; k < grid.steps.steps().size(); ++k) {
      const models::IntensityStep& s = grid.steps.steps()[k];
      steps.push_back({Time::from_ms(std::llround(s.from_s * 1000.0)), s});
    }
    const bool gross_from_steps = !grid.trace.has_value();
    site.step_player = std::make_unique<engine::ProfilePlayer<models::IntensityStep>>(
        engine_, std::move(steps), [this, i, gross_from_steps](const models::IntensityStep& s) {
          Site& here = sites_[i];
          if (gross_from_steps) here.in.gross_kg_per_j = s.gross_kg_per_j;
          if (here.setup->grid.has_net_given) here.in.net_given_kg_per_j = s.net_kg_per_j;
          inputs_changed(i);
        });
    // The scenario key of each series, for messages: `grid.trace`, or `sites[1].grid.trace`.
    const std::string site_key = sites_.size() > 1 ? fmt::format("sites[{}].", i) : std::string();
    if (grid.trace)
      site.players.push_back(std::make_unique<SeriesPlayer>(engine_, *grid.trace, t0, grid.trace_origin, site_key + "grid.trace",
                                                            [this, i](const auto& s) {
        sites_[i].in.gross_kg_per_j = s.value;
        inputs_changed(i);
      }));
    if (grid.marginal)
      site.players.push_back(std::make_unique<SeriesPlayer>(engine_, *grid.marginal, t0, grid.marginal_origin,
                                                            site_key + "grid.marginal", [this, i](const auto& s) {
        sites_[i].in.marginal_kg_per_j = s.value;
        inputs_changed(i);
      }));
    for (std::size_t c = 0; c < grid.contracts.size(); ++c)
      if (grid.contracts[c].profile)
        site.players.push_back(std::make_unique<SeriesPlayer>(engine_, *grid.contracts[c].profile, t0,
                                                              grid.contracts[c].profile->trace().description,
                                                              fmt::format("{}grid.cfe.contracts[{}].profile", site_key, c),
                                                              [this, i, c](const auto& s) {
                                                                Site& here = sites_[i];
                                                                here.contract_w[c] = here.setup->grid.contracts[c].capacity_w * s.value;
                                                                inputs_changed(i);
                                                              }));
    if (site.setup->price)
      site.players.push_back(std::make_unique<SeriesPlayer>(engine_, *site.setup->price, t0, "price trace",
                                                            fmt::format("sites[{}].price_trace", i), [this, i](const auto& s) {
        sites_[i].price = s.value;
        inputs_changed(i);
      }));
    if (carbon_aware_ || spatial_)
      site.forecast = std::make_unique<IntensityForecast>(
          grid, t0, options_.baseline ? 0.0 : scenario_.scheduler.forecast_error,
          static_cast<std::uint64_t>(scenario_.seed) ^ (0xF0CA57ull + 0x9E3779B97F4A7C15ull * i));
    if (const auto& hall = site.setup->physical) {
      site.weather_read = models::cooling_reads_weather(hall->cooling) || changed.connected();
      if (site.weather_read) {
        if (sim::spare_core()) hall->weather->make_ahead();  // a recorder reads every hour of it
        site.in.weather = hall->weather->at(0);
      }
    }
  }
  for (std::size_t i = 0; i < sites_.size(); ++i) {
    update(i);
    if (sites_[i].setup->physical) apply_weather(i);
    sites_[i].step_player->start();
    for (auto& p : sites_[i].players) p->start();
  }
  flush();
  engine_.after_each_instant([](void* self) { static_cast<Simulation*>(self)->flush(); }, this);

  // Arrivals. A campaign's trials beyond its concurrency wait for a running one to end.
  waiting_.assign(scenario_.campaign_concurrency.size(), {});
  std::vector<int> launched(scenario_.campaign_concurrency.size(), 0);
  for (std::size_t i = 0; i < scenario_.jobs.size(); ++i) {
    const scenario::ScheduledJob& job = scenario_.jobs[i];
    if (job.campaign >= 0) {
      const auto c = static_cast<std::size_t>(job.campaign);
      if (launched[c]++ >= scenario_.campaign_concurrency[c]) {
        waiting_[c].insert(waiting_[c].begin(), i);
        continue;
      }
    }
    engine_.schedule_at(Time::from_ms(job.start_offset_ms), [this, i] { arrive(i); });
  }
  if (scenario_.trace_jobs) {
    trace_ = std::make_unique<scenario::TraceCursor>(*scenario_.trace_jobs);
    trace_done_ = false;
    pull_trace_job();
  }
  // Inference services: hourly steps from their start to their end or the horizon.
  services_.resize(scenario_.services.size());
  services_left_ = services_.size();
  for (std::size_t i = 0; i < services_.size(); ++i) {
    ServiceRun& v = services_[i];
    const scenario::ServiceSetup& setup = scenario_.services[i];
    v.setup = &setup;
    v.site = setup.site;
    const std::int64_t to = setup.end_offset_ms.value_or(scenario_.horizon_ms.value_or(setup.start_offset_ms));
    for (models::ServiceStep step :
         setup.measured.empty() ? setup.service.steps(t0 + setup.start_offset_ms, t0 + to) : setup.measured) {
      step.start_ms -= t0;  // to engine time
      step.end_ms -= t0;
      v.steps.push_back(step);
    }
    double peak = 0.0;
    for (const models::ServiceStep& step : v.steps) peak = std::max(peak, step.it_power_w);
    // In a hall, a replica fleet takes a slot per accelerator; a per-query service one slot per kW of its peak.
    v.slots = setup.service.chips() > 0 ? setup.service.chips() : std::max<std::int64_t>(1, std::llround(std::ceil(peak / 1000.0)));
    engine_.schedule_at(Time::from_ms(setup.start_offset_ms), [this, i] { service_step(i); });
  }
  if (scenario_.horizon_ms) engine_.schedule_at(Time::from_ms(*scenario_.horizon_ms), [this] { engine_.stop(); });
  else if (jobs_left_ == 0 && services_left_ == 0) engine_.stop();
  const SimulationOptions::Pipeline mode = options_.pipeline;
  pipeline_wanted_ = mode != SimulationOptions::Pipeline::off && sites_.size() == 1 && sites_.front().setup->physical && services_.empty() &&
                     (mode == SimulationOptions::Pipeline::on || (trace_ && trace_->stream().reads_ahead()));
  try {
    engine_.run();
  } catch (...) {
    // What the pipeline threw happened before.
    if (pipeline_) stop_pipeline();
    throw;
  }
  if (pipeline_) stop_pipeline();

  // Jobs still running at the horizon count up to it.
  const Time end = engine_.now();
  for (std::size_t i = 0; i < jobs_.size(); ++i)
    if (jobs_[i].phase != Phase::waiting && jobs_[i].phase != Phase::done) finish(i, false);
  for (ServiceRun& v : services_) account(v);
  flush();
  if (trace_) {
    // The rest of the trace (jobs arriving after the horizon): counted, and checked.
    trace_jobs_ = trace_->drain();
    const input::JobTraceStream& stream = trace_->stream();
    const std::string& file = scenario_.trace_jobs->file;
    if (!scenario_.trace_jobs->loaded && stream.skipped() > 0)
      warnings_.push_back(fmt::format("{}: {} row(s) without a usable duration (unfinished jobs) skipped", file, stream.skipped()));
    if (!scenario_.trace_jobs->loaded && stream.skipped_cpu_only() > 0)
      warnings_.push_back(fmt::format("{}: {} CPU-only row(s) (no accelerators) skipped", file, stream.skipped_cpu_only()));
  }

  analysis::Summary s;
  double it = 0.0, facility = 0.0, gross = 0.0, given = 0.0, hourly = 0.0, annual = 0.0, marginal = 0.0, net = 0.0;
  double supply = 0.0, matched = 0.0, cost = 0.0;
  bool all_given = true, all_hourly = true, all_annual = true, all_marginal = true;
  double factor = 1.0;
  for (Site& sim_site : sites_) {
    SiteFacility& site = *sim_site.fac;
    site.sums.advance(end);
    for (const auto& p : sim_site.players)
      if (p->wrapped() && warnings_.empty()) warnings_.push_back("a trace was replayed by whole years to cover the run");
    const scenario::GridSetup& grid = site.setup->grid;
    const double site_annual = grid.has_annual ? site.total(kGrossKg) * annual_factor(site) : kNaN;
    double site_net = 0.0;
    switch (grid.net_basis) {
      case NetBasis::given: site_net = site.total(kGivenKg); break;
      case NetBasis::hourly: site_net = site.total(kHourlyKg); break;
      case NetBasis::annual: site_net = site_annual; break;
      case NetBasis::gross: site_net = site.total(kGrossKg); break;
    }
    if (grid.net_basis == NetBasis::annual) factor = annual_factor(site);
    it += site.total(kItJ);
    facility += site.total(kFacilityJ);
    gross += site.total(kGrossKg);
    given += site.total(kGivenKg);
    hourly += site.total(kHourlyKg);
    annual += site_annual;
    marginal += site.total(kMarginalKg);
    net += site_net;
    supply += site.total(kSupplyJ);
    matched += site.total(kMatchedJ);
    cost += site.total(kCost);
    all_given = all_given && grid.has_net_given;
    all_hourly = all_hourly && grid.has_hourly;
    all_annual = all_annual && grid.has_annual;
    all_marginal = all_marginal && grid.marginal.has_value();
    analysis::SiteSummary ss;
    ss.name = site.setup->name;
    ss.it_energy_mwh = site.total(kItJ) / kJPerMWh;
    ss.facility_energy_mwh = site.total(kFacilityJ) / kJPerMWh;
    ss.pue = site.total(kItJ) > 0.0 ? site.total(kFacilityJ) / site.total(kItJ) : 0.0;
    ss.co2e_gross_t = site.total(kGrossKg) / 1e3;
    ss.co2e_net_t = site_net / 1e3;
    ss.electricity_cost = site.total(kCost);
    ss.jobs = static_cast<double>(sim_site.jobs_run);
    s.sites.push_back(std::move(ss));
    s.over_rating_episodes += site.over_rating_episodes;
    s.capped_rack_episodes += site.capped_episodes;
  }
  s.it_energy_mwh = it / kJPerMWh;
  s.facility_energy_mwh = facility / kJPerMWh;
  s.pue = it > 0.0 ? facility / it : 0.0;
  s.co2e_gross_t = gross / 1e3;
  s.co2e_net_given_t = all_given ? given / 1e3 : kNaN;
  s.co2e_hourly_t = all_hourly ? hourly / 1e3 : kNaN;
  s.co2e_annual_t = all_annual ? annual / 1e3 : kNaN;
  s.co2e_marginal_t = all_marginal ? marginal / 1e3 : kNaN;
  s.co2e_net_t = net / 1e3;
  s.cfe_supply_mwh = supply / kJPerMWh;
  s.cfe_matched_share = facility > 0.0 ? matched / facility : 0.0;
  s.makespan_h = end.seconds() / 3600.0;
  s.embodied_co2e_t = embodied_kg_ / 1e3;
  s.wasted_energy_mwh = wasted_j_ / kJPerMWh;
  s.capped_jobs = capped_jobs_;
  s.electricity_cost = cost;
  for (const ServiceRun& v : services_) s.services.push_back(service_summary(v));
  s.mean_wait_h = started_ > 0 ? wait_s_ / static_cast<double>(started_) / 3600.0 : 0.0;
  s.jobs_completed = static_cast<double>(completed_);
  s.jobs_cut = static_cast<double>(cut_);
  s.jobs_not_started = static_cast<double>(static_cast<std::int64_t>(explicit_ + trace_jobs_) - completed_ - cut_);
  const NetBasis basis = sites_.front().setup->grid.net_basis;
  bool same_basis = true;
  for (const Site& site : sites_) same_basis = same_basis && site.setup->grid.net_basis == basis;
  s.net_basis = !same_basis                 ? "mixed"
                : basis == NetBasis::given  ? "given"
                : basis == NetBasis::hourly ? "hourly"
                : basis == NetBasis::annual ? "annual"
                                            : "gross";
  for (analysis::JobRow& row : held_rows_) {
    row.co2e_net_kg *= factor;
    job_finished.emit(row);
  }
  finished.emit(end, s, factor);
  return s;
}

}  // namespace dcsim::sim
