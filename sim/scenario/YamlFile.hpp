#pragma once
// Reading a YAML file with the guards every dcsim input gets: it must exist, be text, be at most
// 16 MiB, nest flow collections at most 64 deep (yaml-cpp parses recursively) and be a mapping.

#include <string>

#include <yaml-cpp/yaml.h>

namespace dcsim::scenario {

/// Parses `file`; throws dcsim::InputError with file:line:col on any problem.
YAML::Node parse_yaml_file(const std::string& file);
/// The text of `file` with the same guards (it exists, is text, at most 16 MiB).
std::string read_yaml_text(const std::string& file);
/// Parses `text`, read from `file` (named in messages), with the same checks as parse_yaml_file.
YAML::Node parse_yaml_text(const std::string& file, const std::string& text);

/// "canonical path|size|modification time" of `file`, for caches of what was read from it (a
/// changed file is another key); empty when the file cannot be examined (do not cache).
std::string file_identity(const std::string& file);

}  // namespace dcsim::scenario
