#include "analysis/hdf5/Table.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace dcsim::h5 {
namespace {

void ok(herr_t s, const std::string& what) {
  if (s < 0) throw Error(fmt::format("HDF5: cannot {}", what));
}

// Every member takes 8 bytes: a double, an int64 or a char* (variable-length string).
Handle compound(const Table& t, bool file) {
  const Handle str = utf8_string_type();
  Handle type(H5Tcreate(H5T_COMPOUND, 8 * std::max<std::size_t>(1, t.columns.size())), H5Tclose);
  if (!type) throw Error("HDF5: cannot create a table type");
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    const Column& c = t.columns[i];
    const hid_t mt = c.kind == Column::Kind::text      ? str.id()
                     : c.kind == Column::Kind::integer ? (file ? H5T_STD_I64LE : H5T_NATIVE_INT64)
                                                       : (file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE);
    ok(H5Tinsert(type.id(), c.name.c_str(), 8 * i, mt), "describe table column " + c.name);
  }
  return type;
}

}  // namespace

const Column* Table::find(const std::string& name) const {
  for (const Column& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

void write_table(hid_t loc, const std::string& name, const Table& t, const std::string& long_name) {
  const std::size_t n = t.rows();
  for (const Column& c : t.columns)
    if (c.size() != n) throw std::logic_error("write_table: columns of different lengths");
  std::vector<unsigned char> rows(8 * t.columns.size() * n);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      unsigned char* slot = rows.data() + 8 * (r * t.columns.size() + i);
      const Column& c = t.columns[i];
      if (c.kind == Column::Kind::real) std::memcpy(slot, &c.reals[r], 8);
      else if (c.kind == Column::Kind::integer) std::memcpy(slot, &c.integers[r], 8);
      else {
        const char* p = c.texts[r].c_str();
        std::memcpy(slot, &p, sizeof p);
      }
    }
  const Handle mem = compound(t, false), file = compound(t, true);
  const hsize_t dims[1] = {n}, max_dims[1] = {H5S_UNLIMITED}, chunk[1] = {std::max<hsize_t>(1, std::min<hsize_t>(n, 4096))};
  const Handle space(H5Screate_simple(1, dims, max_dims), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  ok(H5Pset_obj_track_times(dcpl.id(), false), "turn off time tracking");
  ok(H5Pset_chunk(dcpl.id(), 1, chunk), "chunk table " + name);
  ok(H5Pset_deflate(dcpl.id(), kDeflateLevel), "compress table " + name);
  const Handle ds(H5Dcreate2(loc, name.c_str(), file.id(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT), H5Dclose);
  if (!ds) throw Error(fmt::format("HDF5: cannot create table {}", name));
  if (n > 0) ok(H5Dwrite(ds.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), "write table " + name);
  write_attribute(ds.id(), "long_name", std::string_view(long_name));
  std::string units;
  for (const Column& c : t.columns)
    if (!c.units.empty()) units += fmt::format("{}{}: {}", units.empty() ? "" : "; ", c.name, c.units);
  write_attribute(ds.id(), "units", std::string_view(units));
}

Table read_table(hid_t loc, const std::string& name) {
  if (!exists(loc, name)) throw Error(fmt::format("dataset '{}' is missing", name));
  const Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds) throw Error(fmt::format("cannot open dataset '{}'", name));
  const Handle type(H5Dget_type(ds.id()), H5Tclose);
  if (H5Tget_class(type.id()) != H5T_COMPOUND) throw Error(fmt::format("dataset '{}' is not a table", name));
  const Handle space(H5Dget_space(ds.id()), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.id()) != 1) throw Error(fmt::format("dataset '{}' is not a table", name));
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.id(), &n, nullptr);
  Table t;
  const int members = H5Tget_nmembers(type.id());
  for (int m = 0; m < members; ++m) {
    char* raw = H5Tget_member_name(type.id(), static_cast<unsigned>(m));
    Column c;
    c.name = raw;
    H5free_memory(raw);
    const H5T_class_t k = H5Tget_member_class(type.id(), static_cast<unsigned>(m));
    if (k == H5T_STRING) c.kind = Column::Kind::text;
    else if (k == H5T_INTEGER) c.kind = Column::Kind::integer;
    else if (k == H5T_FLOAT) c.kind = Column::Kind::real;
    else throw Error(fmt::format("dataset '{}': member '{}' is not a number or a string", name, c.name));
    t.columns.push_back(std::move(c));
  }
  if (n == 0) return t;
  const Handle mem = compound(t, false);
  std::vector<unsigned char> rows(8 * t.columns.size() * n);
  if (H5Dread(ds.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) < 0)
    throw Error(fmt::format("cannot read dataset '{}'", name));
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    Column& c = t.columns[i];
    for (std::size_t r = 0; r < n; ++r) {
      const unsigned char* slot = rows.data() + 8 * (r * t.columns.size() + i);
      if (c.kind == Column::Kind::real) {
        double v;
        std::memcpy(&v, slot, 8);
        c.reals.push_back(v);
      } else if (c.kind == Column::Kind::integer) {
        std::int64_t v;
        std::memcpy(&v, slot, 8);
        c.integers.push_back(v);
      } else {
        const char* p;
        std::memcpy(&p, slot, sizeof p);
        c.texts.emplace_back(p != nullptr ? p : "");
      }
    }
  }
  H5Dvlen_reclaim(mem.id(), space.id(), H5P_DEFAULT, rows.data());
  // Units back from the table's attribute, "name: unit; name: unit".
  if (has_attribute(ds.id(), "units")) {
    const std::string units = read_string_attribute(ds.id(), "units");
    for (std::size_t from = 0; from < units.size();) {
      const auto end = std::min(units.find("; ", from), units.size());
      const std::string part = units.substr(from, end - from);
      const auto colon = part.find(": ");
      if (colon != std::string::npos)
        for (Column& c : t.columns)
          if (c.name == part.substr(0, colon)) c.units = part.substr(colon + 2);
      from = end + 2;
    }
  }
  return t;
}

}  // namespace dcsim::h5
