#pragma once
// The one exception type for bad user input (scenario files, traces, result files), carrying
// every problem found at once.
//
// Each problem names where it is (`file:line:col`), which key (a dotted path such as
// `jobs[0].chips`) and what is wrong. The command line prints one line per problem and exits 2.

#include <stdexcept>
#include <string>
#include <vector>

namespace dcsim {

struct Location {
  std::string file;
  int line = 0;    ///< 1-based; 0 when unknown
  int column = 0;  ///< 1-based; 0 when unknown
};

struct Problem {
  Location where;
  std::string path;  ///< dotted key path; empty for the whole file
  std::string message;
};

/// "file:line:col: path: message" (parts that are unknown are left out).
std::string format_problem(const Problem& p);

class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Problem> problems);
  InputError(Location where, std::string path, std::string message);
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  std::vector<Problem> problems_;
};

}  // namespace dcsim
