#include "analysis/hdf5/JobTable.hpp"

#include <cstddef>
#include <iterator>

#include <fmt/format.h>

namespace dcsim::h5 {
namespace {

// The in-memory layout handed to HDF5; `name` points into the JobRow it was made from.
struct NativeRow {
  const char* name;
  double start_s;
  double end_s;
  std::int64_t chips;
  double it_energy_kwh;
  double facility_energy_kwh;
  double co2e_gross_kg;
  double co2e_net_kg;
  std::int64_t restarts;
  double wasted_energy_kwh;
  double total_flop;
  double mfu;
  double delay_s;
  double co2e_saved_kg;
};

struct Member {
  const char* name;
  std::size_t offset;
  bool integer;
};
constexpr Member kMembers[] = {
    {"start_s", offsetof(NativeRow, start_s), false},
    {"end_s", offsetof(NativeRow, end_s), false},
    {"chips", offsetof(NativeRow, chips), true},
    {"it_energy_kwh", offsetof(NativeRow, it_energy_kwh), false},
    {"facility_energy_kwh", offsetof(NativeRow, facility_energy_kwh), false},
    {"co2e_gross_kg", offsetof(NativeRow, co2e_gross_kg), false},
    {"co2e_net_kg", offsetof(NativeRow, co2e_net_kg), false},
    {"restarts", offsetof(NativeRow, restarts), true},
    {"wasted_energy_kwh", offsetof(NativeRow, wasted_energy_kwh), false},
    {"total_flop", offsetof(NativeRow, total_flop), false},
    {"mfu", offsetof(NativeRow, mfu), false},
    {"delay_s", offsetof(NativeRow, delay_s), false},
    {"co2e_saved_kg", offsetof(NativeRow, co2e_saved_kg), false},
};

void ok(herr_t s, const char* what) {
  if (s < 0) throw Error(fmt::format("HDF5: cannot {}", what));
}

// Native (file == false) or little-endian packed file layout.
Handle row_type(bool file) {
  const Handle str = utf8_string_type();
  const std::size_t size = file ? sizeof(char*) + 8 * std::size(kMembers) : sizeof(NativeRow);
  Handle t(H5Tcreate(H5T_COMPOUND, size), H5Tclose);
  if (!t) throw Error("HDF5: cannot create the jobs row type");
  std::size_t packed = 0;
  ok(H5Tinsert(t.id(), "name", file ? 0 : offsetof(NativeRow, name), str.id()), "describe jobs.name");
  packed += sizeof(char*);
  for (const Member& m : kMembers) {
    const hid_t mt = m.integer ? (file ? H5T_STD_I64LE : H5T_NATIVE_INT64) : (file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE);
    ok(H5Tinsert(t.id(), m.name, file ? packed : m.offset, mt), "describe a jobs column");
    packed += 8;
  }
  return t;
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
  ok(H5Pset_deflate(dcpl.id(), 4), "compress the jobs table");
  dataset_ = Handle(H5Dcreate2(loc, name.c_str(), file_type.id(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT), H5Dclose);
  if (!dataset_) throw Error("HDF5: cannot create the jobs table");
  write_attribute(dataset_.id(), "long_name", std::string_view("one row per job"));
  write_attribute(dataset_.id(), "units",
                  std::string_view("start_s,end_s: s; it_energy_kwh,facility_energy_kwh,wasted_energy_kwh: kWh; "
                                   "co2e_*_kg: kg CO2e; total_flop: FLOP; mfu: 1; delay_s: s"));
  buffer_.reserve(chunk_rows);
}

void JobTableWriter::append(const analysis::JobRow& row) {
  buffer_.push_back(row);
  if (buffer_.size() == chunk_rows_) flush();
}

void JobTableWriter::flush() {
  if (buffer_.empty()) return;
  std::vector<NativeRow> native;
  native.reserve(buffer_.size());
  for (const analysis::JobRow& r : buffer_)
    native.push_back(NativeRow{r.name.c_str(), r.start_s, r.end_s, r.chips, r.it_energy_kwh, r.facility_energy_kwh,
                               r.co2e_gross_kg, r.co2e_net_kg, r.restarts, r.wasted_energy_kwh, r.total_flop, r.mfu,
                               r.delay_s, r.co2e_saved_kg});
  const hsize_t start[1] = {rows_}, count[1] = {native.size()}, new_size[1] = {rows_ + native.size()};
  ok(H5Dset_extent(dataset_.id(), new_size), "extend the jobs table");
  const Handle file_space(H5Dget_space(dataset_.id()), H5Sclose);
  ok(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, count, nullptr), "select jobs rows");
  const Handle mem_space(H5Screate_simple(1, count, nullptr), H5Sclose);
  ok(H5Dwrite(dataset_.id(), mem_type_.id(), mem_space.id(), file_space.id(), H5P_DEFAULT, native.data()),
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
  for (const NativeRow& r : native)
    out.push_back(analysis::JobRow{r.name != nullptr ? r.name : "", r.start_s, r.end_s, r.chips, r.it_energy_kwh,
                                   r.facility_energy_kwh, r.co2e_gross_kg, r.co2e_net_kg, r.restarts,
                                   r.wasted_energy_kwh, r.total_flop, r.mfu, r.delay_s, r.co2e_saved_kg});
  H5Dvlen_reclaim(mem_type.id(), space.id(), H5P_DEFAULT, native.data());
  return out;
}

}  // namespace dcsim::h5
