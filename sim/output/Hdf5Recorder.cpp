#include "sim/output/Hdf5Recorder.hpp"
#include "sim/output/TempFiles.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "models/InputError.hpp"
#include "models/units/Units.hpp"
#include "sim/SpareCore.hpp"
#include "sim/engine/BatchHandOff.hpp"

namespace dcsim::output {
namespace {

namespace fs = std::filesystem;

fs::path temporary_for(const fs::path& destination) {
  return destination.parent_path() / fmt::format(".{}.tmp-{}", destination.filename().string(), ::getpid());
}

}  // namespace

// The file thread: the signals' events in batches (engine::BatchHandOff), handed over in order,
// each batch run in order.
struct Hdf5Recorder::Writer {
  struct Change {
    engine::Time t;
    sim::PowerState state;
    std::size_t racks_at = 0;  ///< into Batch::rack_w
  };
  struct alignas(64) Batch {  // of one thread at a time: not sharing a cache line with another
    std::vector<Change> changes;
    std::vector<double> rack_w;
    std::vector<analysis::JobRow> jobs;
    std::vector<bool> is_job;  ///< the events in order: a change or a job
    bool empty() const { return is_job.empty(); }
    void clear() {
      changes.clear();
      rack_w.clear();
      jobs.clear();
      is_job.clear();
    }
  };
  static constexpr std::size_t kBatchEvents = 2048;
  static constexpr std::size_t kBatchesInFlight = 4;

  explicit Writer(Hdf5Recorder& owner) : recorder(owner), batches(kBatchesInFlight, [this](Batch& b) { write(b); }) {}

  void change(engine::Time t, const sim::PowerState& state) {
    Batch& b = batches.batch();
    b.changes.push_back({t, state, b.rack_w.size()});
    if (!recorder.rack_w_.empty() && state.hall != nullptr)
      for (std::size_t r = 0; r < recorder.rack_w_.size(); ++r) b.rack_w.push_back(state.hall->rack_it_w(r));
    b.is_job.push_back(false);
    if (b.is_job.size() >= kBatchEvents) batches.hand_over();
  }
  void job(const analysis::JobRow& row) {
    Batch& b = batches.batch();
    b.jobs.push_back(row);
    b.is_job.push_back(true);
    if (b.is_job.size() >= kBatchEvents) batches.hand_over();
  }
  /// Hands over the rest, waits for the thread and joins it; returns what it threw (or null).
  std::exception_ptr finish() { return batches.finish(); }

  // On the file thread.
  void write(const Batch& b) {
    std::size_t c = 0, j = 0;
    for (const bool is_job : b.is_job) {
      if (is_job) {
        recorder.jobs_->append(b.jobs[j++]);
      } else {
        const Change& e = b.changes[c++];
        recorder.change_now(e.t, e.state, b.rack_w.data() + e.racks_at);
      }
    }
  }

