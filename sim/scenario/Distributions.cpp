#include "sim/scenario/Distributions.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/uncertainty/Distribution.hpp"
#include "sim/scenario/Reader.hpp"
#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {
namespace {

// What a key of the scenario expects, for the keys a continuous distribution may stand for.
enum class Expects { quantity, number, whole_number, other };

// Every declared key as a generic path (jobs[].chips, accelerators.<name>.tdp) with what it
// expects; built once from the Spec declarations.
class FieldKinds {
 public:
  static const std::map<std::string, Expects>& table() {
    static const std::map<std::string, Expects> kinds = [] {
      FieldKinds v;
      ScenarioSpec spec{};
      describe(v, spec);
      return std::move(v.kinds_);
    }();
    return kinds;
  }

  template <class T, class Kind>
  void field(std::string_view key, Need, std::string_view, T& member, const Kind& kind) {
    const std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    kinds_[path] = expects(kind);
    if constexpr (is_optional<T>::value) {
      typename T::value_type inner{};
      nested(path, inner, kind);
    } else {
      nested(path, member, kind);
    }
  }

 private:
  static Expects expects(const QuantityKind&) { return Expects::quantity; }
  static Expects expects(const NumberKind&) { return Expects::number; }
  static Expects expects(const IntegerKind&) { return Expects::whole_number; }
  template <class Kind>
  static Expects expects(const Kind&) {
    return Expects::other;
  }

  template <class T, class Kind>
  void nested(const std::string&, T&, const Kind&) {}
  void nested(const std::string& path, std::vector<double>&, const NumberListKind&) { kinds_[path + "[]"] = Expects::number; }
  template <class Spec>
  void nested(const std::string& path, Spec& s, const ObjectKind&) {
    within(path, s);
  }
  template <class Spec>
  void nested(const std::string& path, std::vector<Spec>&, const ListKind&) {
    Spec s{};
    within(path + "[]", s);
  }
  template <class Spec>
  void nested(const std::string& path, std::map<std::string, Spec>&, const MapKind&) {
    Spec s{};
    within(path + ".<name>", s);
  }
  template <class Spec>
  void within(const std::string& path, Spec& s) {
    std::string saved = std::move(path_);
    path_ = path;
    describe(*this, s);
    path_ = std::move(saved);
  }

  std::string path_;
  std::map<std::string, Expects> kinds_;
};

// The generic path of a child: by name below a mapping of names, by key elsewhere.
std::string generic_child(const std::string& generic, const std::string& key) {
  const auto& kinds = FieldKinds::table();
  const std::string named = generic.empty() ? key : generic + "." + key;
  if (kinds.contains(named)) return named;
  const std::string by_name = generic + ".<name>";
  if (!generic.empty() && kinds.contains(by_name)) return by_name;
  return named;
}

std::uint64_t mix64(std::uint64_t z) {  // SplitMix64's finaliser (Steele, Lea and Flood 2014)
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

constexpr std::array<std::string_view, 5> kDistNames{"uniform", "normal", "triangular", "lognormal", "choice"};
constexpr double kUnboundedEnd = 1e-6;  // the quantile at which an unbounded end is checked

struct Context {
  const std::string& file;
  const DrawRule& rule;
  std::vector<DrawnInput>& drawn;
  std::vector<Problem>& problems;

  void problem(const YAML::Node& at, const std::string& path, std::string message) {
    problems.push_back(Problem{location_of(file, at), path, std::move(message)});
  }
};

// A parameter: its number and the unit written after it ("" for a bare number).
struct Param {
  double value = 0.0;
  std::string unit;
};

std::optional<Param> param(Context& cx, const YAML::Node& node, const std::string& path, const std::string& name) {
  if (!node.IsScalar()) {
    cx.problem(node, path, fmt::format("{}: expected a number, found {}", name, node_type_name(node)));
    return std::nullopt;
  }
  const std::string& text = node.Scalar();
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) {
    cx.problem(node, path, fmt::format("{}: '{}' is not a number", name, text));
    return std::nullopt;
  }
  if (!std::isfinite(x)) {
    cx.problem(node, path, fmt::format("{}: '{}' is not a finite number", name, text));
    return std::nullopt;
  }
  std::string unit(end);
  unit.erase(0, unit.find_first_not_of(" \t"));
  unit.erase(unit.find_last_not_of(" \t") + 1);
  return Param{x, unit};
}

std::string value_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << node;
  return e.c_str();
}

