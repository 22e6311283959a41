#pragma once
// Building a preset facility: the preset's cooling plant and hall, the weather of its site.

#include "sim/scenario/Scenario.hpp"
#include "sim/scenario/SourceMap.hpp"
#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {

/// Absolute paths for the facility's catalogs and weather file (defaults filled in).
void resolve_facility_paths(ScenarioSpec& spec, const SourceMap& sources);

/// Reads the preset and the weather. Throws dcsim::InputError.
PhysicalFacilitySetup build_facility(const ScenarioSpec& spec);

}  // namespace dcsim::scenario