  Hdf5Recorder& recorder;
  engine::BatchHandOff<Batch> batches;
};

Hdf5Recorder::Hdf5Recorder(fs::path destination, const analysis::RunInfo& info, std::int64_t interval_ms,
                           std::size_t racks)
    : destination_(std::move(destination)), temporary_(temporary_for(destination_)), interval_ms_(interval_ms),
      rack_j_(racks, 0.0), rack_w_(racks, 0.0) {
  const fs::path dir = destination_.parent_path().empty() ? fs::path(".") : destination_.parent_path();
  std::error_code ec;
  if (fs::is_directory(destination_, ec))
    throw InputError(Location{destination_.string(), 0, 0}, "", "the output path is a directory; give a file name");
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError(Location{destination_.string(), 0, 0}, "", fmt::format("'{}' is not a directory", dir.string()));
  if (!fs::is_directory(dir, ec))
    throw InputError(Location{destination_.string(), 0, 0}, "", fmt::format("output directory '{}' does not exist", dir.string()));
  try {
    temp_slot_ = register_temporary(temporary_.string());
    file_ = h5::create_file(temporary_.string());
  } catch (const h5::Error&) {
    throw InputError(Location{destination_.string(), 0, 0}, "",
                     fmt::format("cannot write in output directory '{}'", dir.string()));
  }
  const hid_t root = file_.id();
  h5::write_attribute(root, "format_version", info.format_version);
  h5::write_attribute(root, "dcsim_version", std::string_view(info.dcsim_version));
  h5::write_attribute(root, "scenario_name", std::string_view(info.scenario_name));
  h5::write_attribute(root, "scenario_yaml", std::string_view(info.scenario_yaml));
  h5::write_attribute(root, "seed", info.seed);
  h5::write_attribute(root, "start_time", std::string_view(info.start_time));
  timeseries_ = h5::create_group(root, "timeseries");
  h5::write_attribute(timeseries_.id(), "interval_s", static_cast<double>(interval_ms_) / 1000.0);
  compressor_ = std::make_unique<h5::ChunkCompressor>(h5::kDeflateLevel);
  columns_.reserve(analysis::kTimeseriesColumns.size());
  for (const analysis::TimeseriesColumn& c : analysis::kTimeseriesColumns)
    columns_.emplace_back(timeseries_.id(), std::string(c.name), c.units, c.long_name, 4096, compressor_.get());
  jobs_ = std::make_unique<h5::JobTableWriter>(root, "jobs");
  if (racks > 0)
    racks_ = std::make_unique<h5::DoubleMatrix>(timeseries_.id(), "rack_power_w", racks, "W",
                                                "IT power per rack (interval average), interval x rack", 256, compressor_.get());
  // time_s is the time dimension of every column (CF: "seconds since <start>"), so xarray and
  // netCDF readers index the group by it.
  static_assert(analysis::kTimeseriesColumns[0].name == "time_s");
  const hid_t time = columns_.front().id();
  h5::write_attribute(time, "units", std::string_view(fmt::format("seconds since {}", info.start_time)));
  h5::set_dimension_scale(time, "time_s");
  for (std::size_t i = 1; i < columns_.size(); ++i) h5::attach_dimension_scale(columns_[i].id(), time, 0);
  if (racks_) {
    // The rack dimension gets its own scale (rack positions 0..n-1): netCDF readers need every
    // dimension of a dataset labelled, or none.
    h5::DoubleColumn rack(timeseries_.id(), "rack", "1", "rack position in the hall, 0-based");
    for (std::size_t r = 0; r < racks; ++r) rack.append(static_cast<double>(r));
    rack.flush();
    h5::set_dimension_scale(rack.id(), "rack");
    h5::attach_dimension_scale(racks_->id(), time, 0);
    h5::attach_dimension_scale(racks_->id(), rack.id(), 1);
  }
}

Hdf5Recorder::~Hdf5Recorder() {
  writer_.reset();  // stops the file thread first
  release_temporary(temp_slot_);
  if (committed_) return;
  columns_.clear();
  jobs_.reset();
  racks_.reset();
  timeseries_.reset();
  file_.reset();
  std::error_code ec;
  fs::remove(temporary_, ec);
}

void Hdf5Recorder::attach(sim::Simulation& simulation) {
  simulation.changed.connect([this](engine::Time t, const sim::PowerState& s) { on_change(t, s); });
  simulation.job_finished.connect([this](const analysis::JobRow& row) { on_job(row); });
  simulation.finished.connect([this](engine::Time t, const analysis::Summary& s, double k) { on_finish(t, s, k); });
}

namespace {

// The state as one row of instantaneous values; emission columns hold rates (kg/s).
analysis::TimeseriesRow instantaneous(const sim::PowerState& s) {
  constexpr double kGPerKWhPerKgPerJ = 1.0 / units::kKgPerJPerGPerKWh;
  const models::FacilityPower& p = s.power;
  const models::FacilityDetail& d = p.detail;
  const double facility_w = p.total_w();
  analysis::TimeseriesRow r;
  r.it_power_w = p.it_w;
  r.delivery_loss_w = p.delivery_loss_w;
  r.cooling_power_w = p.cooling_w;
  r.other_power_w = p.other_w;
  r.facility_power_w = facility_w;
  r.grid_gross_g_per_kwh = s.gross_kg_per_j * kGPerKWhPerKgPerJ;
  r.grid_net_g_per_kwh = s.net_kg_per_j * kGPerKWhPerKgPerJ;
  r.grid_net_given_g_per_kwh = s.net_given_kg_per_j * kGPerKWhPerKgPerJ;
  r.grid_marginal_g_per_kwh = s.marginal_kg_per_j * kGPerKWhPerKgPerJ;
  r.cfe_supply_w = s.cfe_supply_w;
  r.co2e_gross_kg = facility_w * s.gross_kg_per_j;
  r.co2e_net_kg = s.net_rate_kg_per_s;
  r.co2e_net_given_kg = facility_w * s.net_given_kg_per_j;
  r.co2e_hourly_kg = s.hourly_rate_kg_per_s;
  r.co2e_marginal_kg = facility_w * s.marginal_kg_per_j;
  r.outdoor_temp_c = s.outdoor_temp_c;
  r.outdoor_wet_bulb_c = s.outdoor_wet_bulb_c;
  r.psu_loss_w = d.psu_loss_w;
  r.pdu_loss_w = d.pdu_loss_w;
  r.ups_loss_w = d.ups_loss_w;
  r.transformer_loss_w = d.transformer_loss_w;
  r.chiller_w = d.chiller_w;
  r.economiser_w = d.economiser_w;
  r.fans_w = d.fans_w;
  r.pumps_w = d.pumps_w;
  r.tower_w = d.tower_w;
  r.humidifier_w = d.humidifier_w;
  r.lighting_w = d.lighting_w;
  r.over_rating_nodes = static_cast<double>(s.over_rating_nodes);
  r.capped_racks = static_cast<double>(s.capped_racks);
  return r;
}

}  // namespace

void Hdf5Recorder::accumulate(engine::Time until) {
  using analysis::Aggregate;
  while (until > cursor_) {
    const engine::Time bin_end = bin_start_ + engine::Duration::from_ms(interval_ms_);
    const engine::Time step_end = std::min(until, bin_end);
    const double dt = (step_end - cursor_).seconds();
    for (const analysis::TimeseriesColumn& c : analysis::kTimeseriesColumns) {
      if (c.aggregate == Aggregate::average || c.aggregate == Aggregate::total) bin_.*c.member += now_.*c.member * dt;
      else if (c.aggregate == Aggregate::maximum) bin_.*c.member = std::max(bin_.*c.member, now_.*c.member);
    }
    if (racks_ && state_.hall != nullptr)
      for (std::size_t r = 0; r < rack_j_.size(); ++r) rack_j_[r] += rack_w_[r] * dt;
    cursor_ = step_end;
    if (cursor_ == bin_end) close_bin(bin_end);
  }
}

void Hdf5Recorder::close_bin(engine::Time end) {
  using analysis::Aggregate;
  const double len = (end - bin_start_).seconds();
  if (len <= 0.0) return;
  analysis::TimeseriesRow row = bin_;
  for (const analysis::TimeseriesColumn& c : analysis::kTimeseriesColumns)
    if (c.aggregate == Aggregate::average) row.*c.member /= len;
  row.time_s = bin_start_.seconds();
  row.duration_s = len;
  row.pue = bin_.it_power_w > 0.0 ? bin_.facility_power_w / bin_.it_power_w : std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i].append(row.*analysis::kTimeseriesColumns[i].member);
  if (racks_) {
    for (double& j : rack_j_) j /= len;
    racks_->append_row(rack_j_.data());
    std::fill(rack_j_.begin(), rack_j_.end(), 0.0);
  }
  bin_ = analysis::TimeseriesRow{};
  bin_start_ = end;
}

