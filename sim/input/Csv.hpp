#pragma once
// The CSV reading the input readers share: the whole file as text (size limit, no NUL bytes), a
// record scanner (quotes, CRLF, fields that span lines) that knows each field's line and
// character column for problems, and the cell parsers for numbers and ISO 8601 times.

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "sim/input/Problems.hpp"

namespace dcsim::input {

/// Files larger than this are refused before being read.
inline constexpr unsigned long long kMaxTraceFileBytes = 512ull << 20;

/// The whole file; every failure (missing, a directory, over kMaxTraceFileBytes, unreadable, NUL
/// bytes) is a problem naming the file, `kind` saying what file it should have been ("trace").
std::string read_text(const std::string& path, Problems& problems, std::string_view kind);

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

struct Field {
  std::string_view value;  ///< unquoted, unescaped, trimmed
  const char* raw;         ///< where the field starts in the text
};

class CsvScanner {
 public:
  CsvScanner(std::string_view text, Problems& problems) : text_(text), problems_(problems) {}

  /// The next non-blank record, or false at the end of the text.
  bool next(std::vector<Field>& fields) {
    fields.clear();
    scratch_.clear();
    // Skip blank lines.
    for (;;) {
      if (pos_ >= text_.size()) return false;
      std::size_t eol = text_.find('\n', pos_);
      if (eol == std::string_view::npos) eol = text_.size();
      if (!trim(text_.substr(pos_, eol - pos_)).empty()) break;
      pos_ = eol + 1;
      ++line_;
    }
    record_line_ = line_;
    record_begin_ = text_.data() + pos_;
    const char* const end = text_.data() + text_.size();
    const char* p = record_begin_;
    for (;;) {
      const char* const field_begin = p;
      while (p < end && is_blank(*p)) ++p;
      if (p < end && *p == '"') {
        fields.push_back(Field{quoted(p, end), field_begin});
      } else {
        const char* q = p;
        while (q < end && *q != ',' && *q != '\n') ++q;
        fields.push_back(Field{trim(std::string_view(p, static_cast<std::size_t>(q - p))), field_begin});
        p = q;
      }
      if (p < end && *p == ',') {
        ++p;
        continue;
      }
      if (p < end && *p == '\n') {
        ++p;
        ++line_;
      }
      break;
    }
    pos_ = static_cast<std::size_t>(p - text_.data());
    return true;
  }

  int record_line() const { return record_line_; }

  /// Where the scanner is in the text (at the next record, at blank lines before it, or at the
  /// end) and the 1-based line there, for a reader that reads a record of a plain form itself;
  /// taken() then moves past it.
  const char* at() const { return text_.data() + pos_; }
  const char* text_end() const { return text_.data() + text_.size(); }
  int line() const { return line_; }
  /// The record from at() to `next` (just past its '\n', or the end of the text) was read.
  void taken(const char* next) {
    record_line_ = line_;
    record_begin_ = at();
    if (next[-1] == '\n') ++line_;
    pos_ = static_cast<std::size_t>(next - text_.data());
  }

  /// 1-based line of a field (a quoted field may have carried the record over several lines).
  int line_of(const Field& f) const {
    return record_line_ + static_cast<int>(std::count(record_begin_, f.raw, '\n'));
  }
  /// 1-based column of a field in characters (UTF-8 code points) from the start of its line.
  int column_of(const Field& f) const {
    const char* line_start = f.raw;
    while (line_start > record_begin_ && line_start[-1] != '\n') --line_start;
    int col = 1;
    for (const char* c = line_start; c < f.raw; ++c)
      if ((static_cast<unsigned char>(*c) & 0xC0) != 0x80) ++col;
    return col;
  }

 private:
  // p at the opening quote; leaves p after the closing quote and any trailing blanks.
  std::string_view quoted(const char*& p, const char* end) {
    const int open_line = line_;
    ++p;
    const char* const begin = p;
    bool escaped = false;
    for (;;) {
      if (p >= end) problems_.fail(open_line, 0, "", "a quoted field is never closed");
      if (*p == '\n') ++line_;
      if (*p == '"') {
        if (p + 1 < end && p[1] == '"') {
          escaped = true;
          p += 2;
          continue;
        }
        break;
      }
      ++p;
    }
    std::string_view value(begin, static_cast<std::size_t>(p - begin));
    ++p;  // closing quote
    while (p < end && (is_blank(*p) || *p == '\r')) ++p;
    if (p < end && *p != ',' && *p != '\n')
      problems_.add(line_, 0, "", "unexpected text after a closing quote (a quote inside a field must be doubled)");
    while (p < end && *p != ',' && *p != '\n') ++p;
    if (escaped) {
      std::string& s = scratch_.emplace_back();
      for (std::size_t i = 0; i < value.size(); ++i) {
        s += value[i];
        if (value[i] == '"') ++i;
      }
      value = s;
    }
    return value;
  }

  std::string_view text_;
  Problems& problems_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int record_line_ = 1;
  const char* record_begin_ = nullptr;
  std::deque<std::string> scratch_;  // unescaped quoted fields of the current record
};

enum class Cell { ok, empty, bad };

/// A number (a leading '+' allowed); empty and unreadable cells told apart.
Cell parse_number(std::string_view s, double& out);
/// An ISO 8601 time through units::parse_utc_ms, a space standing in for the 'T'; with
/// `naive_is_utc` a time without a zone is UTC. On failure `why` says what is wrong.
bool parse_time(std::string_view text, bool naive_is_utc, std::int64_t& out, std::string& why);
/// "3 h", "90 s", "250 ms": a duration for messages.
std::string format_duration(std::int64_t ms);
/// 'a', 'b', ... (at most 30 shown), or "(nothing)".
std::string quoted_list(const std::vector<std::string>& names);

}  // namespace dcsim::input
