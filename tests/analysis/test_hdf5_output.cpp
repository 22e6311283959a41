// The HDF5 output contract: layout, round trip, interval averages, atomic and byte-identical files.

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <numeric>
#include <thread>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "analysis/OutputFormat.hpp"
#include "analysis/ResultFile.hpp"
#include "analysis/hdf5/ChunkCompressor.hpp"
#include "analysis/hdf5/Hdf5.hpp"
#include "models/InputError.hpp"
#include "sim/Run.hpp"
#include "sim/output/Hdf5Recorder.hpp"
#include "sim/scenario/Scenario.hpp"
#include "tests/support/Scenarios.hpp"
#include "tests/support/TempDir.hpp"

using dcsim::test::scenario_yaml;
using dcsim::test::TempDir;
namespace fs = std::filesystem;

namespace {

// 1 kW IT (1 chip x 1000 W) at PUE 1.25 from 00:00 for 2 h 30 min; gross 200 g/kWh until 00:45,
// then 400 g/kWh; net 100 then 50.
std::string two_and_a_half_hours() {
  return scenario_yaml(1.25,
                       "  gross: 200 g/kWh\n  net: 100 g/kWh\n  changes:\n"
                       "    - {at: 2020-01-01T00:45:00Z, gross: 400 g/kWh, net: 50 g/kWh}\n",
                       "  - {name: j, accelerator: X, chips: 1, duration: 150 min}\n");
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("a run file reads back with the summary, jobs and identity the run produced") {
  TempDir dir;
  const auto scenario = dcsim::scenario::load_scenario(dir.write("s.yaml", two_and_a_half_hours()));
  const auto out = dir / "run.h5";
  const auto r = dcsim::sim::run_scenario(scenario, out);
  const auto file = dcsim::analysis::read_run(out.string());

  CHECK(file.info.format_version == 1);
  CHECK(file.info.dcsim_version == dcsim::sim::version());
  CHECK(file.info.seed == 1);
  CHECK(file.info.start_time == "2020-01-01T00:00:00Z");
  CHECK(file.info.scenario_yaml == scenario.resolved_yaml);
  for (const auto& f : dcsim::analysis::kSummaryFields) {
    CAPTURE(f.name);
    const double a = file.summary.*f.member, b = r.summary.*f.member;
    CHECK(((std::isnan(a) && std::isnan(b)) || a == b));  // bases the scenario does not configure are NaN
  }
  CHECK(file.summary.net_basis == "given");
  // 1.25 kW facility for 2.5 h = 3.125 kWh.
  CHECK(file.summary.facility_energy_mwh == doctest::Approx(3.125e-3).epsilon(1e-12));
  REQUIRE(file.jobs.size() == 1);
  CHECK(file.jobs[0].name == "j");
  CHECK(file.jobs[0].chips == 1);
  CHECK(file.jobs[0].end_s == 9000.0);
  CHECK(file.jobs[0].facility_energy_kwh == doctest::Approx(3.125).epsilon(1e-12));
  CHECK(file.timeseries_rows == 3);
}

TEST_CASE("time_s is the dimension scale of every time-series column, in seconds since the start time") {
  TempDir dir;
  const auto out = dir / "run.h5";
  dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("s.yaml", two_and_a_half_hours())), out);
  namespace h5 = dcsim::h5;
  const h5::Handle file = h5::open_file(out.string());
  const h5::Handle ts = h5::open_group(file.id(), "timeseries");
  const h5::Handle time(H5Dopen2(ts.id(), "time_s", H5P_DEFAULT), H5Dclose);
  REQUIRE(time);
  CHECK(H5DSis_scale(time.id()) > 0);
  char name[16] = {};
  CHECK(H5DSget_scale_name(time.id(), name, sizeof name) == 6);
  CHECK(std::string(name) == "time_s");
  // CF convention, as xarray decodes it.
  CHECK(h5::read_string_attribute(time.id(), "units") == "seconds since 2020-01-01T00:00:00Z");
  for (const auto& c : dcsim::analysis::kTimeseriesColumns) {
    CAPTURE(c.name);
    const h5::Handle ds(H5Dopen2(ts.id(), std::string(c.name).c_str(), H5P_DEFAULT), H5Dclose);
    REQUIRE(ds);
    CHECK_FALSE(h5::read_string_attribute(ds.id(), "units").empty());
    CHECK_FALSE(h5::read_string_attribute(ds.id(), "long_name").empty());
    if (c.name != "time_s") CHECK(H5DSis_attached(ds.id(), time.id(), 0) > 0);
  }
}

