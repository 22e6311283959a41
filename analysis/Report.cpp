#include "analysis/Report.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "models/units/Calendar.hpp"

namespace dcsim::analysis {
namespace {

FigureCheck figure(double simulated, double published, double tolerance) {
  const double err = relative_error(simulated, published);
  return FigureCheck{simulated, published, err, std::fabs(err) <= tolerance};
}

void sort_by_table(std::vector<Reproduction>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const Reproduction& a, const Reproduction& b) {
    return std::tie(a.published.table, a.published.position) < std::tie(b.published.table, b.published.position);
  });
}

/// Jobs that ran (completed or cut at the horizon): one row each, of which `rows` may hold only the first.
std::size_t job_rows(const Summary& s, const std::vector<JobRow>& rows) {
  return std::max(rows.size(), static_cast<std::size_t>(s.jobs_completed + s.jobs_cut));
}

/// Accelerator-years of the run's jobs: chips x (end - start).
double processor_years(const RunFile& r) {
  double chip_s = 0.0;
  for (const JobRow& j : r.jobs) chip_s += static_cast<double>(j.chips) * (j.end_s - j.start_s);
  return chip_s / (365.25 * 86400.0);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

nlohmann::ordered_json summary_json(const RunInfo& info, const Summary& s, const std::vector<JobRow>& jobs) {
  nlohmann::ordered_json j;
  j["scenario"] = info.scenario_name;
  j["dcsim_version"] = info.dcsim_version;
  j["start_time"] = info.start_time;
  j["seed"] = info.seed;
  for (const SummaryField& f : kSummaryFields) j[std::string(f.name)] = s.*f.member;  // NaN becomes null
  j["net_basis"] = s.net_basis;
  j["over_rating_episodes"] = s.over_rating_episodes;
  j["capped_rack_episodes"] = s.capped_rack_episodes;
  j["capped_jobs"] = s.capped_jobs;
  nlohmann::ordered_json sites = nlohmann::ordered_json::array();
  for (const SiteSummary& site : s.sites) {
    nlohmann::ordered_json o;
    o["name"] = site.name;
    for (const SiteField& f : kSiteFields) o[std::string(f.name)] = site.*f.member;
    sites.push_back(std::move(o));
  }
  j["sites"] = std::move(sites);
  nlohmann::ordered_json services = nlohmann::ordered_json::array();
  for (const ServiceSummary& v : s.services) {
    nlohmann::ordered_json o;
    o["name"] = v.name;
    o["site"] = v.site;
    for (const ServiceField& f : kServiceFields) o[std::string(f.name)] = v.*f.member;
    services.push_back(std::move(o));
  }
  j["services"] = std::move(services);
  // Every job when there are at most kMaxJsonJobs; a larger run (a trace replay) lists none:
  // its full table is in the HDF5 file's /jobs.
  const std::size_t count = job_rows(s, jobs);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (std::size_t k = 0; count <= kMaxJsonJobs && k < jobs.size(); ++k) {
    const JobRow& r = jobs[k];
    nlohmann::ordered_json o;
    o["name"] = r.name;
    o["site"] = r.site;
    for (const JobColumn& c : kJobColumns) {
      if (c.real != nullptr) o[std::string(c.name)] = r.*c.real;
      else o[std::string(c.name)] = r.*c.integer;
    }
    list.push_back(std::move(o));
  }
  j["job_count"] = count;
  if (count > list.size()) j["jobs_omitted"] = count - list.size();
  j["jobs"] = std::move(list);
  return j;
}

std::string format_report(const std::string& path, const RunFile& run) {
  const Summary& s = run.summary;
  std::string out = fmt::format("{}: scenario '{}'\n  dcsim {} (format {}), seed {}, start {}\n", path,
                                run.info.scenario_name, run.info.dcsim_version, run.info.format_version, run.info.seed,
                                run.info.start_time);
  out += fmt::format("  IT energy          {:14.3f} MWh\n", s.it_energy_mwh);
  out += fmt::format("  facility energy    {:14.3f} MWh   (PUE {:.4f})\n", s.facility_energy_mwh, s.pue);
  out += fmt::format("  gross emissions    {:14.3f} t CO2e (location-based; {:.1f} g/kWh on average)\n", s.co2e_gross_t,
                     s.facility_energy_mwh > 0 ? s.co2e_gross_t / s.facility_energy_mwh * 1e3 : 0.0);
  out += fmt::format("  net emissions      {:14.3f} t CO2e ({} basis)\n", s.co2e_net_t, s.net_basis);
  const auto basis = [&out](const char* label, double t) {
    if (!std::isnan(t)) out += fmt::format("    {:<16} {:14.3f} t CO2e\n", label, t);
  };
  basis("net given", s.co2e_net_given_t);
  basis("24/7 hourly", s.co2e_hourly_t);
  basis("annual matching", s.co2e_annual_t);
  basis("marginal", s.co2e_marginal_t);
  if (s.cfe_matched_share > 0.0)
    out += fmt::format("    carbon-free supply {:.3f} MWh contracted; {:.1f}% of facility energy matched hourly\n",
                       s.cfe_supply_mwh, 100.0 * s.cfe_matched_share);
  if (s.embodied_co2e_t > 0.0)
    out += fmt::format("  embodied emissions {:14.3f} t CO2e (manufacturing, amortised; not in the totals above)\n",
                       s.embodied_co2e_t);
  else
    out += "  embodied emissions   not configured (no accelerator gives `embodied`)\n";
  out += fmt::format("  makespan           {:14.3f} h     ({:.3f} d", s.makespan_h, s.makespan_h / 24.0);
  out += run.timeseries_rows > 0 ? fmt::format(", {} time-series rows)\n", run.timeseries_rows) : std::string(")\n");
  if (s.over_rating_episodes > 0)
    out += fmt::format("  power delivery     {} episode(s) with a node over its rating\n", s.over_rating_episodes);
  if (s.capped_jobs > 0) out += fmt::format("  server power caps  {} job(s) clipped\n", s.capped_jobs);
  if (s.capped_rack_episodes > 0)
    out += fmt::format("  rack power caps    {} episode(s) of clipped racks\n", s.capped_rack_episodes);
  if (s.electricity_cost != 0.0) out += fmt::format("  electricity cost   {:14.2f} (price currency)\n", s.electricity_cost);
  if (s.sites.size() > 1) {
    out += fmt::format("  {} sites\n    {:<20} {:>8} {:>14} {:>8} {:>14} {:>14}\n", s.sites.size(), "site", "jobs",
                       "facility MWh", "PUE", "gross t", "net t");
    for (const SiteSummary& site : s.sites)
      out += fmt::format("    {:<20} {:>8} {:>14.3f} {:>8.4f} {:>14.3f} {:>14.3f}\n", site.name, site.jobs,
                         site.facility_energy_mwh, site.pue, site.co2e_gross_t, site.co2e_net_t);
  }
  for (const ServiceSummary& v : s.services) {
    if (v.queries_offered == 0.0 && std::isnan(v.training_co2e_kg)) {  // a replayed measured run: no queries
      out += fmt::format("  load '{}' ({}): {:.6g} kWh IT, {:.6g} kWh facility, {:.6g} kg CO2e net\n", v.name, v.site,
                         v.it_energy_kwh, v.facility_energy_kwh, v.co2e_net_kg);
      continue;
    }
    out += fmt::format("  service '{}' ({}): {:.4g} queries served ({:.4g} dropped), {:.3f} MWh, {:.3f} t CO2e net, "
                       "{:.4g} Wh and {:.4g} g CO2e per query\n",
                       v.name, v.site, v.queries_served, v.queries_dropped, v.facility_energy_kwh / 1e3, v.co2e_net_kg / 1e3,
                       v.energy_per_query_wh, v.co2e_per_query_g);
    if (!std::isnan(v.training_co2e_kg))
      out += fmt::format("    lifecycle {:.3f} t CO2e = training {:.3f} t + serving {:.3f} t ({:.1f}% serving); serving "
                         "equals training after {:.4g} queries ({:.1f} days)\n",
                         v.lifecycle_co2e_kg / 1e3, v.training_co2e_kg / 1e3, v.co2e_net_kg / 1e3, 100.0 * v.serving_share,
                         v.break_even_queries, v.break_even_days);
  }
  const std::size_t count = job_rows(s, run.jobs);
  out += fmt::format("  {} job(s): {} completed", count, s.jobs_completed);
  if (s.jobs_cut > 0) out += fmt::format(", {} cut at the horizon", s.jobs_cut);
  if (s.jobs_not_started > 0) out += fmt::format(", {} never started", s.jobs_not_started);
  out += fmt::format("; mean wait {:.3f} h\n", s.mean_wait_h);
  if (!std::isnan(s.co2e_saved_vs_baseline_t))
    out += fmt::format("  against FIFO       {:14.3f} t CO2e saved (net; FIFO {:.3f} t), {:.3f} h mean delay added\n",
                       s.co2e_saved_vs_baseline_t, s.baseline_co2e_net_t, s.delay_added_h);
  if (!run.jobs.empty()) {
    out += fmt::format("    {:<28} {:>8} {:>11} {:>11} {:>14} {:>13} {:>13}\n", "name", "chips", "start h", "end h",
                       "facility kWh", "gross kg", "net kg");
    for (std::size_t k = 0; k < run.jobs.size() && k < kMaxReportJobs; ++k) {
      const JobRow& j = run.jobs[k];
      out += fmt::format("    {:<28} {:>8} {:>11.2f} {:>11.2f} {:>14.1f} {:>13.1f} {:>13.1f}\n", j.name, j.chips,
                         j.start_s / 3600.0, j.end_s / 3600.0, j.facility_energy_kwh, j.co2e_gross_kg, j.co2e_net_kg);
    }
    const std::size_t shown = std::min(run.jobs.size(), kMaxReportJobs);
    if (count > shown) out += fmt::format("    ... and {} more (every job is in the file's /jobs table)\n", count - shown);
  }
  return out;
}

std::string format_profile(const RunFile& run, const std::map<std::string, std::vector<double>>& ts) {
  const std::vector<double>& t = ts.at("time_s");
  const std::vector<double>& gross = ts.at("grid_gross_g_per_kwh");
  const std::vector<double>& net = ts.at("grid_net_g_per_kwh");
  const std::vector<double>& it = ts.at("it_power_w");
  const std::vector<double>& facility = ts.at("facility_power_w");
  const double end_s = run.summary.makespan_h * 3600.0;
  const std::int64_t start_ms = units::parse_utc_ms(run.info.start_time);
  struct Acc {
    double w = 0, g = 0, n = 0, it_j = 0, facility_j = 0;
  };
  std::array<Acc, 24> by_hour{};
  std::array<Acc, 12> by_month{};
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double len = (i + 1 < t.size() ? t[i + 1] : end_s) - t[i];
    if (len <= 0.0 || std::isnan(gross[i])) continue;
    using namespace std::chrono;
    const sys_time<milliseconds> at{milliseconds{start_ms + static_cast<std::int64_t>(t[i] * 1000.0)}};
    const auto day = floor<days>(at);
    const auto hour = static_cast<std::size_t>(duration_cast<hours>(at - day).count());
    const auto month = static_cast<std::size_t>(static_cast<unsigned>(year_month_day{day}.month()) - 1);
    for (Acc* a : {&by_hour[hour], &by_month[month]}) {
      a->w += len;
      a->g += gross[i] * len;
      a->n += net[i] * len;
      a->it_j += it[i] * len;
      a->facility_j += facility[i] * len;
    }
  }
  const auto pue = [](const Acc& a) { return a.it_j > 0 ? a.facility_j / a.it_j : std::nan(""); };
  std::string out = "mean grid intensity (g/kWh) and PUE by hour of day, UTC\n  hour   gross     net     PUE\n";
  for (std::size_t h = 0; h < 24; ++h)
    if (by_hour[h].w > 0)
      out += fmt::format("  {:02}   {:7.1f} {:7.1f} {:7.4f}\n", h, by_hour[h].g / by_hour[h].w, by_hour[h].n / by_hour[h].w,
                         pue(by_hour[h]));
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  out += "by month\n  month  gross     net     PUE\n";
  for (std::size_t m = 0; m < 12; ++m)
    if (by_month[m].w > 0)
      out += fmt::format("  {}    {:7.1f} {:7.1f} {:7.4f}\n", kMonths[m], by_month[m].g / by_month[m].w,
                         by_month[m].n / by_month[m].w, pue(by_month[m]));
  return out;
}

