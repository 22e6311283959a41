// Job-trace reader: the whole file in one buffer, fields as string_views into it, numbers by
// std::from_chars, and a column plan per layout that says what each field of a row becomes. No
// allocation per row once the vectors have grown; strings are allocated once per distinct value.

#include "sim/input/JobTraceReader.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fmt/format.h>

#include "models/InputError.hpp"
#include "sim/SpareCore.hpp"
#include "sim/input/Decimal.hpp"
#include "sim/input/Problems.hpp"
#include "models/units/Calendar.hpp"

namespace dcsim::input {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
// No cluster has a billion devices; the bound keeps every count far from integer overflow.
constexpr std::int64_t kMaxCount = 1'000'000'000;
// Numeric times are held to 10,000 years, far inside the engine's int64 milliseconds (1e300 s would
// overflow them), and durations to the scenario's own bound for a job (jobs[].duration).
constexpr double kYear = 365.25 * 86'400.0;
constexpr double kMaxTimeS = 10'000 * kYear;
constexpr double kMaxDurationS = 100 * kYear;

constexpr std::string_view kLayoutNames[] = {"dcsim", "philly", "helios", "pai"};

// alibaba/clusterdata cluster-trace-gpu-v2020/data/pai_task_table.header
constexpr std::string_view kPaiTaskColumns[] = {"job_name", "task_name", "inst_num", "status",   "start_time",
                                                "end_time", "plan_cpu",  "plan_mem", "plan_gpu", "gpu_type"};

// ---------------------------------------------------------------------------------------------
// Problems

// ---------------------------------------------------------------------------------------------
// The file as one buffer

// Anonymous memory mapped with its pages faulted in at once: reading a large trace into it costs
// half as much as into fresh heap memory, which the kernel faults in page by page. (Mapping the
// file itself would be cheaper still, but a file truncated while mapped kills the reader with
// SIGBUS.)
class Text {
 public:
  Text() = default;
  Text(const Text&) = delete;
  Text& operator=(const Text&) = delete;
  ~Text() { unmap(data_, capacity_); }

  /// Room for `capacity` bytes in all, keeping what has been read; false if out of memory.
  bool reserve(std::size_t capacity) {
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE;
#endif
    void* p = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) return false;
    if (size_ > 0) std::memcpy(p, data_, size_);
    unmap(data_, capacity_);
    data_ = static_cast<char*>(p);
    capacity_ = capacity;
    return true;
  }
  char* end() { return data_ + size_; }
  std::size_t room() const { return capacity_ - size_; }
  std::size_t capacity() const { return capacity_; }
  void grow(std::size_t n) { size_ += n; }
  std::string_view view() const { return {data_, size_}; }

 private:
  static void unmap(char* p, std::size_t n) {
    if (p != nullptr) ::munmap(p, n);
  }
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

void read_text(const std::string& path, Text& text, Problems& problems) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) problems.fail(0, 0, "", "no such file");
  if (fs::is_directory(st)) problems.fail(0, 0, "", "is a directory, not a job trace");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxJobTraceFileBytes)
    problems.fail(0, 0, "",
                  fmt::format("file is {} bytes; job traces are limited to {} bytes (2 GiB)", size, kMaxJobTraceFileBytes));

  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) problems.fail(0, 0, "", fmt::format("cannot be read: {}", std::strerror(errno)));
  const auto no_memory = [&](std::size_t bytes) {
    problems.fail(0, 0, "", fmt::format("cannot be read: no memory for {} bytes", bytes));
  };
  // One spare byte, so that a file read to its stat size is seen to end with one more call.
  const std::size_t first = ec ? std::size_t{1} << 20 : static_cast<std::size_t>(size) + 1;
  if (!text.reserve(first)) no_memory(first);
  for (;;) {
    if (text.room() == 0 && !text.reserve(text.capacity() * 2)) no_memory(text.capacity() * 2);  // it grew
    const ssize_t n = ::read(fd.get(), text.end(), text.room());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) problems.fail(0, 0, "", fmt::format("cannot be read: {}", std::strerror(errno)));
    if (n == 0) break;
    text.grow(static_cast<std::size_t>(n));
    if (std::memchr(text.end() - n, '\0', static_cast<std::size_t>(n)) != nullptr) break;  // not text: reported below
    if (text.view().size() > kMaxJobTraceFileBytes)
      problems.fail(0, 0, "", fmt::format("file is over {} bytes (2 GiB), the limit for job traces", kMaxJobTraceFileBytes));
  }

  const std::string_view all = text.view();
  if (const std::size_t nul = all.find('\0'); nul != std::string_view::npos) {
    const int line = 1 + static_cast<int>(std::count(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(nul), '\n'));
    problems.fail(line, 0, "", "is not a text file (contains NUL bytes)");
  }
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// ---------------------------------------------------------------------------------------------
// CSV records

struct Field {
  std::string_view value;  ///< trimmed, without enclosing quotes (a doubled quote stays doubled)
  const char* raw;         ///< where the field starts in the text
  bool escaped;            ///< quoted, with doubled quotes inside
};

class CsvRows {
 public:
  CsvRows(std::string_view text, Problems& problems)
      : pos_(text.data()), end_(text.data() + text.size()), problems_(problems) {}

  /// Goes on in `text`, the next block of whole records of the same file (a streamed read).
  void reset(std::string_view text) {
    pos_ = text.data();
    end_ = text.data() + text.size();
  }
  /// The 1-based line the reader is at.
  int line() const { return line_; }

  /// The next non-blank record, or false at the end of the text.
  bool next(std::vector<Field>& fields) {
    fields.clear();
    const char* p = pos_;
    for (;;) {  // skip blank lines
      const char* q = p;
      while (q < end_ && is_blank(*q)) ++q;
      if (q == end_) {
        pos_ = end_;
        return false;
      }
      if (*q != '\n') break;
      p = q + 1;
      ++line_;
    }
    record_line_ = line_;
    record_begin_ = p;
    const auto left = static_cast<std::size_t>(end_ - p);
    const char* eol = static_cast<const char*>(std::memchr(p, '\n', left));
    if (eol == nullptr) eol = end_;
    // The common case, a line without quoted fields: split at the commas. A field that opens
    // with a quote sends the record back to the general scan below.
    for (;;) {
      const char* q = static_cast<const char*>(std::memchr(p, ',', static_cast<std::size_t>(eol - p)));
      if (q == nullptr) q = eol;
      fields.push_back(field(p, q));
      if (!fields.back().value.empty() && fields.back().value.front() == '"') break;
      if (q == eol) {
        if (eol < end_) ++line_;
        pos_ = eol < end_ ? eol + 1 : end_;
        return true;
      }
      p = q + 1;
    }
    fields.clear();
    p = record_begin_;
    for (;;) {
      const char* const field_begin = p;
      while (p < end_ && (*p == ' ' || *p == '\t')) ++p;
      if (p < end_ && *p == '"') {
        fields.push_back(quoted(p, field_begin));
      } else {
        const char* q = p;
        while (q < end_ && *q != ',' && *q != '\n') ++q;
        fields.push_back(field(field_begin, q));
        p = q;
      }
      if (p < end_ && *p == ',') {
        ++p;
        continue;
      }
      if (p < end_ && *p == '\n') {
        ++p;
        ++line_;
      }
      break;
    }
    pos_ = p;
    return true;
  }

  int record_line() const { return record_line_; }

