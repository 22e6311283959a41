#include "sim/cli/CatalogCommand.hpp"

#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>

#include "models/cooling/CoolingPlant.hpp"
#include "models/hardware/PowerCurve.hpp"
#include "sim/input/JobTraceReader.hpp"
#include "sim/input/TraceReader.hpp"
#include "sim/scenario/Catalog.hpp"
#include "sim/scenario/ClimateSpec.hpp"
#include "sim/scenario/FacilitySpec.hpp"
#include "sim/scenario/GridMixSpec.hpp"
#include "sim/scenario/HardwareSpec.hpp"
#include "sim/scenario/RegionSpec.hpp"
#include "sim/scenario/Spec.hpp"

namespace dcsim::cli {
namespace {

namespace fs = std::filesystem;

void heading(std::ostream& out, const std::string& what, const fs::path& file) {
  fmt::print(out, "{} ({})\n", what, file.string());
}

// One entry per line: name, what it is, then its source on the next line.
void entry(std::ostream& out, const std::string& name, const std::string& what, const std::string& source) {
  fmt::print(out, "  {:<22} {}\n", name, what);
  if (!source.empty()) fmt::print(out, "  {:<22} source: {}\n", "", source);
}

void hardware(const fs::path& dir, std::ostream& out) {
  const fs::path file = dir / "hardware.yaml";
  heading(out, "Accelerators", file);
  out << scenario::format_hardware_catalog(scenario::load_catalog<scenario::AcceleratorCatalogSpec>(file, "accelerators"));
}

void facilities(const fs::path& dir, std::ostream& out) {
  const fs::path file = dir / "facilities.yaml";
  heading(out, "Facility presets (facility.preset)", file);
  for (const auto& [name, f] : scenario::load_catalog<scenario::FacilityPresetSpec>(file, "facilities"))
    entry(out, name, f.description.empty() ? f.cooling : f.description, f.source);
}

void sites(const fs::path& dir, std::ostream& out) {
  const fs::path file = dir / "sites.yaml";
  heading(out, "Climate sites (facility.site)", file);
  for (const auto& [name, s] : scenario::load_catalog<scenario::SiteClimateSpec>(file, "sites")) entry(out, name, s.name, s.source);
}

void regions(const fs::path& dir, std::ostream& out) {
  const fs::path published = dir / "regions.yaml";
  heading(out, "Published grid figures (grid.region.name), by period", published);
  for (const auto& [name, r] : scenario::load_catalog<scenario::RegionEntrySpec>(published, "regions")) {
    std::vector<std::string> periods;
    for (const auto& [period, figures] : r.periods) periods.push_back(period);
    fmt::print(out, "  {:<22} {} ({})\n", name, r.place, fmt::join(periods, ", "));
    std::string last;
    for (const auto& [period, figures] : r.periods) {
      if (figures.source != last) fmt::print(out, "  {:<22} source {}: {}\n", "", period, figures.source);
      last = figures.source;
    }
  }
  const fs::path mix = dir / "grid-mix.yaml";
  out << '\n';
  heading(out, "Generation-mix regions (grid.mix.region)", mix);
  for (const auto& [name, r] : scenario::load_catalog<scenario::MixRegionSpec>(mix, "regions")) entry(out, name, r.name, r.source);
}

template <class Names>
std::string joined(const Names& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

void registries(std::ostream& out) {
  out << "Model registries (named variants a scenario may choose)\n";
  entry(out, "power curves", joined(models::power_curve_names()), "models/hardware/PowerCurve.hpp (accelerators.*.curve)");
  entry(out, "cooling plants", joined(models::cooling_model_names()), "models/cooling/CoolingPlant.hpp (facility presets' cooling)");
  entry(out, "grid trace formats", joined(input::trace_format_names()), "sim/input/TraceReader.hpp (grid.trace.format)");
  entry(out, "job trace layouts", joined(input::job_trace_layout_names()), "sim/input/JobTraceReader.hpp (job_trace.layout)");
  entry(out, "accounting bases", joined(scenario::kNetBases), "sim/scenario/Spec.hpp (grid.net_basis)");
}

}  // namespace

void print_catalog(const std::string& topic, const fs::path& dir, std::ostream& out) {
  const bool all = topic.empty();
  bool first = true;
  const auto section = [&](std::string_view name, auto&& print) {
    if (!all && topic != name) return;
    if (!first) out << '\n';
    first = false;
    print();
  };
  section("hardware", [&] { hardware(dir, out); });
  section("facilities", [&] { facilities(dir, out); });
  section("sites", [&] { sites(dir, out); });
  section("regions", [&] { regions(dir, out); });
  section("models", [&] { registries(out); });
}

}  // namespace dcsim::cli