double leading_number(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nan("");
  const std::string& text = node.Scalar();
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  return end != text.c_str() && std::isfinite(x) ? x : std::nan("");
}

std::string role_of(const DrawRule& rule, const std::string& path, bool choice) {
  if (rule.pinned == path) {
    if (choice) return fmt::format("value {}", static_cast<std::size_t>(rule.pinned_at) + 1);
    return rule.pinned_at <= 0.0 ? "the low end" : "the high end";
  }
  if (rule.sample) return fmt::format("sample {}", rule.sample->index);
  return choice ? "the nominal value (the first)" : "the nominal value (the median)";
}

void resolve_choice(Context& cx, YAML::Node node, const std::string& path, const std::map<std::string, YAML::Node>& keys) {
  const auto values_it = keys.find("values");
  if (values_it == keys.end()) {
    cx.problem(node, path, "a choice needs `values`: the list to choose from");
    return;
  }
  const YAML::Node values = values_it->second;
  if (!values.IsSequence() || values.size() == 0) {
    cx.problem(values, path, "values: expected a list of at least one value");
    return;
  }
  std::vector<double> cumulative;
  double total = 0.0;
  if (const auto w = keys.find("weights"); w != keys.end()) {
    if (!w->second.IsSequence() || w->second.size() != values.size()) {
      cx.problem(w->second, path, fmt::format("weights: expected a list of {} numbers, one per value", values.size()));
      return;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto p = param(cx, w->second[i], path, "weights");
      if (!p) return;
      if (p->value < 0.0 || !p->unit.empty()) {
        cx.problem(w->second[i], path, fmt::format("weights: '{}' is not a number >= 0", w->second[i].Scalar()));
        return;
      }
      total += p->value;
      cumulative.push_back(total);
    }
    if (!(total > 0.0)) {
      cx.problem(w->second, path, "weights: at least one must be positive");
      return;
    }
  } else {
    for (std::size_t i = 0; i < values.size(); ++i) cumulative.push_back(total += 1.0);
  }
  const DrawRule& rule = cx.rule;
  std::size_t k = 0;
  if (rule.pinned == path) {
    k = std::min(values.size() - 1, static_cast<std::size_t>(rule.pinned_at));
  } else if (rule.sample) {
    const double target = draw_uniform(rule.sample->seed, rule.sample->index, path) * total;
    while (k + 1 < values.size() && !(target < cumulative[k])) ++k;
  }
  DrawnInput d;
  d.path = path;
  d.where = location_of(cx.file, node);
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < values.size() && i < 4; ++i) shown.push_back(value_text(values[i]));
  std::string weights;
  if (keys.contains("weights")) {
    std::vector<std::string> w;
    for (std::size_t i = 0; i < values.size() && i < 4; ++i) w.push_back(keys.at("weights")[i].Scalar());
    weights = fmt::format("; weights {}{}", fmt::join(w, ", "), values.size() > 4 ? ", ..." : "");
  }
  d.description = fmt::format("choice({}{}{})", fmt::join(shown, ", "),
                              values.size() > 4 ? fmt::format(", ... {} values", values.size()) : std::string(), weights);
  d.choices = values.size();
  const YAML::Node chosen = values[k];
  d.text = value_text(chosen);
  d.number = leading_number(chosen);
  d.role = role_of(rule, path, true);
  node = chosen;
  cx.drawn.push_back(std::move(d));
}