void Hdf5Recorder::on_change(engine::Time t, const sim::PowerState& state) {
  if (!writer_ && use_thread_ && !finished_ && sim::spare_core()) writer_ = std::make_unique<Writer>(*this);
  if (writer_) {
    writer_->change(t, state);
    return;
  }
  change_now(t, state, nullptr);
}

// `rack_w`: each rack's power from now, as read when the change was told (null: read it now).
void Hdf5Recorder::change_now(engine::Time t, const sim::PowerState& state, const double* rack_w) {
  accumulate(t);
  state_ = state;
  now_ = instantaneous(state);
  // The racks' power until the next change (read once here, not at every step of the bins).
  if (racks_ && state_.hall != nullptr) {
    if (rack_w != nullptr) std::copy(rack_w, rack_w + rack_w_.size(), rack_w_.begin());
    else
      for (std::size_t r = 0; r < rack_w_.size(); ++r) rack_w_[r] = state_.hall->rack_it_w(r);
  }
}

void Hdf5Recorder::on_job(const analysis::JobRow& row) {
  if (writer_) writer_->job(row);
  else jobs_->append(row);
}

void Hdf5Recorder::on_finish(engine::Time end, const analysis::Summary&, double net_scale) {
  if (writer_) {
    // The file is this thread's again once the file thread has done every event.
    const std::exception_ptr e = writer_->finish();
    writer_.reset();
    if (e) std::rethrow_exception(e);
  }
  accumulate(end);
  close_bin(end);
  // Every partial chunk to the compressor first, so that the worker and this thread compress
  // the last chunks side by side.
  for (h5::DoubleColumn& c : columns_) c.start_flush();
  if (racks_) racks_->start_flush();
  for (h5::DoubleColumn& c : columns_) c.flush();
  if (racks_) racks_->flush();
  if (net_scale != 1.0)
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string_view name = analysis::kTimeseriesColumns[i].name;
      if (name == "co2e_net_kg" || name == "grid_net_g_per_kwh") columns_[i].scale(net_scale);
    }
  jobs_->flush();
  finished_ = true;
}

