// Job-trace reader: every layout on small hand-written files, every input error with its file,
// line and column name, and (when the shared bench folder is present) the fleet-year trace
// against a plain reading of the same CSV.

#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "models/InputError.hpp"
#include "models/units/Calendar.hpp"
#include "sim/input/JobTraceReader.hpp"
#include "tests/support/TempDir.hpp"

namespace {

namespace fs = std::filesystem;
using dcsim::InputError;
using dcsim::Problem;
using dcsim::input::JobTrace;
using dcsim::input::JobTraceLayout;
using dcsim::input::JobTraceOptions;
using dcsim::input::read_job_trace;
using dcsim::test::TempDir;
using dcsim::units::parse_utc_ms;

JobTraceOptions with(JobTraceLayout layout) {
  JobTraceOptions o;
  o.layout = layout;
  return o;
}

JobTrace read(const fs::path& file, const JobTraceOptions& options = {}) { return read_job_trace(file.string(), options); }

// The problems read_job_trace reports for a file (fails the test if it does not throw).
std::vector<Problem> problems_of(const fs::path& file, const JobTraceOptions& options) {
  try {
    read_job_trace(file.string(), options);
  } catch (const InputError& e) {
    return e.problems();
  }
  FAIL("read_job_trace accepted " << file.filename().string());
  return {};
}

// Checks that reading `file` fails with a problem at `line` for `column` whose message contains
// `text`, every problem naming the file; returns all problems.
std::vector<Problem> expect_problem(const fs::path& file, const JobTraceOptions& options, int line,
                                    const std::string& column, const std::string& text) {
  const std::vector<Problem> ps = problems_of(file, options);
  bool found = false;
  for (const Problem& p : ps) {
    CHECK(fs::path(p.where.file).filename() == file.filename());
    if (p.where.line == line && p.path == column && p.message.find(text) != std::string::npos) found = true;
  }
  if (!found) {
    std::string all;
    for (const Problem& p : ps) all += "\n  " + dcsim::format_problem(p);
    FAIL_CHECK("no problem at line " << line << " for '" << column << "' containing '" << text << "'; got:" << all);
  }
  return ps;
}

const Problem& only_problem(const std::vector<Problem>& ps) {
  REQUIRE(ps.size() == 1);
  return ps.front();
}

const std::string kHelios = "job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n";

// The folder of the fleet-year benchmark (shared/bench/fleet-year beside the project, or under
// $DCSIM_SHARED_DIR), or an empty path.
fs::path fleet_year_dir() {
  fs::path shared;
  if (const char* env = std::getenv("DCSIM_SHARED_DIR"); env != nullptr && *env != '\0')
    shared = env;
  else
    shared = fs::path(DCSIM_SCENARIO_DIR).parent_path().parent_path() / "shared";
  const fs::path dir = shared / "bench" / "fleet-year";
  std::error_code ec;
  return fs::is_regular_file(dir / "gen_traces.py", ec) ? dir : fs::path();
}

}  // namespace

