#pragma once
// Catalog files: a YAML mapping `<root_key>: {name: entry, ...}` whose entries are one Spec type,
// read and checked with the same machinery as scenarios (every problem at once, file:line:col).

#include <algorithm>
#include <filesystem>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/InputError.hpp"
#include "models/Memo.hpp"
#include "sim/scenario/CatalogText.hpp"
#include "sim/scenario/Reader.hpp"
#include "sim/scenario/RequiredCheck.hpp"
#include "sim/scenario/YamlFile.hpp"

namespace dcsim::scenario {

template <class Spec>
struct CatalogSpec {
  std::string key;
  std::string description;
  std::map<std::string, Spec> entries;
};

template <class V, class Spec>
void describe(V& v, CatalogSpec<Spec>& c) {
  v.field("description", Need::optional, "what the catalog holds", c.description, TextKind{});
  v.field(c.key, Need::required, "catalog entries by name", c.entries, MapKind{});
}

/// "a, b, c": names in sorted order (as a name-keyed map lists them), for messages.
inline std::string joined_names(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

/// "a, b, c": the entry names of a catalog (or any name-keyed map), for messages.
template <class Map>
std::string names_of(const Map& entries) {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries) names.push_back(name);
  return joined_names(std::move(names));
}

/// The entries under `root_key` of a parsed catalog `file`, read and checked. Throws
/// dcsim::InputError listing every problem.
template <class Spec>
std::map<std::string, Spec> read_catalog_entries(const std::string& file, const YAML::Node& root, const std::string& root_key) {
  CatalogSpec<Spec> catalog{root_key, {}, {}};
  SourceMap sources;
  std::vector<Problem> problems;
  Reader(file, sources, problems).read_root(root, catalog, {});
  RequiredCheck(sources, problems).check_root(catalog);
  if (!problems.empty()) throw InputError(std::move(problems));
  return std::move(catalog.entries);
}

/// Reads the entries under `root_key` of a catalog file. Throws dcsim::InputError.
///
/// The entries of a catalog read without a problem are kept, by the file's identity (path, size,
/// modification time): a sweep's or a Monte Carlo run's thousands of variants read the same
/// catalogs, and parsing them again (yaml-cpp: ~2 ms for the site catalog) would cost more than
/// many a variant's run. A catalog with a problem is not kept: each load reports it afresh, with
/// its lines.
template <class Spec>
std::map<std::string, Spec> load_catalog(const std::filesystem::path& file, const std::string& root_key) {
  static MemoTable<std::map<std::string, Spec>> memo(64);
  const std::string identity = file_identity(file.string());
  return memo.get_or_make(identity.empty() ? identity : identity + "|" + root_key, [&] {
    return read_catalog_entries<Spec>(file.string(), parse_yaml_file(file.string()), root_key);
  });
}

/// The one entry `name` under `root_key` of a catalog file, read alone (CatalogText.hpp) where the
/// file has the usual layout, else from the whole file. Throws dcsim::InputError: for a name the
/// catalog lacks, with `key` (the scenario key that named it) and `what` ("facility", "site") in
/// the message and the catalog's names.
template <class Spec>
Spec load_catalog_entry(const std::filesystem::path& file, const std::string& root_key, const std::string& name,
                        const std::string& key, const std::string& what, const std::string& catalog_name) {
  const auto missing = [&](const std::string& names) {
    return InputError(Location{file.string(), 0, 0}, key,
                      fmt::format("no {} '{}' in the {}; it has {}", what, name, catalog_name, names));
  };
  static MemoTable<Spec> memo(64);
  const std::string identity = file_identity(file.string());
  return memo.get_or_make(identity.empty() ? identity : identity + "|" + root_key + "|" + name, [&] {
    const std::string text = read_yaml_text(file.string());
    const std::optional<CatalogEntryText> cut = catalog_entry_text(text, root_key, name);
    if (cut && !cut->found) throw missing(joined_names(cut->names));
    // The entry alone, or (a layout the cut does not take) the whole text already read.
    auto entries = read_catalog_entries<Spec>(file.string(), parse_yaml_text(file.string(), cut ? cut->text : text), root_key);
    const auto it = entries.find(name);
    if (it == entries.end()) throw missing(names_of(entries));
    return std::move(it->second);
  });
}

}  // namespace dcsim::scenario