  /// Where the next record starts (the end of the block when there is none left in it), for a
  /// reader that splits a plain record itself; taken() then moves past it.
  const char* at() const { return pos_; }
  const char* block_end() const { return end_; }
  /// The record from at() to `next` (just past its '\n', or the end of the block) was read.
  void taken(const char* next) {
    record_line_ = line_;
    record_begin_ = pos_;
    if (next[-1] == '\n') ++line_;
    pos_ = next;
  }
  /// 1-based line of a field (a quoted field may carry a record over several lines).
  int line_of(const Field& f) const {
    return record_line_ + static_cast<int>(std::count(record_begin_, f.raw, '\n'));
  }
  /// 1-based column of a field in characters (UTF-8 code points) from the start of its line.
  int column_of(const Field& f) const {
    const char* start = f.raw;
    while (start > record_begin_ && start[-1] != '\n') --start;
    int col = 1;
    for (const char* c = start; c < f.raw; ++c)
      if ((static_cast<unsigned char>(*c) & 0xC0) != 0x80) ++col;
    return col;
  }

 private:
  // An unquoted field from b to e, trimmed.
  static Field field(const char* b, const char* e) {
    const char* const raw = b;
    while (b < e && (*b == ' ' || *b == '\t')) ++b;
    while (e > b && is_blank(e[-1])) --e;
    return Field{std::string_view(b, static_cast<std::size_t>(e - b)), raw, false};
  }

  // p at the opening quote; leaves p at the ',' or '\n' that ends the field (or the end).
  Field quoted(const char*& p, const char* field_begin) {
    const int open_line = line_;
    const char* const begin = ++p;
    bool escaped = false;
    for (;;) {
      if (p >= end_) problems_.fail(open_line, 0, "", "a quoted field is never closed");
      if (*p == '"') {
        if (p + 1 < end_ && p[1] == '"') {
          escaped = true;
          p += 2;
          continue;
        }
        break;
      }
      if (*p == '\n') ++line_;
      ++p;
    }
    const std::string_view value(begin, static_cast<std::size_t>(p - begin));
    ++p;
    while (p < end_ && is_blank(*p)) ++p;
    if (p < end_ && *p != ',' && *p != '\n') {
      problems_.add(line_, 0, "", "unexpected text after a closing quote (a quote inside a field must be doubled)");
      while (p < end_ && *p != ',' && *p != '\n') ++p;
    }
    return Field{value, field_begin, escaped};
  }

  const char* pos_;
  const char* end_;
  Problems& problems_;
  int line_ = 1;
  int record_line_ = 1;
  const char* record_begin_ = nullptr;
};

std::string unescape(std::string_view quoted_value) {
  std::string s;
  s.reserve(quoted_value.size());
  for (std::size_t i = 0; i < quoted_value.size(); ++i) {
    s += quoted_value[i];
    if (quoted_value[i] == '"') ++i;  // the second of a doubled quote
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Cells

enum class Cell { ok, empty, not_number, not_finite, out_of_range, not_whole };

Cell parse_double(std::string_view s, double& out) {
  if (s.empty()) return Cell::empty;
  const char* b = s.data();
  const char* const e = b + s.size();
  if (fast_decimal(b, e, out)) return Cell::ok;
  if (*b == '+' && e - b > 1 && b[1] != '-') ++b;  // from_chars takes no leading '+'
  const auto [ptr, ec] = std::from_chars(b, e, out);
  if (ptr != e || (ec != std::errc{} && ec != std::errc::result_out_of_range)) return Cell::not_number;
  if (ec == std::errc::result_out_of_range) return Cell::out_of_range;
  return std::isfinite(out) ? Cell::ok : Cell::not_finite;
}

// A whole number, also when written as a double ("8.0", "8e0": pandas writes integer columns
// that hold a missing value that way).
Cell parse_whole(std::string_view s, std::int64_t& out) {
  if (s.empty()) return Cell::empty;
  const char* b = s.data();
  const char* const e = b + s.size();
  if (*b == '+' && e - b > 1 && b[1] != '-') ++b;
  const auto [ptr, ec] = std::from_chars(b, e, out);
  if (ptr == e && ec == std::errc{}) return Cell::ok;
  double d = 0;
  const Cell c = parse_double(s, d);
  if (c != Cell::ok) return c;
  if (std::abs(d) > 9.0e18) return Cell::out_of_range;
  if (d != std::floor(d)) return Cell::not_whole;
  out = static_cast<std::int64_t>(d);
  return Cell::ok;
}

std::string cell_message(Cell c, std::string_view text) {
  switch (c) {
    case Cell::empty: return "empty value";
    case Cell::not_number: return fmt::format("'{}' is not a number", text);
    case Cell::not_finite: return fmt::format("'{}' is not a finite number", text);
    case Cell::out_of_range: return fmt::format("'{}' is out of range", text);
    case Cell::not_whole: return fmt::format("'{}' is not a whole number", text);
    case Cell::ok: break;
  }
  return "";
}

// 'YYYY-MM-DD hh:mm:ss' (or any ISO 8601 form units::parse_utc_ms takes); a space may stand for
// the 'T' and a time without a zone is UTC. Returns false with the reason in `why`.
bool parse_calendar(std::string_view text, std::int64_t& ms, std::string& why) {
  char buf[48];
  if (text.size() > 40) {
    why = "too long for a time";
    return false;
  }
  std::size_t n = text.size();
  std::memcpy(buf, text.data(), n);
  if (n > 10 && buf[10] == ' ') buf[10] = 'T';
  if (n > 10 && std::none_of(buf + 11, buf + n, [](char c) { return c == 'Z' || c == 'z' || c == '+' || c == '-'; }))
    buf[n++] = 'Z';
  const std::string_view fixed(buf, n);
  try {
    ms = units::parse_utc_ms(fixed);
    return true;
  } catch (const units::TimeFormatError& e) {
    // The message is "'<text>' is not a UTC time (<why>); write e.g. ...": keep <why>.
    const std::string_view msg = e.what();
    constexpr std::string_view lead = "is not a UTC time (";
    const std::size_t a = msg.find(lead, fixed.size() + 2);
    const std::size_t b = msg.rfind(");");
    why = a != std::string_view::npos && b != std::string_view::npos && b > a
              ? std::string(msg.substr(a + lead.size(), b - a - lead.size()))
              : std::string(msg);
    return false;
  }
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i == 30) {
      out += fmt::format(", ... ({} more)", names.size() - i);
      break;
    }
    out += fmt::format("{}'{}'", i == 0 ? "" : ", ", names[i]);
  }
  return out.empty() ? "(nothing)" : out;
}

// ---------------------------------------------------------------------------------------------
// Layouts and the column plan

enum class Clock { seconds, calendar };

// A layout's default column names; "" = the layout has no such column.
struct LayoutSpec {
  std::string_view arrival, hosts, accelerators, duration, start, end, utilisation, user, name, instances;
  Clock clock;
  bool public_trace;  ///< sort by arrival, epoch 0 = earliest arrival, CPU-only rows skipped
};

const LayoutSpec& spec_of(JobTraceLayout layout) {
  static const LayoutSpec dcsim{"arrival_s", "hosts", "accelerators", "duration_s", "", "", "utilisation", "user",
                                "name",      "",      Clock::seconds, false};
  static const LayoutSpec helios{"submit_time", "", "gpu_num", "duration", "start_time", "end_time", "", "user",
                                 "",            "", Clock::calendar, true};
  static const LayoutSpec pai{"start_time", "", "plan_gpu", "", "start_time", "end_time", "", "", "", "inst_num",
                              Clock::seconds, true};
  switch (layout) {
    case JobTraceLayout::dcsim: return dcsim;
    case JobTraceLayout::philly:  // the Helios-schema conversion: same columns
    case JobTraceLayout::helios: return helios;
    case JobTraceLayout::pai: return pai;
  }
  return dcsim;
}