ReproductionCheck check(const Reproduction& r) {
  const double tol = r.published.tolerance;
  return ReproductionCheck{figure(r.simulated.facility_energy_mwh, r.published.energy_mwh, tol),
                           figure(r.simulated.co2e_gross_t, r.published.co2e_gross_t, tol),
                           figure(r.simulated.co2e_net_t, r.published.co2e_net_t, tol)};
}

std::string format_reproduction(std::vector<Reproduction> rows) {
  sort_by_table(rows);
  std::string out;
  std::string table;
  std::size_t failed = 0;
  for (const Reproduction& r : rows) {
    if (r.published.table != table) {
      table = r.published.table;
      // Table 1's runs are small: show kWh and kg rather than MWh and t.
      const bool small = r.published.energy_mwh < 1.0;
      out += fmt::format("\n{}\n", table);
      out += fmt::format("  {:<44} {:>28}   {:>30}   {:>30}\n", "", small ? "energy (kWh)" : "energy (MWh)",
                         small ? "gross (kg CO2e)" : "gross (t CO2e)", small ? "net (kg CO2e)" : "net (t CO2e)");
      out += fmt::format("  {:<44} {:>9} {:>9} {:>8}   {:>10} {:>10} {:>8}   {:>10} {:>10} {:>8}\n", "", "dcsim", "paper",
                         "error", "dcsim", "paper", "error", "dcsim", "paper", "error");
    }
    const bool small = r.published.energy_mwh < 1.0;
    const double e_scale = small ? 1e3 : 1.0, m_scale = small ? 1e3 : 1.0;
    const ReproductionCheck c = check(r);
    const auto cell = [](const FigureCheck& f, double scale, int width, int digits) {
      return fmt::format("{:>{}.{}f} {:>{}.{}f} {:>+7.2f}%{}", f.simulated * scale, width, digits, f.published * scale,
                         width, digits, 100.0 * f.error, f.ok ? "" : "!");
    };
    out += fmt::format("  {:<44} {}   {}   {}{}\n", fmt::format("{}. {}", r.published.position, r.published.label),
                       cell(c.energy, e_scale, 9, 1), cell(c.gross, m_scale, 10, 1), cell(c.net, m_scale, 10, 1),
                       c.ok() ? "" : "  OUTSIDE TOLERANCE");
    if (!c.ok()) ++failed;
  }
  out += fmt::format("\n{} of {} scenarios within tolerance", rows.size() - failed, rows.size());
  if (!rows.empty()) out += fmt::format(" (|error| <= {:.1f}%)", 100.0 * rows.front().published.tolerance);
  out += failed == 0 ? ".\n" : fmt::format("; {} outside ('!').\n", failed);
  return out;
}

