#include "models/grid/TraceSeries.hpp"

#include <algorithm>
#include <chrono>

#include "models/units/Calendar.hpp"

namespace dcsim::models {
namespace {

using namespace std::chrono;

constexpr std::int64_t kDayMs = 86'400'000;

// The same calendar instant `years` years later (negative: earlier); Feb 29 goes to Feb 28.
std::int64_t shift_years(std::int64_t utc_ms, int years) {
  const sys_time<milliseconds> tp{milliseconds{utc_ms}};
  const auto day = floor<days>(tp);
  const auto in_day = tp - day;
  year_month_day ymd{day};
  year_month_day shifted{ymd.year() + std::chrono::years{years}, ymd.month(), ymd.day()};
  if (!shifted.ok()) shifted = year_month_day{shifted.year(), shifted.month(), std::chrono::day{28}};
  return (sys_days(shifted) + in_day).time_since_epoch().count();
}

}  // namespace

TraceSeries::TraceSeries(IntensityTrace trace, bool wrap) : trace_(std::move(trace)), wrap_(wrap) {
  if (wrap_ && trace_.end_ms() - trace_.utc_ms.front() < 365 * kDayMs)
    throw TraceRangeError("a trace shorter than a year cannot be replayed by whole years (wrap)");
}

TraceSeries::Sample TraceSeries::at(std::int64_t utc_ms) const {
  const std::int64_t begin = trace_.utc_ms.front(), end = trace_.end_ms();
  std::int64_t t = utc_ms;
  int shift = 0;  // years added to the instant to bring it into the trace
  if (t < begin || t >= end) {
    if (!wrap_)
      throw TraceRangeError("instant " + units::format_utc(utc_ms) + " is outside the trace (" + units::format_utc(begin) +
                            " to " + units::format_utc(end) + ") and wrap is off");
    shift = units::utc_year(begin) - units::utc_year(t);
    t = shift_years(utc_ms, shift);
    if (t < begin) t = shift_years(utc_ms, ++shift);
    if (t >= end) t = begin + (t - end);  // day 366 of a leap year against a 365-day trace
  }
  const auto it = std::upper_bound(trace_.utc_ms.begin(), trace_.utc_ms.end(), t);
  const std::size_t i = static_cast<std::size_t>(it - trace_.utc_ms.begin()) - 1;
  Sample s;
  s.value = trace_.intensity_kg_per_j[i];
  s.cfe_share = trace_.cfe_share.empty() ? 0.0 : trace_.cfe_share[i];
  s.wrapped = shift != 0;
  const std::int64_t next_in_trace = i + 1 < trace_.size() ? trace_.utc_ms[i + 1] : end;
  if (shift == 0) {
    s.next_change_ms = next_in_trace;
  } else {
    // Map the trace's next boundary back to the run's year; never later than the start of the
    // run's next calendar year, where the mapping itself changes.
    const std::int64_t back = utc_ms + (next_in_trace - t);
    const std::int64_t year_end = shift_years(end, -shift);
    s.next_change_ms = std::min(back, std::max(year_end, utc_ms + 1));
  }
  if (s.next_change_ms <= utc_ms) s.next_change_ms = utc_ms + 1;
  return s;
}

}  // namespace dcsim::models
