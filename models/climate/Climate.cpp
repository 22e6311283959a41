#include "models/climate/Climate.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <optional>
#include <random>
#include <system_error>
#include <vector>

#include <Eigen/Dense>

#include "models/Memo.hpp"
#include "models/climate/Psychrometrics.hpp"

namespace dcsim::models {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr std::int64_t kMsPerHour = 3'600'000;

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::int64_t leaps_through(std::int64_t y) { return y / 4 - y / 100 + y / 400; }

/// Days from 1970-01-01 to January 1 of year y (y >= 1).
std::int64_t days_before_year(std::int64_t y) { return 365 * (y - 1970) + leaps_through(y - 1) - leaps_through(1969); }

int days_in_month(std::int64_t y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 1 && is_leap(y) ? 29 : kDays[m];
}

/// Month position (0..12) and hour of day of an instant given as ms since the epoch (any zone).
void month_position(std::int64_t ms, double& x, double& hour) {
  std::int64_t day = ms >= 0 ? ms / kMsPerDay : -((-ms + kMsPerDay - 1) / kMsPerDay);
  const double ms_of_day = static_cast<double>(ms - day * kMsPerDay);
  hour = ms_of_day / kMsPerHour;
  std::int64_t y = 1970 + static_cast<std::int64_t>(std::floor(static_cast<double>(day) / 365.2425));
  while (days_before_year(y) > day) --y;
  while (days_before_year(y + 1) <= day) ++y;
  std::int64_t doy = day - days_before_year(y);
  int m = 0;
  while (doy >= days_in_month(y, m)) doy -= days_in_month(y, m++);
  x = m + (static_cast<double>(doy) + hour / 24.0) / days_in_month(y, m);
}

constexpr int kSamplesPerMonth = 720;  // a 30-day month of hours, for the calibration means

/// A month position on the spline, with its segment and the position within it found once.
struct Sample {
  double x;  ///< month position
  double s;  ///< position within the spline segment
  int i;     ///< the segment's first node
};

/// Where month position x falls on the spline: nodes sit at mid-months (x = k + 0.5).
Sample sample_at(double x) {
  const double u = x - 0.5;
  const double fl = std::floor(u);
  return {x, u - fl, static_cast<int>(fl)};
}

/// Periodic Catmull-Rom spline through the nodes, on the segment whose four nodes (i-1 .. i+2,
/// wrapped round the year) are `k`, at position s within it.
double spline_on(const std::array<double, 12>& a, double s, const std::array<std::uint8_t, 4>& k) {
  const double p0 = a[k[0]], p1 = a[k[1]], p2 = a[k[2]], p3 = a[k[3]];
  return 0.5 * (2 * p1 + (-p0 + p2) * s + (2 * p0 - 5 * p1 + 4 * p2 - p3) * s * s + (-p0 + 3 * p1 - 3 * p2 + p3) * s * s * s);
}

/// The four nodes around a sample's segment: one modulo, then steps.
std::array<std::uint8_t, 4> segment_nodes(const Sample& p) {
  const auto first = static_cast<std::uint8_t>((((p.i - 1) % 12) + 12) % 12);
  const auto next = [](std::uint8_t k) { return k == 11 ? std::uint8_t{0} : static_cast<std::uint8_t>(k + 1); };
  const std::uint8_t k1 = next(first), k2 = next(k1), k3 = next(k2);
  return {first, k1, k2, k3};
}

/// The spline at a sample (its segment found once).
double spline_at(const std::array<double, 12>& a, const Sample& p) { return spline_on(a, p.s, segment_nodes(p)); }

/// The Catmull-Rom basis weights at a sample of its segment's nodes i-1, i, i+1, i+2 (the
/// coefficients of spline_on(); segment_nodes() gives the nodes, wrapped round the year).
std::array<double, 4> basis_weights(const Sample& p) {
  const double s = p.s, s2 = s * s, s3 = s2 * s;
  return {0.5 * (-s + 2 * s2 - s3), 0.5 * (2 - 5 * s2 + 3 * s3), 0.5 * (s + 4 * s2 - 3 * s3), 0.5 * (-s2 + s3)};
}

/// The spline at month position x.
double spline(const std::array<double, 12>& a, double x) { return spline_at(a, sample_at(x)); }

/// What the calibrations read that no climate changes, made once in a process: the samples
/// (12 months of kSamplesPerMonth), each with its segment's nodes and their basis weights, and
/// the factorised matrix of mean_preserving_nodes().
struct CalibrationTables {
  std::array<Sample, 12 * kSamplesPerMonth> samples{};
  std::array<std::array<std::uint8_t, 4>, 12 * kSamplesPerMonth> nodes{};
  std::array<std::array<double, 4>, 12 * kSamplesPerMonth> weights{};
  Eigen::PartialPivLU<Eigen::Matrix<double, 12, 12>> means;
};

const CalibrationTables& calibration_tables() {
  static const CalibrationTables tables = [] {
    CalibrationTables t;
    for (int k = 0; k < 12; ++k)
      for (int j = 0; j < kSamplesPerMonth; ++j) {
        const auto n = static_cast<std::size_t>(k * kSamplesPerMonth + j);
        t.samples[n] = sample_at(k + (j + 0.5) / kSamplesPerMonth);
        t.nodes[n] = segment_nodes(t.samples[n]);
        t.weights[n] = basis_weights(t.samples[n]);
      }
    // The spline is linear in its nodes, so the monthly means are M n for a 12 x 12 matrix M
    // (M[k][j]: month k's mean of node j's basis function, over the calibration samples).
    Eigen::Matrix<double, 12, 12> m = Eigen::Matrix<double, 12, 12>::Zero();
    for (int k = 0; k < 12; ++k)
      for (int j = 0; j < kSamplesPerMonth; ++j) {
        const auto n = static_cast<std::size_t>(k * kSamplesPerMonth + j);
        for (std::size_t q = 0; q < 4; ++q) m(k, t.nodes[n][q]) += t.weights[n][q] / kSamplesPerMonth;
      }
    t.means.compute(m);
    return t;
  }();
  return tables;
}

/// Nodes whose spline has the given monthly means: the solution of M n = means.
std::array<double, 12> mean_preserving_nodes(const std::array<double, 12>& means) {
  Eigen::Matrix<double, 12, 1> b;
  for (int k = 0; k < 12; ++k) b(k) = means[static_cast<std::size_t>(k)];
  const Eigen::Matrix<double, 12, 1> n = calibration_tables().means.solve(b);
  std::array<double, 12> nodes{};
  for (int k = 0; k < 12; ++k) nodes[static_cast<std::size_t>(k)] = n(k);
  return nodes;
}

struct Shape {
  std::array<double, 12> temp, range, dew;
  double peak_hour;

