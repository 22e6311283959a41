#pragma once
// A thin RAII layer over the HDF5 C API: exactly what the run output needs, nothing more.
//
// Every object is created with time tracking off, so the same content gives the same bytes.
// HDF5's own error printing is silenced; failures throw h5::Error with the operation named.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <memory>

#include <hdf5.h>

namespace dcsim::h5 {

/// The deflate level of every compressed dataset. Level 1 (zlib's fast match search), measured
/// on a year of a 100-rack hall's hourly output (135 chunks, shuffled): 3x less compression time
/// than level 4 and a file no larger (the series are runs of repeated values, which the fast
/// search finds as well as the lazy one).
inline constexpr unsigned kDeflateLevel = 1;

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Owns one hid_t and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

/// Turns off HDF5's printing of error stacks to stderr (idempotent).
void silence_errors();

Handle create_file(const std::string& path);
/// Opens read-only; throws Error if the path is not an HDF5 file.
Handle open_file(const std::string& path);
Handle create_group(hid_t loc, const std::string& name);
Handle open_group(hid_t loc, const std::string& name);
/// The names of a group's members, in name order.
std::vector<std::string> child_names(hid_t loc);
bool exists(hid_t loc, const std::string& name);
bool has_attribute(hid_t loc, const std::string& name);

void write_attribute(hid_t loc, const std::string& name, double value);
void write_attribute(hid_t loc, const std::string& name, std::int64_t value);
void write_attribute(hid_t loc, const std::string& name, std::string_view value);

double read_double_attribute(hid_t loc, const std::string& name);
std::int64_t read_int_attribute(hid_t loc, const std::string& name);
std::string read_string_attribute(hid_t loc, const std::string& name);

class ChunkCompressor;

/// A float64 dataset that grows by rows: rank 1 (`columns` 0) or rows x columns; chunked by
/// rows, shuffled and deflated (ChunkCompressor.hpp: the chunks are compressed by the dataset,
/// on the compressor's worker when one is given, and written whole with H5Dwrite_chunk).
class GrowableDataset {
 public:
  GrowableDataset(hid_t loc, const std::string& name, std::size_t columns, std::size_t chunk_rows,
                  std::string_view units, std::string_view long_name, ChunkCompressor* compressor);
  ~GrowableDataset();
  GrowableDataset(GrowableDataset&&) noexcept;
  GrowableDataset& operator=(GrowableDataset&&) noexcept;
  /// Hands the rows not yet in a full chunk to the compressor (then flush() waits less).
  void start_flush();
  /// Writes every row appended so far (a partial last chunk padded with the fill value 0; later
  /// appends continue that chunk and write it again).
  void flush();
  hid_t id() const { return dataset_.id(); }

 protected:
  void full_chunk();
  void scale_buffer(double k);
  hsize_t rows_in_file() const { return rows_; }

  std::vector<double> buffer_;  ///< the rows of the chunk being filled
  std::size_t chunk_values_;    ///< values per chunk: chunk_rows x max(1, columns)

 private:
  struct Pending;
  /// Queues (or, without a compressor, compresses) `chunk`, which is moved from when queued.
  void submit(std::vector<double>& chunk, hsize_t rows);
  void write_pending(std::size_t keep);
  void write_chunk(hsize_t first_row, hsize_t rows, const std::vector<unsigned char>& bytes);

  Handle dataset_;
  std::size_t width_, chunk_rows_;
  ChunkCompressor* compressor_;
  hsize_t chunk_start_ = 0;  ///< first row of the chunk in buffer_
  hsize_t rows_ = 0;         ///< the dataset's extent
  std::vector<Pending> pending_;  ///< submitted chunks, in row order
  bool partial_submitted_ = false;
};

/// A 1-D float64 dataset that grows by appends.
class DoubleColumn : public GrowableDataset {
 public:
  DoubleColumn(hid_t loc, const std::string& name, std::string_view units, std::string_view long_name,
               std::size_t chunk_rows = 4096, ChunkCompressor* compressor = nullptr)
      : GrowableDataset(loc, name, 0, chunk_rows, units, long_name, compressor) {}
  void append(double v) {
    buffer_.push_back(v);
    if (buffer_.size() == chunk_values_) full_chunk();
  }
  /// Multiplies every value written so far by `k` (flushes first).
  void scale(double k);
};

/// A 2-D float64 dataset (rows x `columns`) that grows by appending rows.
class DoubleMatrix : public GrowableDataset {
 public:
  DoubleMatrix(hid_t loc, const std::string& name, std::size_t columns, std::string_view units,
               std::string_view long_name, std::size_t chunk_rows = 256, ChunkCompressor* compressor = nullptr)
      : GrowableDataset(loc, name, columns, chunk_rows, units, long_name, compressor), columns_(columns) {}
  void append_row(const double* values) {
    buffer_.insert(buffer_.end(), values, values + columns_);
    if (buffer_.size() == chunk_values_) full_chunk();
  }

 private:
  std::size_t columns_;
};

/// Makes a 1-D dataset a dimension scale named `name` (HDF5 dimension scales: CLASS and NAME
/// attributes, as netCDF-4 writes a coordinate variable), so netCDF readers index by it.
void set_dimension_scale(hid_t dataset, const std::string& name);
/// Labels dimension `dim` of `dataset` with the dimension scale `scale`.
void attach_dimension_scale(hid_t dataset, hid_t scale, unsigned dim);

std::vector<double> read_double_column(hid_t loc, const std::string& name);

/// Variable-length UTF-8 string type (caller owns the handle).
Handle utf8_string_type();

}  // namespace dcsim::h5