TEST_SUITE("job trace reader") {

// --- the layout registry ------------------------------------------------------------------------

TEST_CASE("the job trace layout registry lists every layout and maps names back") {
  const std::vector<std::string> names = dcsim::input::job_trace_layout_names();
  CHECK(names == std::vector<std::string>{"dcsim", "philly", "helios", "pai"});
  for (const std::string& n : names) {
    const auto l = dcsim::input::job_trace_layout_from_name(n);
    REQUIRE(l.has_value());
    CHECK(dcsim::input::job_trace_layout_name(*l) == n);
  }
  CHECK_FALSE(dcsim::input::job_trace_layout_from_name("alibaba").has_value());
  CHECK_FALSE(dcsim::input::job_trace_layout_from_name("").has_value());
}

// --- dcsim ---------------------------------------------------------------------------------------

TEST_CASE("a dcsim job trace reads arrival, hosts, duration and utilisation in file order") {
  TempDir dir;
  // BOM, CRLF, blank lines, an exponent, blanks around a field, a whole number written as 8.0.
  const auto file = dir.write("jobs.csv", "\xEF\xBB\xBF"
                                          "arrival_s,hosts,duration_s,utilisation\r\n"
                                          "0,1,60,0.5\r\n"
                                          "\r\n"
                                          "1.5e-05,32, 3600.25 ,1\r\n"
                                          "1.5e-05,8.0,1e3,0\r\n"
                                          "\n");
  const JobTrace t = read(file);
  CHECK(t.file == file.string());
  CHECK(t.by_hosts);
  CHECK(t.skipped == 0);
  CHECK(t.origin_s == 0.0);
  REQUIRE(t.jobs.size() == 3);
  CHECK(t.jobs[0].arrival_s == 0.0);
  CHECK(t.jobs[0].hosts == 1);
  CHECK(t.jobs[0].accelerators == 0);
  CHECK(t.jobs[0].duration_s == 60.0);
  CHECK(t.jobs[0].utilisation == 0.5);
  CHECK(t.jobs[1].arrival_s == 1.5e-05);
  CHECK(t.jobs[1].hosts == 32);
  CHECK(t.jobs[1].duration_s == 3600.25);
  CHECK(t.jobs[1].utilisation == 1.0);
  CHECK(t.jobs[2].hosts == 8);
  CHECK(t.jobs[2].duration_s == 1000.0);
  CHECK(t.jobs[2].utilisation == 0.0);
  // No user or name column: every job has the empty one.
  CHECK(t.users == std::vector<std::string>{""});
  CHECK(t.names == std::vector<std::string>{""});
  for (const auto& j : t.jobs) CHECK((j.user == 0 && j.name == 0));
}

TEST_CASE("a dcsim job trace may count accelerators and intern its users and names") {
  TempDir dir;
  const auto file = dir.write("acc.csv", "name,user,duration_s,accelerators,arrival_s\n"
                                         "bert,alice,10,8,0\n"
                                         "gpt,bob,20,1024,5\n"
                                         "bert,alice,30,8,5\n"
                                         ",,40,2,6\n");
  const JobTrace t = read(file);
  CHECK_FALSE(t.by_hosts);
  REQUIRE(t.jobs.size() == 4);
  CHECK(t.jobs[1].accelerators == 1024);
  CHECK(t.jobs[1].hosts == 0);
  CHECK(t.users == std::vector<std::string>{"", "alice", "bob"});
  CHECK(t.names == std::vector<std::string>{"", "bert", "gpt"});
  CHECK(t.jobs[0].user == 1);
  CHECK(t.jobs[1].user == 2);
  CHECK(t.jobs[2].user == 1);
  CHECK(t.jobs[3].user == 0);
  CHECK(t.jobs[2].name == t.jobs[0].name);
  CHECK(t.jobs[3].name == 0);
  // No utilisation column: the default.
  CHECK(t.jobs[0].utilisation == 1.0);
  JobTraceOptions half;
  half.default_utilisation = 0.25;
  CHECK(read(file, half).jobs[3].utilisation == 0.25);
}

TEST_CASE("a dcsim job trace with both hosts and accelerators must be told which to read") {
  TempDir dir;
  const auto file = dir.write("both.csv", "arrival_s,hosts,accelerators,duration_s\n0,2,16,60\n");
  const Problem p = only_problem(expect_problem(file, {}, 1, "hosts", "both 'hosts' and 'accelerators'"));
  CHECK(p.message.find("columns.accelerators") != std::string::npos);
  JobTraceOptions o;
  o.columns.accelerators = "accelerators";
  const JobTrace t = read(file, o);
  CHECK_FALSE(t.by_hosts);
  CHECK(t.jobs.at(0).accelerators == 16);
  o.columns.accelerators.clear();
  o.columns.hosts = "hosts";
  CHECK(read(file, o).jobs.at(0).hosts == 2);
}

TEST_CASE("a job trace column mapping overrides the layout's column names") {
  TempDir dir;
  const auto file = dir.write("mine.csv", "t,servers,len,load,who,what\n0,4,100,0.75,ann,train\n10,2,50,0.5,ann,eval\n");
  JobTraceOptions o;
  o.columns.arrival = "t";
  o.columns.hosts = "servers";
  o.columns.duration = "len";
  o.columns.utilisation = "load";
  o.columns.user = "who";
  o.columns.name = "what";
  const JobTrace t = read(file, o);
  REQUIRE(t.jobs.size() == 2);
  CHECK(t.by_hosts);
  CHECK(t.jobs[1].arrival_s == 10.0);
  CHECK(t.jobs[1].hosts == 2);
  CHECK(t.jobs[1].duration_s == 50.0);
  CHECK(t.jobs[1].utilisation == 0.5);
  CHECK(t.users == std::vector<std::string>{"", "ann"});
  CHECK(t.names == std::vector<std::string>{"", "train", "eval"});

  // A mapped optional column that is not there is a problem, named after the mapping.
  o.columns.user = "owner";
  const Problem p = only_problem(expect_problem(file, o, 1, "owner", "missing column 'owner'"));
  CHECK(p.message.find("columns.user") != std::string::npos);
}

TEST_CASE("a job trace column mapping to start and end makes the duration end - start") {
  TempDir dir;
  const auto file = dir.write("se.csv", "arrival_s,hosts,begin,finish\n0,1,5,65\n1,1,100,100.5\n");
  JobTraceOptions o;
  o.columns.start = "begin";
  o.columns.end = "finish";
  const JobTrace t = read(file, o);
  REQUIRE(t.jobs.size() == 2);
  CHECK(t.jobs[0].duration_s == 60.0);
  CHECK(t.jobs[1].duration_s == 0.5);
  // The dcsim layout has no start column of its own to pair with a mapped end.
  JobTraceOptions end_only;
  end_only.columns.end = "finish";
  expect_problem(file, end_only, 0, "columns.start", "needs a start column");
}

TEST_CASE("a job trace's time_unit_s scales numeric arrivals and durations") {
  TempDir dir;
  const auto file = dir.write("minutes.csv", "arrival_s,hosts,duration_s\n0,1,1\n1.5,1,90\n");
  JobTraceOptions o;
  o.time_unit_s = 60;
  const JobTrace t = read(file, o);
  REQUIRE(t.jobs.size() == 2);
  CHECK(t.jobs[1].arrival_s == 90.0);   // 1.5 min
  CHECK(t.jobs[0].duration_s == 60.0);  // 1 min
  CHECK(t.jobs[1].duration_s == 5400.0);
}

TEST_CASE("a dcsim job trace reports an arrival that goes backward, with both lines") {
  TempDir dir;
  const auto file = dir.write("order.csv", "arrival_s,hosts,duration_s\n0,1,1\n10,1,1\n\n5,1,1\n20,1,1\n");
  const Problem p = only_problem(expect_problem(file, {}, 5, "arrival_s", "arrival 5 s is before 10 s on line 3"));
  CHECK(p.where.column == 1);
}

TEST_CASE("a job trace reports a bad number with its line, character column and column name") {
  TempDir dir;
  const auto file = dir.write("bad.csv", "arrival_s,hosts,duration_s,utilisation\n"
                                         "0,1,abc,0.5\n"
                                         "1,x2,60,0.5\n"
                                         "2e,1,60,0.5\n"
                                         "3,1,60,50%\n");
  const auto ps = expect_problem(file, {}, 2, "duration_s", "'abc' is not a number");
  expect_problem(file, {}, 3, "hosts", "'x2' is not a number");
  expect_problem(file, {}, 4, "arrival_s", "'2e' is not a number");
  expect_problem(file, {}, 5, "utilisation", "'50%' is not a number");
  REQUIRE(ps.size() == 4);
  CHECK(ps[0].where.column == 5);  // after "0,1," (4 characters)
  CHECK(dcsim::format_problem(ps[0]).find("bad.csv:2:5: duration_s: ") != std::string::npos);
  CHECK(ps[1].where.column == 3);
}

TEST_CASE("a job trace rejects NaN, infinite, zero and negative durations and arrivals") {
  TempDir dir;
  const auto file = dir.write("nonfinite.csv", "arrival_s,hosts,duration_s\n"
                                               "0,1,nan\n"
                                               "0,1,inf\n"
                                               "0,1,1e999\n"
                                               "0,1,0\n"
                                               "0,1,-5\n"
                                               "-1,1,60\n"
                                               "inf,1,60\n");
  expect_problem(file, {}, 2, "duration_s", "'nan' is not a finite number");
  expect_problem(file, {}, 3, "duration_s", "'inf' is not a finite number");
  expect_problem(file, {}, 4, "duration_s", "'1e999' is out of range");
  expect_problem(file, {}, 5, "duration_s", "must be > 0");
  expect_problem(file, {}, 6, "duration_s", "duration -5 s: it must be > 0");
  expect_problem(file, {}, 7, "arrival_s", "arrival -1 s is before the start");
  const auto ps = expect_problem(file, {}, 8, "arrival_s", "'inf' is not a finite number");
  CHECK(ps.size() == 7);
}

TEST_CASE("a job trace rejects host counts that are not whole numbers of at least 1") {
  TempDir dir;
  const auto file = dir.write("hosts.csv", "arrival_s,hosts,duration_s\n"
                                           "0,1.5,60\n"
                                           "0,0,60\n"
                                           "0,-2,60\n"
                                           "0,,60\n"
                                           "0,2000000000,60\n"
                                           "0,2e0,60\n");
  expect_problem(file, {}, 2, "hosts", "'1.5' is not a whole number");
  expect_problem(file, {}, 3, "hosts", "0 hosts: a job needs at least 1");
  expect_problem(file, {}, 4, "hosts", "-2 hosts: a job needs at least 1");
  expect_problem(file, {}, 5, "hosts", "empty value");
  const auto ps = expect_problem(file, {}, 6, "hosts", "more than 1000000000");
  CHECK(ps.size() == 5);  // 2e0 is 2
}

TEST_CASE("a job trace rejects utilisation outside [0, 1]") {
  TempDir dir;
  const auto file = dir.write("u.csv", "arrival_s,hosts,duration_s,utilisation\n0,1,60,1.01\n0,1,60,-0.1\n0,1,60,1\n");
  expect_problem(file, {}, 2, "utilisation", "'1.01' is outside [0, 1]");
  const auto ps = expect_problem(file, {}, 3, "utilisation", "'-0.1' is outside [0, 1]");
  CHECK(ps.size() == 2);
}

TEST_CASE("a job trace missing a required column names it and lists the header") {
  TempDir dir;
  const auto file = dir.write("cols.csv", "arrival,nodes,duration_s\n0,1,60\n");
  const auto ps = expect_problem(file, {}, 1, "arrival_s", "missing column 'arrival_s'");
  expect_problem(file, {}, 1, "hosts", "missing column 'hosts' or 'accelerators'");
  CHECK(ps.size() == 2);
  CHECK(ps[0].message.find("the header has: 'arrival', 'nodes', 'duration_s'") != std::string::npos);
  CHECK(ps[0].message.find("dcsim layout") != std::string::npos);

  const auto twice = dir.write("twice.csv", "arrival_s,hosts,duration_s,hosts\n0,1,60,2\n");
  expect_problem(twice, {}, 1, "hosts", "appears 2 times");
}

TEST_CASE("a job trace reports a row with the wrong number of fields") {
  TempDir dir;
  const auto file = dir.write("fields.csv", "arrival_s,hosts,duration_s\n0,1,60\n1,1\n2,1,60,\n3,1,60\n");
  expect_problem(file, {}, 3, "", "row has 2 fields; the header has 3");
  const auto ps = expect_problem(file, {}, 4, "", "row has 4 fields; the header has 3");
  CHECK(ps.size() == 2);
}

TEST_CASE("a job trace reads quoted fields with commas, doubled quotes and line breaks") {
  TempDir dir;
  const auto file = dir.write("quoted.csv", "arrival_s,hosts,duration_s,name,user\n"
                                            "0,1,60,\"resnet, 50 epochs\",\"o\"\"brien\"\n"
                                            "1,\"2\",60,\"two\nlines\",o\"brien\n"
                                            "2,1,60,plain,\"o\"\"brien\"\n");
  const JobTrace t = read(file);
  REQUIRE(t.jobs.size() == 3);
  CHECK(t.jobs[1].hosts == 2);
  CHECK(t.names == std::vector<std::string>{"", "resnet, 50 epochs", "two\nlines", "plain"});
  // Written quoted with a doubled quote, or bare with a single one, it is the same user.
  CHECK(t.users == std::vector<std::string>{"", "o\"brien"});
  CHECK((t.jobs[0].user == 1 && t.jobs[1].user == 1 && t.jobs[2].user == 1));

  // A line after a record that spans two lines keeps its own number.
  const auto bad = dir.write("quoted_bad.csv", "arrival_s,hosts,duration_s,name\n0,1,60,\"a\nb\"\n1,1,zero,c\n");
  expect_problem(bad, {}, 4, "duration_s", "'zero' is not a number");
  const auto open = dir.write("open.csv", "arrival_s,hosts,duration_s,name\n0,1,60,\"never closed\n");
  expect_problem(open, {}, 2, "", "never closed");
}

TEST_CASE("a job trace reports at most 50 problems") {
  TempDir dir;
  std::string text = "arrival_s,hosts,duration_s\n";
  for (int i = 0; i < 80; ++i) text += "0,0,60\n";
  const auto ps = problems_of(dir.write("many.csv", text), {});
  REQUIRE(ps.size() == 51);
  CHECK(ps[49].where.line == 51);
  CHECK(ps[50].message.find("more problems") != std::string::npos);
}

TEST_CASE("a job trace skips unfinished rows and counts them, or reports them when asked") {
  TempDir dir;
  const auto file = dir.write("running.csv", "arrival_s,hosts,duration_s\n0,1,60\n5,1,\n6,2,30\n");
  const JobTrace t = read(file);
  CHECK(t.skipped == 1);
  REQUIRE(t.jobs.size() == 2);
  CHECK(t.jobs[1].hosts == 2);
  JobTraceOptions strict;
  strict.skip_unfinished = false;
  const Problem p = only_problem(expect_problem(file, strict, 3, "duration_s", "empty value"));
  CHECK(p.message.find("skip_unfinished") != std::string::npos);
  // A zero duration is an error either way: only an empty one means "not finished".
  expect_problem(dir.write("zero.csv", "arrival_s,hosts,duration_s\n0,1,0\n"), {}, 2, "duration_s", "must be > 0");
}

TEST_CASE("a job trace rejects options it cannot use") {
  TempDir dir;
  const auto file = dir.write("ok.csv", "arrival_s,hosts,duration_s\n0,1,60\n");
  JobTraceOptions o;
  o.time_unit_s = 0;
  o.default_utilisation = 1.5;
  const auto ps = expect_problem(file, o, 0, "time_unit_s", "not a finite number > 0");
  expect_problem(file, o, 0, "default_utilisation", "outside [0, 1]");
  CHECK(ps.size() == 2);
  JobTraceOptions both;
  both.columns.hosts = "hosts";
  both.columns.accelerators = "hosts";
  expect_problem(file, both, 0, "columns.hosts", "both set");
}

// --- the file itself -----------------------------------------------------------------------------

TEST_CASE("a job trace file that is missing, a directory, binary, empty or header-only is refused") {
  TempDir dir;
  expect_problem(dir / "absent.csv", {}, 0, "", "no such file");
  fs::create_directories(dir / "folder.csv");
  expect_problem(dir / "folder.csv", {}, 0, "", "is a directory");
  std::string binary = "arrival_s,hosts,duration_s\n0,1,60\n";
  binary += '\0';
  expect_problem(dir.write("nul.csv", binary), {}, 3, "", "NUL");
  expect_problem(dir.write("empty.csv", ""), {}, 0, "", "is empty");
  expect_problem(dir.write("blank.csv", "\xEF\xBB\xBF\r\n  \n"), {}, 0, "", "is empty");
  expect_problem(dir.write("header.csv", "arrival_s,hosts,duration_s\r\n\r\n"), {}, 1, "", "no data rows");
}

TEST_CASE("a job trace file that cannot be read is refused") {
  if (::geteuid() == 0) {
    MESSAGE("running as root: permissions do not stop reading; skipped");
    return;
  }
  TempDir dir;
  const auto file = dir.write("locked.csv", "arrival_s,hosts,duration_s\n0,1,60\n");
  fs::permissions(file, fs::perms::none);
  expect_problem(file, {}, 0, "", "cannot be read");
}

TEST_CASE("a job trace file over 2 GiB is refused before it is read") {
  TempDir dir;
  const auto file = dir.write("huge.csv", "arrival_s,hosts,duration_s\n");
  fs::resize_file(file, (2ull << 30) + 1);  // sparse: takes no disk space
  expect_problem(file, {}, 0, "", "limited to 2147483648 bytes");
}

// --- Helios and Philly ---------------------------------------------------------------------------

TEST_CASE("a Helios job trace takes submit time, GPUs and duration, skips CPU jobs and sorts by arrival") {
  TempDir dir;
  // Rows in the README's example form, the third one submitted before the first.
  const auto file = dir.write("cluster_log.csv",
                              kHelios +
                                  "1425511,uXBbc,vcJkd,1,1,1,COMPLETED,2020-06-09 18:41:01,2020-06-09 18:41:01,2020-06-10 04:55:09,36848,0\n"
                                  "1425512,uVMrF,vchbv,4,16,1,FAILED,2020-06-09 18:41:27,2020-06-09 18:41:27,2020-06-09 18:45:36,249,0\n"
                                  "1425513,uzqls,vcpDC,0,1,1,CANCELLED,2020-06-09 18:41:28,2020-06-09 18:41:28,2020-06-17 14:15:21,675233,0\n"
                                  "1425514,uXBbc,vcJkd,8,64,1,COMPLETED,2020-06-09 18:40:01,2020-06-09 18:50:01,2020-06-09 19:50:01,3600,600\n");
  const JobTrace t = read(file, with(JobTraceLayout::helios));
  CHECK_FALSE(t.by_hosts);
  CHECK(t.skipped_cpu_only == 1);  // gpu_num 0
  CHECK(t.skipped == 0);
  // The earliest submit time (18:40:01) is arrival 0.
  CHECK(t.origin_s == static_cast<double>(parse_utc_ms("2020-06-09T18:40:01Z")) / 1000.0);
  REQUIRE(t.jobs.size() == 3);
  CHECK(t.jobs[0].arrival_s == 0.0);
  CHECK(t.jobs[0].accelerators == 8);
  CHECK(t.jobs[0].duration_s == 3600.0);
  CHECK(t.jobs[1].arrival_s == 60.0);  // 18:41:01
  CHECK(t.jobs[1].accelerators == 1);
  CHECK(t.jobs[1].duration_s == 36848.0);
  CHECK(t.jobs[2].arrival_s == 86.0);  // 18:41:27
  CHECK(t.jobs[2].duration_s == 249.0);
  CHECK(t.jobs[2].hosts == 0);
  CHECK(t.users == std::vector<std::string>{"", "uXBbc", "uVMrF"});
  CHECK(t.jobs[0].user == t.jobs[1].user);
  CHECK(t.jobs[0].utilisation == 1.0);
}

TEST_CASE("a Helios job trace with an epoch measures arrivals from it and rejects earlier ones") {
  TempDir dir;
  const auto file = dir.write("cluster_log.csv",
                              kHelios + "1,u1,vc1,2,8,1,COMPLETED,2020-06-09 12:00:00,2020-06-09 12:00:00,2020-06-09 13:00:00,3600,0\n"
                                        "2,u1,vc1,2,8,1,COMPLETED,2020-06-08 23:59:59,2020-06-09 00:00:00,2020-06-09 01:00:00,3600,1\n");
  JobTraceOptions o = with(JobTraceLayout::helios);
  o.epoch_ms = parse_utc_ms("2020-06-08T00:00:00Z");
  const JobTrace t = read(file, o);
  REQUIRE(t.jobs.size() == 2);
  CHECK(t.jobs[0].arrival_s == 86399.0);          // 23:59:59 on the first day
  CHECK(t.jobs[1].arrival_s == 86400.0 + 43200);  // noon the day after
  CHECK(t.origin_s == static_cast<double>(o.epoch_ms) / 1000.0);

  o.epoch_ms = parse_utc_ms("2020-06-09T00:00:00Z");
  const Problem p = only_problem(expect_problem(file, o, 3, "submit_time", "before the epoch 2020-06-09T00:00:00Z"));
  CHECK(p.where.column == 26);  // after "2,u1,vc1,2,8,1,COMPLETED," (25 characters)
}

TEST_CASE("a Helios job trace reports unreadable times and skips rows without a duration") {
  TempDir dir;
  const auto file = dir.write("cluster_log.csv",
                              kHelios + "1,u1,vc1,1,1,1,COMPLETED,2020-06-31 00:00:00,,,60,0\n"
                                        "2,u1,vc1,1,1,1,COMPLETED,9 June,,,60,0\n"
                                        "3,u1,vc1,1,1,1,RUNNING,2020-06-09 00:00:00,2020-06-09 00:00:00,,,0\n"
                                        "4,u1,vc1,1,1,1,COMPLETED,2020-06-09 00:00:00+08:00,,,60,0\n");
  const auto o = with(JobTraceLayout::helios);
  expect_problem(file, o, 2, "submit_time", "cannot read time '2020-06-31 00:00:00': no such date");
  expect_problem(file, o, 3, "submit_time", "cannot read time '9 June'");
  const auto ps = expect_problem(file, o, 5, "submit_time", "only UTC");
  CHECK(ps.size() == 3);  // line 4 has no duration: skipped, not reported
}

TEST_CASE("a CPU-only row of a public job trace is an error when skip_cpu_only is off") {
  TempDir dir;
  const auto file = dir.write("cluster_log.csv",
                              kHelios + "1,u1,vc1,0,4,1,COMPLETED,2020-06-09 00:00:00,2020-06-09 00:00:00,2020-06-09 00:01:00,60,0\n");
  JobTraceOptions o = with(JobTraceLayout::helios);
  o.skip_cpu_only = false;
  expect_problem(file, o, 2, "gpu_num", "0 GPUs (a CPU-only job)");
  // With it on (the default) the file reads, with no jobs and the row counted.
  const JobTrace t = read(file, with(JobTraceLayout::helios));
  CHECK(t.jobs.empty());
  CHECK(t.skipped_cpu_only == 1);
}

TEST_CASE("a Philly job trace reads the Helios-schema CSV conversion of the job log") {
  TempDir dir;
  // Philly states (Pass, Killed, Failed) and a job still running at the snapshot (no end).
  const auto file = dir.write("philly_trace.csv",
                              kHelios +
                                  "application_1506638472019_14199,ce2f4c,ee9e8c,8,8,1,Pass,2017-10-07 01:11:39,2017-10-07 01:13:30,2017-10-09 06:53:12,193182,111\n"
                                  "application_1506638472019_14200,ce2f4c,ee9e8c,16,16,2,Killed,2017-10-07 01:12:00,2017-10-07 01:12:30,2017-10-07 02:12:30,3600,30\n"
                                  "application_1506638472019_14201,a1b2c3,ee9e8c,1,1,1,Running,2017-10-07 01:13:00,2017-10-07 01:13:00,,,0\n");
  const JobTrace t = read(file, with(JobTraceLayout::philly));
  CHECK(t.skipped == 1);
  REQUIRE(t.jobs.size() == 2);
  CHECK(t.jobs[0].arrival_s == 0.0);
  CHECK(t.jobs[0].accelerators == 8);
  CHECK(t.jobs[0].duration_s == 193182.0);  // 2 d 05:39:42 from start to end
  CHECK(t.jobs[1].arrival_s == 21.0);
  CHECK(t.jobs[1].accelerators == 16);
  CHECK(t.users == std::vector<std::string>{"", "ce2f4c"});

  // Mapped to start and end, the duration is end - start of the calendar times.
  JobTraceOptions o = with(JobTraceLayout::philly);
  o.columns.start = "start_time";
  const JobTrace se = read(file, o);
  REQUIRE(se.jobs.size() == 2);
  CHECK(se.jobs[0].duration_s == 2 * 86400.0 + 5 * 3600 + 39 * 60 + 42);
  CHECK(se.jobs[1].duration_s == 3600.0);

  // A duration column in minutes.
  o = with(JobTraceLayout::philly);
  o.time_unit_s = 60;
  CHECK(read(file, o).jobs[1].duration_s == 3600.0 * 60);
}

// --- Alibaba PAI ---------------------------------------------------------------------------------

TEST_CASE("a PAI task trace has no header and turns GPU percentages per instance into whole GPUs") {
  TempDir dir;
  // job_name,task_name,inst_num,status,start_time,end_time,plan_cpu,plan_mem,plan_gpu,gpu_type
  const auto file = dir.write("pai_task_table.csv",
                              "4f057009a5d481acec67b088,tensorflow,1.0,Terminated,1739162.0,1739200.0,600.0,29.296875,50.0,MISC\n"
                              "a1,worker,2.0,Terminated,1739100.0,1739700.0,400.0,10.0,100.0,V100\n"
                              "a1,ps,1.0,Terminated,1739100.0,1739700.0,600.0,10.0,,\n"
                              "b2,worker,3.0,Terminated,1739300.0,1739360.5,400.0,10.0,50.0,T4\n"
                              "c3,worker,1.0,Waiting,0.0,0.0,400.0,10.0,100.0,\n"
                              "d4,worker,1.0,Running,1739400.0,,400.0,10.0,100.0,P100\n"
                              "e5,worker,8.0,Terminated,1739400.0,1739460.0,400.0,10.0,12.5,P100\n");
  const JobTrace t = read(file, with(JobTraceLayout::pai));
  CHECK_FALSE(t.by_hosts);
  CHECK(t.skipped == 2);           // never started (start 0), still running (no end)
  CHECK(t.skipped_cpu_only == 1);  // the parameter server: no plan_gpu
  CHECK(t.origin_s == 1739100.0);  // the earliest start_time is arrival 0
  REQUIRE(t.jobs.size() == 4);
  // Sorted by arrival: a1 worker (100 s before the first row), the first row, b2, e5.
  CHECK(t.jobs[0].arrival_s == 0.0);
  CHECK(t.jobs[0].accelerators == 2);  // 2 x 100 %
  CHECK(t.jobs[0].duration_s == 600.0);
  CHECK(t.jobs[1].arrival_s == 62.0);
  CHECK(t.jobs[1].accelerators == 1);  // 1 x 50 %: a share of one device
  CHECK(t.jobs[1].duration_s == 38.0);
  CHECK(t.jobs[2].accelerators == 2);  // 3 x 50 % = 1.5
  CHECK(t.jobs[2].duration_s == 60.5);
  CHECK(t.jobs[3].accelerators == 1);  // 8 x 12.5 % = exactly 1
  CHECK(t.users == std::vector<std::string>{""});
}

TEST_CASE("a PAI task trace that starts with its header line reads the same") {
  TempDir dir;
  const std::string rows = "j,worker,1.0,Terminated,100.0,160.0,400.0,10.0,100.0,V100\n"
                           "k,worker,1.0,Terminated,130.0,190.0,400.0,10.0,200.0,V100\n";
  const auto bare = read(dir.write("bare.csv", rows), with(JobTraceLayout::pai));
  const auto headed = read(dir.write("headed.csv", "job_name,task_name,inst_num,status,start_time,end_time,plan_cpu,"
                                                   "plan_mem,plan_gpu,gpu_type\n" + rows),
                           with(JobTraceLayout::pai));
  REQUIRE(bare.jobs.size() == 2);
  REQUIRE(headed.jobs.size() == 2);
  CHECK(bare.jobs[1].arrival_s == 30.0);
  CHECK(headed.jobs[1].arrival_s == 30.0);
  CHECK(headed.jobs[1].accelerators == 2);
}

TEST_CASE("a PAI task trace reports bad fields by their positional names") {
  TempDir dir;
  const auto file = dir.write("pai.csv",
                              "j,worker,one,Terminated,100.0,160.0,400.0,10.0,100.0,V100\n"
                              "k,worker,1.0,Terminated,130.0,120.0,400.0,10.0,100.0,V100\n"
                              "l,worker,1.0,Terminated,130.0,190.0,400.0,10.0,-50.0,V100\n"
                              "m,worker,1.0,Terminated,130.0,190.0\n");
  const auto o = with(JobTraceLayout::pai);
  expect_problem(file, o, 1, "inst_num", "'one' is not a number");
  expect_problem(file, o, 2, "end_time", "ends at or before it starts");
  expect_problem(file, o, 3, "plan_gpu", "negative");
  const auto ps = expect_problem(file, o, 4, "", "row has 6 fields; the header has 10");
  CHECK(ps.size() == 4);
  JobTraceOptions strict = with(JobTraceLayout::pai);
  strict.skip_unfinished = false;
  expect_problem(dir.write("zero.csv", "c3,worker,1.0,Waiting,0.0,0.0,400.0,10.0,100.0,\n"), strict, 1, "start_time",
                 "never started");
}

// --- the fleet-year benchmark trace ---------------------------------------------------------------

TEST_CASE("the fleet-year small job trace has 10000 jobs that match a plain reading of the CSV") {
  const fs::path bench = fleet_year_dir();
  if (bench.empty()) {
    MESSAGE("shared/bench/fleet-year not found; skipped");
    return;
  }
  if (std::system("command -v python3 > /dev/null 2>&1") != 0) {
    MESSAGE("python3 not found; fleet-year trace check skipped");
    return;
  }
  TempDir dir;
  const std::string command = "python3 '" + (bench / "gen_traces.py").string() + "' 100 10000 1 '" + dir.path().string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  const fs::path file = dir / "jobs.csv";
  const JobTrace t = read(file);
  REQUIRE(t.jobs.size() == 10000);
  CHECK(t.by_hosts);
  CHECK(t.skipped == 0);

  // The same file read with getline and stod: both parsers round correctly, so the numbers agree
  // to the bit.
  std::ifstream in(file);
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(line == "arrival_s,hosts,duration_s,utilisation");
  double host_seconds = 0;
  std::size_t i = 0;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string a, h, d, u;
    std::getline(row, a, ',');
    std::getline(row, h, ',');
    std::getline(row, d, ',');
    std::getline(row, u, ',');
    REQUIRE(i < t.jobs.size());
    const auto& j = t.jobs[i++];
    CHECK(j.arrival_s == std::stod(a));
    CHECK(j.hosts == std::stoll(h));
    CHECK(j.duration_s == std::stod(d));
    CHECK(j.utilisation == std::stod(u));
    host_seconds += static_cast<double>(std::stoll(h)) * std::stod(d);
  }
  CHECK(i == 10000);
  double read_host_seconds = 0;
  for (const auto& j : t.jobs) read_host_seconds += static_cast<double>(j.hosts) * j.duration_s;
  CHECK(read_host_seconds == doctest::Approx(host_seconds).epsilon(1e-12));
  // The generator's rules (README): hosts one of 1..32 in powers of two, duration >= 60 s,
  // utilisation in [0.5, 1), arrivals sorted.
  for (std::size_t k = 0; k < t.jobs.size(); ++k) {
    const auto& j = t.jobs[k];
    REQUIRE((j.hosts >= 1 && j.hosts <= 32 && (j.hosts & (j.hosts - 1)) == 0));
    REQUIRE(j.duration_s >= 60.0);
    REQUIRE((j.utilisation >= 0.5 && j.utilisation < 1.0));
    if (k > 0) REQUIRE(j.arrival_s >= t.jobs[k - 1].arrival_s);
  }
}

}  // TEST_SUITE

