#pragma once
// Catalog files: a YAML mapping `<root_key>: {name: entry, ...}` whose entries are one Spec type,
// read and checked with the same machinery as scenarios (every problem at once, file:line:col).

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "models/Memo.hpp"
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

/// "a, b, c": the entry names of a catalog (or any name-keyed map), for messages.
template <class Map>
std::string names_of(const Map& entries) {
  std::string out;
  for (const auto& [name, entry] : entries) out += (out.empty() ? "" : ", ") + name;
  return out;
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
    const YAML::Node root = parse_yaml_file(file.string());
    CatalogSpec<Spec> catalog{root_key, {}, {}};
    SourceMap sources;
    std::vector<Problem> problems;
    Reader(file.string(), sources, problems).read_root(root, catalog, {});
    RequiredCheck(sources, problems).check_root(catalog);
    if (!problems.empty()) throw InputError(std::move(problems));
    return std::move(catalog.entries);
  });
}

}  // namespace dcsim::scenario