FigureCheck check(const RatioReproduction& r) { return figure(r.simulated(), r.published, r.tolerance); }

std::vector<RatioReproduction> paper_ratios(const std::map<std::string, RunFile>& runs) {
  const auto find = [&runs](const char* stem) -> const RunFile* {
    const auto it = runs.find(stem);
    return it == runs.end() ? nullptr : &it->second;
  };
  std::vector<RatioReproduction> out;
  // Section 3: GShard-600B "used ~45x fewer processor-years, ~55x less energy, ~115x less gross
  // CO2e and ~130x less net CO2e" than GPT-3.
  const RunFile* gpt3 = find("gpt3");
  const RunFile* gshard = find("gshard-600b");
  if (gpt3 != nullptr && gshard != nullptr) {
    const std::string a = "Section 3: GShard-600B against GPT-3";
    out.push_back({a, "processor-years, GPT-3 / GShard-600B", "years", processor_years(*gpt3), processor_years(*gshard), 45.0});
    out.push_back({a, "facility energy, GPT-3 / GShard-600B", "MWh", gpt3->summary.facility_energy_mwh,
                   gshard->summary.facility_energy_mwh, 55.0});
    out.push_back({a, "gross CO2e, GPT-3 / GShard-600B", "t CO2e", gpt3->summary.co2e_gross_t, gshard->summary.co2e_gross_t, 115.0});
    out.push_back({a, "net CO2e, GPT-3 / GShard-600B", "t CO2e", gpt3->summary.co2e_net_t, gshard->summary.co2e_net_t, 130.0});
  }
  // Appendices C and D: a 2019 estimate put the Evolved Transformer search at 284 tCO2e
  // (626,155 lbs); the search as run emitted 3.2 t, 88x less, and would have emitted 0.6 t in
  // Iowa with its net CO2e/kWh, 476x less. The 284 t is a published estimate, not a run.
  constexpr double kNasEstimate2019T = 284.0;
  const std::string d = "Appendix D: the Evolved Transformer search re-estimated";
  if (const RunFile* nas = find("evolved-transformer-nas"))
    out.push_back({d, "2019 estimate (284 t) / the search as run, net CO2e", "t CO2e", kNasEstimate2019T,
                   nas->summary.co2e_net_t, 88.0});
  if (const RunFile* iowa = find("evolved-transformer-nas-iowa"))
    out.push_back({d, "2019 estimate (284 t) / the search in Iowa, net CO2e", "t CO2e", kNasEstimate2019T,
                   iowa->summary.co2e_net_t, 476.0});
  return out;
}