// ---------------------------------------------------------------------------------------------
// Streamed reading (JobTraceStream): the same jobs as the whole-file read, block boundaries in
// every kind of place, and problems found late in a file.

namespace {

using dcsim::input::JobTraceStream;
using dcsim::input::TraceJob;

// A dcsim-layout trace of `rows` jobs, row i arriving at i s, holding 1 + i % 7 hosts, running
// 60 + i s at utilisation (i % 100) / 100; every 97th job named with a quoted name holding a
// comma, a doubled quote and a line break, so that block ends fall inside quoted fields too.
std::string long_trace(int rows) {
  std::string text = "arrival_s,hosts,duration_s,utilisation,name\n";
  for (int i = 0; i < rows; ++i) {
    const std::string name = i % 97 == 0 ? fmt::format("\"job, \"\"{}\"\"\nsecond line\"", i) : fmt::format("j{}", i);
    text += fmt::format("{},{},{},{:.6f},{}\n", i, 1 + i % 7, 60 + i, i % 100 / 100.0, name);
  }
  return text;
}

std::vector<Problem> stream_problems(const fs::path& file) {
  try {
    JobTraceStream stream(file.string(), JobTraceOptions{});
    TraceJob job;
    while (stream.next(job)) {
    }
  } catch (const InputError& e) {
    return e.problems();
  }
  FAIL("the stream accepted " << file.filename().string());
  return {};
}

// A trace's expected jobs (from first principles, in the tests that use it).
struct WantJob {
  double arrival;
  std::int64_t hosts;
  double duration, utilisation;
};

// The jobs of the texts of every form below (the same values in both column orders).
const std::vector<WantJob> kFormsWant = {{0.5, 4, 5353.173404446043, 0.8274547574113114},
                                         {1.25, 2, 60, 0.5},
                                         {2, 8, 61, 0.25},
                                         {3, 1, 62, 0.75},
                                         {4, 16, 63, 1},
                                         {5, 4, 64, 0.1},
                                         {6, 1, 65, 0.0625},
                                         {7, 1, 12.34567890123456789, 0},
                                         {8, 32, 100, 0.5},
                                         {9, 1, 100, 0.5},
                                         {10, 1, 100, 0.5}};

// Streams `file` without and with read-ahead and checks it gives `want`, and the whole-file read's
// times and utilisations.
void check_streamed(const fs::path& file, const std::vector<WantJob>& want) {
  const JobTrace whole = read(file);
  REQUIRE(whole.jobs.size() == want.size());
  for (const auto mode : {dcsim::input::JobTraceReadAhead::off, dcsim::input::JobTraceReadAhead::on}) {
    CAPTURE(static_cast<int>(mode));
    JobTraceOptions o;
    o.read_ahead = mode;
    JobTraceStream stream(file.string(), o);
    TraceJob job;
    std::size_t n = 0;
    while (stream.next(job)) {
      REQUIRE(n < want.size());
      CAPTURE(n);
      CHECK(job.arrival_s == want[n].arrival);
      CHECK(job.hosts == want[n].hosts);
      CHECK(job.accelerators == 0);
      CHECK(job.duration_s == want[n].duration);
      CHECK(job.utilisation == want[n].utilisation);
      CHECK(job.arrival_s == whole.jobs[n].arrival_s);
      CHECK(job.duration_s == whole.jobs[n].duration_s);
      CHECK(job.utilisation == whole.jobs[n].utilisation);
      ++n;
    }
    CHECK(n == want.size());
  }
}

}  // namespace