void resolve_continuous(Context& cx, YAML::Node node, const std::string& path, const std::string& generic,
                        const std::string& name, const std::map<std::string, YAML::Node>& keys) {
  const auto& kinds = FieldKinds::table();
  const auto kind = kinds.find(generic);
  const Expects expects = kind == kinds.end() ? Expects::number : kind->second;
  if (expects == Expects::other) {
    cx.problem(node, path,
               fmt::format("a {} distribution can stand only for a number or a quantity, and this key is not one "
                           "(a `dist: choice` of values can stand anywhere)",
                           name));
    return;
  }
  static const std::map<std::string, std::vector<std::string>> kParams{
      {"uniform", {"low", "high"}}, {"normal", {"mean", "sd"}}, {"triangular", {"low", "mode", "high"}}, {"lognormal", {"median", "sigma"}}};
  const std::vector<std::string>& names = kParams.at(name);
  std::vector<double> values;
  std::string unit;
  std::string unit_from;
  bool ok = true;
  const auto read = [&](const std::string& key, bool dimensionless) -> std::optional<double> {
    const auto it = keys.find(key);
    if (it == keys.end()) return std::nullopt;
    const auto p = param(cx, it->second, path, key);
    if (!p) {
      ok = false;
      return std::nullopt;
    }
    if (dimensionless) {
      if (!p->unit.empty()) {
        cx.problem(it->second, path, fmt::format("{}: is the standard deviation of ln x and has no unit, found '{}'", key, p->unit));
        ok = false;
      }
    } else if (unit_from.empty()) {
      unit = p->unit;
      unit_from = key;
    } else if (p->unit != unit) {
      const auto shown = [](const std::string& u) { return u.empty() ? std::string("no unit") : "'" + u + "'"; };
      cx.problem(it->second, path,
                 fmt::format("{}: give every parameter in one unit: {} has {}, {} has {}", key, unit_from, shown(unit), key,
                             shown(p->unit)));
      ok = false;
    }
    return p->value;
  };
  for (const std::string& key : names) {
    const bool dimensionless = key == "sigma";
    const auto v = read(key, dimensionless);
    if (!v) {
      if (ok && !keys.contains(key))
        cx.problem(node, path, fmt::format("a {} distribution needs `{}` ({})", name, key, fmt::join(names, ", ")));
      ok = false;
      continue;
    }
    values.push_back(*v);
  }
  const std::optional<double> min = read("min", false), max = read("max", false);
  if (!ok) return;
  std::optional<models::Distribution> dist;
  try {
    dist = name == "uniform"      ? models::Distribution::uniform(values[0], values[1])
           : name == "normal"     ? models::Distribution::normal(values[0], values[1])
           : name == "triangular" ? models::Distribution::triangular(values[0], values[1], values[2])
                                  : models::Distribution::lognormal(values[0], values[1]);
    if (min || max)
      dist = dist->truncated(min.value_or(-std::numeric_limits<double>::infinity()),
                             max.value_or(std::numeric_limits<double>::infinity()));
  } catch (const std::invalid_argument& e) {
    cx.problem(node, path, e.what());
    return;
  }
  const DrawRule& rule = cx.rule;
  double x = 0.0;
  if (rule.pinned == path) {
    const double u = std::clamp(rule.pinned_at, 0.0, 1.0);
    x = dist->quantile(u);
    const bool open_end = !std::isfinite(x) || (dist->kind() == models::Distribution::Kind::lognormal && x <= 0.0);
    if (open_end) x = dist->quantile(u < 0.5 ? kUnboundedEnd : 1.0 - kUnboundedEnd);
  } else if (rule.sample) {
    x = dist->quantile(draw_uniform(rule.sample->seed, rule.sample->index, path));
  } else {
    x = dist->median();
  }
  if (expects == Expects::whole_number) x = std::round(x);
  DrawnInput d;
  d.path = path;
  d.where = location_of(cx.file, node);
  d.description = dist->describe(unit);
  d.number = x;
  d.text = unit.empty() ? fmt::format("{}", x) : fmt::format("{} {}", x, unit);
  d.role = role_of(rule, path, false);
  node = d.text;  // a scalar in place: the node keeps its mark, so problems point at the distribution
  cx.drawn.push_back(std::move(d));
}

