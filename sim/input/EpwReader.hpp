#pragma once
// Reading EnergyPlus weather files (EPW: TMY / TMYx / AMY hourly weather, e.g. from
// climate.onebuilding.org), as the EnergyPlus Auxiliary Programs manual ("Weather Converter
// Program", EnergyPlus Weather File Data Dictionary) lays them out:
//   8 header lines, each starting with its keyword: LOCATION, DESIGN CONDITIONS, TYPICAL/EXTREME
//   PERIODS, GROUND TEMPERATURES, HOLIDAYS/DAYLIGHT SAVINGS, COMMENTS 1, COMMENTS 2, DATA PERIODS;
//   LOCATION = keyword, city, state, country, source, WMO, latitude, longitude, time zone (hours
//   from UTC, standard time), elevation (m). DATA PERIODS' third field (records per hour) must be 1.
//   Then one row per hour, 35 comma-separated fields: year, month, day, hour (1-24, the hour
//   *ending* at that local standard time), minute, data source flags, dry bulb (C), dew point (C),
//   relative humidity (%), station pressure (Pa), then radiation, wind, sky and precipitation
//   fields, which are checked for count only.
// Times: row (month, day, hour h) covers local standard time h-1 .. h; the sample starts at
// (h-1):00 local = (h-1):00 - time zone in UTC. Typical-year files mix source years, so every
// row is placed in year_for_times. An 8760-row file read into a leap year gets February 29 as a
// copy of February 28; an 8784-row file read into a common year drops February 29.
// Checked (every problem reported at once, up to 50, as one dcsim::InputError with file, line,
// column and the field name as the key path): header keywords and LOCATION numbers; field
// counts; numbers; the EPW missing-value markers (dry bulb 99.9, relative humidity 999, pressure
// 999999), which are errors here; ranges (dry bulb -70..70 C, RH 0..110 %, pressure
// 31 000..120 000 Pa, the data dictionary's limits); rows in hour order from January 1 hour 1
// to December 31 hour 24; 8760 or 8784 rows. RH above 100 % (allowed by the dictionary) is read as 100 %.

#include <string>

#include "models/climate/Climate.hpp"

namespace dcsim::input {

/// Reads an EPW file; the trace's `site` holds the LOCATION line. Throws dcsim::InputError.
models::WeatherTrace read_epw(const std::string& path, int year_for_times);

}  // namespace dcsim::input
