#pragma once
// Plain structs a scenario file is parsed into, each field declared once in its describe().
//
// Values are SI (W, J, s, kg, kg/J, FLOP, FLOP/s); instants are ms since the Unix epoch (UTC).
// Nothing here is validated beyond what the declarations say: cross-field rules live in
// Validate.cpp, model building in Build.cpp. The format reference in scenarios/README.md is
// printed from these declarations by `dcsim validate --schema`.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/Fields.hpp"

namespace dcsim::scenario {

using units::Dimension;

/// 2020-01-01T00:00:00Z, the start of a scenario that gives none (DESIGN.md output contract).
inline constexpr std::int64_t kDefaultStartMs = 1'577'836'800'000;

struct AcceleratorSpec {
  double tdp_w = 0.0;
  std::optional<double> peak_flop_per_s;
  std::optional<double> system_power_w;
  std::optional<double> embodied_kg;
  double service_life_s = 5.0 * 365.25 * 86'400.0;
  std::optional<double> idle_power_w;
  std::optional<double> max_power_w;
  std::string curve = "linear";
  double curve_r = 1.4;
  double host_idle_w = 0.0;
  double host_max_w = 0.0;
  std::optional<double> power_cap_w;
  std::string source;
};

inline constexpr std::array<std::string_view, 5> kCurveNames{"linear", "square", "cubic", "sqrt", "fan2007"};

template <class V>
void describe(V& v, AcceleratorSpec& s) {
  v.field("tdp", Need::required, "chip thermal design power", s.tdp_w,
          QuantityKind{Dimension::power, Range::positive(10'000.0)});
  v.field("peak", Need::optional, "datasheet peak FLOP/s per chip", s.peak_flop_per_s,
          QuantityKind{Dimension::flop_rate, Range::positive(1e18)});
  v.field("system_power", Need::optional,
          "measured average wall power per accelerator incl. host share; default for jobs that state none",
          s.system_power_w, QuantityKind{Dimension::power, Range::positive(100'000.0)});
  v.field("embodied", Need::optional,
          "manufacturing CO2e per accelerator with its share of the server; amortised over service_life",
          s.embodied_kg, QuantityKind{Dimension::mass, Range::between(0.0, 1e6)});
  v.field("service_life", Need::optional, "years over which embodied CO2e is amortised", s.service_life_s,
          QuantityKind{Dimension::time, Range::positive(100.0 * 365.25 * 86'400.0)});
  v.field("idle_power", Need::optional, "chip power at zero utilisation (enables the power-curve path)",
          s.idle_power_w, QuantityKind{Dimension::power, Range::between(0.0, 10'000.0)});
  v.field("max_power", Need::optional, "chip power at full utilisation; default: tdp", s.max_power_w,
          QuantityKind{Dimension::power, Range::positive(10'000.0)});
  v.field("curve", Need::optional, "power-vs-utilisation curve between idle_power and max_power", s.curve,
          ChoiceKind{kCurveNames});
  v.field("curve_r", Need::optional, "fan2007: the exponent r of P = idle + (max - idle)(2u - u^r)", s.curve_r,
          NumberKind{Range::between(1.0, 2.0)});
  v.field("host_idle", Need::optional, "host share per accelerator (CPU, memory, NIC, fans) at zero utilisation",
          s.host_idle_w, QuantityKind{Dimension::power, Range::between(0.0, 10'000.0)});
  v.field("host_max", Need::optional, "host share per accelerator at full utilisation (linear between)", s.host_max_w,
          QuantityKind{Dimension::power, Range::between(0.0, 10'000.0)});
  v.field("power_cap", Need::optional,
          "server power cap per accelerator (chip + host share): clips the power-curve path, counted as capped jobs",
          s.power_cap_w, QuantityKind{Dimension::power, Range::positive(100'000.0)});
  v.field("source", Need::optional, "where the figures come from", s.source, TextKind{});
}

struct WeatherSpec {
  std::string file;
};

template <class V>
void describe(V& v, WeatherSpec& s) {
  v.field("file", Need::required, "EnergyPlus EPW weather file, relative to the YAML file that names it", s.file,
          TextKind{});
}

struct FacilitySpec {
  std::optional<double> pue;
  std::string preset;
  std::string catalog;
  std::string site;
  std::string sites_catalog;
  std::optional<WeatherSpec> weather;
  std::optional<std::int64_t> racks;
  std::optional<double> design_it_w;
  std::string source;
};

template <class V>
void describe(V& v, FacilitySpec& s) {
  v.field("pue", Need::optional, "a fixed power usage effectiveness (the paper's path; or give a preset)", s.pue,
          NumberKind{Range::between(1.0, 5.0)});
  v.field("preset", Need::optional, "a facility of the facility catalog: PUE computed from load and weather",
          s.preset, TextKind{});
  v.field("catalog", Need::optional, "facility catalog; default: scenarios/catalog/facilities.yaml", s.catalog,
          TextKind{});
  v.field("site", Need::optional, "climate site of the site catalog (synthetic hourly weather)", s.site, TextKind{});
  v.field("sites_catalog", Need::optional, "site catalog; default: scenarios/catalog/sites.yaml", s.sites_catalog,
          TextKind{});
  v.field("weather", Need::optional, "hourly weather from an EPW file instead of a site", s.weather, ObjectKind{});
  v.field("racks", Need::optional, "racks in the hall; default: enough for all jobs' accelerators", s.racks,
          IntegerKind{1, 1'000'000});
  v.field("design_it", Need::optional, "IT power at the cooling design point; default: all jobs' IT power",
          s.design_it_w, QuantityKind{Dimension::power, Range::positive(1e10)});
  v.field("source", Need::optional, "where the figures come from", s.source, TextKind{});
}

struct GridChangeSpec {
  std::int64_t at_ms = 0;
  double gross_kg_per_j = 0.0;
  std::optional<double> net_kg_per_j;
};

inline constexpr Range kIntensityRange = Range::between(0.0, 3.0 / units::kJPerKWh);  // <= 3 kg/kWh

template <class V>
void describe(V& v, GridChangeSpec& s) {
  v.field("at", Need::required, "when this value takes effect (UTC)", s.at_ms, InstantKind{});
  v.field("gross", Need::required, "location-based grid intensity", s.gross_kg_per_j,
          QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("net", Need::optional, "intensity net of procured carbon-free energy; default: gross",
          s.net_kg_per_j, QuantityKind{Dimension::carbon_intensity, kIntensityRange});
}

/// A time series read from a CSV file (grid intensity, a marginal signal, a supply profile).
struct TraceSpec {
  std::string file;
  std::string format;
  std::string column = "lca";
  std::string unit;
  bool wrap = false;
  bool fill_missing = false;
};

inline constexpr std::array<std::string_view, 4> kTraceFormats{"electricity_maps", "plain", "eia930", "watttime"};
inline constexpr std::array<std::string_view, 2> kTraceColumns{"lca", "direct"};

template <class V>
void describe(V& v, TraceSpec& s) {
  v.field("file", Need::required, "CSV file, relative to the YAML file that names it", s.file, TextKind{});
  v.field("format", Need::required, "the file's layout", s.format, ChoiceKind{kTraceFormats});
  v.field("column", Need::optional, "electricity_maps: lifecycle (lca) or direct intensity", s.column,
          ChoiceKind{kTraceColumns});
  v.field("unit", Need::optional,
          "unit of the value column (plain: g/kWh, watttime: lb/MWh; capacity-factor profiles: none)", s.unit,
          TextKind{});
  v.field("wrap", Need::optional, "replay by whole calendar years when the run is outside the trace", s.wrap,
          BoolKind{});
  v.field("fill_missing", Need::optional, "hold the previous value over empty cells and missing steps",
          s.fill_missing, BoolKind{});
}

/// The generation-mix model of a catalog region as the intensity source.
struct MixSpec {
  std::string region;
  std::string catalog;
  std::optional<std::int64_t> seed;
};

template <class V>
void describe(V& v, MixSpec& s) {
  v.field("region", Need::required, "a region of the generation-mix catalog", s.region, TextKind{});
  v.field("catalog", Need::optional, "catalog file; default: scenarios/catalog/grid-mix.yaml", s.catalog, TextKind{});
  v.field("seed", Need::optional, "seed of the weather processes; default: the scenario seed", s.seed,
          IntegerKind{0, std::int64_t{1} << 53});
}

/// A published annual figure of a region catalog as a constant source (and CFE share).
struct RegionSpec {
  std::string name;
  std::string period;
  std::string catalog;
};

template <class V>
void describe(V& v, RegionSpec& s) {
  v.field("name", Need::required, "a region of the region catalog, e.g. us-central1", s.name, TextKind{});
  v.field("period", Need::required, "which published figure, e.g. 2020", s.period, TextKind{});
  v.field("catalog", Need::optional, "catalog file; default: scenarios/catalog/regions.yaml", s.catalog, TextKind{});
}

inline constexpr std::array<std::string_view, 6> kSupplyKinds{"wind", "solar", "hydro", "nuclear", "geothermal", "other"};

/// A contracted carbon-free generator whose output is matched hour by hour against the load.
struct ContractSpec {
  std::string name;
  std::string kind;
  double capacity_w = 0.0;
  std::optional<double> capacity_factor;
  std::optional<TraceSpec> profile;
  bool from_mix = false;
};

template <class V>
void describe(V& v, ContractSpec& s) {
  v.field("name", Need::required, "contract name", s.name, TextKind{});
  v.field("kind", Need::required, "generation technology", s.kind, ChoiceKind{kSupplyKinds});
  v.field("capacity", Need::required, "nameplate capacity", s.capacity_w,
          QuantityKind{Dimension::power, Range::positive(1e12)});
  v.field("capacity_factor", Need::optional, "constant output / capacity (give this or profile)", s.capacity_factor,
          NumberKind{Range::between(0.0, 1.0)});
  v.field("profile", Need::optional, "output / capacity over time, a two-column CSV (watttime layout, values 0..1)",
          s.profile, ObjectKind{});
  v.field("from_mix", Need::optional,
          "output / capacity follows the grid's generation-mix model (same weather) for this kind (wind or solar)",
          s.from_mix, BoolKind{});
}

/// Carbon-free energy matched hour by hour (24/7).
struct CfeSpec {
  std::optional<double> share;
  std::vector<ContractSpec> contracts;
};

template <class V>
void describe(V& v, CfeSpec& s) {
  v.field("share", Need::optional, "fixed share of each instant's facility load covered by carbon-free supply",
          s.share, NumberKind{Range::between(0.0, 1.0)});
  v.field("contracts", Need::optional, "contracted generators", s.contracts, ListKind{});
}

/// Certificates netted against the period's total energy (annual matching).
struct AnnualMatchingSpec {
  std::optional<double> certificates_j;
  std::optional<double> share;
};

template <class V>
void describe(V& v, AnnualMatchingSpec& s) {
  v.field("certificates", Need::optional, "energy attribute certificates retired for the run's period",
          s.certificates_j, QuantityKind{Dimension::energy, Range::between(0.0, 1e22)});
  v.field("share", Need::optional, "certificates as a share of the facility energy", s.share,
          NumberKind{Range::between(0.0, 1.0)});
}

inline constexpr std::array<std::string_view, 4> kNetBases{"given", "hourly", "annual", "gross"};

struct GridSpec {
  std::optional<double> gross_kg_per_j;
  std::optional<double> net_kg_per_j;
  std::vector<GridChangeSpec> changes;
  std::optional<TraceSpec> trace;
  std::optional<MixSpec> mix;
  std::optional<RegionSpec> region;
  std::optional<TraceSpec> marginal;
  std::optional<CfeSpec> cfe;
  std::optional<AnnualMatchingSpec> annual_matching;
  std::string net_basis;
  std::string source;
};

template <class V>
void describe(V& v, GridSpec& s) {
  v.field("gross", Need::optional, "constant location-based intensity (one of gross, trace, mix, region)",
          s.gross_kg_per_j, QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("net", Need::optional, "published net intensity of the site (the 'given' basis)", s.net_kg_per_j,
          QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("changes", Need::optional, "later values of gross and net, in time order", s.changes, ListKind{});
  v.field("trace", Need::optional, "hourly intensity from a CSV file", s.trace, ObjectKind{});
  v.field("mix", Need::optional, "hourly intensity from the generation-mix model", s.mix, ObjectKind{});
  v.field("region", Need::optional, "a published annual figure from the region catalog", s.region, ObjectKind{});
  v.field("marginal", Need::optional, "marginal emissions signal (the marginal basis)", s.marginal, ObjectKind{});
  v.field("cfe", Need::optional, "24/7 carbon-free supply (the hourly basis)", s.cfe, ObjectKind{});
  v.field("annual_matching", Need::optional, "certificates (the annual basis)", s.annual_matching, ObjectKind{});
  v.field("net_basis", Need::optional,
          "basis reported as net; default: given if net is set, else hourly if cfe, else annual if "
          "annual_matching, else gross",
          s.net_basis, ChoiceKind{kNetBases});
  v.field("source", Need::optional, "where the figures come from", s.source, TextKind{});
}

/// A model to train, from which the job's FLOPs follow (see models/workload/TrainingRun.hpp).
struct ModelSpec {
  std::optional<double> parameters;
  double activated_share = 1.0;
  std::optional<double> experts;
  std::optional<double> top_k;
  std::optional<double> expert_parameters;
  double shared_parameters = 0.0;
  double tokens = 0.0;
  std::optional<double> layers;
  std::optional<double> context;
  std::optional<double> d_model;
};

template <class V>
void describe(V& v, ModelSpec& s) {
  v.field("parameters", Need::optional, "total parameters (dense: all used per token)", s.parameters,
          NumberKind{Range::positive(1e16)});
  v.field("activated_share", Need::optional, "share of the parameters used per token", s.activated_share,
          NumberKind{Range::positive(1.0)});
  v.field("experts", Need::optional, "mixture of experts: number of experts", s.experts, NumberKind{Range::positive(1e7)});
  v.field("top_k", Need::optional, "mixture of experts: experts used per token", s.top_k, NumberKind{Range::positive(1e4)});
  v.field("expert_parameters", Need::optional, "mixture of experts: parameters per expert", s.expert_parameters,
          NumberKind{Range::positive(1e15)});
  v.field("shared_parameters", Need::optional, "mixture of experts: parameters outside the experts",
          s.shared_parameters, NumberKind{Range::between(0.0, 1e16)});
  v.field("tokens", Need::required, "training tokens", s.tokens, NumberKind{Range::positive(1e18)});
  v.field("layers", Need::optional, "layers (with context and d_model: adds the attention term)", s.layers,
          NumberKind{Range::positive(1e5)});
  v.field("context", Need::optional, "context length in tokens", s.context, NumberKind{Range::positive(1e8)});
  v.field("d_model", Need::optional, "attention width", s.d_model, NumberKind{Range::positive(1e7)});
}

/// A phase of a job other than steady training, at its own power per accelerator.
struct PhaseSpec {
  double duration_s = 0.0;
  std::optional<double> every_s;
  std::optional<double> utilisation;
  std::optional<double> power_per_chip_w;
};

template <class V>
void describe(V& v, PhaseSpec& s) {
  v.field("duration", Need::required, "how long the phase lasts each time", s.duration_s,
          QuantityKind{Dimension::time, Range::between(0.0, 365.25 * 86'400.0)});
  v.field("every", Need::optional, "evaluation: training work between evaluations", s.every_s,
          QuantityKind{Dimension::time, Range::positive(365.25 * 86'400.0)});
  v.field("utilisation", Need::optional, "accelerator utilisation in the phase (power-curve path)", s.utilisation,
          NumberKind{Range::between(0.0, 1.0)});
  v.field("power_per_chip", Need::optional, "wall power per accelerator in the phase; default: the training power",
          s.power_per_chip_w, QuantityKind{Dimension::power, Range::between(0.0, 100'000.0)});
}

/// Start-up, periodic checkpoints and evaluations around the steady training phase.
struct PhasesSpec {
  std::optional<PhaseSpec> startup;
  std::optional<PhaseSpec> checkpoint;
  std::optional<PhaseSpec> evaluation;
};

template <class V>
void describe(V& v, PhasesSpec& s) {
  v.field("startup", Need::optional, "once at the start (loading data and weights, compiling)", s.startup, ObjectKind{});
  v.field("checkpoint", Need::optional, "writing a checkpoint, every checkpoint_interval of training work",
          s.checkpoint, ObjectKind{});
  v.field("evaluation", Need::optional, "evaluation, every `every` of training work", s.evaluation, ObjectKind{});
}

struct JobSpec {
  std::string name;
  std::string accelerator;
  std::int64_t chips = 0;
  std::optional<double> system_power_per_chip_w;
  std::optional<double> duration_s;
  std::optional<double> total_flop;
  std::optional<double> flop_per_s_per_chip;
  std::optional<std::int64_t> start_ms;
  std::optional<double> utilisation;
  std::optional<ModelSpec> model;
  std::optional<double> mfu;
  std::optional<double> mtbf_s;
  std::optional<double> checkpoint_interval_s;
  double restart_s = 0.0;
  double slack_s = 0.0;
  std::int64_t trials = 1;
  std::optional<std::int64_t> concurrency;
  std::optional<PhasesSpec> phases;
  std::int64_t spares = 0;
  double repair_s = 0.0;
  std::string site;
};

template <class V>
void describe(V& v, JobSpec& s) {
  v.field("name", Need::required, "job name, unique in the scenario", s.name, TextKind{});
  v.field("accelerator", Need::required, "a key of `accelerators`", s.accelerator, TextKind{});
  v.field("chips", Need::required, "number of accelerators", s.chips, IntegerKind{1, 10'000'000});
  v.field("system_power_per_chip", Need::optional,
          "measured average wall power per accelerator for this run; default: the accelerator's system_power",
          s.system_power_per_chip_w, QuantityKind{Dimension::power, Range::positive(100'000.0)});
  v.field("duration", Need::optional, "wall-clock training time (give this or total_flops)", s.duration_s,
          QuantityKind{Dimension::time, Range::positive(100.0 * 365.0 * 86'400.0)});
  v.field("total_flops", Need::optional, "FLOPs to execute; duration = total_flops / (chips x flops_per_chip)",
          s.total_flop, QuantityKind{Dimension::flop, Range::positive(1e35)});
  v.field("flops_per_chip", Need::optional, "achieved (measured) FLOP/s per chip", s.flop_per_s_per_chip,
          QuantityKind{Dimension::flop_rate, Range::positive(1e18)});
  v.field("start", Need::optional, "when the job starts (UTC); default: the scenario start", s.start_ms,
          InstantKind{});
  v.field("utilisation", Need::optional,
          "accelerator utilisation for the power curve; default: MFU = flops_per_chip / the accelerator's peak",
          s.utilisation, NumberKind{Range::between(0.0, 1.0)});
  v.field("model", Need::optional, "the model trained: its FLOPs give the work (instead of total_flops)", s.model,
          ObjectKind{});
  v.field("mfu", Need::optional, "model FLOP/s utilisation: achieved = peak x mfu (instead of flops_per_chip)",
          s.mfu, NumberKind{Range::positive(1.0)});
  v.field("mtbf", Need::optional, "mean time between failures of one accelerator (with its server share)",
          s.mtbf_s, QuantityKind{Dimension::time, Range::positive(1e6 * 365.25 * 86'400.0)});
  v.field("checkpoint_interval", Need::optional, "work between checkpoints; a failure loses the work since the last",
          s.checkpoint_interval_s, QuantityKind{Dimension::time, Range::positive(365.25 * 86'400.0)});
  v.field("restart", Need::optional, "time to restart after a failure (the job's power is drawn meanwhile)",
          s.restart_s, QuantityKind{Dimension::time, Range::between(0.0, 365.25 * 86'400.0)});
  v.field("slack", Need::optional, "how long after its start the job may begin (carbon_aware scheduler)", s.slack_s,
          QuantityKind{Dimension::time, Range::between(0.0, 365.25 * 86'400.0)});
  v.field("trials", Need::optional, "a campaign (architecture search, sweep): this many trials of this job",
          s.trials, IntegerKind{1, 1'000'000});
  v.field("concurrency", Need::optional, "campaign: trials running at once; default: all", s.concurrency,
          IntegerKind{1, 1'000'000});
  v.field("phases", Need::optional, "start-up, checkpoint and evaluation phases, each at its own power", s.phases,
          ObjectKind{});
  v.field("spares", Need::optional, "spare accelerators held (idle) so a failure costs only the restart", s.spares,
          IntegerKind{0, 10'000'000});
  v.field("repair", Need::optional, "without spares: time to replace failed hardware, added to each restart",
          s.repair_s, QuantityKind{Dimension::time, Range::between(0.0, 365.25 * 86'400.0)});
  v.field("site", Need::optional, "multi-site scenario: the site it runs at; default: chosen by the scheduler",
          s.site, TextKind{});
}

/// The machines jobs are scheduled onto: a fixed number of accelerators, drawing idle power
/// when no job holds them. Absent: every job starts on arrival and idle machines are not counted.
struct ClusterSpec {
  std::string accelerator;
  std::optional<std::int64_t> hosts;
  std::optional<std::int64_t> accelerators;
  std::int64_t accelerators_per_host = 8;
};

template <class V>
void describe(V& v, ClusterSpec& s) {
  v.field("accelerator", Need::required, "a key of `accelerators`: its idle power is drawn by unallocated chips",
          s.accelerator, TextKind{});
  v.field("hosts", Need::optional, "servers (give this or accelerators)", s.hosts, IntegerKind{1, 100'000'000});
  v.field("accelerators", Need::optional, "accelerators in all", s.accelerators, IntegerKind{1, 1'000'000'000});
  v.field("accelerators_per_host", Need::optional, "accelerators per server", s.accelerators_per_host,
          IntegerKind{1, 1024});
}

/// Column names of a job trace (empty: the layout's).
struct TraceColumnsSpec {
  std::string arrival, hosts, accelerators, duration, start, end, utilisation, user, name;
};

template <class V>
void describe(V& v, TraceColumnsSpec& s) {
  v.field("arrival", Need::optional, "submission time", s.arrival, TextKind{});
  v.field("hosts", Need::optional, "servers requested", s.hosts, TextKind{});
  v.field("accelerators", Need::optional, "accelerators requested", s.accelerators, TextKind{});
  v.field("duration", Need::optional, "run time", s.duration, TextKind{});
  v.field("start", Need::optional, "start time (with end: duration = end - start)", s.start, TextKind{});
  v.field("end", Need::optional, "end time", s.end, TextKind{});
  v.field("utilisation", Need::optional, "accelerator utilisation 0..1", s.utilisation, TextKind{});
  v.field("user", Need::optional, "user", s.user, TextKind{});
  v.field("name", Need::optional, "job name", s.name, TextKind{});
}

inline constexpr std::array<std::string_view, 4> kJobTraceLayouts{"dcsim", "philly", "helios", "pai"};

/// A cluster job trace replayed through the scheduler (see sim/input/JobTraceReader.hpp).
struct JobTraceSpec {
  std::string file;
  std::string layout = "dcsim";
  std::optional<TraceColumnsSpec> columns;
  double time_unit_s = 1.0;
  std::optional<std::int64_t> epoch_ms;
  std::string accelerator;
  double utilisation = 1.0;
  double slack_s = 0.0;
  std::string site;
};

template <class V>
void describe(V& v, JobTraceSpec& s) {
  v.field("file", Need::required, "CSV job trace, relative to the YAML file that names it", s.file, TextKind{});
  v.field("layout", Need::optional, "the file's layout", s.layout, ChoiceKind{kJobTraceLayouts});
  v.field("columns", Need::optional, "column names that differ from the layout's", s.columns, ObjectKind{});
  v.field("time_unit", Need::optional, "unit of numeric times and durations in the file", s.time_unit_s,
          QuantityKind{Dimension::time, Range::positive(365.25 * 86'400.0)});
  v.field("epoch", Need::optional, "date-time columns: the instant that is time 0; default: the scenario start",
          s.epoch_ms, InstantKind{});
  v.field("accelerator", Need::optional, "a key of `accelerators`; default: the cluster's", s.accelerator, TextKind{});
  v.field("utilisation", Need::optional, "utilisation of jobs when the trace has none", s.utilisation,
          NumberKind{Range::between(0.0, 1.0)});
  v.field("slack", Need::optional, "how long each job may wait for a cleaner window (carbon_aware)", s.slack_s,
          QuantityKind{Dimension::time, Range::between(0.0, 365.25 * 86'400.0)});
  v.field("site", Need::optional, "multi-site scenario: the site its jobs run at; default: chosen by the scheduler",
          s.site, TextKind{});
}

/// The daily and weekly shape of a query rate (see models/workload/Inference.hpp): a cosine day
/// with a peak-to-trough ratio and a weekend factor, or 24 hourly and 7 daily factors.
struct QueryShapeSpec {
  std::optional<double> peak_to_trough;
  double peak_hour = 14.0;
  double weekend = 1.0;
  std::vector<double> hourly;
  std::vector<double> daily;
  double utc_offset_s = 0.0;
};

template <class V>
void describe(V& v, QueryShapeSpec& s) {
  v.field("peak_to_trough", Need::optional, "busiest hour / quietest hour of a cosine day", s.peak_to_trough,
          NumberKind{Range::between(1.0, 1e4)});
  v.field("peak_hour", Need::optional, "local hour of the daily peak (cosine day)", s.peak_hour,
          NumberKind{Range::between(0.0, 23.999)});
  v.field("weekend", Need::optional, "Saturday and Sunday rate relative to weekdays (cosine day)", s.weekend,
          NumberKind{Range::between(0.0, 100.0)});
  v.field("hourly", Need::optional, "24 relative factors, local hours 0-23 (instead of the cosine day)", s.hourly,
          NumberListKind{24});
  v.field("daily", Need::optional, "7 relative factors, Monday first", s.daily, NumberListKind{7});
  v.field("utc_offset", Need::optional, "local time = UTC + this (e.g. -8 h)", s.utc_offset_s,
          QuantityKind{Dimension::time, Range::between(-12.0 * 3600.0, 14.0 * 3600.0)});
}

/// An inference service: a model served to a query stream for a while, and its lifecycle
/// footprint together with the job that trained it.
struct ServiceSpec {
  std::string name;
  double queries_per_s = 0.0;
  std::optional<QueryShapeSpec> shape;
  std::optional<double> energy_per_query_j;
  std::string accelerator;
  std::optional<std::int64_t> replicas;
  std::int64_t chips_per_replica = 1;
  std::optional<double> queries_per_s_per_chip;
  std::optional<std::int64_t> start_ms;
  std::optional<double> duration_s;
  std::string training_job;
  std::string site;
};

template <class V>
void describe(V& v, ServiceSpec& s) {
  v.field("name", Need::required, "service name, unique in the scenario", s.name, TextKind{});
  v.field("queries_per_s", Need::required, "mean query rate over a week", s.queries_per_s,
          NumberKind{Range::between(0.0, 1e12)});
  v.field("shape", Need::optional, "daily and weekly shape of the rate; default: flat", s.shape, ObjectKind{});
  v.field("energy_per_query", Need::optional, "IT energy per query (give this, or a replica fleet)",
          s.energy_per_query_j, QuantityKind{Dimension::energy, Range::positive(1e12)});
  v.field("accelerator", Need::optional, "replica fleet: a key of `accelerators` (idle and max power per chip)",
          s.accelerator, TextKind{});
  v.field("replicas", Need::optional, "replica fleet: model replicas serving", s.replicas, IntegerKind{1, 100'000'000});
  v.field("chips_per_replica", Need::optional, "replica fleet: accelerators per replica", s.chips_per_replica,
          IntegerKind{1, 1'000'000});
  v.field("queries_per_s_per_chip", Need::optional, "replica fleet: queries per second one accelerator serves at full load",
          s.queries_per_s_per_chip, NumberKind{Range::positive(1e9)});
  v.field("start", Need::optional, "when serving begins (UTC); default: the scenario start", s.start_ms, InstantKind{});
  v.field("duration", Need::optional, "how long it serves; default: to the horizon", s.duration_s,
          QuantityKind{Dimension::time, Range::positive(100.0 * 365.25 * 86'400.0)});
  v.field("training_job", Need::optional, "the job (in `jobs`) that trained the model: the lifecycle's training part",
          s.training_job, TextKind{});
  v.field("site", Need::optional, "multi-site scenario: where it is served; default: the first site", s.site, TextKind{});
}

/// A measured run replayed as a load: its measured IT power (sim/input/MeasuredPower.hpp) drives
/// the facility and grid of the scenario, from `start` on.
struct ReplaySpec {
  std::string name;
  std::string file;
  std::string format;
  std::string run_id;
  std::optional<std::int64_t> start_ms;
  std::string site;
};

inline constexpr std::array<std::string_view, 2> kReplayFormats{"codecarbon", "power_log"};

template <class V>
void describe(V& v, ReplaySpec& s) {
  v.field("name", Need::required, "replay name, unique among services and replays", s.name, TextKind{});
  v.field("file", Need::required, "CSV file of measured power, relative to the YAML file that names it", s.file, TextKind{});
  v.field("format", Need::required, "codecarbon (emissions.csv) or power_log (time, power_w)", s.format,
          ChoiceKind{kReplayFormats});
  v.field("run_id", Need::optional, "codecarbon: replay only this run; default: every run in the file, back to back",
          s.run_id, TextKind{});
  v.field("start", Need::optional, "when the measured run begins here (UTC); default: the scenario start", s.start_ms,
          InstantKind{});
  v.field("site", Need::optional, "multi-site scenario: where it runs; default: the first site", s.site, TextKind{});
}

/// One datacentre of a multi-site scenario: its own facility, climate, grid and machines.
struct SiteSpec {
  std::string name;
  FacilitySpec facility;
  GridSpec grid;
  std::optional<ClusterSpec> cluster;
  double latency_s = 0.0;
  double price_per_mwh = 0.0;
  std::optional<TraceSpec> price_trace;
};

template <class V>
void describe(V& v, SiteSpec& s) {
  v.field("name", Need::required, "site name, unique in the scenario", s.name, TextKind{});
  v.field("facility", Need::required, "its datacentre", s.facility, ObjectKind{});
  v.field("grid", Need::required, "its electricity", s.grid, ObjectKind{});
  v.field("cluster", Need::optional, "its machines (capacity and idle draw)", s.cluster, ObjectKind{});
  v.field("latency", Need::optional, "network latency to the users (spatial placement)", s.latency_s,
          QuantityKind{Dimension::time, Range::between(0.0, 3600.0)});
  v.field("price", Need::optional, "electricity price per MWh, in any one currency (spatial placement, cost)",
          s.price_per_mwh, NumberKind{Range::between(-1e5, 1e5)});
  v.field("price_trace", Need::optional, "hourly price per MWh from a CSV file (watttime layout: time, value)",
          s.price_trace, ObjectKind{});
}

struct OutputSpec {
  double interval_s = 3600.0;
  bool rack_power = false;
};

template <class V>
void describe(V& v, OutputSpec& s) {
  v.field("interval", Need::optional, "time-series sample interval", s.interval_s,
          QuantityKind{Dimension::time, Range::between(1.0, 366.0 * 86'400.0)});
  v.field("rack_power", Need::optional, "also write /timeseries/rack_power_w (interval x rack) for a preset facility",
          s.rack_power, BoolKind{});
}

/// Published figures a scenario reproduces; `dcsim reproduce` compares against them.
struct ExpectedSpec {
  std::string table;
  std::int64_t position = 0;
  std::string label;
  double energy_j = 0.0;
  double co2e_gross_kg = 0.0;
  double co2e_net_kg = 0.0;
  double tolerance = 0.015;
  std::string source;
};

template <class V>
void describe(V& v, ExpectedSpec& s) {
  v.field("table", Need::required, "the publication's table, e.g. 'Table 4'", s.table, TextKind{});
  v.field("position", Need::required, "row or column number in that table", s.position, IntegerKind{1, 1000});
  v.field("label", Need::required, "row or column heading", s.label, TextKind{});
  v.field("energy", Need::required, "published facility energy", s.energy_j,
          QuantityKind{Dimension::energy, Range::positive()});
  v.field("co2e_gross", Need::required, "published gross emissions", s.co2e_gross_kg,
          QuantityKind{Dimension::mass, Range::positive()});
  v.field("co2e_net", Need::required, "published net emissions", s.co2e_net_kg,
          QuantityKind{Dimension::mass, Range::positive()});
  v.field("tolerance", Need::optional, "allowed relative error", s.tolerance,
          NumberKind{Range::positive(1.0)});
  v.field("source", Need::optional, "citation of the published figures", s.source, TextKind{});
}

inline constexpr std::array<std::string_view, 3> kSchedulers{"fifo", "backfill", "carbon_aware"};
inline constexpr std::array<std::string_view, 2> kCarbonModes{"shift", "suspend"};
inline constexpr std::array<std::string_view, 2> kPlacements{"fixed", "spatial"};

/// Weights of spatial placement's objective; each criterion is divided by its mean over the
/// candidate sites, so the weights compare like with like.
struct WeightsSpec {
  double co2e = 1.0;
  double price = 0.0;
  double latency = 0.0;
};

template <class V>
void describe(V& v, WeightsSpec& s) {
  v.field("co2e", Need::optional, "weight of the job's forecast CO2e at the site", s.co2e, NumberKind{Range::between(0.0, 1e6)});
  v.field("price", Need::optional, "weight of its electricity cost", s.price, NumberKind{Range::between(0.0, 1e6)});
  v.field("latency", Need::optional, "weight of the site's latency", s.latency, NumberKind{Range::between(0.0, 1e6)});
}

/// When and where jobs start: queues per site (FIFO head of line, or EASY backfilling), carbon-
/// aware shifting or suspension within each job's slack, and placement across sites.
struct SchedulerSpec {
  std::string policy = "fifo";
  std::string mode = "shift";
  double forecast_error = 0.0;
  std::string placement = "fixed";
  WeightsSpec weights;
  bool baseline = true;
};

template <class V>
void describe(V& v, SchedulerSpec& s) {
  v.field("policy", Need::optional,
          "fifo (head of line), backfill (EASY: later jobs may start if they do not delay the head) or carbon_aware "
          "(FIFO after shifting or suspending within slack)",
          s.policy, ChoiceKind{kSchedulers});
  v.field("mode", Need::optional, "carbon_aware: shift the start, or suspend and resume around dirty hours", s.mode,
          ChoiceKind{kCarbonModes});
  v.field("forecast_error", Need::optional,
          "carbon_aware: relative error (standard deviation) of the hourly intensity forecast; 0 = perfect",
          s.forecast_error, NumberKind{Range::between(0.0, 1.0)});
  v.field("placement", Need::optional, "multi-site: fixed (a job's site, else the first) or spatial (weighted objective)",
          s.placement, ChoiceKind{kPlacements});
  v.field("weights", Need::optional, "spatial placement: objective weights", s.weights, ObjectKind{});
  v.field("baseline", Need::optional, "also run FIFO at fixed placement and report the delay added and CO2e saved",
          s.baseline, BoolKind{});
}

struct ScenarioSpec {
  std::string name;
  std::string description;
  std::int64_t start_ms = kDefaultStartMs;
  std::int64_t seed = 1;
  std::map<std::string, AcceleratorSpec> accelerators;
  FacilitySpec facility;
  GridSpec grid;
  std::optional<ClusterSpec> cluster;
  std::vector<SiteSpec> sites;
  std::vector<JobSpec> jobs;
  std::optional<JobTraceSpec> job_trace;
  std::vector<ServiceSpec> services;
  std::vector<ReplaySpec> replays;
  std::optional<double> horizon_s;
  OutputSpec output;
  SchedulerSpec scheduler;
  std::optional<ExpectedSpec> expected;
};

template <class V>
void describe(V& v, ScenarioSpec& s) {
  v.field("name", Need::required, "scenario name", s.name, TextKind{});
  v.field("description", Need::optional, "what the scenario is", s.description, TextKind{});
  v.field("start", Need::optional, "simulated start (UTC)", s.start_ms,
          InstantKind{});
  v.field("seed", Need::optional, "random seed", s.seed, IntegerKind{0, std::int64_t{1} << 53});
  v.field("accelerators", Need::required, "accelerator types by name", s.accelerators, MapKind{});
  v.field("facility", Need::optional, "the datacentre (or give sites)", s.facility, ObjectKind{});
  v.field("grid", Need::optional, "carbon intensity of the electricity (or give sites)", s.grid, ObjectKind{});
  v.field("cluster", Need::optional, "the machines jobs are scheduled onto; default: unlimited, idle not counted",
          s.cluster, ObjectKind{});
  v.field("sites", Need::optional, "several datacentres sharing one job stream (instead of facility and grid)",
          s.sites, ListKind{1});
  v.field("jobs", Need::optional, "training runs (give jobs, job_trace or both)", s.jobs, ListKind{});
  v.field("job_trace", Need::optional, "jobs replayed from a cluster trace", s.job_trace, ObjectKind{});
  v.field("services", Need::optional, "inference services: query streams served, with their lifecycle footprint",
          s.services, ListKind{});
  v.field("replays", Need::optional, "measured runs (CodeCarbon or power logs) replayed as IT load", s.replays, ListKind{});
  v.field("horizon", Need::optional, "simulate this long; jobs still running are cut; default: until all jobs end",
          s.horizon_s, QuantityKind{Dimension::time, Range::positive(100.0 * 365.25 * 86'400.0)});
  v.field("output", Need::optional, "what the run records", s.output, ObjectKind{});
  v.field("scheduler", Need::optional, "when jobs start", s.scheduler, ObjectKind{});
  v.field("expected", Need::optional, "published figures to compare against", s.expected, ObjectKind{});
}

}  // namespace dcsim::scenario
