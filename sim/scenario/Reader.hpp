#pragma once
// Reads one YAML layer (one file of an `extends` chain) into a Spec, through its describe().
//
// Every problem is collected, not thrown: wrong types, bad units, values out of range and
// unknown keys (with a did-you-mean). Keys present in the layer override what earlier layers
// set; nested mappings merge key by key; lists replace. Required keys are checked once all
// layers are read (RequiredCheck), so a base file may leave them to the files that extend it.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/Fields.hpp"
#include "sim/scenario/SourceMap.hpp"

namespace dcsim::scenario {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

Location location_of(const std::string& file, const YAML::Node& node);
std::string_view node_type_name(const YAML::Node& node);

class Reader {
 public:
  Reader(std::string file, SourceMap& sources, std::vector<Problem>& problems)
      : file_(std::move(file)), sources_(sources), problems_(problems) {}

  /// Reads a file's root mapping. `reserved` keys (e.g. `extends`) are accepted and skipped.
  template <class Spec>
  void read_root(const YAML::Node& root, Spec& spec, const std::vector<std::string>& reserved) {
    reserved_ = reserved;
    sources_.record("", location_of(file_, root), true);
    read_object(root, "", spec);
  }

  template <class T, class Kind>
  void field(std::string_view key, Need, std::string_view, T& member, const Kind& kind) {
    declared_.emplace_back(key);
    const YAML::Node child = (*node_)[std::string(key)];
    if (!child.IsDefined()) return;
    const std::string path = child_path(path_, key);
    if (child.IsNull()) {
      sources_.record(path, location_of(file_, child), false);
      problem(child, path, "has no value");
      return;
    }
    const bool ok = decode_member(child, path, member, kind);
    sources_.record(path, location_of(file_, child), ok);
  }

 private:
  template <class T, class Kind>
  bool decode_member(const YAML::Node& node, const std::string& path, T& member, const Kind& kind) {
    if constexpr (is_optional<T>::value) {
      typename T::value_type value = member.value_or(typename T::value_type{});
      if (!decode(node, path, value, kind)) return false;
      member = std::move(value);
      return true;
    } else {
      return decode(node, path, member, kind);
    }
  }

  bool decode(const YAML::Node& node, const std::string& path, double& out, const QuantityKind& kind);
  bool decode(const YAML::Node& node, const std::string& path, double& out, const NumberKind& kind);
  bool decode(const YAML::Node& node, const std::string& path, std::int64_t& out, const IntegerKind& kind);
  bool decode(const YAML::Node& node, const std::string& path, std::string& out, const TextKind&);
  bool decode(const YAML::Node& node, const std::string& path, std::string& out, const ChoiceKind& kind);
  bool decode(const YAML::Node& node, const std::string& path, bool& out, const BoolKind&);
  bool decode(const YAML::Node& node, const std::string& path, std::int64_t& out, const InstantKind&);
  bool decode(const YAML::Node& node, const std::string& path, std::vector<double>& out, const NumberListKind& kind);

  template <class Spec>
  bool decode(const YAML::Node& node, const std::string& path, Spec& out, const ObjectKind&) {
    if (!expect_map(node, path)) return false;
    sources_.record(path, location_of(file_, node), true);
    read_object(node, path, out);
    return true;
  }

  template <class Spec>
  bool decode(const YAML::Node& node, const std::string& path, std::vector<Spec>& out, const ListKind& kind) {
    if (!node.IsSequence()) {
      problem(node, path, fmt_expected("a list", node));
      return false;
    }
    out.clear();
    sources_.erase_below(path);
    sources_.record(path, location_of(file_, node), true);
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node element = node[i];
      const std::string epath = element_path(path, i);
      Spec& spec = out.emplace_back();
      if (!expect_map(element, epath)) {
        sources_.record(epath, location_of(file_, element), false);
        continue;
      }
      sources_.record(epath, location_of(file_, element), true);
      read_object(element, epath, spec);
    }
    if (out.size() < kind.min_size) {
      problem(node, path, kind.min_size == 1 ? std::string("needs at least one entry") : fmt_min_size(kind.min_size));
      return false;
    }
    return true;
  }

  template <class Spec>
  bool decode(const YAML::Node& node, const std::string& path, std::map<std::string, Spec>& out, const MapKind&) {
    if (!expect_map(node, path)) return false;
    sources_.record(path, location_of(file_, node), true);
    std::map<std::string, int> seen;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        problem(kv.first, path, "names must be plain text");
        continue;
      }
      const std::string name = kv.first.Scalar();
      const std::string epath = child_path(path, name);
      if (!first_time(kv.first, epath, seen)) continue;
      if (!expect_map(kv.second, epath)) {
        sources_.record(epath, location_of(file_, kv.second), false);
        continue;
      }
      sources_.record(epath, location_of(file_, kv.second), true);
      read_object(kv.second, epath, out[name]);
    }
    return true;
  }

  template <class Spec>
  void read_object(const YAML::Node& node, const std::string& path, Spec& spec) {
    const YAML::Node* saved_node = node_;
    std::string saved_path = std::move(path_);
    std::vector<std::string> saved_declared = std::move(declared_);
    node_ = &node;
    path_ = path;
    declared_.clear();
    describe(*this, spec);
    check_unknown_keys(node, path, path.empty());
    node_ = saved_node;
    path_ = std::move(saved_path);
    declared_ = std::move(saved_declared);
  }

  bool expect_map(const YAML::Node& node, const std::string& path);
  bool expect_scalar(const YAML::Node& node, const std::string& path, std::string_view what);
  void check_unknown_keys(const YAML::Node& node, const std::string& path, bool is_root);
  /// False (and a problem at `key`) if `seen`, the keys of one mapping so far, has it already.
  bool first_time(const YAML::Node& key, const std::string& path, std::map<std::string, int>& seen);
  void problem(const YAML::Node& at, const std::string& path, std::string message);
  static std::string fmt_expected(std::string_view what, const YAML::Node& node);
  static std::string fmt_min_size(std::size_t n);

  std::string file_;
  SourceMap& sources_;
  std::vector<Problem>& problems_;
  std::vector<std::string> reserved_;
  const YAML::Node* node_ = nullptr;
  std::string path_;
  std::vector<std::string> declared_;
};

}  // namespace dcsim::scenario
