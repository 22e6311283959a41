#pragma once
// UTC instants written as ISO 8601 text, as scenario files and outputs carry them.
//
// Accepted: "2020-01-01", "2020-01-01T06:30Z", "2020-01-01T06:30:00Z", "2020-01-01T06:30:00.250Z",
// and a "+00:00" offset in place of "Z". Other offsets and local times (no zone) are rejected:
// dcsim runs in UTC so that hour boundaries and grid traces line up unambiguously.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dcsim::units {

class TimeFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Milliseconds since 1970-01-01T00:00:00Z. Throws TimeFormatError.
std::int64_t parse_utc_ms(std::string_view text);

/// "YYYY-MM-DDTHH:MM:SSZ", with ".mmm" only when the milliseconds are not zero.
std::string format_utc(std::int64_t ms_since_epoch);

/// The calendar year (UTC) of an instant.
int utc_year(std::int64_t ms_since_epoch);
/// Milliseconds since the epoch of YEAR-01-01T00:00:00Z.
std::int64_t start_of_year_ms(int year);

}  // namespace dcsim::units