TEST_CASE("a streamed trace gives the jobs, names and counts of the whole-file read, across many blocks") {
  TempDir dir;
  const int rows = 60'000;  // about 1.8 MB: seven blocks of 256 KiB
  const fs::path file = dir.write("long.csv", long_trace(rows));
  REQUIRE(fs::file_size(file) > 6 * (std::size_t{1} << 18));
  const JobTrace whole = read(file);
  REQUIRE(whole.jobs.size() == static_cast<std::size_t>(rows));
  JobTraceStream stream(file.string(), JobTraceOptions{});
  TraceJob job;
  std::size_t n = 0;
  bool same = true;
  while (stream.next(job)) {
    const TraceJob& w = whole.jobs[n];
    same = same && job.arrival_s == w.arrival_s && job.hosts == w.hosts && job.duration_s == w.duration_s &&
           job.utilisation == w.utilisation && stream.name() == whole.names[w.name];
    // First principles: row i as written by long_trace.
    same = same && job.arrival_s == static_cast<double>(n) && job.hosts == static_cast<std::int64_t>(1 + n % 7);
    if (n % 97 == 0) same = same && stream.name() == "job, \"" + std::to_string(n) + "\"\nsecond line";
    ++n;
  }
  CHECK(same);
  CHECK(n == static_cast<std::size_t>(rows));
  CHECK(stream.by_hosts());
  CHECK(stream.skipped() == 0);
}