  /// The diurnal factor at an hour of the day: 1 at the peak hour, -1 twelve hours away.
  double diurnal(double hour) const { return std::cos(2 * std::numbers::pi * (hour - peak_hour) / 24.0); }
  double mean_temp(double x, double hour) const { return mean_temp_at(sample_at(x), diurnal(hour)); }
  double mean_temp_at(const Sample& p, double diurnal_factor) const {
    return spline_at(temp, p) + 0.5 * spline_at(range, p) * diurnal_factor;
  }
};

/// Dew-point nodes such that the noise-free monthly mean RH equals the normals. The temperature
/// and its saturation pressure at each calibration sample do not depend on the nodes: computed
/// once. The monthly mean RH is a smooth function of the 12 nodes (each sample's dew point is a
/// spline of 4 of them); Newton's method on it, with the Jacobian summed over the same samples
/// (d RH / d Td = RH d ln e_w / dTd, times the sample's spline weight of the node), converges
/// quadratically from the Magnus-form dew points of the normals: three passes (the old
/// fixed-slope iteration took nine to reach 1e-6).
std::array<double, 12> dew_point_nodes(const Shape& shape, const std::array<double, 12>& rh) {
  const CalibrationTables& tables = calibration_tables();
  const auto& samples = tables.samples;
  // Sample n is at hour n % 24 + 0.5 of its day (a month of samples is 30 whole days).
  static_assert(kSamplesPerMonth % 24 == 0);
  std::array<double, 24> diurnal{};
  for (std::size_t h = 0; h < 24; ++h) diurnal[h] = shape.diurnal(static_cast<double>(h) + 0.5);
  std::vector<double> t(samples.size()), inv_e_t(samples.size());
  for (std::size_t n = 0; n < samples.size(); ++n) {
    t[n] = shape.mean_temp_at(samples[n], diurnal[n % 24]);
    inv_e_t[n] = 1.0 / psychro::saturation_pressure_water_pa(t[n]);
  }
  std::array<double, 12> nodes{}, target{};
  for (std::size_t k = 0; k < 12; ++k) {
    target[k] = std::clamp(rh[k], 0.01, 1.0);
    nodes[k] = psychro::dew_point(shape.temp[k], target[k]);
  }
  for (int iter = 0; iter < 40; ++iter) {
    Eigen::Matrix<double, 12, 12> jacobian = Eigen::Matrix<double, 12, 12>::Zero();
    Eigen::Matrix<double, 12, 1> residual;
    double worst = 0;
    for (int k = 0; k < 12; ++k) {
      double sum = 0;
      for (int j = 0; j < kSamplesPerMonth; ++j) {
        const auto n = static_cast<std::size_t>(k * kSamplesPerMonth + j);
        const std::array<std::uint8_t, 4>& around = tables.nodes[n];
        const double td = spline_on(nodes, samples[n].s, around);
        if (td >= t[n]) {  // saturated: RH 1 whatever the nodes
          sum += 1.0;
          continue;
        }
        // relative_humidity_from_dew_point(t, td), with 1 / e_w(t) from the table, and its
        // derivative in td: e_w = 611.21 exp(g), g = (18.678 - td/234.5) td / (257.14 + td).
        const double r = psychro::saturation_pressure_water_pa(td) * inv_e_t[n];
        sum += r;
        const double q = 257.14 + td;
        const double dg = ((18.678 - 2.0 * td / 234.5) * q - (18.678 - td / 234.5) * td) / (q * q);
        const std::array<double, 4>& w = tables.weights[n];
        for (std::size_t c = 0; c < 4; ++c) jacobian(k, around[c]) += r * dg * w[c];
      }
      const auto kk = static_cast<std::size_t>(k);
      const double mean = sum / kSamplesPerMonth;
      residual(k) = target[kk] - mean;
      worst = std::max(worst, std::abs(residual(k)));
    }
    if (worst < 1e-12) break;
    const Eigen::Matrix<double, 12, 1> step = (jacobian / kSamplesPerMonth).partialPivLu().solve(residual);
    // A month saturated at every sample has no slope: its node keeps the Magnus estimate.
    for (int k = 0; k < 12; ++k)
      if (std::isfinite(step(k))) nodes[static_cast<std::size_t>(k)] += step(k);
    if (worst < 1e-5) break;  // the step just taken leaves about worst^2 (below 1e-10)
  }
  return nodes;
}

class Normal {
 public:
  explicit Normal(std::uint64_t seed) : rng_(seed) {}
  double operator()() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2 * std::numbers::pi * u2);
    have_spare_ = true;
    return r * std::cos(2 * std::numbers::pi * u2);
  }

 private:
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  std::mt19937_64 rng_;
  double spare_ = 0;
  bool have_spare_ = false;
};

}  // namespace

