#pragma once
// Prints the scenario format reference (a Markdown table) from the Spec declarations.

#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/units/Calendar.hpp"
#include "sim/scenario/Fields.hpp"
#include "sim/scenario/Reader.hpp"

namespace dcsim::scenario {

class SchemaDoc {
 public:
  template <class Spec>
  static std::string markdown() {
    SchemaDoc doc;
    Spec spec{};
    describe(doc, spec);
    return "| key | value | required / default | meaning |\n|---|---|---|---|\n" + doc.rows_;
  }

  template <class T, class Kind>
  void field(std::string_view key, Need need, std::string_view text, T& member, const Kind& kind) {
    const std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    std::string presence = need == Need::required ? "required" : "optional";
    if constexpr (!is_optional<T>::value) {
      if (need == Need::optional) {
        const std::string d = default_text(member, kind);
        if (!d.empty()) presence = "default " + d;
      }
    }
    rows_ += fmt::format("| `{}` | {} | {} | {} |\n", path, value_text(kind), presence, text);
    if constexpr (is_optional<T>::value) {
      typename T::value_type inner{};
      nested(path, inner, kind);
    } else {
      nested(path, member, kind);
    }
  }

 private:
  static std::string value_text(const QuantityKind& k) {
    std::string u;
    for (const auto& unit : units::known_units())
      if (unit.dimension == k.dimension) u += (u.empty() ? "" : ", ") + std::string(unit.symbol);
    return fmt::format("{} ({})", units::describe(k.dimension), u);
  }
  static std::string value_text(const NumberKind&) { return "number"; }
  static std::string value_text(const IntegerKind&) { return "whole number"; }
  static std::string value_text(const TextKind&) { return "text"; }
  static std::string value_text(const ChoiceKind& k) {
    std::string s = "one of";
    for (std::string_view c : k.choices) s += fmt::format(" `{}`", c);
    return s;
  }
  static std::string value_text(const BoolKind&) { return "true or false"; }
  static std::string value_text(const NumberListKind& k) { return fmt::format("list of {} numbers", k.size); }
  static std::string value_text(const InstantKind&) { return "UTC time (ISO 8601)"; }
  static std::string value_text(const ObjectKind&) { return "mapping"; }
  static std::string value_text(const ListKind&) { return "list of mappings"; }
  static std::string value_text(const MapKind&) { return "mapping of name to mapping"; }

  static std::string default_text(double v, const QuantityKind& k) { return units::format_quantity(v, k.dimension); }
  static std::string default_text(double v, const NumberKind&) { return fmt::format("{}", v); }
  static std::string default_text(std::int64_t v, const IntegerKind&) { return fmt::format("{}", v); }
  static std::string default_text(std::int64_t v, const InstantKind&) { return units::format_utc(v); }
  static std::string default_text(bool v, const BoolKind&) { return v ? "true" : "false"; }
  static std::string default_text(const std::string& v, const ChoiceKind&) { return v.empty() ? "" : "`" + v + "`"; }
  template <class T, class Kind>
  static std::string default_text(const T&, const Kind&) {
    return {};
  }

  template <class T, class Kind>
  void nested(const std::string&, T&, const Kind&) {}
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
  std::string rows_;
};

}  // namespace dcsim::scenario