TEST_CASE("a streamed trace without text columns reads plain rows and every other form as the whole-file read") {
  // Rows of the plain form (read straight from the text) between rows of every form that is read
  // field by field: blanks around fields, quoted numbers, a CRLF ending, a '+' sign, a size
  // written as a double, exponents, more digits than 64 bits hold, blank lines, an unused column
  // with a quote; and the last row without a line break. Values from first principles.
  TempDir dir;
  const std::string text =
      "arrival_s,hosts,note,duration_s,utilisation\n"
      "0.5,4,a,5353.173404446043,0.8274547574113114\n"  // line 2
      " 1.25 ,2,b, 60 ,0.5\n"
      "2,\"8\",c,\"61\",0.25\n"
      "3,1,d,62,0.75\r\n"
      "+4,16,e,63,1\n"  // line 6
      "\n"
      "5,4.0,f,6.4e1,1e-1\n"  // line 8
      "6,1,\"quoted, note\",65,0.0625\n"
      "7,1,g,12345678901234567890e-18,0\n"  // line 10: 20 digits
      "8,32,h,1E2,0.5\n"
      "9.000000000000000000001,1,i,100,0.5\n"  // line 12: 22 digits, 9 to the nearest double
      "10,1,j,100,0.5";
  const fs::path file = dir.write("mixed.csv", text);
  check_streamed(file, kFormsWant);
}

