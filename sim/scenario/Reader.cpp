#include "sim/scenario/Reader.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/units/Calendar.hpp"
#include "models/units/Units.hpp"

namespace dcsim::scenario {
namespace {

std::string describe_range(const Range& r, units::Dimension d) {
  const auto show = [d](double v) {
    return d == units::Dimension::dimensionless ? fmt::format("{}", v) : units::format_quantity(v, d);
  };
  const bool has_min = std::isfinite(r.min), has_max = std::isfinite(r.max);
  if (has_min && has_max) {
    if (r.min_exclusive) return fmt::format("must be > {} and <= {}", show(r.min), show(r.max));
    return fmt::format("must be between {} and {}", show(r.min), show(r.max));
  }
  if (has_min) return fmt::format("must be {} {}", r.min_exclusive ? ">" : ">=", show(r.min));
  if (has_max) return fmt::format("must be <= {}", show(r.max));
  return {};
}

bool in_range(double v, const Range& r) {
  if (r.min_exclusive ? !(v > r.min) : !(v >= r.min)) return false;
  return v <= r.max;
}

}  // namespace

Location location_of(const std::string& file, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return Location{file, 0, 0};
  return Location{file, m.line + 1, m.column + 1};
}

std::string_view node_type_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "something else";
}

void Reader::problem(const YAML::Node& at, const std::string& path, std::string message) {
  problems_.push_back(Problem{location_of(file_, at), path, std::move(message)});
}

std::string Reader::fmt_expected(std::string_view what, const YAML::Node& node) {
  return fmt::format("expected {}, found {}", what, node_type_name(node));
}

std::string Reader::fmt_min_size(std::size_t n) { return fmt::format("needs at least {} entries", n); }

bool Reader::expect_map(const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) return true;
  problem(node, path, fmt_expected("a mapping of keys", node));
  return false;
}

bool Reader::expect_scalar(const YAML::Node& node, const std::string& path, std::string_view what) {
  if (node.IsScalar()) return true;
  problem(node, path, fmt_expected(what, node));
  return false;
}

bool Reader::decode(const YAML::Node& node, const std::string& path, double& out, const QuantityKind& kind) {
  const std::string what = fmt::format("{} such as '{}'", units::describe(kind.dimension), units::example(kind.dimension));
  if (!expect_scalar(node, path, what)) return false;
  double v = 0.0;
  try {
    v = units::parse_quantity(node.Scalar(), kind.dimension);
  } catch (const units::UnitError& e) {
    problem(node, path, e.what());
    return false;
  }
  if (!in_range(v, kind.range)) {
    problem(node, path, fmt::format("'{}' is out of range: {}", node.Scalar(), describe_range(kind.range, kind.dimension)));
    return false;
  }
  out = v;
  return true;
}

bool Reader::decode(const YAML::Node& node, const std::string& path, std::vector<double>& out, const NumberListKind& kind) {
  if (!node.IsSequence()) {
    problem(node, path, fmt_expected(fmt::format("a list of {} numbers", kind.size), node));
    return false;
  }
  if (node.size() != kind.size) {
    problem(node, path, fmt::format("needs exactly {} numbers, found {}", kind.size, node.size()));
    return false;
  }
  std::vector<double> values;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    double v = 0.0;
    ok = decode(node[i], element_path(path, i), v, NumberKind{Range::between(0.0, 1e12)}) && ok;
    values.push_back(v);
  }
  if (ok) out = std::move(values);
  return ok;
}

bool Reader::decode(const YAML::Node& node, const std::string& path, double& out, const NumberKind& kind) {
  if (!expect_scalar(node, path, "a plain number")) return false;
  double v = 0.0;
  try {
    v = units::parse_quantity(node.Scalar(), units::Dimension::dimensionless);
  } catch (const units::UnitError& e) {
    problem(node, path, e.what());
    return false;
  }
  if (!in_range(v, kind.range)) {
    problem(node, path,
            fmt::format("'{}' is out of range: {}", node.Scalar(), describe_range(kind.range, units::Dimension::dimensionless)));
    return false;
  }
  out = v;
  return true;
}

