#include "sim/sweep/Sweep.hpp"
#include "sim/sweep/SweepMpi.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <ostream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "analysis/OutputFormat.hpp"
#include "analysis/hdf5/Hdf5.hpp"
#include "analysis/hdf5/Table.hpp"
#include "models/InputError.hpp"
#include "sim/Run.hpp"
#include "sim/SpareCore.hpp"
#include "sim/output/TempFiles.hpp"
#include "sim/scenario/Scenario.hpp"

namespace dcsim::sweep {
namespace {

namespace fs = std::filesystem;
using analysis::kSummaryFields;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kSweepFormat = 1;
constexpr int kRan = 0, kRunFailure = 1, kInputError = 2;

[[noreturn]] void fail(const std::string& file, const std::string& message) {
  throw InputError(Location{file, 0, 0}, "", message);
}

// Runs one variant; never throws.
Outcome run_variant(const SweepSpec& spec, const Variant& v, const std::string& runs_dir) {
  Outcome o;
  o.metrics.fill(std::nan(""));
  try {
    const scenario::Scenario s = scenario::load_scenario(v.base, overrides_of(spec, v), scenario::LoadOptions{!runs_dir.empty()});
    std::optional<fs::path> out;
    if (!runs_dir.empty()) out = fs::path(runs_dir) / (v.id + ".h5");
    const sim::RunOutcome r = sim::run_scenario(s, out, sim::RunOptions{0, false});  // metrics only: no job rows kept
    for (std::size_t i = 0; i < kSummaryFields.size(); ++i) o.metrics[i] = r.summary.*kSummaryFields[i].member;
    o.status = kRan;
  } catch (const InputError& e) {
    o.status = kInputError;
    o.error = e.problems().empty() ? e.what() : format_problem(e.problems().front());
  } catch (const std::exception& e) {
    o.status = kRunFailure;
    o.error = e.what();
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// The progress log: "dcsim-sweep-progress HASH" then one line per finished variant,
// "INDEX STATUS V1 ... VN |ERROR" with numbers as hexadecimal floats, ended by " ." so that a
// line cut short by a kill is recognised and ignored.

std::string log_line(std::size_t index, const Outcome& o) {
  std::string line = fmt::format("{} {}", index, o.status);
  for (const double x : o.metrics) line += fmt::format(" {:a}", x);
  std::string error = o.error;
  std::replace(error.begin(), error.end(), '\n', ' ');
  return line + " |" + error + " .\n";
}

bool parse_line(const std::string& line, std::size_t& index, Outcome& o) {
  if (line.size() < 3 || line.compare(line.size() - 2, 2, " .") != 0) return false;
  const auto bar = line.rfind(" |");
  if (bar == std::string::npos) return false;
  std::istringstream in(line.substr(0, bar));
  std::size_t i = 0;
  int status = -1;
  if (!(in >> i >> status) || status < 0 || status > 2) return false;
  for (double& x : o.metrics) {
    std::string word;
    if (!(in >> word)) return false;
    char* end = nullptr;
    x = std::strtod(word.c_str(), &end);
    if (end != word.c_str() + word.size()) return false;
  }
  std::string extra;
  if (in >> extra) return false;
  index = i;
  o.status = status;
  o.error = line.substr(bar + 2, line.size() - 2 - (bar + 2));
  return true;
}

std::map<std::size_t, Outcome> read_progress(const std::string& path, const std::string& hash) {
  std::map<std::size_t, Outcome> done;
  std::ifstream in(path);
  if (!in) return done;
  std::string line;
  if (!std::getline(in, line)) return done;
  if (line != "dcsim-sweep-progress " + hash)
    fail(path, "is the progress of another sweep (its hash differs); remove it to start afresh");
  while (std::getline(in, line)) {
    std::size_t index = 0;
    Outcome o;
    if (parse_line(line, index, o)) done[index] = std::move(o);
  }
  return done;
}

// ---------------------------------------------------------------------------------------------
// Progress display: a bar on a terminal, a line every 10% or 30 s in a batch log.

class Progress {
 public:
  Progress(std::ostream& out, std::size_t total, std::size_t done, bool tty)
      : out_(out), total_(total), start_done_(done), done_(done), tty_(tty), t0_(Clock::now()), last_(t0_) {}

  void tick() {
    ++done_;
    const auto now = Clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    const std::size_t tenth = total_ > 0 ? done_ * 10 / total_ : 10;
    const bool decile = tenth != last_tenth_;
    last_tenth_ = tenth;
    if ((tty_ && since >= 0.1) || (!tty_ && (since >= 30.0 || decile)) || done_ == total_) {
      last_ = now;
      print(now);
    }
  }
  double rate() const {
    const double s = std::chrono::duration<double>(Clock::now() - t0_).count();
    return s > 0.0 ? static_cast<double>(done_ - start_done_) / s : 0.0;
  }

 private:
  void print(Clock::time_point now) {
    const double s = std::chrono::duration<double>(now - t0_).count();
    const double r = s > 0.0 ? static_cast<double>(done_ - start_done_) / s : 0.0;
    const double eta = r > 0.0 ? static_cast<double>(total_ - done_) / r : 0.0;
    const double share = total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
    if (tty_) {
      const int width = 30, filled = static_cast<int>(share * width);
      fmt::print(out_, "\r[{}{}] {}/{} {:5.1f}%  {:.0f} variants/s  ETA {:.0f} s ", std::string(static_cast<std::size_t>(filled), '#'),
                 std::string(static_cast<std::size_t>(width - filled), '.'), done_, total_, 100.0 * share, r, eta);
      if (done_ == total_) out_ << '\n';
    } else {
      fmt::print(out_, "sweep: {}/{} variants ({:.1f}%), {:.0f} variants/s, ETA {:.0f} s\n", done_, total_, 100.0 * share, r, eta);
    }
    out_.flush();
  }

  std::ostream& out_;
  std::size_t total_, start_done_, done_;
  std::size_t last_tenth_ = 0;
  bool tty_;
  Clock::time_point t0_, last_;
};

// ---------------------------------------------------------------------------------------------
// The output file.

bool leading_number(const std::string& text, double& x) {
  char* end = nullptr;
  x = std::strtod(text.c_str(), &end);
  return end != text.c_str() && std::isfinite(x);
}

struct Rows {
  std::vector<std::size_t> indices;
  std::vector<const Outcome*> outcomes;
};

void write_sweep_file(const std::string& path, const SweepSpec& spec, const Rows& rows,
                      const std::optional<std::pair<int, int>>& shard, std::size_t total) {
  h5::Table params, results;
  h5::Column index{"index", h5::Column::Kind::integer, "1", {}, {}, {}};
  h5::Column id{"id", h5::Column::Kind::text, "", {}, {}, {}};
  h5::Column seed{"seed", h5::Column::Kind::integer, "1", {}, {}, {}};
  for (const std::size_t i : rows.indices) {
    index.integers.push_back(static_cast<std::int64_t>(i));
    id.texts.push_back(spec.variants[i].id);
    seed.integers.push_back(spec.variants[i].seed);
  }
  params.columns = {index, id, seed};
  for (const std::string& key : spec.keys) {
    if (key == "seed") continue;  // a varied seed is the `seed` column's value already
    h5::Column text{key, h5::Column::Kind::text, "", {}, {}, {}};
    h5::Column number{key + ".number", h5::Column::Kind::real, "as written", {}, {}, {}};
    bool numeric = true;
    for (const std::size_t i : rows.indices) {
      const auto& s = spec.variants[i].settings;
      const auto it = std::find_if(s.begin(), s.end(), [&](const Setting& x) { return x.first == key; });
      text.texts.push_back(it != s.end() ? it->second : "");
      double x = 0.0;
      numeric = numeric && it != s.end() && leading_number(it->second, x);
      number.reals.push_back(x);
    }
    params.columns.push_back(std::move(text));
    if (numeric) params.columns.push_back(std::move(number));
  }
  h5::Column status{"status", h5::Column::Kind::integer, "0 ran, 1 run failure, 2 input error", {}, {}, {}};
  h5::Column error{"error", h5::Column::Kind::text, "", {}, {}, {}};
  for (const Outcome* o : rows.outcomes) {
    status.integers.push_back(o->status);
    error.texts.push_back(o->error);
  }
  results.columns = {index, id, status, error};
  for (std::size_t f = 0; f < kSummaryFields.size(); ++f) {
    h5::Column c{std::string(kSummaryFields[f].name), h5::Column::Kind::real, std::string(kSummaryFields[f].units), {}, {}, {}};
    for (const Outcome* o : rows.outcomes) c.reals.push_back(o->metrics[f]);
    results.columns.push_back(std::move(c));
  }

  // Written under a temporary name beside the destination, renamed when complete.
  const fs::path dest(path);
  const fs::path tmp = dest.parent_path() / (dest.filename().string() + ".tmp");
  const int slot = output::register_temporary(tmp.string());
  try {
    {
      const h5::Handle file = h5::create_file(tmp.string());
      h5::write_attribute(file.id(), "format_version", kSweepFormat);
      h5::write_attribute(file.id(), "dcsim_version", std::string_view(sim::version()));
      h5::write_attribute(file.id(), "sweep_hash", std::string_view(spec.hash));
      h5::write_attribute(file.id(), "sweep_file", std::string_view(spec.file));
      h5::write_attribute(file.id(), "base_scenario", std::string_view(spec.base));
      h5::write_attribute(file.id(), "seed", spec.seed);
      h5::write_attribute(file.id(), "variants", static_cast<std::int64_t>(total));
      if (shard) {
        h5::write_attribute(file.id(), "shard_index", static_cast<std::int64_t>(shard->first));
        h5::write_attribute(file.id(), "shard_count", static_cast<std::int64_t>(shard->second));
      }
      const h5::Handle group = h5::create_group(file.id(), "sweep");
      h5::write_table(group.id(), "params", params, "the varied keys of each variant");
      h5::write_table(group.id(), "results", results, "the summary figures of each variant's run");
    }
    fs::rename(tmp, dest);
    output::release_temporary(slot);
  } catch (const h5::Error& e) {
    output::release_temporary(slot);
    std::error_code ec;
    fs::remove(tmp, ec);
    fail(path, e.what());
  } catch (const fs::filesystem_error& e) {
    output::release_temporary(slot);
    std::error_code ec;
    fs::remove(tmp, ec);
    fail(path, e.what());
  }
}

std::string progress_path(const std::string& output) { return output + ".progress"; }

}  // namespace

std::pair<int, int> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  int k = 0, n = 0;
  try {
    if (slash == std::string::npos) throw std::invalid_argument("");
    std::size_t a = 0, b = 0;
    k = std::stoi(text.substr(0, slash), &a);
    n = std::stoi(text.substr(slash + 1), &b);
    if (a != slash || b != text.size() - slash - 1) throw std::invalid_argument("");
  } catch (const std::exception&) {
    throw InputError(Location{"--shard", 0, 0}, "", fmt::format("'{}' is not K/N (e.g. 2/8)", text));
  }
  if (n < 1 || k < 1 || k > n) throw InputError(Location{"--shard", 0, 0}, "", fmt::format("'{}': need 1 <= K <= N", text));
  return {k, n};
}

std::string encode_outcome(const Outcome& o) { return log_line(0, o); }

bool decode_outcome(const std::string& text, Outcome& o) {
  std::size_t index = 0;
  return parse_line(!text.empty() && text.back() == '\n' ? text.substr(0, text.size() - 1) : text, index, o);
}

Outcome run_one(const SweepSpec& spec, std::size_t index, const std::string& runs_dir) {
  const sim::NoHelperThreads only_this_thread;  // --threads is the sweep's number of cores
  return run_variant(spec, spec.variants[index], runs_dir);
}

SweepReport run_sweep(const SweepSpec& spec, const SweepOptions& options, std::ostream& log) {
  const auto t0 = Clock::now();
  SweepReport report;
  std::vector<std::size_t> slice;
  for (const Variant& v : spec.variants)
    if (!options.shard || static_cast<int>(v.index % static_cast<std::size_t>(options.shard->second)) == options.shard->first - 1)
      slice.push_back(v.index);
  report.variants = slice.size();
  const bool leader = options.mpi_rank == 0;
  if (!options.runs_dir.empty() && leader) fs::create_directories(options.runs_dir);

  std::map<std::size_t, Outcome> done;
  std::unique_ptr<std::ofstream> progress;
  if (leader) {
    const fs::path dest(options.output);
    std::error_code ec;
    if (!dest.parent_path().empty() && !fs::is_directory(dest.parent_path(), ec))
      fail(options.output, "the output directory does not exist");
    done = read_progress(progress_path(options.output), spec.hash);
    for (auto it = done.begin(); it != done.end();)  // keep only this slice's
      it = std::binary_search(slice.begin(), slice.end(), it->first) ? std::next(it) : done.erase(it);
    report.resumed = done.size();
    const bool fresh = !fs::exists(progress_path(options.output), ec);
    progress = std::make_unique<std::ofstream>(progress_path(options.output), std::ios::app);
    if (!*progress) fail(progress_path(options.output), "cannot write the progress log");
    if (fresh) *progress << "dcsim-sweep-progress " << spec.hash << '\n' << std::flush;
  }
  std::vector<std::size_t> pending;
  for (const std::size_t i : slice)
    if (!done.contains(i)) pending.push_back(i);

  std::mutex mutex;
  std::vector<Outcome> fresh(spec.variants.size());
  Progress bar(log, slice.size(), done.size(), options.progress_tty);
  const auto record = [&](std::size_t i, Outcome o) {
    const std::lock_guard lock(mutex);
    *progress << log_line(i, o) << std::flush;
    fresh[i] = std::move(o);
    bar.tick();
  };

  if (options.mpi_size > 1) {
    // Rank 0 hands out variants one at a time and gathers the results; the others run them.
    if (leader) mpi_lead(pending, [&](std::size_t i, Outcome o) { record(i, std::move(o)); });
    else {
      mpi_follow([&](std::size_t i) { return run_one(spec, i, options.runs_dir); });
      report.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      return report;
    }
  } else {
    // Per-variant HDF5 files are written one at a time (the HDF5 library is not thread-safe).
    int threads = options.threads;
#ifdef _OPENMP
    if (threads <= 0) threads = omp_get_num_procs();
    if (!options.runs_dir.empty()) threads = 1;
    const auto n = static_cast<std::int64_t>(pending.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::int64_t k = 0; k < n; ++k) {
      const std::size_t i = pending[static_cast<std::size_t>(k)];
      record(i, run_one(spec, i, options.runs_dir));
    }
#else
    (void)threads;
    for (const std::size_t i : pending) record(i, run_one(spec, i, options.runs_dir));
#endif
  }
  report.ran = pending.size();

  Rows rows;
  for (const std::size_t i : slice) {
    const Outcome* o = done.contains(i) ? &done.at(i) : &fresh[i];
    if (o->status != kRan) {
      ++report.failed;
      if (report.first_error.empty()) report.first_error = fmt::format("variant {} ({}): {}", i, spec.variants[i].id, o->error);
    }
    rows.indices.push_back(i);
    rows.outcomes.push_back(o);
  }
  progress.reset();
  write_sweep_file(options.output, spec, rows, options.shard, spec.variants.size());
  std::error_code ec;
  fs::remove(progress_path(options.output), ec);
  report.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return report;
}

// ---------------------------------------------------------------------------------------------

void merge_shards(const std::vector<std::string>& inputs, const std::string& output) {
  if (inputs.empty()) fail(output, "no shard files to merge");
  std::string hash, sweep_file, base;
  std::int64_t total = -1, count = -1, seed = 0;
  std::set<std::int64_t> shards_seen;
  std::map<std::int64_t, std::string> owner;  // variant index -> file
  std::vector<h5::Table> params, results;
  for (const std::string& in : inputs) {
    try {
      const h5::Handle f = h5::open_file(in);
      if (!h5::has_attribute(f.id(), "sweep_hash") || !h5::exists(f.id(), "sweep"))
        fail(in, "is not a dcsim sweep file (no sweep_hash attribute or /sweep group)");
      if (!h5::has_attribute(f.id(), "shard_count")) fail(in, "is a whole sweep, not a shard");
      const std::string h = h5::read_string_attribute(f.id(), "sweep_hash");
      if (hash.empty()) {
        hash = h;
        sweep_file = h5::read_string_attribute(f.id(), "sweep_file");
        base = h5::read_string_attribute(f.id(), "base_scenario");
        total = h5::read_int_attribute(f.id(), "variants");
        count = h5::read_int_attribute(f.id(), "shard_count");
        seed = h5::read_int_attribute(f.id(), "seed");
      } else if (h != hash) {
        fail(in, fmt::format("comes from another sweep (hash {}, the first file's is {})", h, hash));
      }
      if (h5::read_int_attribute(f.id(), "shard_count") != count)
        fail(in, fmt::format("was cut into {} shards, the first file into {}", h5::read_int_attribute(f.id(), "shard_count"), count));
      const std::int64_t k = h5::read_int_attribute(f.id(), "shard_index");
      if (!shards_seen.insert(k).second) fail(in, fmt::format("shard {}/{} is given twice", k, count));
      const h5::Handle g = h5::open_group(f.id(), "sweep");
      params.push_back(h5::read_table(g.id(), "params"));
      results.push_back(h5::read_table(g.id(), "results"));
      const h5::Column* idx = results.back().find("index");
      if (idx == nullptr) fail(in, "/sweep/results has no index column");
      for (const std::int64_t i : idx->integers)
        if (!owner.emplace(i, in).second) fail(in, fmt::format("variant {} is also in {}", i, owner[i]));
    } catch (const h5::Error& e) {
      fail(in, e.what());
    }
  }
  std::vector<std::string> missing;
  for (std::int64_t k = 1; k <= count; ++k)
    if (!shards_seen.contains(k)) missing.push_back(fmt::format("{}/{}", k, count));
  if (!missing.empty()) fail(output, fmt::format("shard(s) missing: {}", fmt::format("{}", fmt::join(missing, ", "))));
  if (static_cast<std::int64_t>(owner.size()) != total)
    fail(output, fmt::format("the shards hold {} variants; the sweep has {}", owner.size(), total));

  // Rebuild the unsharded tables in variant order, then write them the way a whole sweep is.
  const auto merge = [](const std::vector<h5::Table>& parts) {
    std::vector<std::pair<std::int64_t, std::pair<std::size_t, std::size_t>>> order;  // index -> (part, row)
    for (std::size_t p = 0; p < parts.size(); ++p) {
      const h5::Column* idx = parts[p].find("index");
      for (std::size_t r = 0; r < idx->integers.size(); ++r) order.push_back({idx->integers[r], {p, r}});
    }
    std::sort(order.begin(), order.end());
    h5::Table out;
    for (const h5::Column& c : parts.front().columns) {
      h5::Column m{c.name, c.kind, c.units, {}, {}, {}};
      for (const auto& [i, at] : order) {
        const h5::Column* src = parts[at.first].find(c.name);
        if (src == nullptr) throw h5::Error(fmt::format("a shard lacks column '{}'", c.name));
        if (c.kind == h5::Column::Kind::real) m.reals.push_back(src->reals[at.second]);
        else if (c.kind == h5::Column::Kind::integer) m.integers.push_back(src->integers[at.second]);
        else m.texts.push_back(src->texts[at.second]);
      }
      out.columns.push_back(std::move(m));
    }
    return out;
  };
  h5::Table p, r;
  try {
    p = merge(params);
    r = merge(results);
  } catch (const h5::Error& e) {
    fail(output, e.what());
  }
  // Column units come from the tables as read; write them with the same long names as a sweep.
  const fs::path dest(output);
  const fs::path tmp = dest.parent_path() / (dest.filename().string() + ".tmp");
  try {
    {
      const h5::Handle file = h5::create_file(tmp.string());
      h5::write_attribute(file.id(), "format_version", kSweepFormat);
      h5::write_attribute(file.id(), "dcsim_version", std::string_view(sim::version()));
      h5::write_attribute(file.id(), "sweep_hash", std::string_view(hash));
      h5::write_attribute(file.id(), "sweep_file", std::string_view(sweep_file));
      h5::write_attribute(file.id(), "base_scenario", std::string_view(base));
      h5::write_attribute(file.id(), "seed", seed);
      h5::write_attribute(file.id(), "variants", total);
      const h5::Handle group = h5::create_group(file.id(), "sweep");
      h5::write_table(group.id(), "params", p, "the varied keys of each variant");
      h5::write_table(group.id(), "results", r, "the summary figures of each variant's run");
    }
    fs::rename(tmp, dest);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    fail(output, e.what());
  }
}

}  // namespace dcsim::sweep
