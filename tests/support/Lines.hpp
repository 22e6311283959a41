#pragma once
// Scenario texts as lists of lines, edited by 1-based line number, so that a test can count the
// line of each problem it expects by hand.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace dcsim::test {

using Lines = std::vector<std::string>;

/// The lines joined, each ended by a newline.
inline std::string text(const Lines& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

/// `lines` with line `n` replaced.
inline Lines with(Lines lines, int n, const std::string& line) {
  lines.at(static_cast<std::size_t>(n - 1)) = line;
  return lines;
}

/// `lines` with each line n of `replacements` replaced.
inline Lines with(Lines lines, const std::map<int, std::string>& replacements) {
  for (const auto& [n, line] : replacements) lines = with(std::move(lines), n, line);
  return lines;
}

/// `lines` without lines first..last.
inline Lines without(Lines lines, int first, int last) {
  lines.erase(lines.begin() + (first - 1), lines.begin() + last);
  return lines;
}

/// `lines` with `extra` inserted after line `n` (0: at the top).
inline Lines inserted(Lines lines, int n, const Lines& extra) {
  lines.insert(lines.begin() + n, extra.begin(), extra.end());
  return lines;
}

/// `lines` with `extra` after the last line.
inline Lines appended(Lines lines, const Lines& extra) {
  lines.insert(lines.end(), extra.begin(), extra.end());
  return lines;
}

}  // namespace dcsim::test