Weather make_weather(double dry_bulb_c, double relative_humidity, double pressure_pa) {
  return Weather{dry_bulb_c, relative_humidity, pressure_pa, psychro::wet_bulb(dry_bulb_c, relative_humidity, pressure_pa)};
}

namespace {

/// The trace's times, site and description, with `hours` default values to be filled in.
WeatherTrace synthetic_frame(const SiteClimate& c, std::int64_t start_utc_ms, std::size_t hours, std::uint64_t seed) {
  WeatherTrace trace;
  trace.step_ms = kMsPerHour;
  trace.site = WeatherSite{c.name, c.latitude_deg, c.longitude_deg, c.utc_offset_h, c.elevation_m};
  trace.description = "synthetic weather for " + c.name + " from monthly normals, seed " + std::to_string(seed);
  trace.utc_ms.resize(hours);
  for (std::size_t i = 0; i < hours; ++i) trace.utc_ms[i] = start_utc_ms + static_cast<std::int64_t>(i) * kMsPerHour;
  trace.values.resize(hours);
  return trace;
}

/// The calibrated shape of a climate (its nodes), made once per climate in a process: a sweep's
/// variants at one site differ in their seed, not in their shape. Keyed by the exact bits of
/// what the calibration reads.
Shape calibrated_shape(const SiteClimate& c) {
  std::string key(sizeof(double) * (3 * 12 + 1), '\0');
  char* at = key.data();
  for (const std::array<double, 12>* a : {&c.dry_bulb_c, &c.diurnal_range_c, &c.relative_humidity}) {
    std::memcpy(at, a->data(), sizeof(double) * 12);
    at += sizeof(double) * 12;
  }
  std::memcpy(at, &c.peak_hour_local, sizeof(double));
  static MemoTable<Shape> memo(64);
  return memo.get_or_make(key, [&] {
    Shape shape{mean_preserving_nodes(c.dry_bulb_c), mean_preserving_nodes(c.diurnal_range_c), {}, c.peak_hour_local};
    shape.dew = dew_point_nodes(shape, c.relative_humidity);
    return shape;
  });
}

/// Fills the values of a synthetic_frame in time order, as far as asked each time: the
/// calibration once, then the anomalies' AR(1) processes carried from one call to the next, so
/// that the values do not depend on how the filling is split.
class Synthesis {
 public:
  Synthesis(const SiteClimate& c, std::uint64_t seed)
      : c_(c),
        shape_(calibrated_shape(c)),
        pressure_(psychro::pressure_at_elevation_pa(c.elevation_m)),
        phi_(std::clamp(c.noise_autocorrelation, 0.0, 0.999999)),
        innovation_(std::sqrt(1.0 - phi_ * phi_)),
        offset_ms_(static_cast<std::int64_t>(std::llround(c.utc_offset_h * kMsPerHour))),
        normal_(seed) {
    n_t_ = c.noise_sd_c * normal_();
    n_d_ = c.dew_point_noise_sd_c * normal_();
  }

