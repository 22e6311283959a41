#pragma once
// One line of progress on a terminal, rewritten in place ("reproduce: 3/12 gpt3") and cleared at
// the end; nothing at all when disabled (not a terminal, or --quiet).

#include <chrono>
#include <ostream>
#include <string>

namespace dcsim::cli {

class StatusLine {
 public:
  StatusLine(std::ostream& err, bool enabled) : err_(err), enabled_(enabled) {}
  StatusLine(const StatusLine&) = delete;
  StatusLine& operator=(const StatusLine&) = delete;
  ~StatusLine() { clear(); }

  /// Shows `text`; at most ten times a second unless `force` (a terminal redraws slowly).
  void show(const std::string& text, bool force = true) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && shown_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    shown_ = true;
    err_ << "\r\033[K" << text << std::flush;
  }

  /// Removes the line (before other output); the next show() draws it again.
  void clear() {
    if (shown_) err_ << "\r\033[K" << std::flush;
    shown_ = false;
  }

 private:
  std::ostream& err_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace dcsim::cli
