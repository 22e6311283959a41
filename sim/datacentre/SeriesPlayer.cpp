#include "sim/datacentre/SeriesPlayer.hpp"

#include "models/InputError.hpp"
#include "models/units/Calendar.hpp"

namespace dcsim::sim {

SeriesPlayer::SeriesPlayer(engine::Engine& engine, const models::TraceSeries& series, std::int64_t start_utc_ms,
                           std::string origin, std::string key, OnChange on_change)
    : engine_(engine), series_(series), start_utc_ms_(start_utc_ms), origin_(std::move(origin)), key_(std::move(key)),
      on_change_(std::move(on_change)) {}

void SeriesPlayer::apply() {
  models::TraceSeries::Sample s;
  try {
    s = series_.at(start_utc_ms_ + engine_.now().ms());
  } catch (const models::TraceRangeError& e) {
    throw InputError(Location{origin_, 0, 0}, key_, std::string("the run is outside this trace: ") + e.what() +
                                                      " (set wrap: true to replay it by whole years)");
  }
  wrapped_ = wrapped_ || s.wrapped;
  on_change_(s);
  if (s.next_change_ms == models::TraceSeries::kNever) return;
  if (!series_.wrap() && s.next_change_ms >= series_.trace().end_ms()) {
    valid_until_ms_ = s.next_change_ms - start_utc_ms_;  // checked by the simulation, not scheduled
    return;
  }
  pending_ = engine_.schedule_at(engine::Time::from_ms(s.next_change_ms - start_utc_ms_), [this] { apply(); });
}

void SeriesPlayer::past_end() const {
  const auto& t = series_.trace();
  throw InputError(Location{origin_, 0, 0}, key_,
                   "the run goes on past the end of this trace (" + units::format_utc(t.end_ms()) +
                       "); set wrap: true to replay it by whole years, or give a longer trace");
}

}  // namespace dcsim::sim
