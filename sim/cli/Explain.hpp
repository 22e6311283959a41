#pragma once
// `dcsim explain SCENARIO`: the resolved scenario (every `extends` layer, `--set` override and
// default applied, as `dcsim validate --resolved` prints it), each key followed by where its
// value came from: `FILE:LINE` of the layer that set it (the file itself, a base of its extends
// chain, or `--set`), or `default`. A key naming an entry of a catalog (a facility preset, a
// climate site, a grid region) also names the catalog file the entry's figures are read from.

#include <filesystem>
#include <string>
#include <vector>

namespace dcsim::cli {

/// The annotated resolved scenario. Throws dcsim::InputError for a bad scenario.
std::string explain_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides);

}  // namespace dcsim::cli