struct Header {
  std::vector<std::string> names;
  int line = 1;  ///< 0 when the layout supplies the names
};

struct Column {
  std::size_t index = kNone;
  std::string name;
  bool present() const { return index != kNone; }
};

class Planner {
 public:
  Planner(const Header& header, JobTraceLayout layout, Problems& problems)
      : header_(header), layout_(layout), problems_(problems) {}

  // The column `mapped` (when set by the options, under `key`) or else `fallback`. A missing
  // column is a problem when `required` or when the options named it.
  Column resolve(const std::string& mapped, std::string_view fallback, std::string_view key, std::string_view role,
                 bool required) {
    const bool explicit_name = !mapped.empty();
    const std::string wanted = explicit_name ? mapped : std::string(fallback);
    if (wanted.empty()) return {};
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < header_.names.size(); ++i)
      if (header_.names[i] == wanted) at.push_back(i);
    if (at.size() == 1) return Column{at.front(), wanted};
    if (at.size() > 1) {
      std::string where;
      for (std::size_t i : at) where += fmt::format("{}{}", where.empty() ? "" : ", ", i + 1);
      problems_.add(header_.line, 0, wanted,
                    fmt::format("column '{}' appears {} times in the header (fields {}); which one to read is ambiguous",
                                wanted, at.size(), where));
    } else if (required || explicit_name) {
      problems_.add(header_.line, 0, wanted,
                    missing_message(fmt::format("'{}'", wanted), role, explicit_name ? key : std::string_view()));
    }
    return {};
  }

  // `wanted` is quoted already: "'hosts'" or "'hosts' or 'accelerators'".
  std::string missing_message(std::string_view wanted, std::string_view role, std::string_view key) const {
    const std::string source = key.empty() ? fmt::format("the {} layout", job_trace_layout_name(layout_))
                                           : fmt::format("columns.{}", key);
    return fmt::format("missing column {} for {} ({}); the header has: {}", wanted, role, source,
                       quoted_list(header_.names));
  }

  bool has(std::string_view name) const {
    return std::find(header_.names.begin(), header_.names.end(), name) != header_.names.end();
  }

 private:
  const Header& header_;
  JobTraceLayout layout_;
  Problems& problems_;
};

struct Plan {
  Column arrival, count, instances, duration, start, end, utilisation, user, name;
  bool by_hosts = false;
  bool gpu_percent = false;  ///< pai: count = ceil(instances x count / 100)
  Clock clock = Clock::seconds;
  bool public_trace = false;
  bool zero_start_unfinished = false;  ///< pai: start_time 0 = never started
};

Plan make_plan(const Header& header, const JobTraceOptions& options, Problems& problems) {
  const LayoutSpec& spec = spec_of(options.layout);
  const JobTraceColumns& c = options.columns;
  Planner planner(header, options.layout, problems);
  Plan plan;
  plan.clock = spec.clock;
  plan.public_trace = spec.public_trace;
  plan.zero_start_unfinished = options.layout == JobTraceLayout::pai;

  plan.arrival = planner.resolve(c.arrival, spec.arrival, "arrival", "the arrival time", true);

  if (!c.hosts.empty() && !c.accelerators.empty()) {
    problems.add(0, 0, "columns.hosts",
                 "columns.hosts and columns.accelerators are both set; a job trace gives one or the other");
  } else if (!c.hosts.empty()) {
    plan.count = planner.resolve(c.hosts, "", "hosts", "the number of hosts", true);
    plan.by_hosts = true;
  } else if (!c.accelerators.empty()) {
    plan.count = planner.resolve(c.accelerators, "", "accelerators", "the number of accelerators", true);
  } else if (!spec.hosts.empty() && !spec.accelerators.empty()) {
    const bool h = planner.has(spec.hosts), a = planner.has(spec.accelerators);
    if (h && a) {
      problems.add(header.line, 0, std::string(spec.hosts),
                   fmt::format("the header has both '{}' and '{}'; set columns.hosts or columns.accelerators to say which to read",
                               spec.hosts, spec.accelerators));
    } else if (!h && !a) {
      problems.add(header.line, 0, std::string(spec.hosts),
                   planner.missing_message(fmt::format("'{}' or '{}'", spec.hosts, spec.accelerators), "the job size", ""));
    } else {
      plan.by_hosts = h;
      plan.count = h ? planner.resolve("", spec.hosts, "hosts", "the number of hosts", true)
                     : planner.resolve("", spec.accelerators, "accelerators", "the number of accelerators", true);
    }
  } else if (!spec.hosts.empty()) {
    plan.count = planner.resolve("", spec.hosts, "hosts", "the number of hosts", true);
    plan.by_hosts = true;
  } else {
    plan.count = planner.resolve("", spec.accelerators, "accelerators", "the number of GPUs", true);
  }

  if (options.layout == JobTraceLayout::pai && !plan.by_hosts) {
    plan.gpu_percent = true;
    plan.instances = planner.resolve("", spec.instances, "", "the instances per task", true);
  }

  const auto start_end = [&] {
    if (c.start.empty() && spec.start.empty())
      problems.add(0, 0, "columns.start", "the duration needs a start column as well as an end column");
    if (c.end.empty() && spec.end.empty())
      problems.add(0, 0, "columns.end", "the duration needs an end column as well as a start column");
    plan.start = planner.resolve(c.start, spec.start, "start", "the start time", true);
    plan.end = planner.resolve(c.end, spec.end, "end", "the end time", true);
  };
  if (!c.duration.empty())
    plan.duration = planner.resolve(c.duration, "", "duration", "the duration", true);
  else if (!c.start.empty() || !c.end.empty())
    start_end();
  else if (!spec.duration.empty())
    plan.duration = planner.resolve("", spec.duration, "duration", "the duration", true);
  else
    start_end();

  plan.utilisation = planner.resolve(c.utilisation, spec.utilisation, "utilisation", "the utilisation", false);
  plan.user = planner.resolve(c.user, spec.user, "user", "the user", false);
  plan.name = planner.resolve(c.name, spec.name, "name", "the job name", false);
  return plan;
}

// ---------------------------------------------------------------------------------------------
// The row loop

class Builder {
 public:
  /// `streamed`: rows are handed on one at a time (JobTraceStream), names and users kept as text
  /// of the last row rather than interned.
  Builder(const JobTraceOptions& options, const Plan& plan, const CsvRows& csv, Problems& problems,
          std::size_t header_fields, JobTrace& trace, bool streamed = false)
      : options_(options), plan_(plan), csv_(csv), problems_(problems), header_fields_(header_fields), trace_(trace),
        streamed_(streamed) {
    trace_.by_hosts = plan.by_hosts;
    plan_plain_rows();
  }

  void reserve(std::size_t rows) {
    trace_.jobs.reserve(rows);
    if (plan_.clock == Clock::calendar) arrival_ms_.reserve(rows);
  }