  /// Samples [made, n) of `trace`.
  void fill(WeatherTrace& trace, std::size_t n) {
    for (; i_ < n; ++i_) {
      if (i_ > 0) {
        n_t_ = phi_ * n_t_ + innovation_ * c_.noise_sd_c * normal_();
        n_d_ = phi_ * n_d_ + innovation_ * c_.dew_point_noise_sd_c * normal_();
      }
      double x = 0, hour = 0;
      month_position(trace.utc_ms[i_] + kMsPerHour / 2 + offset_ms_, x, hour);
      const double t = shape_.mean_temp(x, hour) + n_t_;
      const double td = std::min(t, spline(shape_.dew, x) + c_.dew_point_coupling * n_t_ + n_d_);
      const double rh = psychro::relative_humidity_from_dew_point(t, td);
      trace.values[i_] = make_weather(t, rh, pressure_);
    }
  }

 private:
  SiteClimate c_;
  Shape shape_;
  double pressure_, phi_, innovation_;
  std::int64_t offset_ms_;
  Normal normal_;
  double n_t_ = 0.0, n_d_ = 0.0;
  std::size_t i_ = 0;
};

}  // namespace

WeatherTrace synthetic_weather(const SiteClimate& c, std::int64_t start_utc_ms, std::size_t hours, std::uint64_t seed) {
  WeatherTrace trace = synthetic_frame(c, start_utc_ms, hours, seed);
  Synthesis(c, seed).fill(trace, hours);
  return trace;
}

