#pragma once
// Where each key of a scenario was written, so that any later check can point at file:line:col.

#include <map>
#include <string>

#include "models/InputError.hpp"

namespace dcsim::scenario {

using dcsim::InputError;
using dcsim::Location;
using dcsim::Problem;

class SourceMap {
 public:
  /// Records that `path` was written at `where`; `valid` is false when its value was rejected.
  void record(const std::string& path, Location where, bool valid);
  /// Forgets `path`'s descendants (a list replaced by a later layer).
  void erase_below(const std::string& path);

  /// The key was written (valid or not).
  bool present(const std::string& path) const { return entries_.count(path) != 0; }
  /// The key was written and its value accepted.
  bool valid(const std::string& path) const;
  /// Location of `path`, or of its nearest recorded ancestor.
  Location find(const std::string& path) const;

 private:
  struct Entry {
    Location where;
    bool valid;
  };
  std::map<std::string, Entry> entries_;
};

/// "a.b", "a[3]": the path of a child key or list element.
std::string child_path(const std::string& parent, std::string_view key);
std::string element_path(const std::string& parent, std::size_t index);
/// Makes a relative `file` absolute against the directory of the YAML file that wrote `key`.
void resolve_relative(std::string& file, const std::string& key, const SourceMap& sources);

/// The closest of `candidates` to `word` if it is close enough to be a likely typo.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace dcsim::scenario