  /// Reads one record into `job`; true when it is a job (not skipped, no problem so far).
  bool row(const std::vector<Field>& f, TraceJob& job) {
    ++rows_;
    if (f.size() != header_fields_) {
      problems_.add(csv_.record_line(), 0, "", fmt::format("row has {} fields; the header has {}", f.size(), header_fields_));
      return false;
    }
    if (unfinished(f)) return false;

    job = TraceJob{};
    bool ok = count(f, job);
    if (ok && job.hosts == 0 && job.accelerators == 0) {
      ++trace_.skipped_cpu_only;
      return false;
    }
    arrival_ms_now_ = 0;
    ok = arrival(f[plan_.arrival.index], job, arrival_ms_now_) && ok;
    ok = duration(f, job) && ok;
    ok = utilisation(f, job) && ok;
    if (streamed_) {
      text_of(plan_.user, f, user_);
      text_of(plan_.name, f, name_);
    } else {
      if (plan_.user.present()) job.user = intern(f[plan_.user.index], users_, trace_.users);
      if (plan_.name.present()) job.name = intern(f[plan_.name.index], names_, trace_.names);
    }
    return ok && !problems_.any();
  }

  /// Whether plain_row() may be tried: numeric times and a duration column, a job size read as
  /// it is, no text columns, rows in order of arrival (the dcsim layout).
  bool reads_plain_rows() const { return !plain_.empty(); }

  /// A record of the plain form that row() reads without a problem, read straight from the
  /// text at p (up to `end`, the end of the block): every field unquoted, without blanks, the
  /// numbers in the forms decimal_prefix() decides and inside the bounds row() checks. Then
  /// `job` is what row() makes of it and the result is where the next record starts. Anything
  /// else (a blank line, quotes, spaces, '\r', another form of number, a value row() would report
  /// or skip) gives null and changes nothing: row() then reads the record the usual way, with
  /// the same result or its message. `line` is the record's line.
  const char* plain_row(const char* p, const char* end, int line, TraceJob& job) {
    if (problems_.any()) return nullptr;
    if (canonical_) return canonical_row(p, end, line, job);
    TraceJob j;
    j.utilisation = options_.default_utilisation;
    double arrival = 0.0;
    for (std::size_t i = 0; i < plain_.size(); ++i) {
      const bool last = i + 1 == plain_.size();
      const Role role = plain_[i];
      if (role == Role::skip) {
        while (p < end && *p != ',' && *p != '\n' && *p != '"' && *p != '\r') ++p;
        if (p < end && (*p == '"' || *p == '\r')) return nullptr;
      } else if (role == Role::count) {
        std::int64_t n = 0;
        const char* const first = p;
        for (unsigned d; p < end && p - first < 10 && (d = static_cast<unsigned>(*p - '0')) < 10; ++p)
          n = n * 10 + static_cast<std::int64_t>(d);
        if (p == first || n < 1 || n > kMaxCount) return nullptr;
        (plan_.by_hosts ? j.hosts : j.accelerators) = n;
      } else {
        double v = 0.0;
        const char* const after = decimal_prefix(p, end, v);
        if (after == nullptr) return nullptr;
        p = after;
        if (role == Role::utilisation) {
          if (!(v >= 0 && v <= 1)) return nullptr;
          j.utilisation = v;
        } else {
          const double s = v * options_.time_unit_s;
          if (!(std::abs(s) <= kMaxTimeS)) return nullptr;  // also not finite
          if (role == Role::arrival) {
            if (s < 0 || (have_previous_ && s < previous_s_)) return nullptr;
            arrival = s;
          } else {
            if (!(s > 0) || !(s <= kMaxDurationS)) return nullptr;
            j.duration_s = s;
          }
        }
      }
      // What ends the field: a comma, or for the last one the end of the line.
      if (!last) {
        if (p == end || *p != ',') return nullptr;
        ++p;
      } else if (p < end) {
        if (*p != '\n') return nullptr;
        ++p;
      }
    }
    j.arrival_s = arrival;
    ++rows_;
    have_previous_ = true;
    previous_s_ = arrival;
    previous_line_ = line;
    job = j;
    return p;
  }

  /// plain_row() for the columns in the dcsim order (arrival, count, duration, utilisation,
  /// nothing else): the same record read and checked field after field, without the loop over
  /// roles. Any failure gives null with nothing changed, as there.
  const char* canonical_row(const char* p, const char* end, int line, TraceJob& job) {
    const auto comma = [end](const char* q) { return q != nullptr && q != end && *q == ','; };
    double arrival = 0.0, duration = 0.0, utilisation = 0.0;
    p = decimal_prefix(p, end, arrival);
    if (!comma(p)) return nullptr;
    ++p;
    std::int64_t n = 0;
    const char* const first = p;
    for (unsigned d; p < end && p - first < 10 && (d = static_cast<unsigned>(*p - '0')) < 10; ++p) n = n * 10 + static_cast<std::int64_t>(d);
    if (p == first || n < 1 || n > kMaxCount || !comma(p)) return nullptr;
    p = decimal_prefix(p + 1, end, duration);
    if (!comma(p)) return nullptr;
    p = decimal_prefix(p + 1, end, utilisation);
    if (p == nullptr) return nullptr;
    if (p < end) {
      if (*p != '\n') return nullptr;
      ++p;
    }
    const double a = arrival * options_.time_unit_s, d = duration * options_.time_unit_s;
    if (!(std::abs(a) <= kMaxTimeS) || a < 0 || (have_previous_ && a < previous_s_)) return nullptr;
    if (!(std::abs(d) <= kMaxTimeS) || !(d > 0) || !(d <= kMaxDurationS)) return nullptr;
    if (!(utilisation >= 0 && utilisation <= 1)) return nullptr;
    job = TraceJob{};
    job.arrival_s = a;
    job.duration_s = d;
    (plan_.by_hosts ? job.hosts : job.accelerators) = n;
    job.utilisation = utilisation;
    ++rows_;
    have_previous_ = true;
    previous_s_ = a;
    previous_line_ = line;
    return p;
  }

  /// Keeps the job row() just read (reading the whole file).
  void keep(const TraceJob& job) {
    trace_.jobs.push_back(job);
    if (plan_.clock == Clock::calendar) arrival_ms_.push_back(arrival_ms_now_);
  }

  /// Streamed: the last row's name and user ("" without such a column).
  const std::string& name() const { return name_; }
  const std::string& user() const { return user_; }
  int rows() const { return rows_; }

