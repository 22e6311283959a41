#pragma once
// The vocabulary in which every scenario field is declared once.
//
// A Spec struct's `describe(v, spec)` calls `v.field(key, need, doc, member, kind)` for each of
// its fields. Reading YAML, checking required keys, writing the resolved scenario and printing
// the format reference are visitors over that one declaration, so they cannot disagree.

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "models/units/Units.hpp"

namespace dcsim::scenario {

enum class Need {
  required,  ///< absent is an error
  optional,  ///< absent keeps the member's initial value (its default, or nullopt)
};

/// Allowed values of a number, in SI units.
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;

  static constexpr Range positive(double max = std::numeric_limits<double>::infinity()) { return {0.0, max, true}; }
  static constexpr Range between(double min, double max) { return {min, max, false}; }
};

/// A physical quantity written with a unit ("330 W"); stored in SI.
struct QuantityKind {
  units::Dimension dimension;
  Range range;
};
/// A plain number (PUE, shares).
struct NumberKind {
  Range range;
};
/// A whole number (counts, seeds).
struct IntegerKind {
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
};
/// Free text.
struct TextKind {};
/// One of a fixed set of names (a registry); anything else is an error with a did-you-mean.
struct ChoiceKind {
  std::span<const std::string_view> choices;
};
/// true or false.
struct BoolKind {};
/// A UTC instant in ISO 8601 ("2020-01-01T00:00:00Z"); stored as ms since the Unix epoch.
struct InstantKind {};
/// A nested mapping with its own describe().
struct ObjectKind {};
/// A sequence of nested mappings; replaces, not merges, what a base file gave.
struct ListKind {
  std::size_t min_size = 0;
};
/// A flow sequence of exactly `size` plain numbers, each >= 0 ([1, 2, 3]).
struct NumberListKind {
  std::size_t size = 0;
};
/// A mapping from user-chosen names to nested mappings; merged by name with a base file.
struct MapKind {};

}  // namespace dcsim::scenario
