#pragma once
// Uncertain inputs: a mapping with a `dist` key may stand wherever a scenario gives a number or a
// quantity (a `choice` anywhere a value goes):
//
//   facility.pue:                {dist: uniform, low: 1.1, high: 1.3, min: 1}
//   grid.gross:                  {dist: normal, mean: 429 g/kWh, sd: 40 g/kWh, min: 0 g/kWh}
//   jobs[0].system_power_per_chip: {dist: triangular, low: 300 W, mode: 330 W, high: 380 W}
//   jobs[0].mfu:                 {dist: lognormal, median: 0.4, sigma: 0.15, max: 1}
//   grid.trace.file:             {dist: choice, values: [caiso-2022.csv, caiso-2023.csv], weights: [1, 2]}
//
// Parameters are quantities in one unit (or bare numbers where a plain number is expected); the
// value drawn is written back in that unit, so the Spec reader checks it like any other (its
// dimension, its range). `min`/`max` truncate (models::Distribution). A whole-number key gets the
// draw rounded to the nearest whole number. A choice picks one of `values` (any YAML: numbers,
// file names, mappings), with probability proportional to `weights` (default: equal).
//
// Each YAML layer (a file of an `extends` chain, a --set) is resolved before the Spec reader
// reads it: every distribution becomes one value, by a DrawRule. The nominal value (no sample)
// is the distribution's median, and a choice's first value. Sample `index` of the stream `seed`
// takes u = SplitMix64-finalised hash of (seed, index, key path) for each key, so a draw does not
// depend on thread count, on the other distributions, or on their order.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/InputError.hpp"

namespace YAML {
class Node;
}

namespace dcsim::scenario {

/// One distribution of a scenario and the value it took in this load.
struct DrawnInput {
  std::string path;          ///< key path, e.g. jobs[0].system_power_per_chip
  Location where;            ///< where the distribution is written
  std::string description;   ///< e.g. "uniform(1.1, 1.3)"
  std::size_t choices = 0;   ///< a choice: how many values; 0: a continuous distribution
  std::string text;          ///< the value put in its place, as YAML text ("1.2", "330 W", "a.csv")
  double number = 0.0;       ///< its number in the distribution's unit; NaN when it is not a number
  std::string role;          ///< which value this is: "the nominal value", "sample 17", "the low end"
};

/// How each distribution becomes a value.
struct DrawRule {
  struct Sample {
    std::uint64_t seed = 0;
    std::uint64_t index = 0;
  };
  std::optional<Sample> sample;  ///< absent: every distribution at its nominal value
  /// When set, this key only is at `pinned_at` instead: a quantile in [0, 1] of a continuous
  /// distribution (an unbounded end is taken at 1e-6 or 1 - 1e-6), a value index of a choice.
  std::string pinned;
  double pinned_at = 0.0;
};

/// The uniform in (0, 1) that sample `index` of stream `seed` uses for `path`.
double draw_uniform(std::uint64_t seed, std::uint64_t index, const std::string& path);

/// Replaces every distribution in `root` (a layer read from `file`) by the value `rule` gives,
/// appending each to `drawn` and each bad distribution to `problems`.
void resolve_distributions(YAML::Node root, const std::string& file, const DrawRule& rule,
                           std::vector<DrawnInput>& drawn, std::vector<Problem>& problems);

/// Forgets the entries of `drawn` that the layer `root` overrides (a value at the same key, or a
/// list above it, which replaces the list): read base-most first, what is left is what the
/// scenario uses.
void forget_overridden(const YAML::Node& root, std::vector<DrawnInput>& drawn);

/// Whether `root` holds a distribution anywhere.
bool holds_distributions(const YAML::Node& root);

/// `path` is `top` or a key below it (`top.x`, `top[2]`).
bool at_or_below(const std::string& path, const std::string& top);

/// A problem's message with which value of which distribution it was about.
std::string annotated(const std::string& message, const DrawnInput& d);

}  // namespace dcsim::scenario