  void finish(int header_line) {
    if (rows_ == 0) problems_.fail(header_line, 0, "", "has a header but no data rows");
    problems_.throw_if_any();
    std::vector<TraceJob>& jobs = trace_.jobs;
    if (plan_.clock == Clock::calendar) {
      std::int64_t origin = options_.epoch_ms;
      if (origin == 0 && !arrival_ms_.empty()) origin = *std::min_element(arrival_ms_.begin(), arrival_ms_.end());
      for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].arrival_s = static_cast<double>(arrival_ms_[i] - origin) / 1000.0;
      trace_.origin_s = static_cast<double>(origin) / 1000.0;
    } else if (plan_.public_trace && !jobs.empty()) {  // pai: its own clock starts at its first task
      const double origin = std::min_element(jobs.begin(), jobs.end(), [](const TraceJob& a, const TraceJob& b) {
                              return a.arrival_s < b.arrival_s;
                            })->arrival_s;
      for (TraceJob& j : jobs) j.arrival_s -= origin;
      trace_.origin_s = origin;
    }
    if (plan_.public_trace)
      std::stable_sort(jobs.begin(), jobs.end(), [](const TraceJob& a, const TraceJob& b) { return a.arrival_s < b.arrival_s; });
  }

 private:
  void report(const Field& f, const std::string& column, std::string message) {
    problems_.add(csv_.line_of(f), csv_.column_of(f), column, std::move(message));
  }

  // True if the row has no usable duration (and so is skipped or reported).
  bool unfinished(const std::vector<Field>& f) {
    const Field* empty = nullptr;
    const std::string* column = nullptr;
    if (plan_.duration.present()) {
      if (f[plan_.duration.index].value.empty()) empty = &f[plan_.duration.index], column = &plan_.duration.name;
    } else {
      const Field& s = f[plan_.start.index];
      const Field& e = f[plan_.end.index];
      double t = 0;
      if (s.value.empty() || (plan_.zero_start_unfinished && parse_double(s.value, t) == Cell::ok && t == 0))
        empty = &s, column = &plan_.start.name;
      else if (e.value.empty())
        empty = &e, column = &plan_.end.name;
    }
    if (empty == nullptr) return false;
    if (options_.skip_unfinished)
      ++trace_.skipped;
    else if (empty->value.empty())
      report(*empty, *column,
             "empty value: the job has no duration (still running, or never started); set skip_unfinished to skip such rows");
    else
      report(*empty, *column, "start time 0: the task never started; set skip_unfinished to skip such rows");
    return true;
  }

  // The job size; 0 only for a CPU-only row of a public trace that skip_cpu_only lets through.
  bool count(const std::vector<Field>& f, TraceJob& job) {
    const Field& cf = f[plan_.count.index];
    const std::string& column = plan_.count.name;
    std::int64_t n = 0;
    if (plan_.gpu_percent) {
      if (!gpu_share(f, n)) return false;
    } else if (const Cell c = parse_whole(cf.value, n); c != Cell::ok) {
      report(cf, column, cell_message(c, cf.value));
      return false;
    }
    if (n == 0 && plan_.public_trace && !plan_.by_hosts) {
      if (options_.skip_cpu_only) return true;
      report(cf, column, "0 GPUs (a CPU-only job); set skip_cpu_only to skip such rows");
      return false;
    }
    if (n < 1) {
      report(cf, column, fmt::format("{} {}: a job needs at least 1", n, plan_.by_hosts ? "hosts" : "accelerators"));
      return false;
    }
    if (n > kMaxCount) {
      report(cf, column, fmt::format("{} is more than {}", n, kMaxCount));
      return false;
    }
    (plan_.by_hosts ? job.hosts : job.accelerators) = n;
    return true;
  }

  // pai: whole GPUs for instances x a percentage of one GPU each (an empty percentage = none).
  bool gpu_share(const std::vector<Field>& f, std::int64_t& n) {
    const Field& pf = f[plan_.count.index];
    const Field& inf = f[plan_.instances.index];
    bool ok = true;
    std::int64_t instances = 0;
    if (const Cell c = parse_whole(inf.value, instances); c != Cell::ok) {
      report(inf, plan_.instances.name, cell_message(c, inf.value));
      ok = false;
    } else if (instances < 1 || instances > kMaxCount) {
      report(inf, plan_.instances.name, fmt::format("{} instances: a task has from 1 to {}", instances, kMaxCount));
      ok = false;
    }
    double percent = 0;
    if (const Cell c = parse_double(pf.value, percent); c != Cell::ok && c != Cell::empty) {
      report(pf, plan_.count.name, cell_message(c, pf.value));
      return false;
    }
    if (percent < 0) {
      report(pf, plan_.count.name, fmt::format("'{}' percent of a GPU is negative", pf.value));
      return false;
    }
    if (!ok) return false;
    const double gpus = static_cast<double>(instances) * percent / 100.0;
    if (gpus > static_cast<double>(kMaxCount)) {
      report(pf, plan_.count.name, fmt::format("{} x {} % of a GPU is more than {} GPUs", instances, pf.value, kMaxCount));
      return false;
    }
    // The 1e-9 keeps a share written in decimal (3 x 33.333333 %) from rounding up past a whole.
    n = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::ceil(gpus - 1e-9)));
    return true;
  }

  // Reads a time or a duration: numbers scaled by time_unit_s into `s`, calendar times into `ms`.
  bool time(const Field& f, const std::string& column, Clock clock, double& s, std::int64_t& ms) {
    if (clock == Clock::calendar) {
      if (f.value.empty()) {
        report(f, column, "empty time");
        return false;
      }
      std::string why;
      if (!parse_calendar(f.value, ms, why)) {
        report(f, column, fmt::format("cannot read time '{}': {}", f.value, why));
        return false;
      }
      return true;
    }
    double v = 0;
    if (const Cell c = parse_double(f.value, v); c != Cell::ok) {
      report(f, column, cell_message(c, f.value));
      return false;
    }
    s = v * options_.time_unit_s;
    if (!std::isfinite(s)) {
      report(f, column, fmt::format("'{}' x {} s is not a finite number", f.value, options_.time_unit_s));
      return false;
    }
    if (std::abs(s) > kMaxTimeS) {
      report(f, column, fmt::format("'{}' is more than 10000 years", f.value));
      return false;
    }
    return true;
  }

  bool duration_ok(const Field& f, const std::string& column, double s) {
    if (s <= kMaxDurationS) return true;
    report(f, column, fmt::format("duration {} s is more than 100 years", s));
    return false;
  }

  bool arrival(const Field& f, TraceJob& job, std::int64_t& ms) {
    const std::string& column = plan_.arrival.name;
    double s = 0;
    if (!time(f, column, plan_.clock, s, ms)) return false;
    if (plan_.clock == Clock::calendar) {
      if (options_.epoch_ms != 0 && ms < options_.epoch_ms) {
        report(f, column,
               fmt::format("arrival {} is before the epoch {} (epoch_ms)", units::format_utc(ms), units::format_utc(options_.epoch_ms)));
        return false;
      }
      return true;
    }
    if (!plan_.public_trace && s < 0) {
      report(f, column, fmt::format("arrival {} s is before the start (0 s)", s));
      return false;
    }
    job.arrival_s = s;
    if (!plan_.public_trace) {  // dcsim: rows must come in order of arrival
      const int line = csv_.record_line();
      if (have_previous_ && s < previous_s_) {
        report(f, column,
               fmt::format("arrival {} s is before {} s on line {}; the dcsim layout needs rows in order of arrival "
                           "(non-decreasing)",
                           s, previous_s_, previous_line_));
        return false;
      }
      have_previous_ = true;
      previous_s_ = s;
      previous_line_ = line;
    }
    return true;
  }

  bool duration(const std::vector<Field>& f, TraceJob& job) {
    if (plan_.duration.present()) {
      const Field& df = f[plan_.duration.index];
      double s = 0;
      std::int64_t unused = 0;
      if (!time(df, plan_.duration.name, Clock::seconds, s, unused)) return false;
      if (!(s > 0)) {
        report(df, plan_.duration.name, fmt::format("duration {} s: it must be > 0", s));
        return false;
      }
      if (!duration_ok(df, plan_.duration.name, s)) return false;
      job.duration_s = s;
      return true;
    }
    const Field& sf = f[plan_.start.index];
    const Field& ef = f[plan_.end.index];
    double s0 = 0, s1 = 0;
    std::int64_t m0 = 0, m1 = 0;
    const bool ok0 = time(sf, plan_.start.name, plan_.clock, s0, m0);
    const bool ok1 = time(ef, plan_.end.name, plan_.clock, s1, m1);
    if (!ok0 || !ok1) return false;
    const double d = plan_.clock == Clock::calendar ? static_cast<double>(m1 - m0) / 1000.0 : s1 - s0;
    if (!(d > 0)) {
      report(ef, plan_.end.name,
             fmt::format("the job ends at or before it starts ('{}' to '{}', {} s); the duration must be > 0", sf.value,
                         ef.value, d));
      return false;
    }
    if (!duration_ok(ef, plan_.end.name, d)) return false;
    job.duration_s = d;
    return true;
  }

  bool utilisation(const std::vector<Field>& f, TraceJob& job) {
    if (!plan_.utilisation.present()) {
      job.utilisation = options_.default_utilisation;
      return true;
    }
    const Field& uf = f[plan_.utilisation.index];
    double u = 0;
    if (const Cell c = parse_double(uf.value, u); c != Cell::ok) {
      report(uf, plan_.utilisation.name, cell_message(c, uf.value));
      return false;
    }
    if (u < 0 || u > 1) {
      report(uf, plan_.utilisation.name, fmt::format("'{}' is outside [0, 1]", uf.value));
      return false;
    }
    job.utilisation = u;
    return true;
  }

  static void text_of(const Column& column, const std::vector<Field>& f, std::string& out) {
    if (!column.present()) return;
    const Field& field = f[column.index];
    if (field.escaped) out = unescape(field.value);
    else out.assign(field.value);
  }

  using InternMap = std::unordered_map<std::string_view, std::uint32_t>;

  // Keys are views into the file buffer (or into `unescaped_`), both alive until the read ends.
  std::uint32_t intern(const Field& f, InternMap& map, std::vector<std::string>& values) {
    if (f.value.empty()) return 0;
    std::string_view key = f.value;
    if (f.escaped) key = unescaped_.emplace_back(unescape(f.value));
    const auto [it, added] = map.try_emplace(key, static_cast<std::uint32_t>(values.size()));
    if (added) values.emplace_back(key);
    return it->second;
  }

  // What plain_row() does with each field of a record, by column; empty when it is not tried.
  enum class Role : std::uint8_t { skip, arrival, count, duration, utilisation };
  void plan_plain_rows() {
    const Plan& p = plan_;
    if (p.clock != Clock::seconds || p.public_trace || p.gpu_percent || !p.duration.present() || p.user.present() ||
        p.name.present() || !p.arrival.present() || !p.count.present())
      return;
    std::vector<Role> roles(header_fields_, Role::skip);
    const auto assign = [&](const Column& c, Role r) {
      if (!c.present()) return true;
      if (c.index >= roles.size() || roles[c.index] != Role::skip) return false;  // one role per column
      roles[c.index] = r;
      return true;
    };
    if (assign(p.arrival, Role::arrival) && assign(p.count, Role::count) && assign(p.duration, Role::duration) &&
        assign(p.utilisation, Role::utilisation)) {
      plain_ = std::move(roles);
      canonical_ = plain_ == std::vector<Role>{Role::arrival, Role::count, Role::duration, Role::utilisation};
    }
  }

  const JobTraceOptions& options_;
  const Plan& plan_;
  const CsvRows& csv_;
  Problems& problems_;
  std::size_t header_fields_;
  JobTrace& trace_;
  std::vector<std::int64_t> arrival_ms_;  // calendar arrivals, parallel to trace_.jobs
  InternMap users_, names_;
  std::deque<std::string> unescaped_;
  bool have_previous_ = false;
  double previous_s_ = 0;
  int previous_line_ = 0;
  int rows_ = 0;
  bool streamed_ = false;
  std::int64_t arrival_ms_now_ = 0;
  std::string name_, user_;
  std::vector<Role> plain_;
  bool canonical_ = false;  ///< plain_ is the dcsim order: canonical_row()
};

