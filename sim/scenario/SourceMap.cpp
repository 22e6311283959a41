#include "sim/scenario/SourceMap.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

namespace dcsim::scenario {
namespace {

std::string parent_of(const std::string& path) {
  const auto cut = path.find_last_of(".[");
  return cut == std::string::npos ? std::string() : path.substr(0, cut);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

void SourceMap::record(const std::string& path, Location where, bool valid) {
  entries_[path] = Entry{std::move(where), valid};
}

void SourceMap::erase_below(const std::string& path) {
  for (const char sep : {'.', '['}) {
    const std::string prefix = path + sep;
    auto it = entries_.lower_bound(prefix);
    while (it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0) it = entries_.erase(it);
  }
}

bool SourceMap::valid(const std::string& path) const {
  auto it = entries_.find(path);
  return it != entries_.end() && it->second.valid;
}

Location SourceMap::find(const std::string& path) const {
  std::string p = path;
  for (;;) {
    auto it = entries_.find(p);
    if (it != entries_.end()) return it->second.where;
    if (p.empty()) return {};
    p = parent_of(p);
  }
}

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string element_path(const std::string& parent, std::size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

void resolve_relative(std::string& file, const std::string& key, const SourceMap& sources) {
  namespace fs = std::filesystem;
  if (file.empty() || fs::path(file).is_absolute()) return;
  const fs::path base = fs::path(sources.find(key).file).parent_path();
  file = fs::absolute(base / file).lexically_normal().string();
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace dcsim::scenario
