#include "analysis/ResultFile.hpp"

#include <algorithm>

#include <filesystem>

#include <fmt/format.h>

#include "analysis/hdf5/Hdf5.hpp"
#include "analysis/hdf5/JobTable.hpp"
#include "models/InputError.hpp"

namespace dcsim::analysis {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw InputError(Location{path, 0, 0}, "", message);
}

h5::Handle open_run(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail(path, "is a directory, not a run file");
  if (!std::filesystem::is_regular_file(path, ec)) fail(path, "no such file");
  h5::Handle file;
  try {
    file = h5::open_file(path);
  } catch (const h5::Error&) {
    fail(path, "is not an HDF5 file (or is truncated)");
  }
  if (!h5::has_attribute(file.id(), "format_version") || !h5::exists(file.id(), "summary"))
    fail(path, "is an HDF5 file but not a dcsim run (no format_version attribute or /summary group)");
  return file;
}

}  // namespace

RunFile read_run(const std::string& path) {
  const h5::Handle file = open_run(path);
  RunFile out;
  try {
    out.info.format_version = h5::read_int_attribute(file.id(), "format_version");
    if (out.info.format_version > kFormatVersion)
      fail(path, fmt::format("has format version {}; this dcsim reads up to {}", out.info.format_version, kFormatVersion));
    out.info.dcsim_version = h5::read_string_attribute(file.id(), "dcsim_version");
    out.info.scenario_name = h5::read_string_attribute(file.id(), "scenario_name");
    out.info.scenario_yaml = h5::read_string_attribute(file.id(), "scenario_yaml");
    out.info.seed = h5::read_int_attribute(file.id(), "seed");
    out.info.start_time = h5::read_string_attribute(file.id(), "start_time");
    const h5::Handle summary = h5::open_group(file.id(), "summary");
    for (const SummaryField& f : kSummaryFields) out.summary.*f.member = h5::read_double_attribute(summary.id(), std::string(f.name));
    out.summary.net_basis = h5::read_string_attribute(summary.id(), "net_basis");
    out.summary.over_rating_episodes = h5::read_int_attribute(summary.id(), "over_rating_episodes");
    out.summary.capped_rack_episodes = h5::read_int_attribute(summary.id(), "capped_rack_episodes");
    out.summary.capped_jobs = h5::read_int_attribute(summary.id(), "capped_jobs");
    if (h5::exists(summary.id(), "sites")) {
      const h5::Handle sites = h5::open_group(summary.id(), "sites");
      std::vector<std::pair<std::int64_t, SiteSummary>> found;
      for (const std::string& name : h5::child_names(sites.id())) {
        const h5::Handle g = h5::open_group(sites.id(), name);
        SiteSummary site;
        site.name = name;
        for (const SiteField& f : kSiteFields) site.*f.member = h5::read_double_attribute(g.id(), std::string(f.name));
        found.emplace_back(h5::read_int_attribute(g.id(), "index"), std::move(site));
      }
      std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& [index, site] : found) out.summary.sites.push_back(std::move(site));
    }
    if (h5::exists(summary.id(), "services")) {
      const h5::Handle services = h5::open_group(summary.id(), "services");
      std::vector<std::pair<std::int64_t, ServiceSummary>> found;
      for (const std::string& name : h5::child_names(services.id())) {
        const h5::Handle g = h5::open_group(services.id(), name);
        ServiceSummary v;
        v.name = name;
        v.site = h5::read_string_attribute(g.id(), "site");
        for (const ServiceField& f : kServiceFields) v.*f.member = h5::read_double_attribute(g.id(), std::string(f.name));
        found.emplace_back(h5::read_int_attribute(g.id(), "index"), std::move(v));
      }
      std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& [index, v] : found) out.summary.services.push_back(std::move(v));
    }
    out.jobs = h5::read_job_table(file.id(), "jobs");
    const h5::Handle ts = h5::open_group(file.id(), "timeseries");
    out.timeseries_rows = h5::read_double_column(ts.id(), "time_s").size();
  } catch (const h5::Error& e) {
    fail(path, fmt::format("is not a complete dcsim run: {}", e.what()));
  }
  return out;
}

std::map<std::string, std::vector<double>> read_timeseries(const std::string& path) {
  const h5::Handle file = open_run(path);
  std::map<std::string, std::vector<double>> out;
  try {
    const h5::Handle ts = h5::open_group(file.id(), "timeseries");
    for (const TimeseriesColumn& c : kTimeseriesColumns) out[std::string(c.name)] = h5::read_double_column(ts.id(), std::string(c.name));
  } catch (const h5::Error& e) {
    fail(path, fmt::format("is not a complete dcsim run: {}", e.what()));
  }
  return out;
}

}  // namespace dcsim::analysis