// The header record just read into `fields`. pai files have no header: the layout names the
// fields, and the first line is a job (`first_is_data`).
Header header_of(const CsvRows& csv, const std::vector<Field>& fields, const JobTraceOptions& options, bool& first_is_data) {
  Header header;
  header.line = csv.record_line();
  for (const Field& f : fields) header.names.push_back(f.escaped ? unescape(f.value) : std::string(f.value));
  first_is_data = false;
  if (options.layout == JobTraceLayout::pai) {
    const std::vector<std::string> pai(std::begin(kPaiTaskColumns), std::end(kPaiTaskColumns));
    if (header.names != pai) {
      header.names = pai;
      header.line = 0;
      first_is_data = true;
    }
  }
  return header;
}

// The file in blocks for a streamed read: each block handed to the CSV reader ends at a record
// boundary (a newline outside quotes), the rest is kept for the next. Memory is two blocks
// however long the file, unless one record is longer than a block.
class Blocks {
 public:
  static constexpr std::size_t kBlock = std::size_t{1} << 18;

  Blocks(const std::string& path, Problems& problems) : problems_(problems), buf_(kBlock) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) problems.fail(0, 0, "", "no such file");
    if (fs::is_directory(st)) problems.fail(0, 0, "", "is a directory, not a job trace");
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) problems.fail(0, 0, "", fmt::format("cannot be read: {}", std::strerror(errno)));
  }
  Blocks(const Blocks&) = delete;
  Blocks& operator=(const Blocks&) = delete;
  ~Blocks() {
    if (fd_ >= 0) ::close(fd_);
  }

  /// The next block of whole records, or an empty view at the end of the file. `line` is the
  /// 1-based line the block starts at (for a problem found while reading).
  std::string_view next(int line) {
    std::memmove(buf_.data(), buf_.data() + boundary_, size_ - boundary_);
    size_ -= boundary_;
    scanned_ -= boundary_;
    boundary_ = 0;
    while (boundary_ == 0 && !eof_) {
      if (buf_.size() - size_ < kBlock / 2) buf_.resize(buf_.size() * 2);
      const ssize_t n = ::read(fd_, buf_.data() + size_, buf_.size() - size_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) problems_.fail(0, 0, "", fmt::format("cannot be read: {}", std::strerror(errno)));
      if (n == 0) {
        eof_ = true;
        boundary_ = size_;
        break;
      }
      const char* fresh = buf_.data() + size_;
      if (const void* nul = std::memchr(fresh, '\0', static_cast<std::size_t>(n)); nul != nullptr)
        problems_.fail(line + static_cast<int>(std::count(static_cast<const char*>(buf_.data()), static_cast<const char*>(nul), '\n')), 0, "",
                       "is not a text file (contains NUL bytes)");
      total_ += static_cast<std::uint64_t>(n);
      if (total_ > kMaxJobTraceFileBytes)
        problems_.fail(0, 0, "", fmt::format("file is over {} bytes (2 GiB), the limit for job traces", kMaxJobTraceFileBytes));
      size_ += static_cast<std::size_t>(n);
      scan();
    }
    std::string_view block(buf_.data(), boundary_);
    if (first_ && block.substr(0, 3) == "\xEF\xBB\xBF") block.remove_prefix(3);
    first_ = false;
    return block;
  }

 private:
  // Finds the last newline outside quotes in the bytes not yet scanned. A block without a quote
  // (the usual case) needs only a backward search for the newline.
  void scan() {
    const char* b = buf_.data() + scanned_;
    const char* e = buf_.data() + size_;
    if (!in_quotes_ && std::memchr(b, '"', static_cast<std::size_t>(e - b)) == nullptr) {
      for (const char* p = e; p > b; --p)
        if (p[-1] == '\n') {
          boundary_ = static_cast<std::size_t>(p - buf_.data());
          break;
        }
    } else {
      for (const char* p = b; p < e; ++p) {
        if (*p == '"') in_quotes_ = !in_quotes_;
        else if (*p == '\n' && !in_quotes_) boundary_ = static_cast<std::size_t>(p + 1 - buf_.data());
      }
    }
    scanned_ = size_;
  }

  Problems& problems_;
  int fd_ = -1;
  std::vector<char> buf_;
  std::size_t size_ = 0, boundary_ = 0, scanned_ = 0;
  std::uint64_t total_ = 0;
  bool in_quotes_ = false, eof_ = false, first_ = true;
};

