#pragma once
// One entry of a catalog file, cut out of its text before parsing: a run needs one site's
// climate and one facility preset, and yaml-cpp spends ~2,500 instructions per byte on the rest.
//
// The cut works on the common block layout only:
//
//   <root_key>:            (column 0, nothing after it but a comment)
//     <name>: ...          (every entry's key at one indentation, a plain scalar)
//       ...                (its lines, indented deeper, or blank, or comments)
//   <next top-level key>:  (column 0 again)
//
// Every line of the root mapping outside the wanted entry is emptied, not removed, so the parser
// reports the entry's problems at their lines in the file. Anything else (a flow mapping, a
// quoted or complex key, a tab in an indentation, a line less indented than the entries, the same
// name twice, more than one document) gives nullopt: the caller parses the whole file, which
// reports what is wrong with it as before.

#include <optional>
#include <string>
#include <vector>

namespace dcsim::scenario {

struct CatalogEntryText {
  std::vector<std::string> names;  ///< every entry's name, in file order
  bool found = false;              ///< the wanted entry is among them
  std::string text;                ///< the file with every other entry's lines emptied (when found)
};

std::optional<CatalogEntryText> catalog_entry_text(const std::string& text, const std::string& root_key,
                                                   const std::string& name);

}  // namespace dcsim::scenario