TEST_CASE("time-series rows are energy-exact interval averages; the last interval is shorter") {
  TempDir dir;
  const auto out = dir / "run.h5";
  dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("s.yaml", two_and_a_half_hours())), out);
  const auto ts = dcsim::analysis::read_timeseries(out.string());
  for (const auto& c : dcsim::analysis::kTimeseriesColumns) REQUIRE(ts.at(std::string(c.name)).size() == 3);

  CHECK(ts.at("time_s") == std::vector<double>{0.0, 3600.0, 7200.0});
  for (int i = 0; i < 3; ++i) {
    CHECK(ts.at("it_power_w")[i] == doctest::Approx(1000.0).epsilon(1e-12));  // the last row averages over 30 min
    CHECK(ts.at("facility_power_w")[i] == doctest::Approx(1250.0).epsilon(1e-12));
    CHECK(ts.at("other_power_w")[i] == doctest::Approx(250.0).epsilon(1e-12));
    CHECK(ts.at("delivery_loss_w")[i] == 0.0);
    CHECK(ts.at("cooling_power_w")[i] == 0.0);
    CHECK(ts.at("pue")[i] == doctest::Approx(1.25).epsilon(1e-12));
    CHECK(std::isnan(ts.at("outdoor_temp_c")[i]));
  }
  // Hour 0: 45 min at 200 and 15 min at 400 g/kWh -> time average 250 g/kWh;
  // emissions 1.25 kW x (0.75 h x 0.2 + 0.25 h x 0.4) kg/kWh = 0.3125 kg.
  CHECK(ts.at("grid_gross_g_per_kwh")[0] == doctest::Approx(250.0).epsilon(1e-12));
  CHECK(ts.at("grid_net_g_per_kwh")[0] == doctest::Approx(0.75 * 100 + 0.25 * 50).epsilon(1e-12));
  CHECK(ts.at("co2e_gross_kg")[0] == doctest::Approx(0.3125).epsilon(1e-12));
  CHECK(ts.at("grid_gross_g_per_kwh")[1] == doctest::Approx(400.0).epsilon(1e-12));
  CHECK(ts.at("co2e_gross_kg")[1] == doctest::Approx(1.25 * 0.4).epsilon(1e-12));
  // The last, half-hour interval emits 1.25 kW x 0.5 h x 0.4 kg/kWh.
  CHECK(ts.at("co2e_gross_kg")[2] == doctest::Approx(1.25 * 0.5 * 0.4).epsilon(1e-12));

  const auto file = dcsim::analysis::read_run(out.string());
  const auto& g = ts.at("co2e_gross_kg");
  CHECK(std::accumulate(g.begin(), g.end(), 0.0) == doctest::Approx(file.summary.co2e_gross_t * 1e3).epsilon(1e-12));
}

