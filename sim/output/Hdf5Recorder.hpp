#pragma once
// Records a run to HDF5 (layout in analysis/OutputFormat.hpp), fed by the simulation's signals.
//
// Time-series rows are interval averages over fixed sample intervals from the start: on every
// change of state the recorder integrates the previous state up to the change, closing (and
// writing) each interval it crosses, so no sample events are scheduled and memory stays flat.
// The file is written under a temporary name in the destination directory and renamed onto the
// destination only by commit(); destroyed uncommitted, it removes the temporary file, so an
// output path holds a complete run or nothing.
//
// With a core to spare (not inside a sweep's threads), the signals' work runs on a file thread
// of the recorder's own: on_change and on_job copy what they are given (the state, each rack's
// power, the row) into batches handed over in order, and that thread integrates the series and
// makes every HDF5 call of the run, in the order they would be made inline, so the file is the
// same bytes. on_finish waits for it; what it threw (a write error) is thrown there, or by the
// next signal once a batch is handed over.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "analysis/OutputFormat.hpp"
#include "analysis/hdf5/ChunkCompressor.hpp"
#include "analysis/hdf5/Hdf5.hpp"
#include "analysis/hdf5/JobTable.hpp"
#include "sim/datacentre/Simulation.hpp"

namespace dcsim::output {

class Hdf5Recorder {
 public:
  /// Creates the temporary file; throws dcsim::InputError if the destination is not writable.
  /// `racks` > 0 also records each rack's IT power (interval averages) as /timeseries/rack_power_w.
  Hdf5Recorder(std::filesystem::path destination, const analysis::RunInfo& info, std::int64_t interval_ms,
               std::size_t racks = 0);
  ~Hdf5Recorder();
  Hdf5Recorder(const Hdf5Recorder&) = delete;
  Hdf5Recorder& operator=(const Hdf5Recorder&) = delete;

  /// Subscribes to the simulation's signals.
  void attach(sim::Simulation& simulation);

  void on_change(engine::Time t, const sim::PowerState& state);
  void on_job(const analysis::JobRow& row);
  /// Runs the signals' work on the calling thread (default: on a file thread when a core is spare).
  void write_inline() { use_thread_ = false; }
  /// `net_scale` rescales the net columns (annual matching is known only at the end).
  void on_finish(engine::Time end, const analysis::Summary& summary, double net_scale);

  /// Closes the file and moves it onto the destination. Precondition: on_finish() was called.
  void commit(const analysis::Summary& summary);

 private:
  void accumulate(engine::Time until);
  void close_bin(engine::Time end);
  void change_now(engine::Time t, const sim::PowerState& state, const double* rack_w);
  struct Writer;
  std::unique_ptr<Writer> writer_;  ///< the file thread, while the run goes
  bool use_thread_ = true;

  std::filesystem::path destination_, temporary_;
  std::int64_t interval_ms_;
  h5::Handle file_, timeseries_;
  /// Compresses the series' chunks on a worker thread; declared before the datasets that use it.
  std::unique_ptr<h5::ChunkCompressor> compressor_;
  std::vector<h5::DoubleColumn> columns_;
  std::unique_ptr<h5::JobTableWriter> jobs_;
  std::unique_ptr<h5::DoubleMatrix> racks_;
  std::vector<double> rack_j_;
  std::vector<double> rack_w_;  ///< each rack's IT power since the last change
  sim::PowerState state_;
  engine::Time cursor_, bin_start_;
  analysis::TimeseriesRow now_;  ///< the current state as instantaneous values (emission columns as kg/s)
  analysis::TimeseriesRow bin_;  ///< integrals (average and total columns) and maxima over the open interval
  bool finished_ = false, committed_ = false;
  int temp_slot_ = -1;  ///< in the signal handler's table of temporary files
};

}  // namespace dcsim::output
