#pragma once
// Building a preset facility: the preset's cooling plant and hall, the weather of its site.

#include "sim/scenario/Scenario.hpp"
#include "sim/scenario/SourceMap.hpp"
#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {

/// Absolute paths for the facility's catalogs and weather file (defaults filled in).
void resolve_facility_paths(FacilitySpec& facility, const std::string& prefix, const SourceMap& sources);

/// Reads the preset and the weather. Throws dcsim::InputError.
/// `prefix` is the facility's key path ("facility" or "sites[i].facility"); a site with a
/// cluster is sized for it (cluster_chips at cluster_max_w_per_chip), else for all jobs at once.
PhysicalFacilitySetup build_facility(const FacilitySpec& facility, const std::string& prefix, const ScenarioSpec& spec,
                                     std::int64_t cluster_chips, double cluster_max_w_per_chip);

}  // namespace dcsim::scenario
