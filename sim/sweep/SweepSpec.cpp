#include "sim/sweep/SweepSpec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "models/InputError.hpp"
#include "models/units/Calendar.hpp"
#include "models/units/Units.hpp"
#include "sim/scenario/Reader.hpp"
#include "sim/scenario/Scenario.hpp"
#include "sim/scenario/YamlFile.hpp"

namespace dcsim::sweep {

using scenario::location_of;

std::uint64_t fnv1a(std::string_view text, std::uint64_t h) {
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string variant_id(const std::vector<Setting>& settings) {
  std::vector<std::string> lines;
  for (const auto& [k, v] : settings) lines.push_back(k + "=" + v + "\n");
  std::sort(lines.begin(), lines.end());
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const std::string& l : lines) h = fnv1a(l, h);
  return fmt::format("{:016x}", h);
}

namespace {
// `text` is a whole decimal number (and nothing else): into `out`.
bool integer_text(const std::string& text, std::int64_t& out) {
  std::int64_t x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  out = x;
  return true;
}
}  // namespace

std::vector<std::string> overrides_of(const SweepSpec& spec, const Variant& v) {
  std::vector<std::string> out;
  bool seeded = false;
  for (const auto& [k, value] : spec.fixed) {
    out.push_back(k + "=" + value);
    seeded = seeded || k == "seed";
  }
  for (const auto& [k, value] : v.settings) {
    if (k == "base") continue;
    out.push_back(k + "=" + value);
    seeded = seeded || k == "seed";
  }
  if (!seeded) out.push_back(fmt::format("seed={}", v.seed));
  return out;
}

namespace {

namespace fs = std::filesystem;

// SplitMix64 (Steele, Lea and Flood 2014): the sweep's own seeded stream.
struct SplitMix64 {
  std::uint64_t state;
  explicit SplitMix64(std::uint64_t seed) : state(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
};

[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& key, const std::string& message) {
  throw InputError(location_of(file, node), key, message);
}

// A value as the YAML text a --set override takes.
std::string value_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << node;
  return e.c_str();
}

std::string number_text(double x, const std::string& unit) {
  // Shortest text that reads back as the same double; the unit, when given, after a space.
  const std::string n = fmt::format("{}", x);
  return unit.empty() ? n : n + " " + unit;
}

double number(const std::string& file, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) fail(file, n, key, "expected a number");
  try {
    std::size_t used = 0;
    const double v = std::stod(n.Scalar(), &used);
    if (used != n.Scalar().size() || !std::isfinite(v)) throw std::invalid_argument("");
    return v;
  } catch (const std::exception&) {
    fail(file, n, key, fmt::format("'{}' is not a number", n.Scalar()));
  }
}

struct Generator {
  enum class Kind { list, uniform, loguniform } kind = Kind::list;
  std::vector<std::string> values;  ///< list: the values
  double a = 0.0, b = 0.0;          ///< distributions
  std::string unit;
};

constexpr std::size_t kMaxVariants = 10'000'000;

Generator instants(const std::string& file, const std::string& key, const YAML::Node& node);

// An axis: a list, or {range | linspace | logspace | uniform | loguniform: [...], unit}.
Generator axis(const std::string& file, const std::string& key, const YAML::Node& node) {
  Generator g;
  if (node.IsSequence()) {
    if (node.size() == 0) fail(file, node, key, "an axis needs at least one value");
    for (const YAML::Node& v : node) g.values.push_back(value_text(v));
    return g;
  }
  if (!node.IsMap()) fail(file, node, key, "an axis is a list of values, or {range|linspace|logspace|uniform|loguniform: [...]}");
  if (node["instants"].IsDefined()) return instants(file, key + ".instants", node["instants"]);
  std::string form;
  YAML::Node args;
  for (const auto& kv : node) {
    const std::string k = kv.first.Scalar();
    if (k == "unit") {
      if (!kv.second.IsScalar()) fail(file, kv.second, key + ".unit", "expected a unit, e.g. g/kWh");
      g.unit = kv.second.Scalar();
    } else if (k == "range" || k == "linspace" || k == "logspace" || k == "uniform" || k == "loguniform") {
      if (!form.empty()) fail(file, kv.first, key, fmt::format("give one of range, linspace, logspace, uniform, loguniform (found {} and {})", form, k));
      form = k;
      args = kv.second;
    } else {
      fail(file, kv.first, key + "." + k, fmt::format("unknown key '{}'; an axis takes range, linspace, logspace, uniform or loguniform, and unit", k));
    }
  }
  if (form.empty()) fail(file, node, key, "needs range, linspace, logspace, uniform or loguniform");
  const std::string akey = key + "." + form;
  const std::size_t want = form == "uniform" || form == "loguniform" ? 2 : 3;
  if (!args.IsSequence() || args.size() != want)
    fail(file, args, akey, fmt::format("expected a list of {} numbers", want));
  const double a = number(file, args[0], akey), b = number(file, args[1], akey);
  if (form == "uniform" || form == "loguniform") {
    if (!(b > a)) fail(file, args, akey, "needs a < b");
    if (form == "loguniform" && !(a > 0.0)) fail(file, args, akey, "loguniform needs 0 < a < b");
    g.kind = form == "uniform" ? Generator::Kind::uniform : Generator::Kind::loguniform;
    g.a = a;
    g.b = b;
    return g;
  }
  const double c = number(file, args[2], akey);
  if (form == "range") {
    if (!(c > 0.0) || b < a) fail(file, args, akey, "range: [start, stop, step] needs step > 0 and stop >= start");
    const double steps = std::floor((b - a) / c * (1.0 + 1e-12) + 1e-9);
    if (steps + 1 > static_cast<double>(kMaxVariants)) fail(file, args, akey, "range gives too many values");
    for (std::int64_t k = 0; k <= static_cast<std::int64_t>(steps); ++k) g.values.push_back(number_text(a + static_cast<double>(k) * c, g.unit));
    return g;
  }
  if (c < 1 || c != std::floor(c) || c > static_cast<double>(kMaxVariants))
    fail(file, args[2], akey, "the count must be a whole number >= 1");
  const auto n = static_cast<std::int64_t>(c);
  if (form == "logspace" && !(a > 0.0 && b > 0.0)) fail(file, args, akey, "logspace: [from, to, count] needs from and to > 0");
  for (std::int64_t k = 0; k < n; ++k) {
    const double t = n == 1 ? 0.0 : static_cast<double>(k) / static_cast<double>(n - 1);
    // linspace divides last: (b - a) k / (n - 1) is then correctly rounded, so a grid of whole
    // numbers ({linspace: [1, 200, 200]}, seeds) gives whole numbers, and [0, 1, 11] gives 0.3,
    // not 0.30000000000000004.
    const double x = form == "linspace" ? (n == 1 ? a : a + (b - a) * static_cast<double>(k) / static_cast<double>(n - 1))
                                        : a * std::pow(b / a, t);
    g.values.push_back(number_text(k == n - 1 && n > 1 ? b : x, g.unit));
  }
  return g;
}

// {instants: {from: T, step: 1 h, count: N}}: N UTC instants, T + k x step.
Generator instants(const std::string& file, const std::string& key, const YAML::Node& node) {
  if (!node.IsMap()) fail(file, node, key, "expected {from: 2023-01-01T00:00:00Z, step: 1 h, count: N}");
  Generator g;
  std::int64_t from = 0, step = 0, count = 0;
  for (const char* k : {"from", "step", "count"})
    if (!node[k].IsDefined() || !node[k].IsScalar()) fail(file, node, key + "." + k, fmt::format("missing required key '{}'", k));
  try {
    from = units::parse_utc_ms(node["from"].Scalar());
  } catch (const std::exception& e) {
    fail(file, node["from"], key + ".from", e.what());
  }
  try {
    step = std::llround(units::parse_quantity(node["step"].Scalar(), units::Dimension::time) * 1000.0);
  } catch (const std::exception& e) {
    fail(file, node["step"], key + ".step", e.what());
  }
  const double c = number(file, node["count"], key + ".count");
  if (step <= 0) fail(file, node["step"], key + ".step", "the step must be > 0");
  if (c < 1 || c != std::floor(c) || c > static_cast<double>(kMaxVariants)) fail(file, node["count"], key + ".count", "expected a whole number >= 1");
  count = static_cast<std::int64_t>(c);
  for (std::int64_t k = 0; k < count; ++k) g.values.push_back(units::format_utc(from + k * step));
  return g;
}

// Two value texts mean the same: equal numbers with the same unit text, or equal text.
bool same_value(const std::string& x, const std::string& y) {
  if (x == y) return true;
  char* ex = nullptr;
  char* ey = nullptr;
  const double a = std::strtod(x.c_str(), &ex), b = std::strtod(y.c_str(), &ey);
  if (ex == x.c_str() || ey == y.c_str()) return false;
  const auto rest = [](const char* p) {
    std::string s(p);
    s.erase(0, s.find_first_not_of(' '));
    return s;
  };
  return a == b && rest(ex) == rest(ey);
}

}  // namespace