// The making, once begun: the calibration is made with the first block.
class WeatherFeed::Maker {
 public:
  Maker(const SiteClimate& climate, std::uint64_t seed) : climate_(climate), seed_(seed) {}
  void fill(WeatherTrace& trace, std::size_t n) {
    if (!synthesis_) synthesis_.emplace(climate_, seed_);
    synthesis_->fill(trace, n);
  }

 private:
  SiteClimate climate_;
  std::uint64_t seed_;
  std::optional<Synthesis> synthesis_;
};

WeatherFeed::WeatherFeed(WeatherTrace whole) : trace_(std::move(whole)) { made_.store(trace_.size(), std::memory_order_relaxed); }

WeatherFeed::WeatherFeed(const SiteClimate& climate, std::int64_t start_utc_ms, std::size_t hours, std::uint64_t seed,
                         bool background)
    : trace_(synthetic_frame(climate, start_utc_ms, hours, seed)), maker_state_(std::make_unique<Maker>(climate, seed)) {
  if (hours == 0) {
    maker_state_.reset();
    return;
  }
  if (background) (void)start_maker();  // else made on demand
}

// The flag is set once the thread exists (no reader waits for a thread that could not be had);
// blocks it makes before that notify nobody, and nobody waits for them: a reader that saw the
// flag down made what it needed itself.
bool WeatherFeed::start_maker() const {
  try {
    maker_ = std::thread([this] {
      const std::size_t size = trace_.size();
      for (std::size_t n = 0; n < size && !stop_.load(std::memory_order_relaxed);) {
        n = std::min(size, n + kBlock);
        make_until(n);
        if (made_.load(std::memory_order_acquire) == kFailed) return;
      }
    });
  } catch (const std::system_error&) {  // no thread to be had: made on demand
    return false;
  }
  background_.store(true, std::memory_order_release);
  return true;
}

void WeatherFeed::make_ahead() const {
  // Under the lock: the thread's first block waits until the flag is up, and no reader makes a
  // block meanwhile.
  const std::lock_guard lock(mutex_);
  if (background_.load(std::memory_order_acquire) || !maker_state_ || made_.load(std::memory_order_acquire) == kFailed) return;
  (void)start_maker();
}

WeatherFeed::~WeatherFeed() {
  stop_.store(true, std::memory_order_relaxed);
  if (maker_.joinable()) maker_.join();
}

void WeatherFeed::make_until(std::size_t n) const {
  const std::lock_guard lock(mutex_);
  const std::size_t made = made_.load(std::memory_order_acquire);
  if (made >= n) return;  // made meanwhile, or failed
  const std::size_t to = std::min(trace_.size(), (n + kBlock - 1) / kBlock * kBlock);
  try {
    maker_state_->fill(trace_, to);
  } catch (...) {
    error_ = std::current_exception();
    made_.store(kFailed, std::memory_order_release);
    made_.notify_all();
    return;
  }
  if (to == trace_.size()) maker_state_.reset();
  made_.store(to, std::memory_order_release);
  if (background_.load(std::memory_order_relaxed)) made_.notify_all();
}

void WeatherFeed::ensure(std::size_t n) const {
  std::size_t made = made_.load(std::memory_order_acquire);
  if (made < n && !background_.load(std::memory_order_acquire)) {
    make_until(n);
    made = made_.load(std::memory_order_acquire);
  }
  while (made < n) {  // kFailed is above every n
    made_.wait(made, std::memory_order_acquire);
    made = made_.load(std::memory_order_acquire);
  }
  if (made == kFailed) std::rethrow_exception(error_);
}

std::size_t WeatherFeed::made() const {
  const std::size_t m = made_.load(std::memory_order_acquire);
  return m == kFailed ? 0 : m;
}

const WeatherTrace& WeatherFeed::whole() const {
  ensure(trace_.size());
  return trace_;
}

}  // namespace dcsim::models