// The same forms in the dcsim column order (arrival, hosts, duration, utilisation and nothing
// else), which plain rows are read in by a path of their own.
TEST_CASE("a streamed trace in the dcsim column order reads plain rows and every other form as the whole-file read") {
  TempDir dir;
  const std::string text =
      "arrival_s,hosts,duration_s,utilisation\n"
      "0.5,4,5353.173404446043,0.8274547574113114\n"
      " 1.25 ,2, 60 ,0.5\n"
      "2,\"8\",\"61\",0.25\n"
      "3,1,62,0.75\r\n"
      "+4,16,63,1\n"
      "\n"
      "5,4.0,6.4e1,1e-1\n"
      "6,1,65,0.0625\n"
      "7,1,12345678901234567890e-18,0\n"
      "8,32,1E2,0.5\n"
      "9.000000000000000000001,1,100,0.5\n"
      "10,1,100,0.5\n"
      "10,3,0.001,1";
  const fs::path file = dir.write("dcsim-order.csv", text);
  std::vector<WantJob> want = kFormsWant;
  want.push_back({10, 3, 0.001, 1});
  check_streamed(file, want);
}

TEST_CASE("a streamed trace without text columns reports a row after plain rows with its line, as the whole read") {
  // Each bad row comes after plain rows and a blank line; its problem names the line and the
  // column, and the same problem comes from the whole-file read.
  struct Case {
    const char* row;
    int line;
    const char* column;
    const char* message;
  };
  const Case cases[] = {{"2,1,60,0.5", 6, "arrival_s", "arrival 2 s is before 3 s on line 4"},
                        {"5,0,60,0.5", 6, "hosts", "a job needs at least 1"},
                        {"5,1,0,0.5", 6, "duration_s", "it must be > 0"},
                        {"5,1,60,1.5", 6, "utilisation", "outside [0, 1]"},
                        {"5,1,60", 6, "", "row has 3 fields; the header has 4"},
                        {"5,1,60,0.5,7", 6, "", "row has 5 fields; the header has 4"},
                        {"-5,1,60,0.5", 6, "arrival_s", "before the start"}};
  for (const Case& c : cases) {
    CAPTURE(c.row);
    TempDir dir;
    const std::string text = std::string("arrival_s,hosts,duration_s,utilisation\n1,1,60,0.5\n2,2,60,0.5\n3,4,60,0.5\n\n") +
                             c.row + "\n6,1,60,0.5\n";
    const fs::path file = dir.write("bad.csv", text);
    const std::vector<Problem> streamed = stream_problems(file);
    REQUIRE(streamed.size() == 1);
    CHECK(streamed[0].where.line == c.line);
    CHECK(streamed[0].path == c.column);
    CHECK(streamed[0].message.find(c.message) != std::string::npos);
    try {
      (void)read(file);
      FAIL("the whole read accepted " << c.row);
    } catch (const InputError& e) {
      REQUIRE(e.problems().size() == 1);
      CHECK(e.problems()[0].where.line == streamed[0].where.line);
      CHECK(e.problems()[0].message == streamed[0].message);
    }
  }
}

TEST_CASE("a streamed trace reports a bad row far into the file with its line, and the problems after it") {
  TempDir dir;
  std::string text = long_trace(30'000);  // quoted names add a line every 97 rows
  // Break the job arriving at 20000 s (its duration) and the one at 25000 s (its utilisation).
  const auto bad_at = [&](const std::string& row_start, const std::string& from, const std::string& to) {
    const std::size_t at = text.find("\n" + row_start) + 1;
    const std::size_t f = text.find(from, at);
    text.replace(f, from.size(), to);
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  };
  const int line1 = bad_at("20000,", ",20060,", ",-5,");
  const int line2 = bad_at("25000,", ",0.000000,", ",1.5,");
  const fs::path file = dir.write("bad.csv", text);
  const std::vector<Problem> ps = stream_problems(file);
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].where.line == line1);
  CHECK(ps[0].path == "duration_s");
  CHECK(ps[1].where.line == line2);
  CHECK(ps[1].path == "utilisation");
  CHECK(fs::path(ps[0].where.file).filename() == "bad.csv");
}

