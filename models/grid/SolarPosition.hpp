#pragma once
// Where the sun is: solar elevation from latitude, longitude and UTC time, and the clear-sky
// output factor a solar fleet scales with.
//
// Scope: the sun's elevation above the horizon at a point, good to a few tenths of a degree
// (enough for hourly solar generation; not for astronomy or tracking control).
//
// Equations (NOAA Global Monitoring Laboratory, "General Solar Position Calculations", which uses
// the Fourier series of J. W. Spencer, "Fourier series representation of the position of the
// sun", Search 2(5), 1971, p. 172):
//   fractional year   g = 2 pi / 365 x (doy - 1 + (utc_hour - 12) / 24)            [rad]
//   equation of time  E = 229.18 x (0.000075 + 0.001868 cos g - 0.032077 sin g
//                                   - 0.014615 cos 2g - 0.040849 sin 2g)         [min]
//   declination       d = 0.006918 - 0.399912 cos g + 0.070257 sin g - 0.006758 cos 2g
//                         + 0.000907 sin 2g - 0.002697 cos 3g + 0.00148 sin 3g      [rad]
//   true solar time   tst = 60 x utc_hour + E + 4 x longitude_deg                   [min]
//   hour angle        h = tst / 4 - 180                                             [deg]
//   cos(zenith)       = sin(lat) sin(d) + cos(lat) cos(d) cos(h)
//   elevation         = 90 deg - zenith
// (365 is used for every year as NOAA does; the leap-year form with 366 moves the result by less
// than 0.1 deg.)
//
// Parameters: latitude in degrees north, longitude in degrees east, day of year (1 = 1 January),
// UTC hour of day as a fraction (12.5 = 12:30 UTC).
// Outputs: elevation in degrees (negative below the horizon); clear-sky factor max(0, sin elev),
// the direct-normal projection onto a horizontal surface, proportional to clear-sky irradiance
// (atmospheric attenuation and refraction are neglected).
// Validation: tests/models/test_generation_mix.cpp, against hand-worked values (equator at the
// March equinox: ~90 deg at solar noon; London at the June solstice: 90 - 51.5 + 23.44 deg).
// Limitations: no refraction (about +0.5 deg at the horizon), no air mass, no terrain.

#include <cstdint>

namespace dcsim::models {

/// Solar elevation in degrees for a UTC day of year (1..366) and fractional UTC hour.
double solar_elevation_deg(double latitude_deg, double longitude_deg, int day_of_year, double utc_hour);

/// Solar elevation at an instant (ms since the Unix epoch, UTC).
double solar_elevation_deg_at(double latitude_deg, double longitude_deg, std::int64_t utc_ms);

/// Clear-sky normalised output, max(0, sin(elevation)), in [0, 1].
double clear_sky_factor(double latitude_deg, double longitude_deg, std::int64_t utc_ms);

/// Day of year (1 = 1 January) and fractional hour of the UTC date of an instant.
struct UtcDayHour {
  int year = 1970;
  int day_of_year = 1;
  double hour = 0.0;
  int weekday = 4;  ///< 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday)
};
UtcDayHour utc_day_hour(std::int64_t utc_ms);

}  // namespace dcsim::models
