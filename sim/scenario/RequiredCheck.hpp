#pragma once
// After every layer of a scenario is read: reports each required key that no layer wrote.

#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/scenario/Fields.hpp"
#include "sim/scenario/Reader.hpp"
#include "sim/scenario/SourceMap.hpp"

namespace dcsim::scenario {

class RequiredCheck {
 public:
  RequiredCheck(const SourceMap& sources, std::vector<Problem>& problems) : sources_(sources), problems_(problems) {}

  template <class Spec>
  void check_root(Spec& spec) {
    path_.clear();
    describe(*this, spec);
  }

  template <class T, class Kind>
  void field(std::string_view key, Need need, std::string_view doc, T& member, const Kind& kind) {
    const std::string path = child_path(path_, key);
    if (!sources_.present(path)) {
      if (need == Need::required)
        problems_.push_back(Problem{sources_.find(path_), path, fmt::format("missing required key '{}' ({})", key, doc)});
      return;
    }
    if constexpr (is_optional<T>::value) {
      if (member) descend(path, *member, kind);
    } else {
      descend(path, member, kind);
    }
  }

 private:
  template <class T, class Kind>
  void descend(const std::string&, T&, const Kind&) {}

  template <class Spec>
  void descend(const std::string& path, Spec& spec, const ObjectKind&) {
    if (sources_.valid(path)) within(path, spec);  // a rejected mapping was reported once already
  }
  template <class Spec>
  void descend(const std::string& path, std::vector<Spec>& list, const ListKind&) {
    for (std::size_t i = 0; i < list.size(); ++i)
      if (sources_.valid(element_path(path, i))) within(element_path(path, i), list[i]);
  }
  template <class Spec>
  void descend(const std::string& path, std::map<std::string, Spec>& map, const MapKind&) {
    for (auto& [name, spec] : map)
      if (sources_.valid(child_path(path, name))) within(child_path(path, name), spec);
  }

  template <class Spec>
  void within(const std::string& path, Spec& spec) {
    std::string saved = std::move(path_);
    path_ = path;
    describe(*this, spec);
    path_ = std::move(saved);
  }

  const SourceMap& sources_;
  std::vector<Problem>& problems_;
  std::string path_;
};

}  // namespace dcsim::scenario