void resolve(Context& cx, YAML::Node node, const std::string& path, const std::string& generic) {
  std::map<std::string, YAML::Node> keys;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      cx.problem(kv.first, path, "keys must be plain text");
      return;
    }
    if (!keys.emplace(kv.first.Scalar(), kv.second).second) {
      cx.problem(kv.first, path, fmt::format("'{}' is given twice in the distribution", kv.first.Scalar()));
      return;
    }
  }
  const YAML::Node dist = keys.at("dist");
  const std::string name = dist.Scalar();
  if (std::find(kDistNames.begin(), kDistNames.end(), name) == kDistNames.end()) {
    std::vector<std::string> names(kDistNames.begin(), kDistNames.end());
    std::string message = fmt::format("unknown distribution '{}'", name);
    const std::string guess = did_you_mean(name, names);
    if (!guess.empty()) message += fmt::format(" (did you mean '{}'?)", guess);
    cx.problem(dist, path, message + fmt::format("; one of: {}", fmt::join(names, ", ")));
    return;
  }
  static const std::map<std::string, std::vector<std::string>> kAllowed{
      {"uniform", {"dist", "low", "high", "min", "max"}},
      {"normal", {"dist", "mean", "sd", "min", "max"}},
      {"triangular", {"dist", "low", "mode", "high", "min", "max"}},
      {"lognormal", {"dist", "median", "sigma", "min", "max"}},
      {"choice", {"dist", "values", "weights"}}};
  const std::vector<std::string>& allowed = kAllowed.at(name);
  bool ok = true;
  for (const auto& kv : node) {
    const std::string& key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = fmt::format("unknown key '{}' of a {} distribution", key, name);
    const std::string guess = did_you_mean(key, allowed);
    if (!guess.empty()) message += fmt::format(" (did you mean '{}'?)", guess);
    cx.problem(kv.first, path, message + fmt::format("; it takes {}", fmt::join(allowed.begin() + 1, allowed.end(), ", ")));
    ok = false;
  }
  if (!ok) return;
  if (name == "choice") resolve_choice(cx, node, path, keys);
  else resolve_continuous(cx, node, path, generic, name, keys);
}

// A mapping whose `dist` is a name (an accelerator named "dist" is not a distribution).
bool is_distribution(const YAML::Node& node) {
  if (!node.IsMap()) return false;
  const YAML::Node dist = node["dist"];
  return dist.IsDefined() && dist.IsScalar();
}

void walk(Context& cx, YAML::Node node, const std::string& path, const std::string& generic) {
  if (is_distribution(node)) {
    resolve(cx, node, path, generic);
  } else if (node.IsMap()) {
    for (auto kv : node)
      if (kv.first.IsScalar()) walk(cx, kv.second, child_path(path, kv.first.Scalar()), generic_child(generic, kv.first.Scalar()));
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) walk(cx, node[i], element_path(path, i), generic + "[]");
  }
}

void forget(const YAML::Node& node, const std::string& path, std::vector<DrawnInput>& drawn) {
  if (node.IsMap() && !is_distribution(node)) {  // mappings merge key by key
    for (const auto& kv : node)
      if (kv.first.IsScalar()) forget(kv.second, child_path(path, kv.first.Scalar()), drawn);
    return;
  }
  std::erase_if(drawn, [&path](const DrawnInput& d) { return at_or_below(d.path, path); });
}

}  // namespace

bool holds_distributions(const YAML::Node& node) {
  if (is_distribution(node)) return true;
  if (node.IsMap()) {
    for (const auto& kv : node)
      if (holds_distributions(kv.second)) return true;
  } else if (node.IsSequence()) {
    for (const auto& element : node)
      if (holds_distributions(element)) return true;
  }
  return false;
}

bool at_or_below(const std::string& path, const std::string& top) {
  if (path.size() < top.size() || path.compare(0, top.size(), top) != 0) return false;
  return path.size() == top.size() || path[top.size()] == '.' || path[top.size()] == '[';
}

double draw_uniform(std::uint64_t seed, std::uint64_t index, const std::string& path) {
  const std::uint64_t bits = mix64(mix64(mix64(seed) ^ index) ^ fnv1a(path));
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;  // in (0, 1): never 0 or 1
}

void resolve_distributions(YAML::Node root, const std::string& file, const DrawRule& rule, std::vector<DrawnInput>& drawn,
                           std::vector<Problem>& problems) {
  Context cx{file, rule, drawn, problems};
  if (root.IsMap())
    for (auto kv : root)
      if (kv.first.IsScalar()) walk(cx, kv.second, kv.first.Scalar(), generic_child("", kv.first.Scalar()));
}

void forget_overridden(const YAML::Node& root, std::vector<DrawnInput>& drawn) {
  if (root.IsMap()) forget(root, "", drawn);
}

std::string annotated(const std::string& message, const DrawnInput& d) {
  return fmt::format("{} ({} of {})", message, d.role, d.description);
}

}  // namespace dcsim::scenario
