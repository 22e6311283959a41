#pragma once
// Writes a Spec back as YAML through its describe(): the fully resolved scenario (every layer of
// `extends` applied, every default filled in) that a run stores in its output file.

#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/units/Calendar.hpp"
#include "sim/scenario/Fields.hpp"
#include "sim/scenario/Reader.hpp"

namespace dcsim::scenario {

class Writer {
 public:
  explicit Writer(YAML::Emitter& out) : out_(out) {}

  template <class Spec>
  static std::string to_yaml(const Spec& spec) {
    YAML::Emitter out;
    Writer w(out);
    Spec copy = spec;
    out << YAML::BeginMap;
    describe(w, copy);
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
  }

  template <class T, class Kind>
  void field(std::string_view key, Need, std::string_view, T& member, const Kind& kind) {
    if constexpr (is_optional<T>::value) {
      if (member) emit(key, *member, kind);
    } else {
      emit(key, member, kind);
    }
  }

 private:
  void scalar(std::string_view key, const std::string& text) {
    out_ << YAML::Key << std::string(key) << YAML::Value << text;
  }
  void emit(std::string_view key, double v, const QuantityKind& k) { scalar(key, units::format_quantity(v, k.dimension)); }
  void emit(std::string_view key, double v, const NumberKind&) { scalar(key, fmt::format("{}", v)); }
  void emit(std::string_view key, std::int64_t v, const IntegerKind&) { scalar(key, fmt::format("{}", v)); }
  void emit(std::string_view key, const std::string& v, const TextKind&) {
    if (!v.empty()) scalar(key, v);
  }
  void emit(std::string_view key, std::int64_t v, const InstantKind&) { scalar(key, units::format_utc(v)); }
  void emit(std::string_view key, const std::string& v, const ChoiceKind&) {
    if (!v.empty()) scalar(key, v);
  }
  void emit(std::string_view key, bool v, const BoolKind&) { scalar(key, v ? "true" : "false"); }
  void emit(std::string_view key, const std::vector<double>& v, const NumberListKind&) {
    if (v.empty()) return;
    out_ << YAML::Key << std::string(key) << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const double x : v) out_ << fmt::format("{}", x);
    out_ << YAML::EndSeq;
  }

  template <class Spec>
  void emit(std::string_view key, Spec& spec, const ObjectKind&) {
    out_ << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
    describe(*this, spec);
    out_ << YAML::EndMap;
  }
  template <class Spec>
  void emit(std::string_view key, std::vector<Spec>& list, const ListKind&) {
    if (list.empty()) return;
    out_ << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
    for (Spec& s : list) {
      out_ << YAML::BeginMap;
      describe(*this, s);
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
  }
  template <class Spec>
  void emit(std::string_view key, std::map<std::string, Spec>& map, const MapKind&) {
    out_ << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
    for (auto& [name, s] : map) {
      out_ << YAML::Key << name << YAML::Value << YAML::BeginMap;
      describe(*this, s);
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
  }

  YAML::Emitter& out_;
};

}  // namespace dcsim::scenario
