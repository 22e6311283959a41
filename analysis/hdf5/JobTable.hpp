#pragma once
// The /jobs compound table: one row per job (analysis::JobRow), readable in one call by h5py
// and pandas. Chunked and compressed; rows are appended as jobs finish.

#include <vector>

#include "analysis/OutputFormat.hpp"
#include "analysis/hdf5/Hdf5.hpp"

namespace dcsim::h5 {

class JobTableWriter {
 public:
  JobTableWriter(hid_t loc, const std::string& name, std::size_t chunk_rows = 1024);
  void append(const analysis::JobRow& row);
  void flush();

 private:
  Handle dataset_;
  Handle mem_type_;
  /// Transfer with conversion buffers of one batch, made once (HDF5 would allocate and clear
  /// 1 MiB of each at every write).
  Handle xfer_;
  std::vector<unsigned char> convert_, background_;
  std::vector<analysis::JobRow> buffer_;
  std::size_t chunk_rows_;
  hsize_t rows_ = 0;
};

std::vector<analysis::JobRow> read_job_table(hid_t loc, const std::string& name);

}  // namespace dcsim::h5