void check_options(const JobTraceOptions& options, Problems& problems) {
  if (static_cast<std::size_t>(options.layout) >= std::size(kLayoutNames))
    problems.fail(0, 0, "layout", "unknown job-trace layout");
  if (!std::isfinite(options.time_unit_s) || options.time_unit_s <= 0)
    problems.add(0, 0, "time_unit_s", fmt::format("{} is not a finite number > 0", options.time_unit_s));
  if (!(options.default_utilisation >= 0 && options.default_utilisation <= 1))
    problems.add(0, 0, "default_utilisation", fmt::format("{} is outside [0, 1]", options.default_utilisation));
  problems.throw_if_any();
}

}  // namespace

// -----------------------------------------------------------------------------------------------

std::optional<JobTraceLayout> job_trace_layout_from_name(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kLayoutNames); ++i)
    if (kLayoutNames[i] == name) return static_cast<JobTraceLayout>(i);
  return std::nullopt;
}

std::vector<std::string> job_trace_layout_names() { return {std::begin(kLayoutNames), std::end(kLayoutNames)}; }

std::string_view job_trace_layout_name(JobTraceLayout layout) {
  const auto i = static_cast<std::size_t>(layout);
  return i < std::size(kLayoutNames) ? kLayoutNames[i] : std::string_view("?");
}

JobTrace read_job_trace(const std::string& file, const JobTraceOptions& options) {
  Problems problems(file);
  check_options(options, problems);
  Text text;
  read_text(file, text, problems);
  std::string_view body = text.view();
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (body.find_first_not_of("\r\n\t ") == std::string_view::npos) problems.fail(0, 0, "", "is empty");

  CsvRows csv(body, problems);
  std::vector<Field> fields;
  csv.next(fields);
  bool first_is_data = false;
  const Header header = header_of(csv, fields, options, first_is_data);

  const Plan plan = make_plan(header, options, problems);
  problems.throw_if_any();

  JobTrace trace;
  trace.file = file;
  Builder builder(options, plan, csv, problems, header.names.size(), trace);
  // One job per line at most; the cap keeps a file of blank lines from reserving gigabytes.
  std::size_t lines = 1;
  for (const char *p = body.data(), *end = p + body.size();
       (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr; ++p)
    ++lines;
  builder.reserve(std::min<std::size_t>(lines, std::size_t{1} << 24));
  TraceJob job;
  if (first_is_data && builder.row(fields, job)) builder.keep(job);
  while (csv.next(fields))
    if (builder.row(fields, job)) builder.keep(job);
  builder.finish(header.line);
  return trace;
}

// -----------------------------------------------------------------------------------------------
// Streamed reading

bool job_trace_streams(const JobTraceOptions& options) { return !spec_of(options.layout).public_trace; }

struct JobTraceStream::Impl {
  Impl(const std::string& file, const JobTraceOptions& o)
      : options(o), problems(file), csv(std::string_view(), problems) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { stop_reader(); }

  JobTraceOptions options;
  Problems problems;
  // Streamed (rows in arrival order). Once the reader thread has started, it alone uses these.
  std::optional<Blocks> blocks;
  CsvRows csv;
  std::vector<Field> fields;
  Header header;
  std::optional<Plan> plan;
  std::optional<Builder> builder;
  JobTrace counts;  ///< skipped rows and by_hosts; jobs stays empty
  // Read whole (sorted public traces):
  std::shared_ptr<const JobTrace> whole;
  std::size_t next = 0;

  bool record() {
    while (!csv.next(fields)) {
      const std::string_view block = blocks->next(csv.line());
      if (block.empty()) return false;
      csv.reset(block);
    }
    return true;
  }

  // A bad row: read on to the end of the file (or 50 problems) and report them all. A reader
  // thread told to stop gives up early (nobody will see the report).
  [[noreturn]] void report_rest() {
    TraceJob ignored;
    while (!stopping.load(std::memory_order_relaxed) && record()) builder->row(fields, ignored);
    problems.throw_if_any();
    throw std::logic_error("job trace: problem expected");
  }

  // The next job of a streamed trace, read from the file on the calling thread.
  bool read(TraceJob& job) {
    if (builder->reads_plain_rows()) {
      if (const char* after = builder->plain_row(csv.at(), csv.block_end(), csv.line(), job)) {
        csv.taken(after);
        return true;
      }
    }
    for (;;) {
      if (!record()) {
        if (builder->rows() == 0) problems.fail(header.line, 0, "", "has a header but no data rows");
        return false;
      }
      if (builder->row(fields, job)) return true;
      if (problems.any()) report_rest();
    }
  }

  // --- Reading ahead ----------------------------------------------------------------------------
  // The reader thread fills batches from the free list and queues them; next() takes them from
  // the queue in order and gives each back once its jobs are handed out. The mutex guards
  // free_batches, ready and stop; the contents of a batch belong to whichever side holds it.

  struct Batch {
    struct Mark {
      std::size_t at;  ///< from this job of the batch on, the counts are:
      std::size_t skipped, skipped_cpu_only;
    };
    std::vector<TraceJob> jobs;
    std::string text;                  ///< the name and then the user of each job, back to back
    std::vector<std::size_t> text_end;  ///< per job (when has_text): where its name ends, where its user ends
    std::vector<Mark> marks;           ///< where the skip counts change
    std::size_t skipped = 0, skipped_cpu_only = 0;  ///< after the last row the batch read
    bool last = false;                 ///< the file ends with this batch (or its error)
    std::exception_ptr error;          ///< thrown by next() after the batch's jobs

    void clear() {
      jobs.clear();
      text.clear();
      text_end.clear();
      marks.clear();
      last = false;
      error = nullptr;
    }
  };

  // The names and users of a batch's jobs stay within about this many bytes (a batch may end
  // before kAheadBatchJobs jobs), so that long names do not make the batches large.
  static constexpr std::size_t kBatchTextBytes = std::size_t{1} << 18;
  static constexpr std::size_t kPrefetchJobs = 8;  ///< how far take() fetches ahead

  bool ahead = false;     ///< rows are read by the reader thread (started by the first next())
  bool has_text = false;  ///< the trace has a name or a user column
  std::thread reader;
  std::mutex mutex;
  std::condition_variable freed, queued;
  std::vector<std::unique_ptr<Batch>> batches;  ///< all of them, owned here
  std::vector<Batch*> free_batches;
  std::deque<Batch*> ready;
  bool stop = false;
  std::atomic<bool> stopping{false};  ///< stop, for the reader to see without the mutex
  // The reader thread's own: the counts the last mark of a batch gave.
  std::size_t marked_skipped = 0, marked_cpu_only = 0;
  // next()'s own: the batch whose jobs it hands out, and what it has handed out.
  Batch* current = nullptr;
  std::size_t at = 0, mark = 0;
  std::size_t skipped = 0, skipped_cpu_only = 0;
  std::string name, user;

  // Whether this stream reads ahead, decided when it is opened.
  static bool wants_reader(const std::string& file, const JobTraceOptions& o) {
    switch (o.read_ahead) {
      case JobTraceReadAhead::off: return false;
      case JobTraceReadAhead::on: return true;
      case JobTraceReadAhead::automatic: break;
    }
    if (!sim::spare_core()) return false;
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(file, ec);
    return !ec && size >= kReadAheadMinBytes;
  }

  // Starts the reader thread; false (and rows are read inline) if no thread can be had.
  bool start_reader() {
    batches.reserve(kAheadBatches);
    for (std::size_t i = 0; i < kAheadBatches; ++i) {
      batches.push_back(std::make_unique<Batch>());
      batches.back()->jobs.reserve(kAheadBatchJobs);
      free_batches.push_back(batches.back().get());
    }
    marked_skipped = counts.skipped;
    marked_cpu_only = counts.skipped_cpu_only;
    try {
      reader = std::thread([this] { read_ahead(); });
    } catch (const std::system_error&) {
      return false;
    }
    return true;
  }

  void stop_reader() {
    if (!reader.joinable()) return;
    {
      const std::lock_guard<std::mutex> lock(mutex);
      stop = true;
    }
    stopping.store(true, std::memory_order_relaxed);
    freed.notify_all();
    reader.join();
  }

  // The reader thread: batches until the end of the file, an error or a stop.
  void read_ahead() {
    for (;;) {
      Batch* batch = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex);
        freed.wait(lock, [this] { return stop || !free_batches.empty(); });
        if (stop) return;
        batch = free_batches.back();
        free_batches.pop_back();
      }
      fill(*batch);
      const bool last = batch->last;
      {
        const std::lock_guard<std::mutex> lock(mutex);
        ready.push_back(batch);
      }
      queued.notify_one();
      if (last) return;
    }
  }

  void fill(Batch& b) {
    b.clear();
    try {
      TraceJob job;
      while (b.jobs.size() < kAheadBatchJobs && b.text.size() < kBatchTextBytes) {
        if (builder->reads_plain_rows()) {
          // A plain record goes straight into the batch (it changes no count and has no text).
          TraceJob& slot = b.jobs.emplace_back();
          if (const char* after = builder->plain_row(csv.at(), csv.block_end(), csv.line(), slot)) {
            csv.taken(after);
            continue;
          }
          b.jobs.pop_back();
        }
        if (!read(job)) {
          b.last = true;
          break;
        }
        if (counts.skipped != marked_skipped || counts.skipped_cpu_only != marked_cpu_only) {
          marked_skipped = counts.skipped;
          marked_cpu_only = counts.skipped_cpu_only;
          b.marks.push_back(Batch::Mark{b.jobs.size(), marked_skipped, marked_cpu_only});
        }
        b.jobs.push_back(job);
        if (has_text) {
          b.text += builder->name();
          b.text_end.push_back(b.text.size());
          b.text += builder->user();
          b.text_end.push_back(b.text.size());
        }
      }
    } catch (...) {  // handed to next(), which throws it when it gets there
      b.error = std::current_exception();
      b.last = true;
    }
    b.skipped = counts.skipped;
    b.skipped_cpu_only = counts.skipped_cpu_only;
  }

  // next() when reading ahead.
  bool take(TraceJob& job) {
    while (current == nullptr || at == current->jobs.size()) {
      if (current != nullptr && current->last) {  // the end of the file, or the error found there
        skipped = current->skipped;
        skipped_cpu_only = current->skipped_cpu_only;
        if (current->error) std::rethrow_exception(std::exchange(current->error, nullptr));
        return false;
      }
      std::unique_lock<std::mutex> lock(mutex);
      if (current != nullptr) {
        free_batches.push_back(current);
        freed.notify_one();
      }
      queued.wait(lock, [this] { return !ready.empty(); });
      current = ready.front();
      ready.pop_front();
      at = mark = 0;
    }
    const Batch& b = *current;
    if (mark < b.marks.size() && b.marks[mark].at == at) {
      skipped = b.marks[mark].skipped;
      skipped_cpu_only = b.marks[mark].skipped_cpu_only;
      ++mark;
    }
    // The batch was written by the reader thread's core: its lines are fetched a few jobs ahead,
    // so that copying a job out does not wait on a cache miss across cores.
    if (at + kPrefetchJobs < b.jobs.size()) {
      const char* next_jobs = reinterpret_cast<const char*>(&b.jobs[at + kPrefetchJobs]);
      __builtin_prefetch(next_jobs);
      __builtin_prefetch(next_jobs + sizeof(TraceJob) - 1);
    }
    job = b.jobs[at];
    if (has_text) {
      const std::size_t begin = at == 0 ? 0 : b.text_end[2 * at - 1];
      const std::size_t middle = b.text_end[2 * at], end = b.text_end[2 * at + 1];
      name.assign(b.text, begin, middle - begin);
      user.assign(b.text, middle, end - middle);
    }
    ++at;
    return true;
  }
};

