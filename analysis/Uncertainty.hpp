#pragma once
// What a Monte Carlo run means: sample statistics of each output (and of each sampled input),
// and how `dcsim run --samples` prints them.
//
// Statistics of n values x: the mean; the sample standard deviation (divisor n - 1); and
// percentiles by linear interpolation between order statistics (Hyndman and Fan 1996, type 7,
// the default of R and NumPy): with x(1) <= ... <= x(n) and h = (n - 1) p,
// Q(p) = x(floor h + 1) + (h - floor h) (x(floor h + 2) - x(floor h + 1)). The 90% interval is
// [Q(0.05), Q(0.95)].

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dcsim::analysis {

struct Statistics {
  std::size_t n = 0;
  double mean = 0.0;
  double sd = 0.0;   ///< divisor n - 1; 0 for one value
  double p05 = 0.0;  ///< type-7 percentiles
  double p50 = 0.0;
  double p95 = 0.0;
  double min = 0.0;
  double max = 0.0;
};

/// Statistics of `values` (at least one, all finite).
Statistics statistics(std::vector<double> values);

/// The type-7 percentile `p` in [0, 1] of ascending `sorted` values (at least one).
double percentile(const std::vector<double>& sorted, double p);

/// One sampled input: its key, its distribution, and what the samples took.
struct SampledInput {
  std::string key;
  std::string distribution;
  bool numeric = false;         ///< false: a choice of texts (then only `distinct` is set)
  Statistics stats;
  std::size_t distinct = 0;     ///< how many different values the samples took
};

/// One output figure over the samples.
struct SampledOutput {
  std::string name;   ///< a /summary name, e.g. facility_energy_mwh
  std::string label;  ///< "facility energy"
  std::string units;
  Statistics stats;
};

struct UncertaintyReport {
  std::string scenario_name;
  std::string scenario_file;
  std::size_t samples = 0;
  std::uint64_t seed = 0;
  std::string net_basis;  ///< of the nominal run
  std::vector<SampledInput> inputs;
  std::vector<SampledOutput> outputs;
};

/// The text `dcsim run --samples` prints.
std::string format_uncertainty(const UncertaintyReport& r);
/// The same as one JSON object.
nlohmann::ordered_json uncertainty_json(const UncertaintyReport& r);

/// How the percentiles are estimated, as written into output files.
inline constexpr const char* kPercentileMethod = "linear interpolation between order statistics (Hyndman-Fan type 7)";

}  // namespace dcsim::analysis
