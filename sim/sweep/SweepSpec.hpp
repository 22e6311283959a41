#pragma once
// A parameter sweep: a base scenario and the ways its keys vary.
//
//   base: ../paper/gpt3.yaml          # relative to the sweep file; or a list: one more axis
//   set: {grid.gross: ~}              # settings of every variant (~ removes a key of the base)
//   seed: 7                           # the sweep's seed (variant seeds derive from it)
//   axes:                             # a Cartesian product, in the order written
//     facility.pue: [1.1, 1.4, 1.6]
//     grid.gross: {range: [100, 500, 100], unit: g/kWh}     # start, stop (inclusive), step
//     jobs_scale: {linspace: [0, 1, 5]}                     # from, to, count
//     grid.net: {logspace: [10, 1000, 3], unit: g/kWh}      # geometric, from, to, count
//     start: {instants: {from: 2023-01-01T00:00:00Z, step: 1 h, count: 24}}
//   zip:                              # keys that vary together: one axis of tuples
//     - {grid.region.name: [us-central1, europe-north1], facility.pue: [1.11, 1.09]}
//   sample: {method: lhs, n: 200, seed: 3}   # instead of the product: random or Latin hypercube;
//     # axes may then be distributions {uniform: [a, b]}, {loguniform: [a, b]} or lists (choices)
//   exclude:                          # drop combinations: every key listed matches
//     - {facility.pue: 1.6, grid.gross: 100 g/kWh}
//
// Each variant is a list of KEY.PATH=VALUE overrides of the base (the command line's --set).
// Its id is a hash of those settings (key order does not matter), so it is stable across runs,
// shards and machines; its seed derives from the sweep seed and the id.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dcsim::sweep {

/// One setting: a key path of the scenario and its value as YAML text.
using Setting = std::pair<std::string, std::string>;

struct Variant {
  std::size_t index = 0;           ///< position in the sweep
  std::string base;                ///< absolute path of its base scenario
  std::string id;                  ///< 16 hex digits
  std::int64_t seed = 0;
  std::vector<Setting> settings;   ///< the axes' values, in axis order
};

struct SweepSpec {
  std::string file;                ///< the sweep file
  std::string base;                ///< absolute path of the (first) base scenario
  std::vector<Setting> fixed;      ///< `set`: applied to every variant, before its own settings
  std::int64_t seed = 1;
  std::vector<std::string> keys;   ///< every key the axes set, in order (the /sweep/params columns)
  std::vector<Variant> variants;
  std::size_t excluded = 0;        ///< combinations dropped by `exclude`
  std::string hash;                ///< of the variants' settings and the base file's resolved text
};

/// Reads and expands a sweep file. Throws dcsim::InputError naming file, line and key.
SweepSpec load_sweep(const std::string& file);

/// The stable id of a set of settings (FNV-1a 64 over the sorted "key=value" lines), hex.
std::string variant_id(const std::vector<Setting>& settings);

/// The overrides that make a variant: the sweep's `set`, its settings (but `base`), and its seed
/// unless an axis sets `seed`.
std::vector<std::string> overrides_of(const SweepSpec& spec, const Variant& v);

/// FNV-1a 64 of a text, for ids and hashes.
std::uint64_t fnv1a(std::string_view text, std::uint64_t h = 0xcbf29ce484222325ull);

}  // namespace dcsim::sweep
