#pragma once
// Reading cluster job traces (one row per job: when it arrives, how much it holds, how long it
// runs) from dcsim's own CSV and from the public GPU-cluster traces.
//
// Layouts (columns are looked up by header name, in any order; other columns are ignored):
//   dcsim   `arrival_s,hosts,duration_s,utilisation`: arrival in seconds since the scenario
//           start, rows in non-decreasing arrival order (a backward step is an error); `hosts`
//           may be `accelerators` instead (a file with both must say which, via the columns);
//           an integer >= 1; `duration_s` > 0 (at most 100 years, as for any job; numeric times
//           at most 10,000 years); `utilisation` in [0, 1] (optional); optional
//           `user` and `name`. Numbers are plain doubles, exponents allowed (1.5e-05). The
//           fleet-year benchmark traces (shared/bench/fleet-year, gen_traces.py) are this layout.
//   helios  SenseTime Helios `cluster_log.csv` (S-Lab-System-Group/HeliosData, README schema:
//           job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,
//           duration,queue). Read: arrival = `submit_time`, accelerators = `gpu_num`, duration =
//           `duration` (seconds; the README defines it as end_time - start_time), user = `user`.
//           Times are 'YYYY-MM-DD hh:mm:ss' without a zone; they are read as UTC.
//   philly  Microsoft Philly (msr-fiddle/philly-traces) as CSV: the published `cluster_job_log`
//           is JSON, so this reads the conversion into the Helios schema that the Helios authors
//           distribute as `philly_trace.csv` (S-Lab-System-Group/HeliosArtifact, "analysis/1_compare
//           with Philly trace"; its simulator reads user, gpu_num, state, submit_time, duration).
//           Same columns as helios. The JSON's times carry no zone (the cluster's own utilisation
//           logs are in US Pacific time); they are read as UTC, which keeps durations and gaps.
//           Another conversion can be read by mapping the columns (e.g. arrival = "submitted_time").
//   pai     Alibaba PAI 2020 `pai_task_table.csv` (alibaba/clusterdata, cluster-trace-gpu-v2020;
//           the job table has no GPU demand). The file has no header: the names come by position
//           from `pai_task_table.header`: job_name,task_name,inst_num,status,start_time,end_time,
//           plan_cpu,plan_mem,plan_gpu,gpu_type (a first line equal to these is taken as the
//           header). Read: arrival = `start_time` (the task's launch), duration = `end_time` -
//           `start_time`, accelerators = ceil(`inst_num` x `plan_gpu` / 100) (`plan_gpu` is in
//           percent of one GPU per instance; a fractional share rounds up to a whole device;
//           an empty plan_gpu is a CPU-only task; the inst_num column cannot be remapped).
//           Times are seconds on the trace's own clock (offset by an undisclosed constant); a
//           start_time of 0 means the task never started (as the trace's analysis/utils.py
//           treats it) and counts as unfinished. There is no user column in the task table.
//
// Arrival origin: dcsim arrivals are taken as written (seconds since the scenario start). For the
// calendar times of helios and philly, arrival = time - epoch_ms (UTC); when epoch_ms is 0 the
// earliest submit time in the file is the epoch, so the first job arrives at 0, and an arrival
// before a given epoch is an error. pai's clock is not UTC: its earliest start_time is always
// arrival 0. JobTrace::origin_s says which instant arrival 0 stands for.
// helios, philly and pai rows are sorted stably by arrival; rows asking for 0 GPUs (CPU-only
// jobs, common in these traces) are skipped and counted unless skip_cpu_only is false. Skipped
// rows (unfinished or CPU-only) are not otherwise checked.
//
// Every problem in a file (up to 50) is reported at once as one dcsim::InputError, each with the
// file, the 1-based line and character column, and the column name as the key path.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dcsim::input {

/// Named registry of layouts: "dcsim", "philly", "helios", "pai".
enum class JobTraceLayout { dcsim, philly, helios, pai };

std::optional<JobTraceLayout> job_trace_layout_from_name(std::string_view name);
/// The names above, in that order (for messages such as "expected one of ...").
std::vector<std::string> job_trace_layout_names();
/// The registry name of a layout.
std::string_view job_trace_layout_name(JobTraceLayout layout);

/// Files larger than this (2 GiB) are refused before being read.
inline constexpr unsigned long long kMaxJobTraceFileBytes = 2ull << 30;

/// Column names to read; an empty name = the layout's default (or absent when optional).
/// A duration column, if the layout or the mapping gives one, wins over start/end; naming a start
/// or end column (and no duration) makes the duration end - start.
struct JobTraceColumns {
  std::string arrival, hosts, accelerators, duration, start, end, utilisation, user, name;
};

/// Whether a streamed trace (job_trace_streams) is read on a thread of its own, ahead of the jobs
/// asked for. The jobs, their order, the counts and the errors are the same either way.
enum class JobTraceReadAhead {
  /// A reader thread for a file of at least kReadAheadMinBytes, unless the stream is opened inside
  /// an active OpenMP parallel region (a sweep or Monte Carlo, whose simulations already keep every
  /// core busy) or the machine has one core.
  automatic,
  off,  ///< rows are read on the thread that asks for them
  on,   ///< a reader thread whatever the file's size
};

