#include "analysis/hdf5/Hdf5.hpp"

#include "analysis/hdf5/ChunkCompressor.hpp"

#include <algorithm>
#include <cstddef>

#include <fmt/format.h>
#include <hdf5_hl.h>

namespace dcsim::h5 {
namespace {

hid_t check(hid_t id, std::string_view what) {
  if (id < 0) throw Error(fmt::format("HDF5: cannot {}", what));
  return id;
}
void check_status(herr_t status, std::string_view what) {
  if (status < 0) throw Error(fmt::format("HDF5: cannot {}", what));
}

Handle untracked(hid_t plist_class, std::string_view what) {
  Handle p(check(H5Pcreate(plist_class), what), H5Pclose);
  check_status(H5Pset_obj_track_times(p.id(), false), what);
  return p;
}

Handle scalar_space() { return Handle(check(H5Screate(H5S_SCALAR), "create a dataspace"), H5Sclose); }

Handle open_attribute(hid_t loc, const std::string& name) {
  if (H5Aexists(loc, name.c_str()) <= 0) throw Error(fmt::format("attribute '{}' is missing", name));
  return Handle(check(H5Aopen(loc, name.c_str(), H5P_DEFAULT), "open attribute " + name), H5Aclose);
}

void write_scalar_attribute(hid_t loc, const std::string& name, hid_t type, const void* value) {
  if (H5Aexists(loc, name.c_str()) > 0) check_status(H5Adelete(loc, name.c_str()), "replace attribute " + name);
  const Handle space = scalar_space();
  const Handle attr(check(H5Acreate2(loc, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
                    H5Aclose);
  check_status(H5Awrite(attr.id(), type, value), "write attribute " + name);
}

// A growable float64 dataset: rank 1 when `columns` is 0, else rows x columns. Chunked by rows,
// shuffled and deflate-compressed, time tracking off, with `units` and `long_name`.
Handle create_growable(hid_t loc, const std::string& name, std::size_t columns, std::size_t chunk_rows,
                       std::string_view units, std::string_view long_name) {
  const int rank = columns == 0 ? 1 : 2;
  const hsize_t dims[2] = {0, columns}, max_dims[2] = {H5S_UNLIMITED, columns}, chunk[2] = {chunk_rows, columns};
  const Handle space(check(H5Screate_simple(rank, dims, max_dims), "create a dataspace"), H5Sclose);
  const Handle dcpl = untracked(H5P_DATASET_CREATE, "create dataset properties");
  check_status(H5Pset_chunk(dcpl.id(), rank, chunk), "chunk " + name);
  check_status(H5Pset_shuffle(dcpl.id()), "shuffle " + name);
  check_status(H5Pset_deflate(dcpl.id(), kDeflateLevel), "compress " + name);
  Handle ds(check(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                  "create dataset " + name),
            H5Dclose);
  write_attribute(ds.id(), "units", units);
  write_attribute(ds.id(), "long_name", long_name);
  return ds;
}

}  // namespace

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && close_ != nullptr) close_(id_);
  id_ = H5I_INVALID_HID;
}

void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

Handle create_file(const std::string& path) {
  silence_errors();
  const Handle fcpl = untracked(H5P_FILE_CREATE, "create file properties");
  return Handle(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id(), H5P_DEFAULT), "create " + path), H5Fclose);
}

Handle open_file(const std::string& path) {
  silence_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) throw Error(fmt::format("'{}' is not an HDF5 file", path));
  return Handle(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open " + path), H5Fclose);
}

Handle create_group(hid_t loc, const std::string& name) {
  const Handle gcpl = untracked(H5P_GROUP_CREATE, "create group properties");
  return Handle(check(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT), "create group " + name),
                H5Gclose);
}

Handle open_group(hid_t loc, const std::string& name) {
  if (!exists(loc, name)) throw Error(fmt::format("group '{}' is missing", name));
  return Handle(check(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), "open group " + name), H5Gclose);
}

