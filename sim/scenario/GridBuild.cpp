#include "sim/scenario/GridBuild.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "models/grid/GenerationMix.hpp"
#include "models/units/Calendar.hpp"
#include "sim/input/TraceReader.hpp"
#include "sim/scenario/Catalog.hpp"
#include "sim/scenario/DataDir.hpp"
#include "sim/scenario/GridMixSpec.hpp"
#include "sim/scenario/RegionSpec.hpp"

namespace dcsim::scenario {
namespace {

namespace fs = std::filesystem;

input::TraceOptions options_for(const TraceSpec& t, const std::string& key, bool intensity) {
  input::TraceOptions o;
  o.format = *input::trace_format_from_name(t.format);
  o.lifecycle = t.column != "direct";
  o.fill_missing = t.fill_missing;
  if (!t.unit.empty()) {
    if (!intensity)
      throw InputError(Location{t.file, 0, 0}, key + ".unit", "a capacity-factor profile takes no unit (values are 0..1)");
    try {
      o.value_unit_kg_per_j = units::parse_quantity("1 " + t.unit, units::Dimension::carbon_intensity);
    } catch (const units::UnitError& e) {
      throw InputError(Location{t.file, 0, 0}, key + ".unit", e.what());
    }
  } else if (!intensity) {
    o.value_unit_kg_per_j = 1.0;
  }
  return o;
}

}  // namespace

namespace {

// Built inputs by what determines them, shared by the scenarios of a process (a sweep builds the
// same grid thousands of times). Values are immutable; a failed build is not kept.
template <class V>
class Memo {
 public:
  template <class Make>
  std::shared_ptr<const V> get(const std::string& key, Make make) {
    {
      const std::lock_guard lock(mutex_);
      if (const auto it = map_.find(key); it != map_.end()) return it->second;
    }
    auto value = std::make_shared<const V>(make());
    const std::lock_guard lock(mutex_);
    if (map_.size() >= 64) map_.clear();
    return map_.emplace(key, std::move(value)).first->second;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const V>> map_;
};

// A file's identity for a cache key: its path, size and modification time.
std::string file_key(const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  const auto mtime = fs::last_write_time(file, ec);
  return fmt::format("{}|{}|{}", file, ec ? 0 : size, ec ? 0 : mtime.time_since_epoch().count());
}

struct MixBuilt {
  models::MixRegion region;
  models::MixDispatch dispatch;
  models::TraceSeries trace;
};

models::TraceSeries read_series(const TraceSpec& t, const std::string& key, bool intensity, std::int64_t epoch_ms);

}  // namespace

models::TraceSeries series(const TraceSpec& t, const std::string& key, bool intensity, std::int64_t epoch_ms) {
  static Memo<models::TraceSeries> memo;
  const std::string id = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", file_key(t.file), t.format, t.column, t.unit, t.wrap,
                                     t.fill_missing, intensity, epoch_ms);
  return *memo.get(id, [&] { return read_series(t, key, intensity, epoch_ms); });
}

namespace {
models::TraceSeries read_series(const TraceSpec& t, const std::string& key, bool intensity, std::int64_t epoch_ms) {
  input::TraceOptions options = options_for(t, key, intensity);
  options.epoch_ms = epoch_ms;
  models::IntensityTrace trace = input::read_trace(t.file, options);
  try {
    return models::TraceSeries(std::move(trace), t.wrap);
  } catch (const models::TraceRangeError& e) {
    throw InputError(Location{t.file, 0, 0}, key + ".wrap", e.what());
  }
}
}  // namespace

namespace {

// A contract whose output per unit capacity follows the model's wind or solar generation.
models::TraceSeries mix_profile(const models::MixRegion& region, const models::MixDispatch& mix, const std::string& kind,
                                std::int64_t start_ms, const std::string& name, const std::string& prefix) {
  const bool wind = kind == "wind";
  const double capacity = wind ? region.wind.capacity_w : region.solar.capacity_w;
  if (capacity <= 0.0)
    throw InputError(Location{}, prefix + ".cfe.contracts",
                     fmt::format("contract '{}': the mix region '{}' has no {} capacity to follow", name, region.name, kind));
  const auto column = static_cast<Eigen::Index>(wind ? models::Source::wind : models::Source::solar);
  models::IntensityTrace t;
  t.step_ms = 3'600'000;
  for (Eigen::Index h = 0; h < mix.generation_w.rows(); ++h) {
    t.utc_ms.push_back(start_ms + h * t.step_ms);
    // Curtailed output is still what the farm could deliver to the contract.
    t.intensity_kg_per_j.push_back(std::clamp(mix.generation_w(h, column) / capacity, 0.0, 1.0));
  }
  t.description = fmt::format("{} output of mix region '{}' per unit capacity", kind, region.name);
  return models::TraceSeries(std::move(t), true);
}

}  // namespace

void resolve_grid_paths(GridSpec& g, const std::string& prefix, const SourceMap& sources) {
  if (g.trace) resolve_relative(g.trace->file, prefix + ".trace.file", sources);
  if (g.marginal) resolve_relative(g.marginal->file, prefix + ".marginal.file", sources);
  if (g.mix) {
    if (g.mix->catalog.empty()) g.mix->catalog = (catalog_dir() / "grid-mix.yaml").string();
    else resolve_relative(g.mix->catalog, prefix + ".mix.catalog", sources);
  }
  if (g.region) {
    if (g.region->catalog.empty()) g.region->catalog = (catalog_dir() / "regions.yaml").string();
    else resolve_relative(g.region->catalog, prefix + ".region.catalog", sources);
  }
  if (g.cfe)
    for (std::size_t i = 0; i < g.cfe->contracts.size(); ++i)
      if (g.cfe->contracts[i].profile)
        resolve_relative(g.cfe->contracts[i].profile->file, element_path(prefix + ".cfe.contracts", i) + ".profile.file", sources);
}

GridSetup build_grid(const GridSpec& g, const std::string& prefix, std::int64_t start_ms, std::int64_t seed,
                     std::vector<std::string>& warnings) {
  GridSetup out;
  std::optional<models::MixRegion> mix_region;
  std::optional<models::MixDispatch> mix;
  std::int64_t mix_start = 0;
  std::size_t mix_hours = 0;
  std::uint64_t mix_seed = 0;

  // Gross and net-given steps: the constant source, or only net steps over a trace.
  double gross0 = g.gross_kg_per_j.value_or(0.0);
  std::optional<double> net0 = g.net_kg_per_j;
  if (g.region) {
    const auto regions = load_catalog<RegionEntrySpec>(g.region->catalog, "regions");
    const auto r = regions.find(g.region->name);
    if (r == regions.end())
      throw InputError(Location{g.region->catalog, 0, 0}, prefix + ".region.name",
                       fmt::format("no region '{}' in the catalog; it has {}", g.region->name, names_of(regions)));
    const auto p = r->second.periods.find(g.region->period);
    if (p == r->second.periods.end())
      throw InputError(Location{g.region->catalog, 0, 0}, prefix + ".region.period",
                       fmt::format("region '{}' has no period '{}'; it has {}", g.region->name, g.region->period,
                                   names_of(r->second.periods)));
    gross0 = p->second.grid_kg_per_j;
    if (!net0) net0 = p->second.net_kg_per_j;
    if (p->second.cfe_share) {
      out.cfe_share = *p->second.cfe_share;
      out.has_hourly = true;
    }
  }
  out.has_net_given = net0.has_value();
  std::vector<models::IntensityStep> steps{{0.0, gross0, net0.value_or(gross0)}};
  for (const GridChangeSpec& c : g.changes) {
    const double from_s = static_cast<double>(c.at_ms - start_ms) / 1000.0;
    const models::IntensityStep step{from_s, c.gross_kg_per_j, c.net_kg_per_j.value_or(c.gross_kg_per_j)};
    out.has_net_given = out.has_net_given || c.net_kg_per_j.has_value();
    if (from_s == 0.0) steps.front() = step;
    else steps.push_back(step);
  }
  out.steps = models::GridIntensity(std::move(steps));

  if (g.trace) {
    out.trace = series(*g.trace, prefix + ".trace", true, start_ms);
    out.trace_origin = g.trace->file;
  } else if (g.mix) {
    mix_start = units::start_of_year_ms(units::utc_year(start_ms));
    const std::int64_t next_year = units::start_of_year_ms(units::utc_year(start_ms) + 1);
    mix_hours = static_cast<std::size_t>((next_year - mix_start) / 3'600'000);
    mix_seed = static_cast<std::uint64_t>(g.mix->seed.value_or(seed));
    static Memo<MixBuilt> memo;
    const auto built = memo.get(fmt::format("{}|{}|{}|{}|{}", file_key(g.mix->catalog), g.mix->region, mix_start, mix_hours, mix_seed), [&] {
      const auto regions = load_catalog<MixRegionSpec>(g.mix->catalog, "regions");
      const auto r = regions.find(g.mix->region);
      if (r == regions.end())
        throw InputError(Location{g.mix->catalog, 0, 0}, prefix + ".mix.region",
                         fmt::format("no region '{}' in the generation-mix catalog; it has {}", g.mix->region, names_of(regions)));
      const models::MixRegion region = to_model(r->second);
      return MixBuilt{region, models::dispatch_mix(region, mix_start, mix_hours, mix_seed),
                      models::TraceSeries(models::generate_mix(region, mix_start, mix_hours, mix_seed), true)};
    });
    mix_region = built->region;
    mix = built->dispatch;
    out.trace = built->trace;
    out.trace_origin = fmt::format("generation-mix region '{}'", g.mix->region);
  }

  if (g.marginal) {
    out.marginal = series(*g.marginal, prefix + ".marginal", true, start_ms);
    out.marginal_origin = g.marginal->file;
  }

  if (g.cfe) {
    out.has_hourly = true;
    if (g.cfe->share) out.cfe_share = *g.cfe->share;
    for (std::size_t i = 0; i < g.cfe->contracts.size(); ++i) {
      const ContractSpec& c = g.cfe->contracts[i];
      SupplyContract contract{c.name, c.capacity_w, c.capacity_factor.value_or(0.0), std::nullopt};
      if (c.profile) contract.profile = series(*c.profile, element_path(prefix + ".cfe.contracts", i) + ".profile", false, start_ms);
      if (c.from_mix) contract.profile = mix_profile(*mix_region, *mix, c.kind, mix_start, c.name, prefix);
      out.contracts.push_back(std::move(contract));
    }
  }

  if (g.annual_matching) {
    out.has_annual = true;
    out.certificates_j = g.annual_matching->certificates_j;
    out.certificate_share = g.annual_matching->share;
  } else if (!out.contracts.empty()) {
    out.has_annual = true;  // the contracts' total output, netted annually
  }

  if (!g.net_basis.empty()) {
    out.net_basis = g.net_basis == "given"    ? NetBasis::given
                    : g.net_basis == "hourly" ? NetBasis::hourly
                    : g.net_basis == "annual" ? NetBasis::annual
                                              : NetBasis::gross;
  } else {
    out.net_basis = out.has_net_given ? NetBasis::given
                    : out.has_hourly  ? NetBasis::hourly
                    : out.has_annual  ? NetBasis::annual
                                      : NetBasis::gross;
  }
  if (out.trace && out.trace->wrap()) {
    const auto& t = out.trace->trace();
    if (start_ms < t.utc_ms.front() || start_ms >= t.end_ms())
      warnings.push_back(fmt::format("grid intensity from {} ({} to {}) is replayed by whole years for a run starting {}",
                                     out.trace_origin, units::format_utc(t.utc_ms.front()), units::format_utc(t.end_ms()),
                                     units::format_utc(start_ms)));
  }
  return out;
}

}  // namespace dcsim::scenario
