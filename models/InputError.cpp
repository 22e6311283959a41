#include "models/InputError.hpp"

#include <fmt/format.h>

namespace dcsim {
namespace {

std::string join(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) {
    if (!out.empty()) out += '\n';
    out += format_problem(p);
  }
  return out;
}

}  // namespace

std::string format_problem(const Problem& p) {
  std::string out = p.where.file;
  if (p.where.line > 0) out += fmt::format(":{}", p.where.line);
  if (p.where.line > 0 && p.where.column > 0) out += fmt::format(":{}", p.where.column);
  if (!out.empty()) out += ": ";
  if (!p.path.empty()) out += p.path + ": ";
  out += p.message;
  return out;
}

InputError::InputError(std::vector<Problem> problems) : std::runtime_error(join(problems)), problems_(std::move(problems)) {}

InputError::InputError(Location where, std::string path, std::string message)
    : InputError(std::vector<Problem>{Problem{std::move(where), std::move(path), std::move(message)}}) {}

}  // namespace dcsim
