#pragma once
// Plain structs a scenario file is parsed into, each field declared once in its describe().
//
// Values are SI (W, J, s, kg, kg/J, FLOP, FLOP/s); instants are ms since the Unix epoch (UTC).
// Nothing here is validated beyond what the declarations say: cross-field rules live in
// Validate.cpp, model building in Build.cpp. The format reference in scenarios/README.md is
// printed from these declarations by `dcsim validate --schema`.

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
  std::string source;
};

template <class V>
void describe(V& v, AcceleratorSpec& s) {
  v.field("tdp", Need::required, "chip thermal design power", s.tdp_w,
          QuantityKind{Dimension::power, Range::positive(10'000.0)});
  v.field("peak", Need::optional, "datasheet peak FLOP/s per chip", s.peak_flop_per_s,
          QuantityKind{Dimension::flop_rate, Range::positive(1e18)});
  v.field("system_power", Need::optional,
          "measured average wall power per accelerator incl. host share; default for jobs that state none",
          s.system_power_w, QuantityKind{Dimension::power, Range::positive(100'000.0)});
  v.field("source", Need::optional, "where the figures come from", s.source, TextKind{});
}

struct FacilitySpec {
  double pue = 0.0;
  std::string source;
};

template <class V>
void describe(V& v, FacilitySpec& s) {
  v.field("pue", Need::required, "power usage effectiveness: facility energy / IT energy", s.pue,
          NumberKind{Range::between(1.0, 5.0)});
  v.field("source", Need::optional, "where the figure comes from", s.source, TextKind{});
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

struct GridSpec {
  double gross_kg_per_j = 0.0;
  std::optional<double> net_kg_per_j;
  std::vector<GridChangeSpec> changes;
  std::string source;
};

template <class V>
void describe(V& v, GridSpec& s) {
  v.field("gross", Need::required, "location-based grid intensity from the start", s.gross_kg_per_j,
          QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("net", Need::optional, "intensity net of procured carbon-free energy; default: gross",
          s.net_kg_per_j, QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("changes", Need::optional, "later values, in time order", s.changes, ListKind{});
  v.field("source", Need::optional, "where the figures come from", s.source, TextKind{});
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
}

struct OutputSpec {
  double interval_s = 3600.0;
};

template <class V>
void describe(V& v, OutputSpec& s) {
  v.field("interval", Need::optional, "time-series sample interval", s.interval_s,
          QuantityKind{Dimension::time, Range::between(1.0, 366.0 * 86'400.0)});
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

struct ScenarioSpec {
  std::string name;
  std::string description;
  std::int64_t start_ms = kDefaultStartMs;
  std::int64_t seed = 1;
  std::map<std::string, AcceleratorSpec> accelerators;
  FacilitySpec facility;
  GridSpec grid;
  std::vector<JobSpec> jobs;
  OutputSpec output;
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
  v.field("facility", Need::required, "the datacentre", s.facility, ObjectKind{});
  v.field("grid", Need::required, "carbon intensity of the electricity", s.grid, ObjectKind{});
  v.field("jobs", Need::required, "training runs", s.jobs, ListKind{1});
  v.field("output", Need::optional, "what the run records", s.output, ObjectKind{});
  v.field("expected", Need::optional, "published figures to compare against", s.expected, ObjectKind{});
}

}  // namespace dcsim::scenario
