#include "analysis/hdf5/JobTable.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

namespace dcsim::h5 {
namespace {

using analysis::kJobColumns;

// The in-memory layout handed to HDF5: two strings pointing into the JobRow it was made from,
// then one 8-byte slot per numeric column of analysis::kJobColumns.
struct NativeRow {
  const char* name;
  const char* site;
  unsigned char slots[8 * kJobColumns.size()];
};

NativeRow to_native(const analysis::JobRow& r) {
  NativeRow n{r.name.c_str(), r.site.c_str(), {}};
  for (std::size_t i = 0; i < kJobColumns.size(); ++i) {
    const analysis::JobColumn& c = kJobColumns[i];
    if (c.real != nullptr) std::memcpy(n.slots + 8 * i, &(r.*c.real), 8);
    else std::memcpy(n.slots + 8 * i, &(r.*c.integer), 8);
  }
  return n;
}

analysis::JobRow from_native(const NativeRow& n) {
  analysis::JobRow r;
  r.name = n.name != nullptr ? n.name : "";
  r.site = n.site != nullptr ? n.site : "";
  for (std::size_t i = 0; i < kJobColumns.size(); ++i) {
    const analysis::JobColumn& c = kJobColumns[i];
    if (c.real != nullptr) std::memcpy(&(r.*c.real), n.slots + 8 * i, 8);
    else std::memcpy(&(r.*c.integer), n.slots + 8 * i, 8);
  }
  return r;
}

void ok(herr_t s, const char* what) {
  if (s < 0) throw Error(fmt::format("HDF5: cannot {}", what));
}

// Native (file == false) or little-endian packed file layout.
Handle row_type(bool file) {
  const Handle str = utf8_string_type();
  const std::size_t size = file ? 2 * sizeof(char*) + 8 * kJobColumns.size() : sizeof(NativeRow);
  Handle t(H5Tcreate(H5T_COMPOUND, size), H5Tclose);
  if (!t) throw Error("HDF5: cannot create the jobs row type");
  ok(H5Tinsert(t.id(), "name", file ? 0 : offsetof(NativeRow, name), str.id()), "describe jobs.name");
  ok(H5Tinsert(t.id(), "site", file ? sizeof(char*) : offsetof(NativeRow, site), str.id()), "describe jobs.site");
  const std::size_t first = file ? 2 * sizeof(char*) : offsetof(NativeRow, slots);
  for (std::size_t i = 0; i < kJobColumns.size(); ++i) {
    const bool integer = kJobColumns[i].integer != nullptr;
    const hid_t mt = integer ? (file ? H5T_STD_I64LE : H5T_NATIVE_INT64) : (file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE);
    ok(H5Tinsert(t.id(), std::string(kJobColumns[i].name).c_str(), first + 8 * i, mt), "describe a jobs column");
  }
  return t;
}

std::string units_attribute() {
  std::string out;
  for (const analysis::JobColumn& c : kJobColumns) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: {}", c.name, c.units);
  }
  return out;
}

}  // namespace

JobTableWriter::JobTableWriter(hid_t loc, const std::string& name, std::size_t chunk_rows)
    : mem_type_(row_type(false)), chunk_rows_(chunk_rows) {
  const Handle file_type = row_type(true);
  const hsize_t dims[1] = {0}, max_dims[1] = {H5S_UNLIMITED}, chunk[1] = {chunk_rows};
  const Handle space(H5Screate_simple(1, dims, max_dims), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  ok(H5Pset_obj_track_times(dcpl.id(), false), "turn off time tracking");
  ok(H5Pset_chunk(dcpl.id(), 1, chunk), "chunk the jobs table");
  ok(H5Pset_shuffle(dcpl.id()), "shuffle the jobs table");
  ok(H5Pset_deflate(dcpl.id(), kDeflateLevel), "compress the jobs table");
  dataset_ = Handle(H5Dcreate2(loc, name.c_str(), file_type.id(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT), H5Dclose);
  if (!dataset_) throw Error("HDF5: cannot create the jobs table");
  write_attribute(dataset_.id(), "long_name", std::string_view("one row per job"));
  write_attribute(dataset_.id(), "units", std::string_view(units_attribute()));
  buffer_.reserve(chunk_rows);
  const std::size_t bytes = chunk_rows * std::max(sizeof(NativeRow), H5Tget_size(file_type.id()));
  convert_.resize(bytes);
  background_.resize(bytes);
  xfer_ = Handle(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  if (!xfer_) throw Error("HDF5: cannot create the jobs table's transfer properties");
  ok(H5Pset_buffer(xfer_.id(), bytes, convert_.data(), background_.data()), "size the jobs table's conversion buffers");
}

void JobTableWriter::append(const analysis::JobRow& row) {
  buffer_.push_back(row);
  if (buffer_.size() == chunk_rows_) flush();
}

void JobTableWriter::flush() {
  if (buffer_.empty()) return;
  std::vector<NativeRow> native;
  native.reserve(buffer_.size());
  for (const analysis::JobRow& r : buffer_) native.push_back(to_native(r));
  const hsize_t start[1] = {rows_}, count[1] = {native.size()}, new_size[1] = {rows_ + native.size()};
  ok(H5Dset_extent(dataset_.id(), new_size), "extend the jobs table");
  const Handle file_space(H5Dget_space(dataset_.id()), H5Sclose);
  ok(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, count, nullptr), "select jobs rows");
  const Handle mem_space(H5Screate_simple(1, count, nullptr), H5Sclose);
  ok(H5Dwrite(dataset_.id(), mem_type_.id(), mem_space.id(), file_space.id(), xfer_.id(), native.data()),
     "write jobs rows");
  rows_ += native.size();
  buffer_.clear();
}

std::vector<analysis::JobRow> read_job_table(hid_t loc, const std::string& name) {
  if (!exists(loc, name)) throw Error(fmt::format("dataset '{}' is missing", name));
  const Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds) throw Error(fmt::format("cannot open dataset '{}'", name));
  const Handle space(H5Dget_space(ds.id()), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.id()) != 1) throw Error(fmt::format("dataset '{}' is not a table", name));
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.id(), &n, nullptr);
  const Handle mem_type = row_type(false);
  std::vector<NativeRow> native(n);
  std::vector<analysis::JobRow> out;
  if (n == 0) return out;
  if (H5Dread(ds.id(), mem_type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, native.data()) < 0)
    throw Error(fmt::format("dataset '{}' does not have the jobs table layout", name));
  out.reserve(n);
  for (const NativeRow& r : native) out.push_back(from_native(r));
  H5Dvlen_reclaim(mem_type.id(), space.id(), H5P_DEFAULT, native.data());
  return out;
}

}  // namespace dcsim::h5