TEST_CASE("every dataset carries units and the contract's groups and attributes exist") {
  TempDir dir;
  const auto out = dir / "run.h5";
  dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("s.yaml", two_and_a_half_hours())), out);
  auto f = dcsim::h5::open_file(out.string());
  for (const char* a : {"format_version", "dcsim_version", "scenario_yaml", "seed", "start_time"})
    CHECK(dcsim::h5::has_attribute(f.id(), a));
  auto summary = dcsim::h5::open_group(f.id(), "summary");
  for (const char* a : {"it_energy_mwh", "facility_energy_mwh", "pue", "co2e_gross_t", "co2e_net_t", "makespan_h",
                        "embodied_co2e_t"})
    CHECK(dcsim::h5::has_attribute(summary.id(), a));
  auto ts = dcsim::h5::open_group(f.id(), "timeseries");
  for (const auto& c : dcsim::analysis::kTimeseriesColumns) {
    dcsim::h5::Handle ds(H5Dopen2(ts.id(), std::string(c.name).c_str(), H5P_DEFAULT), H5Dclose);
    REQUIRE(ds);
    // time_s, the time dimension, says in CF form what its 0 is.
    const std::string units = c.name == "time_s" ? "seconds since 2020-01-01T00:00:00Z" : std::string(c.units);
    CHECK(dcsim::h5::read_string_attribute(ds.id(), "units") == units);
  }
  CHECK(dcsim::h5::exists(f.id(), "jobs"));
}

TEST_CASE("the same scenario run twice, seconds apart, gives byte-identical files") {
  TempDir dir;
  const auto scenario = dcsim::scenario::load_scenario(dir.write("s.yaml", two_and_a_half_hours()));
  dcsim::sim::run_scenario(scenario, dir / "a.h5");
  // HDF5 object timestamps have one-second resolution: a gap of two makes any stamp differ.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  dcsim::sim::run_scenario(scenario, dir / "b.h5");
  const std::string a = slurp(dir / "a.h5"), b = slurp(dir / "b.h5");
  CHECK(a.size() > 0);
  CHECK(a == b);
}

TEST_CASE("a recorder destroyed before commit leaves neither the output nor a temporary file") {
  TempDir dir;
  const auto scenario = dcsim::scenario::load_scenario(dir.write("s.yaml", two_and_a_half_hours()));
  {
    dcsim::output::Hdf5Recorder recorder(dir / "out.h5", dcsim::sim::run_info(scenario), 3'600'000);
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 2);  // s.yaml + temporary
  }
  CHECK_FALSE(fs::exists(dir / "out.h5"));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("an output directory that does not exist is an input error naming it") {
  TempDir dir;
  const auto scenario = dcsim::scenario::load_scenario(dir.write("s.yaml", two_and_a_half_hours()));
  try {
    dcsim::sim::run_scenario(scenario, dir / "missing" / "out.h5");
    FAIL("expected an InputError");
  } catch (const dcsim::InputError& e) {
    CHECK(std::string(e.what()).find("missing") != std::string::npos);
  }
}

TEST_CASE("a truncated run file is rejected as incomplete, not read as zeros") {
  TempDir dir;
  const auto out = dir / "run.h5";
  dcsim::sim::run_scenario(dcsim::scenario::load_scenario(dir.write("s.yaml", two_and_a_half_hours())), out);
  const std::string bytes = slurp(out);
  const auto cut = dir.write("cut.h5", bytes.substr(0, bytes.size() / 2));
  CHECK_THROWS_AS(dcsim::analysis::read_run(cut.string()), dcsim::InputError);
}