std::string format_ratios(const std::vector<RatioReproduction>& ratios) {
  if (ratios.empty()) return {};
  std::string out = "\nRatios\n";
  out += fmt::format("  {:<56} {:>11} {:>11} {:<7} {:>8} {:>7} {:>8}\n", "", "numerator", "denominator", "unit", "dcsim",
                     "paper", "error");
  std::string analysis;
  std::size_t failed = 0;
  for (const RatioReproduction& r : ratios) {
    if (r.analysis != analysis) {
      analysis = r.analysis;
      out += fmt::format("  {}\n", analysis);
    }
    const FigureCheck c = check(r);
    out += fmt::format("    {:<54} {:>11.4g} {:>11.4g} {:<7} {:>7.1f}x {:>6.0f}x {:>+7.2f}%{}\n", r.label, r.numerator,
                       r.denominator, r.unit, c.simulated, c.published, 100.0 * c.error, c.ok ? "" : "! OUTSIDE TOLERANCE");
    if (!c.ok) ++failed;
  }
  out += fmt::format("\n{} of {} ratios within tolerance (|error| <= {:.0f}%)", ratios.size() - failed, ratios.size(),
                     100.0 * ratios.front().tolerance);
  out += failed == 0 ? ".\n" : fmt::format("; {} outside ('!').\n", failed);
  return out;
}

