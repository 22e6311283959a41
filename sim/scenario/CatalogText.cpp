#include "sim/scenario/CatalogText.hpp"

#include <algorithm>
#include <string_view>

namespace dcsim::scenario {
namespace {

struct Line {
  std::string_view raw;  ///< without its '\n'
  std::size_t indent = 0;
  bool blank = false;    ///< only spaces (and a '\r')
  bool comment = false;  ///< its first character after the indentation is '#'
  bool tab = false;      ///< a tab in its indentation
};

Line classify(std::string_view raw) {
  Line l;
  l.raw = raw;
  std::size_t i = 0;
  while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) {
    if (raw[i] == '\t') l.tab = true;
    ++i;
  }
  l.indent = i;
  l.blank = i == raw.size() || (raw[i] == '\r' && i + 1 == raw.size());
  l.comment = !l.blank && raw[i] == '#';
  return l;
}

bool key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/// The plain key of `key: ...` starting at `from`, with nothing but a value, a comment or the end
/// after its colon; empty when the line is not of that form.
std::string_view plain_key(std::string_view raw, std::size_t from) {
  std::size_t end = from;
  while (end < raw.size() && key_char(raw[end])) ++end;
  if (end == from || end >= raw.size() || raw[end] != ':' || raw[from] == '-') return {};
  if (end + 1 < raw.size() && raw[end + 1] != ' ' && raw[end + 1] != '\r') return {};
  return raw.substr(from, end - from);
}

/// Nothing after `key:` but spaces and a comment.
bool only_key(std::string_view raw, std::size_t after_colon) {
  for (std::size_t i = after_colon; i < raw.size(); ++i) {
    if (raw[i] == '#') return i > after_colon && raw[i - 1] == ' ';
    if (raw[i] != ' ' && raw[i] != '\r') return false;
  }
  return true;
}

/// An anchor (&a) or an alias (*a): an entry could refer to another's nodes.
bool may_refer(std::string_view raw) {
  for (std::size_t i = 0; i + 1 < raw.size(); ++i)
    if ((raw[i] == '&' || raw[i] == '*') && raw[i + 1] != ' ' && raw[i + 1] != '\r') return true;
  return raw.find("<<") != std::string_view::npos;
}

}  // namespace

std::optional<CatalogEntryText> catalog_entry_text(const std::string& text, const std::string& root_key,
                                                   const std::string& name) {
  std::vector<Line> lines;
  for (std::size_t pos = 0; pos <= text.size();) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string::npos ? text.size() : nl;
    lines.push_back(classify(std::string_view(text).substr(pos, end - pos)));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  // The root line: `<root_key>:` at column 0, once; then its body, up to the next top-level key.
  std::size_t root = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    if (l.blank || l.comment) continue;
    if (l.raw.starts_with("---") || l.raw.starts_with("...") || l.raw.starts_with("%")) return std::nullopt;
    if (l.indent == 0 && plain_key(l.raw, 0) == root_key) {
      if (root != lines.size() || !only_key(l.raw, root_key.size() + 1)) return std::nullopt;
      root = i;
    }
  }
  if (root == lines.size()) return std::nullopt;
  std::size_t body_end = root + 1;
  while (body_end < lines.size() && (lines[body_end].blank || lines[body_end].comment || lines[body_end].indent > 0)) ++body_end;

  CatalogEntryText out;
  std::size_t entry_indent = 0;
  std::size_t wanted_from = 0, wanted_to = 0;  // the wanted entry's lines [from, to)
  bool in_wanted = false;
  for (std::size_t i = root + 1; i < body_end; ++i) {
    const Line& l = lines[i];
    if (l.blank) continue;
    if (l.tab) return std::nullopt;
    if (l.comment) continue;
    if (may_refer(l.raw)) return std::nullopt;
    if (entry_indent == 0) entry_indent = l.indent;
    if (l.indent < entry_indent) return std::nullopt;
    if (l.indent > entry_indent) continue;
    const std::string_view key = plain_key(l.raw, l.indent);
    if (key.empty()) return std::nullopt;
    if (std::find(out.names.begin(), out.names.end(), key) != out.names.end()) return std::nullopt;
    out.names.emplace_back(key);
    if (in_wanted) {
      wanted_to = i;
      in_wanted = false;
    }
    if (key == name) {
      out.found = true;
      in_wanted = true;
      wanted_from = i;
    }
  }
  if (out.names.empty()) return std::nullopt;
  if (in_wanted) wanted_to = body_end;
  if (!out.found) return out;
  out.text.reserve(text.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const bool keep = i <= root || i >= body_end || (i >= wanted_from && i < wanted_to);
    if (keep) out.text.append(lines[i].raw);
    if (i + 1 < lines.size()) out.text.push_back('\n');
  }
  return out;
}

}  // namespace dcsim::scenario