// The datasets shuffle and deflate their own chunks (analysis/hdf5/ChunkCompressor.hpp) and write
// them whole: a reader that knows nothing of that (the library's filter pipeline) must read back
// exactly the values appended, partial last chunks included, and a file written with the worker
// thread must be the same bytes as one written without it.
TEST_CASE("a recycled chunk buffer is the smallest spare that holds the chunk, so spares match the chunks in flight") {
  dcsim::h5::ChunkCompressor compressor(dcsim::h5::kDeflateLevel);
  const auto spend = [&](std::size_t values) {  // a chunk of `values`, compressed and taken
    const auto job = compressor.submit(std::vector<double>(values, 1.5));
    (void)compressor.take(*job);
  };
  spend(100);
  spend(10'000);
  spend(1'000);
  // Spares of capacity 100, 1,000 and 10,000 now: each request gets the smallest that holds it.
  const std::vector<double> a = compressor.recycled(900);
  CHECK(a.empty());
  CHECK(a.capacity() == 1'000);
  const std::vector<double> b = compressor.recycled(50);
  CHECK(b.capacity() == 100);
  // None holds more than 10,000: a new, empty buffer (the 10,000 spare stays for its own size).
  CHECK(compressor.recycled(20'000).capacity() == 0);
  CHECK(compressor.recycled(10'000).capacity() == 10'000);
  CHECK(compressor.recycled(1).capacity() == 0);  // no spare left
}

TEST_CASE("chunks compressed by the datasets read back exactly, with or without the worker thread") {
  TempDir dir;
  const auto write = [&](const fs::path& path, bool worker) {
    std::unique_ptr<dcsim::h5::ChunkCompressor> compressor;
    if (worker) compressor = std::make_unique<dcsim::h5::ChunkCompressor>(dcsim::h5::kDeflateLevel);
    {
      dcsim::h5::Handle file = dcsim::h5::create_file(path.string());
      // 10 rows a chunk: 37 values are three full chunks and a partial one; flushed midway at 15,
      // so that chunk is written partial and then again when full.
      dcsim::h5::DoubleColumn col(file.id(), "col", "1", "test column", 10, compressor.get());
      dcsim::h5::DoubleMatrix mat(file.id(), "mat", 3, "W", "test matrix", 4, compressor.get());
      for (int i = 0; i < 37; ++i) {
        col.append(i % 7 == 0 ? 0.1 * i : -1.0 * i);
        const double row[3] = {1.0 * i, 2.5, i * 1e300};
        mat.append_row(row);
        if (i == 14) {
          col.flush();
          mat.flush();
        }
      }
      col.start_flush();
      mat.start_flush();
      col.flush();
      mat.flush();
    }
    return slurp(path);
  };
  const std::string inline_bytes = write(dir.path() / "inline.h5", false);
  const std::string worker_bytes = write(dir.path() / "worker.h5", true);
  CHECK(inline_bytes == worker_bytes);

  const dcsim::h5::Handle file = dcsim::h5::open_file((dir.path() / "worker.h5").string());
  const std::vector<double> col = dcsim::h5::read_double_column(file.id(), "col");
  REQUIRE(col.size() == 37);
  for (int i = 0; i < 37; ++i) CHECK(col[static_cast<std::size_t>(i)] == (i % 7 == 0 ? 0.1 * i : -1.0 * i));
  const dcsim::h5::Handle ds(H5Dopen2(file.id(), "mat", H5P_DEFAULT), H5Dclose);
  const dcsim::h5::Handle space(H5Dget_space(ds.id()), H5Sclose);
  hsize_t dims[2] = {};
  H5Sget_simple_extent_dims(space.id(), dims, nullptr);
  REQUIRE(dims[0] == 37);
  REQUIRE(dims[1] == 3);
  std::vector<double> m(37 * 3);
  REQUIRE(H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m.data()) >= 0);
  for (int i = 0; i < 37; ++i) {
    CHECK(m[static_cast<std::size_t>(3 * i)] == 1.0 * i);
    CHECK(m[static_cast<std::size_t>(3 * i + 1)] == 2.5);
    CHECK(m[static_cast<std::size_t>(3 * i + 2)] == i * 1e300);
  }
  // The filters a reader sees are the usual two: shuffle, then deflate.
  const dcsim::h5::Handle dcpl(H5Dget_create_plist(ds.id()), H5Pclose);
  REQUIRE(H5Pget_nfilters(dcpl.id()) == 2);
  unsigned flags = 0;
  std::size_t n = 1;
  unsigned level = 0;
  CHECK(H5Pget_filter2(dcpl.id(), 0, &flags, &n, &level, 0, nullptr, nullptr) == H5Z_FILTER_SHUFFLE);
  n = 1;
  CHECK(H5Pget_filter2(dcpl.id(), 1, &flags, &n, &level, 0, nullptr, nullptr) == H5Z_FILTER_DEFLATE);
}