void Hdf5Recorder::commit(const analysis::Summary& summary) {
  if (!finished_) throw std::logic_error("Hdf5Recorder::commit before the run finished");
  const h5::Handle group = h5::create_group(file_.id(), "summary");
  for (const analysis::SummaryField& f : analysis::kSummaryFields) {
    h5::write_attribute(group.id(), std::string(f.name), summary.*f.member);
  }
  h5::write_attribute(group.id(), "net_basis", std::string_view(summary.net_basis));
  h5::write_attribute(group.id(), "over_rating_episodes", summary.over_rating_episodes);
  h5::write_attribute(group.id(), "capped_rack_episodes", summary.capped_rack_episodes);
  h5::write_attribute(group.id(), "capped_jobs", summary.capped_jobs);
  // Totals per site, one group each, in the scenario's order.
  const h5::Handle sites = h5::create_group(group.id(), "sites");
  for (std::size_t i = 0; i < summary.sites.size(); ++i) {
    const analysis::SiteSummary& site = summary.sites[i];
    const h5::Handle g = h5::create_group(sites.id(), site.name);
    h5::write_attribute(g.id(), "index", static_cast<std::int64_t>(i));
    for (const analysis::SiteField& f : analysis::kSiteFields) h5::write_attribute(g.id(), std::string(f.name), site.*f.member);
  }
  if (!summary.services.empty()) {
    const h5::Handle services = h5::create_group(group.id(), "services");
    for (std::size_t i = 0; i < summary.services.size(); ++i) {
      const analysis::ServiceSummary& v = summary.services[i];
      const h5::Handle g = h5::create_group(services.id(), v.name);
      h5::write_attribute(g.id(), "index", static_cast<std::int64_t>(i));
      h5::write_attribute(g.id(), "site", std::string_view(v.site));
      for (const analysis::ServiceField& f : analysis::kServiceFields) h5::write_attribute(g.id(), std::string(f.name), v.*f.member);
    }
  }
  columns_.clear();
  jobs_.reset();
  racks_.reset();
  timeseries_.reset();
  if (H5Fflush(file_.id(), H5F_SCOPE_GLOBAL) < 0) throw h5::Error("HDF5: cannot flush " + temporary_.string());
  file_.reset();
  fs::rename(temporary_, destination_);
  committed_ = true;
  release_temporary(temp_slot_);
  temp_slot_ = -1;
}

}  // namespace dcsim::output