TEST_CASE("a streamed trace checks its header when opened, and NUL bytes and an empty body as it reads") {
  TempDir dir;
  CHECK_THROWS_AS(JobTraceStream(dir.write("h.csv", "arrival_s,duration_s\n0,60\n").string(), JobTraceOptions{}), InputError);
  CHECK_THROWS_AS(JobTraceStream((dir / "missing.csv").string(), JobTraceOptions{}), InputError);
  CHECK_THROWS_AS(JobTraceStream(dir.write("e.csv", " \n\n").string(), JobTraceOptions{}), InputError);
  {
    const std::vector<Problem> ps = stream_problems(dir.write("none.csv", "arrival_s,hosts,duration_s\n"));
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].message.find("no data rows") != std::string::npos);
  }
  std::string text = long_trace(20'000);
  const std::size_t at = text.size() - 100;
  text[at] = '\0';
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  const std::vector<Problem> ps = stream_problems(dir.write("nul.csv", text));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].where.line == line);
  CHECK(ps[0].message.find("NUL") != std::string::npos);
}

TEST_CASE("numbers in a trace read back as the doubles they were written from, bit for bit") {
  // Shortest round-trip forms (fmt's "{}") of doubles over many magnitudes and digit counts,
  // with exponents, as arrivals, durations and utilisations: whichever path reads a number
  // (the exact fast paths or the general one), the double must be the one written.
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  const auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  const auto uniform = [&] { return static_cast<double>(next() >> 11) * 0x1p-53; };
  TempDir dir;
  std::vector<double> arrivals, durations, utilisations;
  std::string text = "arrival_s,hosts,duration_s,utilisation\n";
  double t = 0.0;
  for (int i = 0; i < 50'000; ++i) {
    const double scale = std::pow(10.0, static_cast<double>(next() % 12) - 6.0);  // steps of 1e-6 .. 1e5 s
    t += uniform() * scale;
    const double d = 1e-3 + uniform() * std::pow(10.0, static_cast<double>(next() % 12) - 2.0);
    const double u = i % 5 == 0 ? std::round(uniform() * 100.0) / 100.0 : uniform();
    arrivals.push_back(t);
    durations.push_back(d);
    utilisations.push_back(u);
    text += fmt::format("{},1,{},{}\n", t, d, u);
  }
  const fs::path file = dir.write("numbers.csv", text);
  JobTraceStream stream(file.string(), JobTraceOptions{});
  TraceJob job;
  std::size_t n = 0, wrong = 0;
  while (stream.next(job)) {
    if (job.arrival_s != arrivals[n] || job.duration_s != durations[n] || job.utilisation != utilisations[n]) ++wrong;
    ++n;
  }
  CHECK(n == arrivals.size());
  CHECK(wrong == 0);

  // Decimals of 19 random digits are not the shortest form of any double: they fall anywhere
  // between two doubles, now and then within rounding distance of a midpoint, where reading in
  // two roundings would go wrong. std::from_chars (correctly rounded) is the reference here.
  std::string durations_text = "arrival_s,hosts,duration_s\n";
  std::vector<double> expected;
  for (int i = 0; i < 50'000; ++i) {
    std::string digits;
    for (int k = 0; k < 19; ++k) digits += static_cast<char>('0' + (k == 0 ? 1 + next() % 9 : next() % 10));
    const std::size_t point = 1 + next() % 7;  // 1 to 7 digits before the point
    const std::string number = digits.substr(0, point) + "." + digits.substr(point);
    double v = 0;
    REQUIRE(std::from_chars(number.data(), number.data() + number.size(), v).ec == std::errc{});
    expected.push_back(v);
    durations_text += "0,1," + number + "\n";
  }
  JobTraceStream long_digits(dir.write("digits.csv", durations_text).string(), JobTraceOptions{});
  n = wrong = 0;
  while (long_digits.next(job)) wrong += job.duration_s != expected[n++] ? 1 : 0;
  CHECK(n == expected.size());
  CHECK(wrong == 0);

  // Every shape of digit run the reader takes eight bytes at a time or one by one: 1 to 12
  // digits before the point (some with leading zeros), 0 to 13 after it, fields shorter and
  // longer than eight bytes, runs of exactly 8 and 16, up to 21 digits (beyond 19: the general
  // path), an exponent after them, the last field of the file with no newline after it.
  std::string shapes_text = "arrival_s,hosts,duration_s\n";
  std::vector<double> shape_expected;
  for (int whole = 1; whole <= 12; ++whole)
    for (int fraction = 0; fraction <= 13; ++fraction)
      for (int zeros = 0; zeros <= 2; zeros += 2) {
        if (whole + fraction + zeros > 21) continue;
        std::string number(static_cast<std::size_t>(zeros), '0');
        for (int k = 0; k < whole; ++k) number += static_cast<char>('0' + (k == 0 ? 1 + next() % 9 : next() % 10));
        if (fraction > 0) number += '.';
        for (int k = 0; k < fraction; ++k) number += static_cast<char>('0' + next() % 10);
        if (whole >= 10) number += "e-3";  // durations stay under 100 years
        double v = 0;
        REQUIRE(std::from_chars(number.data(), number.data() + number.size(), v).ec == std::errc{});
        shape_expected.push_back(v);
        shapes_text += "0,1," + number + "\n";
      }
  shapes_text.pop_back();
  JobTraceStream shapes(dir.write("shapes.csv", shapes_text).string(), JobTraceOptions{});
  n = wrong = 0;
  while (shapes.next(job)) {
    if (job.duration_s != shape_expected[n]) {
      ++wrong;
      MESSAGE("row " << n + 1 << ": read " << job.duration_s << ", expected " << shape_expected[n]);
    }
    ++n;
  }
  CHECK(n == shape_expected.size());
  CHECK(wrong == 0);
}

// ---------------------------------------------------------------------------------------------
// Reading ahead: a reader thread of the stream's own gives exactly what reading inline gives.

namespace {

using dcsim::input::JobTraceReadAhead;

JobTraceOptions reading(JobTraceReadAhead mode) {
  JobTraceOptions o;
  o.read_ahead = mode;
  return o;
}

// A dcsim-layout trace of `rows` rows with a user and a name column: row i arrives at i / 4 s,
// holds 1 + i % 5 hosts and runs 30 + i % 1000 s at utilisation (i % 101) / 100 for user
// "u<i % 13>"; every 1000th row (from row 500) has no duration (an unfinished job, skipped), and
// every 89th is named with a quoted name holding a comma and a line break.
std::string ahead_trace(int rows) {
  std::string text = "arrival_s,hosts,duration_s,utilisation,user,name\n";
  for (int i = 0; i < rows; ++i) {
    const std::string duration = i % 1000 == 500 ? std::string() : std::to_string(30 + i % 1000);
    const std::string name = i % 89 == 0 ? fmt::format("\"row {},\nnext\"", i) : fmt::format("r{}", i);
    text += fmt::format("{},{},{},{},u{},{}\n", i / 4.0, 1 + i % 5, duration, (i % 101) / 100.0, i % 13, name);
  }
  return text;
}

// Every job of `file` read with `mode`, as text: its fields, name, user and the skip count
// after it, one line each; then the count at the end and the problems, if it threw.
struct Replay {
  std::vector<std::string> jobs;
  std::size_t skipped_at_end = 0;
  std::vector<std::string> problems;
  bool threw = false;
};

Replay replay(const fs::path& file, JobTraceReadAhead mode, bool& reads_ahead) {
  Replay r;
  JobTraceStream stream(file.string(), reading(mode));
  reads_ahead = stream.reads_ahead();
  TraceJob job;
  try {
    while (stream.next(job))
      r.jobs.push_back(fmt::format("{} {} {} {} {} {} [{}] [{}] {}", job.arrival_s, job.hosts, job.accelerators,
                                   job.duration_s, job.utilisation, job.user + job.name, stream.name(), stream.user(),
                                   stream.skipped()));
  } catch (const InputError& e) {
    r.threw = true;
    for (const Problem& p : e.problems()) r.problems.push_back(dcsim::format_problem(p));
  }
  r.skipped_at_end = stream.skipped();
  return r;
}

}  // namespace

