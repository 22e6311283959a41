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

#include <hdf5.h>

namespace dcsim::h5 {

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

/// A 1-D float64 dataset that grows by appends: chunked, deflate-compressed, buffered.
class DoubleColumn {
 public:
  DoubleColumn(hid_t loc, const std::string& name, std::string_view units, std::string_view long_name,
               std::size_t chunk_rows = 4096);
  void append(double v) {
    buffer_.push_back(v);
    if (buffer_.size() == chunk_rows_) flush();
  }
  void flush();
  /// Multiplies every value written so far by `k` (flushes first).
  void scale(double k);
  hid_t id() const { return dataset_.id(); }

 private:
  Handle dataset_;
  std::vector<double> buffer_;
  std::size_t chunk_rows_;
  hsize_t rows_ = 0;
};

/// A 2-D float64 dataset (rows x `columns`) that grows by appending rows.
class DoubleMatrix {
 public:
  DoubleMatrix(hid_t loc, const std::string& name, std::size_t columns, std::string_view units,
               std::string_view long_name, std::size_t chunk_rows = 256);
  void append_row(const double* values);
  void flush();
  hid_t id() const { return dataset_.id(); }

 private:
  Handle dataset_;
  std::vector<double> buffer_;
  std::size_t columns_, chunk_rows_;
  hsize_t rows_ = 0;
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