bool exists(hid_t loc, const std::string& name) { return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0; }

namespace {
herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> child_names(hid_t loc) {
  std::vector<std::string> names;
  hsize_t index = 0;
  if (H5Literate(loc, H5_INDEX_NAME, H5_ITER_INC, &index, collect_name, &names) < 0)
    throw Error("HDF5: cannot list a group's members");
  return names;
}
bool has_attribute(hid_t loc, const std::string& name) { return H5Aexists(loc, name.c_str()) > 0; }

void write_attribute(hid_t loc, const std::string& name, double value) {
  write_scalar_attribute(loc, name, H5T_IEEE_F64LE, &value);
}

void write_attribute(hid_t loc, const std::string& name, std::int64_t value) {
  write_scalar_attribute(loc, name, H5T_STD_I64LE, &value);
}

void write_attribute(hid_t loc, const std::string& name, std::string_view value) {
  const Handle type = utf8_string_type();
  const std::string text(value);
  const char* ptr = text.c_str();
  write_scalar_attribute(loc, name, type.id(), &ptr);
}

double read_double_attribute(hid_t loc, const std::string& name) {
  const Handle attr = open_attribute(loc, name);
  double v = 0.0;
  check_status(H5Aread(attr.id(), H5T_NATIVE_DOUBLE, &v), "read attribute " + name);
  return v;
}

std::int64_t read_int_attribute(hid_t loc, const std::string& name) {
  const Handle attr = open_attribute(loc, name);
  std::int64_t v = 0;
  check_status(H5Aread(attr.id(), H5T_NATIVE_INT64, &v), "read attribute " + name);
  return v;
}

std::string read_string_attribute(hid_t loc, const std::string& name) {
  const Handle attr = open_attribute(loc, name);
  const Handle file_type(check(H5Aget_type(attr.id()), "inspect attribute " + name), H5Tclose);
  if (H5Tget_class(file_type.id()) != H5T_STRING || H5Tis_variable_str(file_type.id()) <= 0)
    throw Error(fmt::format("attribute '{}' is not a variable-length string", name));
  const Handle type = utf8_string_type();
  char* ptr = nullptr;
  check_status(H5Aread(attr.id(), type.id(), &ptr), "read attribute " + name);
  std::string out = ptr != nullptr ? ptr : "";
  H5free_memory(ptr);
  return out;
}

Handle utf8_string_type() {
  Handle t(check(H5Tcopy(H5T_C_S1), "copy string type"), H5Tclose);
  check_status(H5Tset_size(t.id(), H5T_VARIABLE), "make a variable-length string type");
  check_status(H5Tset_cset(t.id(), H5T_CSET_UTF8), "make a UTF-8 string type");
  return t;
}

struct GrowableDataset::Pending {
  std::shared_ptr<ChunkCompressor::Job> job;  ///< on the worker; else
  std::vector<unsigned char> bytes;           ///< compressed on this thread
  hsize_t first_row = 0, rows = 0;
};

GrowableDataset::GrowableDataset(hid_t loc, const std::string& name, std::size_t columns, std::size_t chunk_rows,
                                 std::string_view units, std::string_view long_name, ChunkCompressor* compressor)
    : chunk_values_(chunk_rows * std::max<std::size_t>(1, columns)),
      dataset_(create_growable(loc, name, columns, chunk_rows, units, long_name)), width_(std::max<std::size_t>(1, columns)),
      chunk_rows_(chunk_rows), compressor_(compressor) {
  buffer_.reserve(chunk_values_);
}

GrowableDataset::~GrowableDataset() = default;
GrowableDataset::GrowableDataset(GrowableDataset&&) noexcept = default;
GrowableDataset& GrowableDataset::operator=(GrowableDataset&&) noexcept = default;

void GrowableDataset::write_chunk(hsize_t first_row, hsize_t rows, const std::vector<unsigned char>& bytes) {
  if (first_row + rows > rows_) {
    const hsize_t new_size[2] = {first_row + rows, width_};
    check_status(H5Dset_extent(dataset_.id(), new_size), "extend a dataset");
    rows_ = first_row + rows;
  }
  const hsize_t offset[2] = {first_row, 0};
  // Filter mask 0: every filter of the dataset (shuffle, deflate) was applied.
  check_status(H5Dwrite_chunk(dataset_.id(), H5P_DEFAULT, 0, offset, bytes.size(), bytes.data()), "write a chunk");
}

void GrowableDataset::submit(std::vector<double>& chunk, hsize_t rows) {
  Pending p;
  p.first_row = chunk_start_;
  p.rows = rows;
  if (compressor_ != nullptr) p.job = compressor_->submit(std::move(chunk));
  else p.bytes = compress_chunk(chunk, kDeflateLevel);
  pending_.push_back(std::move(p));
}

// Chunks are written at fixed points (every chunk but the newest when a chunk is submitted; all
// at a flush), never "when ready", and the same with or without the worker: the order of writes,
// and so the file's layout, must not depend on the worker or its timing.
void GrowableDataset::write_pending(std::size_t keep) {
  if (pending_.size() <= keep) return;
  const std::size_t n = pending_.size() - keep;
  for (std::size_t i = 0; i < n; ++i) {
    Pending& p = pending_[i];
    write_chunk(p.first_row, p.rows, p.job ? compressor_->take(*p.job) : p.bytes);
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
}

void GrowableDataset::full_chunk() {
  partial_submitted_ = false;
  // Without a compressor the chunk is compressed from the buffer, which is kept; with one, the
  // full buffer goes to it and a recycled one (of a chunk it has compressed) takes its place.
  if (compressor_ == nullptr) {
    submit(buffer_, chunk_rows_);
    buffer_.clear();
  } else {
    std::vector<double> full = compressor_->recycled(chunk_values_);
    full.reserve(chunk_values_);
    full.swap(buffer_);
    submit(full, chunk_rows_);
  }
  write_pending(1);
  chunk_start_ += chunk_rows_;
}

void GrowableDataset::start_flush() {
  if (buffer_.empty() || partial_submitted_) return;
  std::vector<double> padded;
  if (compressor_ != nullptr) padded = compressor_->recycled(chunk_values_);
  padded.assign(chunk_values_, 0.0);
  std::copy(buffer_.begin(), buffer_.end(), padded.begin());
  submit(padded, buffer_.size() / width_);
  partial_submitted_ = true;
}

void GrowableDataset::flush() {
  start_flush();
  write_pending(0);
}

void GrowableDataset::scale_buffer(double k) {
  for (double& v : buffer_) v *= k;
}

void DoubleColumn::scale(double k) {
  flush();
  scale_buffer(k);  // the rows of a partial chunk, if more are appended later
  if (rows_in_file() == 0) return;
  std::vector<double> values(rows_in_file());
  check_status(H5Dread(id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read rows back");
  for (double& v : values) v *= k;
  check_status(H5Dwrite(id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "rewrite rows");
}

void set_dimension_scale(hid_t dataset, const std::string& name) {
  check_status(H5DSset_scale(dataset, name.c_str()), "make " + name + " a dimension scale");
}

void attach_dimension_scale(hid_t dataset, hid_t scale, unsigned dim) {
  check_status(H5DSattach_scale(dataset, scale, dim), "attach a dimension scale");
}

std::vector<double> read_double_column(hid_t loc, const std::string& name) {
  if (!exists(loc, name)) throw Error(fmt::format("dataset '{}' is missing", name));
  const Handle ds(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "open dataset " + name), H5Dclose);
  const Handle space(check(H5Dget_space(ds.id()), "get a dataspace"), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.id()) != 1) throw Error(fmt::format("dataset '{}' is not 1-D", name));
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.id(), &n, nullptr);
  std::vector<double> out(n);
  if (n > 0) check_status(H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read " + name);
  return out;
}

}  // namespace dcsim::h5