JobTraceStream::JobTraceStream(const std::string& file, const JobTraceOptions& options)
    : impl_(std::make_unique<Impl>(file, options)) {
  Impl& m = *impl_;
  check_options(options, m.problems);
  if (!job_trace_streams(options)) {
    m.whole = std::make_shared<const JobTrace>(read_job_trace(file, options));
    return;
  }
  m.blocks.emplace(file, m.problems);
  if (!m.record()) m.problems.fail(0, 0, "", "is empty");
  bool first_is_data = false;
  m.header = header_of(m.csv, m.fields, options, first_is_data);
  m.plan = make_plan(m.header, options, m.problems);
  m.problems.throw_if_any();
  m.counts.file = file;
  m.builder.emplace(m.options, *m.plan, m.csv, m.problems, m.header.names.size(), m.counts, true);
  m.ahead = Impl::wants_reader(file, options);
  m.has_text = m.plan->name.present() || m.plan->user.present();
}

JobTraceStream::JobTraceStream(std::shared_ptr<const JobTrace> trace)
    : impl_(std::make_unique<Impl>(trace->file, JobTraceOptions{})) {
  impl_->whole = std::move(trace);
}

JobTraceStream::~JobTraceStream() = default;

bool JobTraceStream::next(TraceJob& job) {
  Impl& m = *impl_;
  if (m.whole) {
    if (m.next >= m.whole->jobs.size()) return false;
    job = m.whole->jobs[m.next++];
    return true;
  }
  if (m.ahead) {
    if (m.reader.joinable() || m.start_reader()) return m.take(job);
    m.ahead = false;  // no thread to be had: read inline
  }
  return m.read(job);
}

const std::string& JobTraceStream::name() const {
  const Impl& m = *impl_;
  if (m.whole) return m.whole->names[m.next > 0 ? m.whole->jobs[m.next - 1].name : 0];
  if (m.ahead) return m.name;
  return m.builder->name();
}

const std::string& JobTraceStream::user() const {
  const Impl& m = *impl_;
  if (m.whole) return m.whole->users[m.next > 0 ? m.whole->jobs[m.next - 1].user : 0];
  if (m.ahead) return m.user;
  return m.builder->user();
}

std::size_t JobTraceStream::skipped() const {
  const Impl& m = *impl_;
  if (m.whole) return m.whole->skipped;
  return m.ahead ? m.skipped : m.counts.skipped;
}
std::size_t JobTraceStream::skipped_cpu_only() const {
  const Impl& m = *impl_;
  if (m.whole) return m.whole->skipped_cpu_only;
  return m.ahead ? m.skipped_cpu_only : m.counts.skipped_cpu_only;
}
bool JobTraceStream::by_hosts() const { return impl_->whole ? impl_->whole->by_hosts : impl_->plan->by_hosts; }
double JobTraceStream::origin_s() const { return impl_->whole ? impl_->whole->origin_s : 0.0; }
bool JobTraceStream::reads_ahead() const { return impl_->ahead; }

}  // namespace dcsim::input