/// Below this size (1 MiB) a streamed trace is read inline under JobTraceReadAhead::automatic:
/// a thread would cost more than reading the file.
inline constexpr unsigned long long kReadAheadMinBytes = 1ull << 20;

struct JobTraceOptions {
  JobTraceLayout layout = JobTraceLayout::dcsim;
  /// Overrides of the layout's column names.
  JobTraceColumns columns;
  /// Numeric times and durations are multiplied by this (e.g. 60 for minutes).
  double time_unit_s = 1.0;
  /// The utilisation of every job when there is no utilisation column, in [0, 1].
  double default_utilisation = 1.0;
  /// For calendar times (helios, philly): arrival = time - epoch, in ms since 1970 UTC; 0 = the
  /// earliest arrival in the file. Numeric times (dcsim, pai) do not use it.
  std::int64_t epoch_ms = 0;
  /// Rows with no usable duration (an empty duration, start or end: still running or never
  /// started) are skipped and counted in JobTrace::skipped, not reported.
  bool skip_unfinished = true;
  /// helios, philly, pai: rows asking for 0 GPUs are skipped and counted in
  /// JobTrace::skipped_cpu_only, not reported. (dcsim always needs at least 1.)
  bool skip_cpu_only = true;
  /// Streamed reads only: a reader thread or not.
  JobTraceReadAhead read_ahead = JobTraceReadAhead::automatic;
};

struct TraceJob {
  double arrival_s = 0.0;   ///< since the trace epoch / scenario start, >= 0
  double duration_s = 0.0;  ///< > 0
  /// Exactly one of hosts / accelerators is > 0 (whichever column the layout/mapping gives).
  std::int64_t hosts = 0;
  std::int64_t accelerators = 0;
  double utilisation = 1.0;  ///< in [0, 1]
  std::uint32_t user = 0;    ///< index into JobTrace::users (0 = "" when no user column)
  std::uint32_t name = 0;    ///< index into JobTrace::names (0 = "" when no name column)
};

struct JobTrace {
  std::string file;
  /// In file order for dcsim (arrivals non-decreasing); sorted stably by arrival otherwise.
  std::vector<TraceJob> jobs;
  std::vector<std::string> users{""};  ///< interned; [0] = ""
  std::vector<std::string> names{""};  ///< interned; [0] = ""
  std::size_t skipped = 0;             ///< rows skipped by skip_unfinished
  std::size_t skipped_cpu_only = 0;    ///< rows skipped by skip_cpu_only
  bool by_hosts = false;               ///< the jobs give hosts (true) or accelerators (false)
  /// The trace-clock reading that arrival 0 stands for, in s: Unix time (UTC) for helios and
  /// philly, the trace's own clock for pai, 0 for dcsim.
  double origin_s = 0.0;
};

/// Reads a job trace. Throws dcsim::InputError listing every problem found (up to 50).
JobTrace read_job_trace(const std::string& file, const JobTraceOptions& options);

/// True when a trace of these options is read row by row as it is replayed (the dcsim layout,
/// whose rows are in arrival order); the public layouts must be sorted, so they are read whole.
bool job_trace_streams(const JobTraceOptions& options);

/// A job trace handed out one job at a time, in arrival order. A streamed layout is read in
/// blocks of 256 KiB as the jobs are asked for, so memory does not grow with the file; the others
/// are read whole (read_job_trace) when opened. The header is checked when opened; a bad row
/// throws dcsim::InputError from next(), listing the problems from that row to the end of the
/// file (up to 50), with the same messages as read_job_trace.
///
/// Reading ahead (JobTraceOptions::read_ahead): from the first next(), a thread of the stream's
/// own reads and parses the rows into batches of jobs (kAheadBatchJobs each, at most
/// kAheadBatches of them in flight, so memory stays flat); next() hands out the jobs of the
/// current batch and synchronises once per batch. A bad row is found by the reader thread but
/// thrown by the next() that reaches it, and the counts, name() and user() are those of the jobs
/// handed out so far, exactly as when reading inline. The destructor stops the thread and joins
/// it, wherever it is in the file. One stream is used by one thread at a time.
class JobTraceStream {
 public:
  JobTraceStream(const std::string& file, const JobTraceOptions& options);
  /// Hands out the jobs of a trace read whole.
  explicit JobTraceStream(std::shared_ptr<const JobTrace> trace);
  ~JobTraceStream();
  JobTraceStream(const JobTraceStream&) = delete;
  JobTraceStream& operator=(const JobTraceStream&) = delete;

  /// The next job; false after the last (a file with a header and no job is an error).
  bool next(TraceJob& job);
  /// The name and user of the job next() gave last ("" without such a column).
  const std::string& name() const;
  const std::string& user() const;
  /// Rows skipped so far (unfinished; CPU-only), as in JobTrace.
  std::size_t skipped() const;
  std::size_t skipped_cpu_only() const;
  bool by_hosts() const;
  double origin_s() const;
  /// True when the rows are read by a thread of the stream's own (see read_ahead).
  bool reads_ahead() const;

  static constexpr std::size_t kAheadBatchJobs = 8192;
  static constexpr std::size_t kAheadBatches = 4;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dcsim::input
