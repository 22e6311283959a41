#include "analysis/Uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace dcsim::analysis {

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) throw std::invalid_argument("percentile of no values");
  const double h = (static_cast<double>(sorted.size()) - 1.0) * std::clamp(p, 0.0, 1.0);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

Statistics statistics(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("statistics of no values");
  Statistics s;
  s.n = values.size();
  // Two passes (mean, then squared deviations from it): no cancellation for large means.
  double sum = 0.0;
  for (const double x : values) sum += x;
  s.mean = sum / static_cast<double>(s.n);
  double squares = 0.0;
  for (const double x : values) squares += (x - s.mean) * (x - s.mean);
  s.sd = s.n > 1 ? std::sqrt(squares / static_cast<double>(s.n - 1)) : 0.0;
  std::sort(values.begin(), values.end());
  s.p05 = percentile(values, 0.05);
  s.p50 = percentile(values, 0.50);
  s.p95 = percentile(values, 0.95);
  s.min = values.front();
  s.max = values.back();
  return s;
}

namespace {

nlohmann::ordered_json stats_json(const Statistics& s) {
  nlohmann::ordered_json j;
  j["mean"] = s.mean;
  j["sd"] = s.sd;
  j["p05"] = s.p05;
  j["p50"] = s.p50;
  j["p95"] = s.p95;
  j["min"] = s.min;
  j["max"] = s.max;
  return j;
}

std::string number(double x) { return fmt::format("{:.6g}", x); }

}  // namespace

std::string format_uncertainty(const UncertaintyReport& r) {
  std::string out = fmt::format("{}: scenario '{}', {} samples, seed {}\n", r.scenario_file, r.scenario_name, r.samples, r.seed);
  out += fmt::format("  sampled inputs ({} distribution{})\n", r.inputs.size(), r.inputs.size() == 1 ? "" : "s");
  std::size_t key_width = 0, dist_width = 0;
  for (const SampledInput& in : r.inputs) {
    key_width = std::max(key_width, in.key.size());
    dist_width = std::max(dist_width, in.distribution.size());
  }
  for (const SampledInput& in : r.inputs) {
    const std::string range = in.numeric ? fmt::format("{} .. {}", number(in.stats.min), number(in.stats.max))
                                         : fmt::format("{} distinct values", in.distinct);
    out += fmt::format("    {:<{}}  {:<{}}  {}\n", in.key, key_width, in.distribution, dist_width, range);
  }
  out += fmt::format("  {:<24} {:>14} {:>12} {:>14} {:>14}  {}\n", "output", "mean", "sd", "5%", "95%", "unit");
  for (const SampledOutput& o : r.outputs)
    out += fmt::format("  {:<24} {:>14} {:>12} {:>14} {:>14}  {}\n", o.label, number(o.stats.mean), number(o.stats.sd),
                       number(o.stats.p05), number(o.stats.p95), o.units);
  out += fmt::format("  net basis: {}; 5% and 95%: the 90% interval, {}\n", r.net_basis, kPercentileMethod);
  return out;
}

nlohmann::ordered_json uncertainty_json(const UncertaintyReport& r) {
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario_name;
  j["file"] = r.scenario_file;
  j["samples"] = r.samples;
  j["seed"] = r.seed;
  j["net_basis"] = r.net_basis;
  j["percentiles"] = kPercentileMethod;
  nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
  for (const SampledInput& in : r.inputs) {
    nlohmann::ordered_json o;
    o["key"] = in.key;
    o["distribution"] = in.distribution;
    if (in.numeric) o.update(stats_json(in.stats));
    else o["distinct"] = in.distinct;
    inputs.push_back(std::move(o));
  }
  j["inputs"] = std::move(inputs);
  nlohmann::ordered_json outputs;
  for (const SampledOutput& o : r.outputs) {
    nlohmann::ordered_json x;
    x["units"] = o.units;
    x.update(stats_json(o.stats));
    outputs[o.name] = std::move(x);
  }
  j["outputs"] = std::move(outputs);
  return j;
}

}  // namespace dcsim::analysis
