#include "sim/cli/Explain.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/scenario/Scenario.hpp"
#include "sim/scenario/SourceMap.hpp"

namespace dcsim::cli {
namespace {

using scenario::SourceMap;

// Keys that name a catalog entry, with the sibling key holding that catalog's file.
constexpr std::pair<const char*, const char*> kCatalogKeys[] = {
    {"preset", "catalog"}, {"site", "sites_catalog"}, {"region", "catalog"}, {"name", "catalog"}};

struct Line {
  std::string text;
  std::string origin;
};

class Annotator {
 public:
  explicit Annotator(const SourceMap& sources) : sources_(sources) {}

  void mapping(const YAML::Node& map, const std::string& path, int indent, std::string first_prefix) {
    for (const auto& kv : map) {
      const std::string key = kv.first.Scalar();
      const std::string child = scenario::child_path(path, key);
      const std::string lead = first_prefix.empty() ? std::string(static_cast<std::size_t>(indent), ' ') : first_prefix;
      first_prefix.clear();
      value(kv.second, child, lead + key + ":", indent, catalog_of(map, path, key));
    }
  }

  std::vector<Line> lines;

 private:
  void value(const YAML::Node& node, const std::string& path, const std::string& head, int indent, const std::string& note) {
    if (node.IsMap()) {
      lines.push_back(Line{head, origin(path, note)});
      mapping(node, path, indent + 2, "");
    } else if (node.IsSequence() && std::any_of(node.begin(), node.end(), [](const YAML::Node& e) { return e.IsMap(); })) {
      lines.push_back(Line{head, origin(path, note)});
      for (std::size_t i = 0; i < node.size(); ++i) {
        const std::string element = scenario::element_path(path, i);
        mapping(node[i], element, indent + 4, std::string(static_cast<std::size_t>(indent + 2), ' ') + "- ");
      }
    } else {
      YAML::Emitter e;
      if (node.IsSequence()) e << YAML::Flow;
      e << node;
      lines.push_back(Line{head + " " + e.c_str(), origin(path, note)});
    }
  }

  std::string origin(const std::string& path, const std::string& note) const {
    std::string where = "default";
    if (sources_.present(path)) {
      const Location at = sources_.find(path);
      where = at.line > 0 && at.file != "--set" ? fmt::format("{}:{}", at.file, at.line) : at.file;
    }
    return note.empty() ? where : where + "; " + note;
  }

  // "entry of FILE" when `key` of the mapping at `path` names a catalog entry.
  static std::string catalog_of(const YAML::Node& map, const std::string& path, const std::string& key) {
    for (const auto& [entry_key, file_key] : kCatalogKeys) {
      if (key != entry_key || !map[file_key]) continue;
      // `name` names a catalog entry only in grid.region; `region` only in grid.mix.
      const bool region_table = path.size() >= 6 && path.compare(path.size() - 6, 6, "region") == 0;
      if (key == std::string("name") && !region_table) continue;
      if (key == std::string("region") && path.size() >= 3 && path.compare(path.size() - 3, 3, "mix") != 0) continue;
      return fmt::format("an entry of the catalog {}", map[file_key].Scalar());
    }
    return "";
  }

  const SourceMap& sources_;
};

}  // namespace

std::string explain_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  SourceMap sources;
  scenario::LoadOptions options;
  options.sources = &sources;
  const scenario::Scenario s = scenario::load_scenario(file, overrides, options);
  Annotator a(sources);
  a.mapping(YAML::Load(s.resolved_yaml), "", 0, "");

  std::string chain = file.string();
  for (const auto& [key, input] : s.inputs)
    if (key == "extends") chain += " -> " + input;
  std::string out = fmt::format("# {}: scenario '{}', resolved\n# extends chain (each file over the next): {}\n", file.string(),
                                s.name, chain);
  if (!overrides.empty()) out += fmt::format("# over them all: {} --set override{}\n", overrides.size(), overrides.size() == 1 ? "" : "s");
  out += "# after each key: FILE:LINE of the layer that set it, --set, or default\n";
  std::size_t width = 0;
  for (const Line& l : a.lines) width = std::max(width, l.text.size());
  width = std::min<std::size_t>(width, 56);
  for (const Line& l : a.lines) out += fmt::format("{:<{}}  # {}\n", l.text, width, l.origin);
  return out;
}

}  // namespace dcsim::cli
