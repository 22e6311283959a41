#pragma once
// The problems a CSV or text reader collects for one file: up to kMaxInputProblems, each with its
// 1-based line and character column and the column name as key path, thrown together as one
// dcsim::InputError.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "models/InputError.hpp"

namespace dcsim::input {

inline constexpr std::size_t kMaxInputProblems = 50;

class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}

  void add(int line, int column, std::string path, std::string message) {
    if (list_.size() == kMaxInputProblems) {
      list_.push_back(Problem{Location{file_, 0, 0}, "",
                              fmt::format("... more problems (stopped after the first {})", kMaxInputProblems)});
      throw InputError(std::move(list_));
    }
    list_.push_back(Problem{Location{file_, line, column}, std::move(path), std::move(message)});
  }
  [[noreturn]] void fail(int line, int column, std::string path, std::string message) {
    add(line, column, std::move(path), std::move(message));
    throw InputError(std::move(list_));
  }
  bool any() const { return !list_.empty(); }
  void throw_if_any() {
    if (!list_.empty()) throw InputError(std::move(list_));
  }

 private:
  std::string file_;
  std::vector<Problem> list_;
};

}  // namespace dcsim::input