std::string reproduction_markdown(std::vector<Reproduction> rows, const std::vector<RatioReproduction>& ratios) {
  sort_by_table(rows);
  std::string out = "# Patterson et al. 2021: dcsim against the published figures\n\n"
                    "Each run simulated, written to HDF5 and read back; error = dcsim / paper - 1.\n";
  std::string table;
  for (const Reproduction& r : rows) {
    const bool small = r.published.energy_mwh < 1.0;
    if (r.published.table != table) {
      table = r.published.table;
      const char* e = small ? "kWh" : "MWh";
      const char* m = small ? "kg CO2e" : "t CO2e";
      out += fmt::format("\n## {}\n\n| # | run | energy dcsim ({}) | paper | error | gross dcsim ({}) | paper | error "
                         "| net dcsim ({}) | paper | error | within |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
                         table, e, m, m);
    }
    const double scale = small ? 1e3 : 1.0;
    const ReproductionCheck c = check(r);
    const auto cells = [scale](const FigureCheck& f) {
      return fmt::format("{:.4g} | {:.4g} | {:+.2f}%", f.simulated * scale, f.published * scale, 100.0 * f.error);
    };
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", r.published.position, r.published.label, cells(c.energy),
                       cells(c.gross), cells(c.net), c.ok() ? "yes" : fmt::format("**no** (> {:.1f}%)", 100.0 * r.published.tolerance));
  }
  if (!ratios.empty()) {
    out += "\n## Ratios\n\n| analysis | ratio | numerator | denominator | unit | dcsim | paper | error | within |\n"
           "|---|---|---:|---:|---|---:|---:|---:|---|\n";
    for (const RatioReproduction& r : ratios) {
      const FigureCheck c = check(r);
      out += fmt::format("| {} | {} | {:.4g} | {:.4g} | {} | {:.1f}x | {:.0f}x | {:+.2f}% | {} |\n", r.analysis, r.label,
                         r.numerator, r.denominator, r.unit, c.simulated, c.published, 100.0 * c.error,
                         c.ok ? "yes" : fmt::format("**no** (> {:.0f}%)", 100.0 * r.tolerance));
    }
  }
  return out;
}

std::string reproduction_csv(std::vector<Reproduction> rows, const std::vector<RatioReproduction>& ratios) {
  sort_by_table(rows);
  std::string out = "table,position,label,figure,unit,dcsim,paper,error,tolerance,within\n";
  const auto line = [&out](const std::string& table, std::size_t position, const std::string& label, const char* what,
                           const std::string& unit, const FigureCheck& f, double tolerance) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", csv_field(table), position, csv_field(label), what, csv_field(unit),
                       f.simulated, f.published, f.error, tolerance, f.ok ? "true" : "false");
  };
  for (const Reproduction& r : rows) {
    const ReproductionCheck c = check(r);
    const auto pos = static_cast<std::size_t>(r.published.position);
    line(r.published.table, pos, r.published.label, "energy", "MWh", c.energy, r.published.tolerance);
    line(r.published.table, pos, r.published.label, "co2e_gross", "t CO2e", c.gross, r.published.tolerance);
    line(r.published.table, pos, r.published.label, "co2e_net", "t CO2e", c.net, r.published.tolerance);
  }
  std::map<std::string, std::size_t> position;
  for (const RatioReproduction& r : ratios)
    line(r.analysis, ++position[r.analysis], r.label, "ratio", "1", check(r), r.tolerance);
  return out;
}

}  // namespace dcsim::analysis