SweepSpec load_sweep(const std::string& file) {
  const YAML::Node root = scenario::parse_yaml_file(file);
  SweepSpec spec;
  spec.file = file;
  for (const auto& kv : root) {
    const std::string k = kv.first.Scalar();
    static const std::set<std::string> known{"base", "set", "seed", "axes", "zip", "sample", "exclude", "description", "name"};
    if (!known.contains(k))
      fail(file, kv.first, k, fmt::format("unknown key '{}'; a sweep has base, set, seed, axes, zip, sample, exclude, name, description", k));
  }
  const YAML::Node base = root["base"];
  std::vector<std::string> bases;  // as written
  if (base.IsDefined() && base.IsSequence()) {
    for (const YAML::Node& b : base) {
      if (!b.IsScalar() || b.Scalar().empty()) fail(file, b, "base", "expected the path of a scenario file");
      bases.push_back(b.Scalar());
    }
  } else if (base.IsDefined() && base.IsScalar() && !base.Scalar().empty()) {
    bases.push_back(base.Scalar());
  }
  if (bases.empty())
    fail(file, base.IsDefined() ? base : root, "base", "missing required key 'base' (the scenario file, or files, the sweep varies)");
  const auto absolute = [&](const std::string& b) { return fs::absolute(fs::path(file).parent_path() / b).lexically_normal().string(); };
  for (const std::string& b : bases) {
    std::error_code ec;
    if (!fs::exists(absolute(b), ec)) fail(file, base, "base", fmt::format("base scenario '{}' does not exist", absolute(b)));
  }
  spec.base = absolute(bases.front());
  if (const YAML::Node fixed = root["set"]; fixed.IsDefined()) {
    if (!fixed.IsMap()) fail(file, fixed, "set", "expected a mapping of key path to value");
    for (const auto& kv : fixed) spec.fixed.emplace_back(kv.first.Scalar(), kv.second.IsNull() ? "~" : value_text(kv.second));
  }
  if (const YAML::Node seed = root["seed"]; seed.IsDefined()) {
    const double s = number(file, seed, "seed");
    if (s < 0 || s != std::floor(s) || s > 9.007199254740992e15) fail(file, seed, "seed", "the seed must be a whole number >= 0");
    spec.seed = static_cast<std::int64_t>(s);
  }

  // Axes: one generator per key; a zip group is one axis of tuples.
  struct Axis {
    std::vector<std::string> keys;
    std::vector<Generator> gens;  ///< one per key
  };
  std::vector<Axis> axes;
  std::set<std::string> seen;
  const auto add_key = [&](const YAML::Node& at, const std::string& k) {
    if (k.empty() || k.find_first_of("[] =") != std::string::npos || k.front() == '.' || k.back() == '.')
      fail(file, at, k, fmt::format("'{}' is not a key path of the scenario (a.b.c)", k));
    if (!seen.insert(k).second) fail(file, at, k, fmt::format("key '{}' is varied twice", k));
    spec.keys.push_back(k);
  };
  if (bases.size() > 1) {
    add_key(base, "base");
    Generator g;
    g.values = bases;
    axes.push_back(Axis{{"base"}, {g}});
  }
  if (const YAML::Node a = root["axes"]; a.IsDefined()) {
    if (!a.IsMap()) fail(file, a, "axes", "expected a mapping of key path to values");
    for (const auto& kv : a) {
      const std::string k = kv.first.Scalar();
      add_key(kv.first, k);
      axes.push_back(Axis{{k}, {axis(file, "axes." + k, kv.second)}});
    }
  }
  if (const YAML::Node z = root["zip"]; z.IsDefined()) {
    if (!z.IsSequence()) fail(file, z, "zip", "expected a list of groups (mappings of key path to values)");
    for (std::size_t i = 0; i < z.size(); ++i) {
      const std::string p = fmt::format("zip[{}]", i);
      if (!z[i].IsMap() || z[i].size() == 0) fail(file, z[i], p, "a zip group maps key paths to lists of the same length");
      Axis ax;
      for (const auto& kv : z[i]) {
        const std::string k = kv.first.Scalar();
        add_key(kv.first, k);
        Generator g = axis(file, p + "." + k, kv.second);
        if (g.kind != Generator::Kind::list) fail(file, kv.second, p + "." + k, "a zip group takes lists, not distributions");
        if (!ax.gens.empty() && g.values.size() != ax.gens.front().values.size())
          fail(file, kv.second, p + "." + k,
               fmt::format("has {} values; the group's first key has {}", g.values.size(), ax.gens.front().values.size()));
        ax.keys.push_back(k);
        ax.gens.push_back(std::move(g));
      }
      axes.push_back(std::move(ax));
    }
  }
  if (axes.empty()) fail(file, root, "axes", "a sweep needs axes (or zip groups, or a list of bases) to vary");

  // The combinations: the product of the axes, or `sample` draws.
  std::vector<std::vector<Setting>> combos;
  const YAML::Node sample = root["sample"];
  if (sample.IsDefined()) {
    if (!sample.IsMap()) fail(file, sample, "sample", "expected {method: random | lhs, n: N, seed: S}");
    std::string method = "random";
    std::int64_t n = 0;
    std::uint64_t seed = static_cast<std::uint64_t>(spec.seed);
    for (const auto& kv : sample) {
      const std::string k = kv.first.Scalar();
      if (k == "method") {
        method = kv.second.Scalar();
        if (method != "random" && method != "lhs") fail(file, kv.second, "sample.method", "expected random or lhs");
      } else if (k == "n") {
        const double v = number(file, kv.second, "sample.n");
        if (v < 1 || v != std::floor(v) || v > static_cast<double>(kMaxVariants)) fail(file, kv.second, "sample.n", "expected a whole number >= 1");
        n = static_cast<std::int64_t>(v);
      } else if (k == "seed") {
        seed = static_cast<std::uint64_t>(number(file, kv.second, "sample.seed"));
      } else {
        fail(file, kv.first, "sample." + k, fmt::format("unknown key '{}'; sample takes method, n, seed", k));
      }
    }
    if (n == 0) fail(file, sample, "sample.n", "missing required key 'n' (how many variants to draw)");
    SplitMix64 rng(seed);
    const auto un = static_cast<std::size_t>(n);
    combos.assign(un, {});
    for (const Axis& ax : axes) {
      // One draw u in [0, 1) per variant: independent (random) or one per stratum, shuffled (lhs).
      std::vector<double> u(un);
      if (method == "random") {
        for (double& x : u) x = rng.uniform();
      } else {
        std::vector<std::size_t> order(un);
        std::iota(order.begin(), order.end(), 0);
        for (std::size_t i = un; i > 1; --i) std::swap(order[i - 1], order[static_cast<std::size_t>(rng.uniform() * static_cast<double>(i))]);
        for (std::size_t i = 0; i < un; ++i) u[i] = (static_cast<double>(order[i]) + rng.uniform()) / static_cast<double>(un);
      }
      for (std::size_t i = 0; i < un; ++i) {
        const std::size_t choice_count = ax.gens.front().values.size();
        const auto pick = std::min(choice_count == 0 ? 0 : choice_count - 1, static_cast<std::size_t>(u[i] * static_cast<double>(choice_count)));
        for (std::size_t k = 0; k < ax.keys.size(); ++k) {
          const Generator& g = ax.gens[k];
          std::string v;
          if (g.kind == Generator::Kind::list) v = g.values[pick];
          else if (g.kind == Generator::Kind::uniform) v = number_text(g.a + (g.b - g.a) * u[i], g.unit);
          else v = number_text(g.a * std::pow(g.b / g.a, u[i]), g.unit);
          combos[i].emplace_back(ax.keys[k], v);
        }
      }
    }
  } else {
    for (const Axis& ax : axes)
      for (const Generator& g : ax.gens)
        if (g.kind != Generator::Kind::list)
          fail(file, root["axes"], ax.keys.front(), "uniform and loguniform axes need `sample` (random or lhs draws)");
    double total = 1.0;
    for (const Axis& ax : axes) total *= static_cast<double>(ax.gens.front().values.size());
    if (total > static_cast<double>(kMaxVariants))
      fail(file, root, "axes", fmt::format("the product of the axes has {:.0f} variants, more than {}", total, kMaxVariants));
    combos.emplace_back();
    for (const Axis& ax : axes) {
      std::vector<std::vector<Setting>> next;
      next.reserve(combos.size() * ax.gens.front().values.size());
      for (const auto& c : combos)
        for (std::size_t j = 0; j < ax.gens.front().values.size(); ++j) {
          std::vector<Setting> s = c;
          for (std::size_t k = 0; k < ax.keys.size(); ++k) s.emplace_back(ax.keys[k], ax.gens[k].values[j]);
          next.push_back(std::move(s));
        }
      combos = std::move(next);
    }
  }

  // Exclusions: a combination is dropped when it matches every key of one entry.
  std::vector<std::vector<Setting>> excludes;
  if (const YAML::Node x = root["exclude"]; x.IsDefined()) {
    if (!x.IsSequence()) fail(file, x, "exclude", "expected a list of mappings of key path to value");
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!x[i].IsMap()) fail(file, x[i], fmt::format("exclude[{}]", i), "expected a mapping of key path to value");
      std::vector<Setting> e;
      for (const auto& kv : x[i]) {
        const std::string k = kv.first.Scalar();
        if (!seen.contains(k)) fail(file, kv.first, fmt::format("exclude[{}].{}", i, k), fmt::format("'{}' is not a key the sweep varies", k));
        e.emplace_back(k, value_text(kv.second));
      }
      excludes.push_back(std::move(e));
    }
  }
  std::set<std::string> ids;
  std::uint64_t h = fnv1a(fmt::format("dcsim-sweep seed={}\n", spec.seed));
  for (auto& c : combos) {
    const bool dropped = std::any_of(excludes.begin(), excludes.end(), [&](const std::vector<Setting>& e) {
      return std::all_of(e.begin(), e.end(), [&](const Setting& want) {
        return std::any_of(c.begin(), c.end(), [&](const Setting& s) { return s.first == want.first && same_value(s.second, want.second); });
      });
    });
    if (dropped) {
      ++spec.excluded;
      continue;
    }
    Variant v;
    v.index = spec.variants.size();
    v.id = variant_id(c);
    if (!ids.insert(v.id).second) continue;  // a sample may draw the same choice twice: run it once
    v.seed = static_cast<std::int64_t>(SplitMix64(static_cast<std::uint64_t>(spec.seed) ^ std::stoull(v.id, nullptr, 16)).next() >> 11);
    // A seed the sweep sets (in `set` or on an axis) is the one the variant runs with, so it is
    // the one recorded; one that is not a whole number is left to the scenario to refuse.
    for (const std::vector<Setting>* settings : {&spec.fixed, &c})
      for (const auto& [k, value] : *settings)
        if (k == "seed") (void)integer_text(value, v.seed);
    v.base = spec.base;
    for (const auto& [k, value] : c)
      if (k == "base") v.base = absolute(value);
    v.settings = std::move(c);
    h = fnv1a(v.id + "\n", h);
    spec.variants.push_back(std::move(v));
  }
  if (spec.variants.empty()) fail(file, root, "exclude", "every combination is excluded: nothing to run");
  // The base scenarios' own text and the fixed settings take part: a changed base is another sweep.
  for (const auto& [k, value] : spec.fixed) h = fnv1a(k + "=" + value + "\n", h);
  for (const std::string& b : bases) {
    std::ifstream in(absolute(b), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    h = fnv1a(text.str(), h);
  }
  spec.hash = fmt::format("{:016x}", h);
  return spec;
}

}  // namespace dcsim::sweep
