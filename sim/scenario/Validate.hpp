#pragma once
// Rules that span several fields of a scenario; single-field rules are in the declarations.

#include <vector>

#include "sim/scenario/SourceMap.hpp"
#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {

/// Appends a problem for each rule broken. Checks only fields that were read successfully, so a
/// bad value is reported once, by the reader, and not again as a consequence.
void validate(const ScenarioSpec& spec, const SourceMap& sources, std::vector<Problem>& problems);

}  // namespace dcsim::scenario