TEST_CASE("a trace read ahead on a thread gives the jobs, names and counts of one read inline") {
  TempDir dir;
  const int rows = 120'000;
  const fs::path file = dir.write("ahead.csv", ahead_trace(rows));
  REQUIRE(fs::file_size(file) > 3 * (std::size_t{1} << 20));  // many batches and blocks
  bool inline_ahead = true, thread_ahead = false;
  const Replay off = replay(file, JobTraceReadAhead::off, inline_ahead);
  const Replay on = replay(file, JobTraceReadAhead::on, thread_ahead);
  CHECK_FALSE(inline_ahead);
  CHECK(thread_ahead);
  CHECK_FALSE(off.threw);
  CHECK_FALSE(on.threw);
  // First principles: 120 unfinished rows (500, 1500, ...) skipped, the others jobs.
  REQUIRE(off.jobs.size() == static_cast<std::size_t>(rows - rows / 1000));
  CHECK(off.skipped_at_end == static_cast<std::size_t>(rows / 1000));
  CHECK(on.skipped_at_end == off.skipped_at_end);
  REQUIRE(on.jobs.size() == off.jobs.size());
  std::size_t differ = 0;
  for (std::size_t k = 0; k < on.jobs.size(); ++k) differ += on.jobs[k] != off.jobs[k] ? 1 : 0;
  CHECK(differ == 0);
  // Spot checks of the inline read against the rows as written: job k is row k + (rows skipped
  // before it); the skip count after a job counts the unfinished rows before its row.
  CHECK(off.jobs[0] == "0 1 0 30 0 0 [row 0,\nnext] [u0] 0");
  CHECK(off.jobs[500] == "125.25 2 0 531 0.97 0 [r501] [u7] 1");
  CHECK(off.jobs.back() == fmt::format("{} {} 0 {} {} 0 [r{}] [u{}] {}", (rows - 1) / 4.0, 1 + (rows - 1) % 5,
                                       30 + (rows - 1) % 1000, ((rows - 1) % 101) / 100.0, rows - 1, (rows - 1) % 13,
                                       rows / 1000));
}

TEST_CASE("a trace read ahead uses a thread only for a large file, unless told") {
  TempDir dir;
  const fs::path small = dir.write("small.csv", ahead_trace(100));
  const fs::path large = dir.write("large.csv", ahead_trace(40'000));
  REQUIRE(fs::file_size(large) >= dcsim::input::kReadAheadMinBytes);
  CHECK_FALSE(JobTraceStream(small.string(), reading(JobTraceReadAhead::automatic)).reads_ahead());
  CHECK(JobTraceStream(small.string(), reading(JobTraceReadAhead::on)).reads_ahead());
  CHECK_FALSE(JobTraceStream(large.string(), reading(JobTraceReadAhead::off)).reads_ahead());
  if (std::thread::hardware_concurrency() >= 2)
    CHECK(JobTraceStream(large.string(), reading(JobTraceReadAhead::automatic)).reads_ahead());
  // A small file read ahead gives what it gives inline (one short batch).
  bool a = false;
  const Replay off = replay(small, JobTraceReadAhead::off, a);
  const Replay on = replay(small, JobTraceReadAhead::on, a);
  CHECK(off.jobs.size() == 100);
  CHECK(on.jobs == off.jobs);
}

TEST_CASE("a bad row far into a big trace is reported the same read ahead and inline") {
  TempDir dir;
  std::string text = ahead_trace(100'000);
  // Row 90000 (arriving at 22500 s) gets 0 hosts, row 95001 (23750.25 s) a utilisation of 2.
  const auto bad_at = [&](const std::string& row_start, const std::string& from, const std::string& to) {
    const std::size_t at = text.find("\n" + row_start) + 1;
    const std::size_t f = text.find(from, at);
    REQUIRE(f != std::string::npos);
    text.replace(f, from.size(), to);
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  };
  const int line1 = bad_at("22500,", ",1,", ",0,");
  const int line2 = bad_at("23750.25,", ",0.61,", ",2,");
  const fs::path file = dir.write("bad.csv", text);
  bool a = false;
  const Replay off = replay(file, JobTraceReadAhead::off, a);
  const Replay on = replay(file, JobTraceReadAhead::on, a);
  REQUIRE(off.threw);
  REQUIRE(on.threw);
  // The jobs before the bad row: 90000 rows, 90 of them unfinished (500, 1500, ..., 89500).
  CHECK(off.jobs.size() == 90'000 - 90);
  CHECK(on.jobs == off.jobs);
  REQUIRE(off.problems.size() == 2);
  CHECK(on.problems == off.problems);
  CHECK(off.problems[0].find(fmt::format(":{}:", line1)) != std::string::npos);
  CHECK(off.problems[0].find("hosts") != std::string::npos);
  CHECK(off.problems[1].find(fmt::format(":{}:", line2)) != std::string::npos);
  CHECK(off.problems[1].find("utilisation") != std::string::npos);
  // Read to the end for the report: every unfinished row of the file counted.
  CHECK(on.skipped_at_end == off.skipped_at_end);
  CHECK(off.skipped_at_end == 100);
}

TEST_CASE("a trace read ahead with a header and no rows, or NUL bytes late, fails as inline") {
  TempDir dir;
  const fs::path none = dir.write("none.csv", "arrival_s,hosts,duration_s\n");
  std::string text = ahead_trace(50'000);
  text[text.size() - 100] = '\0';
  const fs::path nul = dir.write("nul.csv", text);
  for (const fs::path& file : {none, nul}) {
    bool a = false;
    const Replay off = replay(file, JobTraceReadAhead::off, a);
    const Replay on = replay(file, JobTraceReadAhead::on, a);
    CHECK(off.threw);
    CHECK(on.threw);
    REQUIRE(off.problems.size() == 1);
    CHECK(on.problems == off.problems);
    CHECK(on.jobs == off.jobs);
  }
}

TEST_CASE("a stream read ahead stops and joins its thread when destroyed anywhere in the file") {
  TempDir dir;
  std::string text = ahead_trace(60'000);
  const fs::path good = dir.write("good.csv", text);
  text.replace(text.find("\n14000,") + 1, 5, "14000x");  // a bad arrival late in the file
  const fs::path bad = dir.write("bad.csv", text);
  const std::size_t batch = JobTraceStream::kAheadBatchJobs;
  for (const fs::path& file : {good, bad}) {
    // Never asked (no thread), the first job, inside a batch, at a batch's end, with the queue
    // full (the reader waiting), and after the reader found the bad row but before it is reached.
    for (const std::size_t take : {std::size_t{0}, std::size_t{1}, batch / 2, batch, 3 * batch, std::size_t{55'000}}) {
      JobTraceStream stream(file.string(), reading(JobTraceReadAhead::on));
      TraceJob job;
      std::size_t n = 0;
      while (n < take && stream.next(job)) ++n;
      CHECK(n == take);
    }
  }
}
