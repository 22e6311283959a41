#pragma once
// A compound table whose columns are known only at run time (a sweep's parameters): each column
// float64, int64 or UTF-8 string, written in one call and read back column by column, so h5py
// and pandas read it as one structured array.

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/hdf5/Hdf5.hpp"

namespace dcsim::h5 {

struct Column {
  enum class Kind { real, integer, text };
  std::string name;
  Kind kind = Kind::real;
  std::string units;               ///< for the table's `units` attribute; may be empty
  std::vector<double> reals;
  std::vector<std::int64_t> integers;
  std::vector<std::string> texts;

  std::size_t size() const {
    return kind == Kind::real ? reals.size() : kind == Kind::integer ? integers.size() : texts.size();
  }
};

struct Table {
  std::vector<Column> columns;
  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  const Column* find(const std::string& name) const;
};

/// Writes `table` (every column the same length) as a chunked, compressed compound dataset
/// with `long_name` and `units` attributes.
void write_table(hid_t loc, const std::string& name, const Table& table, const std::string& long_name);

/// Reads a compound dataset of float64, int64 and string members. Throws Error otherwise.
Table read_table(hid_t loc, const std::string& name);

}  // namespace dcsim::h5