bool Reader::decode(const YAML::Node& node, const std::string& path, std::int64_t& out, const IntegerKind& kind) {
  if (!expect_scalar(node, path, "a whole number")) return false;
  double v = 0.0;
  try {
    v = units::parse_number(node.Scalar());
  } catch (const units::UnitError& e) {
    problem(node, path, e.what());
    return false;
  }
  if (v != std::floor(v)) {
    problem(node, path, fmt::format("'{}' is not a whole number", node.Scalar()));
    return false;
  }
  if (v < static_cast<double>(kind.min) || v > static_cast<double>(kind.max)) {
    problem(node, path, fmt::format("'{}' is out of range: must be between {} and {}", node.Scalar(), kind.min, kind.max));
    return false;
  }
  out = static_cast<std::int64_t>(v);
  return true;
}

bool Reader::decode(const YAML::Node& node, const std::string& path, std::string& out, const TextKind&) {
  if (!expect_scalar(node, path, "text")) return false;
  out = node.Scalar();
  return true;
}

bool Reader::decode(const YAML::Node& node, const std::string& path, std::string& out, const ChoiceKind& kind) {
  if (!expect_scalar(node, path, "a name")) return false;
  const std::string& v = node.Scalar();
  std::vector<std::string> names(kind.choices.begin(), kind.choices.end());
  if (std::find(names.begin(), names.end(), v) != names.end()) {
    out = v;
    return true;
  }
  std::string message = fmt::format("unknown choice '{}'", v);
  const std::string guess = did_you_mean(v, names);
  if (!guess.empty()) message += fmt::format(" (did you mean '{}'?)", guess);
  message += fmt::format("; one of: {}", fmt::join(names, ", "));
  problem(node, path, std::move(message));
  return false;
}

bool Reader::decode(const YAML::Node& node, const std::string& path, bool& out, const BoolKind&) {
  if (!expect_scalar(node, path, "true or false")) return false;
  const std::string& v = node.Scalar();
  if (v == "true") out = true;
  else if (v == "false") out = false;
  else {
    problem(node, path, fmt::format("'{}' is not true or false", v));
    return false;
  }
  return true;
}

bool Reader::decode(const YAML::Node& node, const std::string& path, std::int64_t& out, const InstantKind&) {
  if (!expect_scalar(node, path, "a UTC time such as 2020-01-01T00:00:00Z")) return false;
  try {
    out = units::parse_utc_ms(node.Scalar());
  } catch (const units::TimeFormatError& e) {
    problem(node, path, e.what());
    return false;
  }
  return true;
}

bool Reader::first_time(const YAML::Node& key, const std::string& path, std::map<std::string, int>& seen) {
  const auto [it, added] = seen.try_emplace(key.Scalar(), key.Mark().line + 1);
  if (!added) problem(key, path, fmt::format("'{}' is given twice (first on line {})", key.Scalar(), it->second));
  return added;
}

void Reader::check_unknown_keys(const YAML::Node& node, const std::string& path, bool is_root) {
  std::map<std::string, int> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      problem(kv.first, path, "keys must be plain text");
      continue;
    }
    const std::string& key = kv.first.Scalar();
    if (!first_time(kv.first, child_path(path, key), seen)) continue;
    if (std::find(declared_.begin(), declared_.end(), key) != declared_.end()) continue;
    if (is_root && std::find(reserved_.begin(), reserved_.end(), key) != reserved_.end()) continue;
    std::vector<std::string> candidates = declared_;
    if (is_root) candidates.insert(candidates.end(), reserved_.begin(), reserved_.end());
    const std::string guess = did_you_mean(key, candidates);
    std::string message = fmt::format("unknown key '{}'", key);
    if (!guess.empty()) message += fmt::format(" (did you mean '{}'?)", guess);
    problems_.push_back(Problem{location_of(file_, kv.first), child_path(path, key), std::move(message)});
  }
}

}  // namespace dcsim::scenario
