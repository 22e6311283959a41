// UTC instants as ISO 8601 text and milliseconds since the Unix epoch.
//
// Expected values are counted by hand: 1970..2019 is 50 years, of which 1972, 1976, ..., 2016
// (12 years) are leap years, so 2020-01-01 is 50 x 365 + 12 = 18262 days after the epoch.

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "models/units/Calendar.hpp"

namespace {

using dcsim::units::format_utc;
using dcsim::units::parse_utc_ms;
using dcsim::units::TimeFormatError;

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr std::int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;
constexpr std::int64_t kDays1970To2020 = 50 * 365 + 12;
constexpr std::int64_t k2020 = kDays1970To2020 * kMsPerDay;

std::string time_error(const std::string& text) {
  try {
    parse_utc_ms(text);
  } catch (const TimeFormatError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace

TEST_SUITE("calendar") {

TEST_CASE("the epoch is zero milliseconds") {
  CHECK(parse_utc_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_utc_ms("1970-01-01") == 0);
  CHECK(format_utc(0) == "1970-01-01T00:00:00Z");
}

TEST_CASE("2020-01-01T00:00:00Z is 18262 days after the epoch") {
  CHECK(k2020 == 1'577'836'800'000);
  CHECK(parse_utc_ms("2020-01-01T00:00:00Z") == k2020);
  CHECK(format_utc(k2020) == "2020-01-01T00:00:00Z");
}

TEST_CASE("a date alone means midnight UTC") {
  CHECK(parse_utc_ms("2020-01-01") == k2020);
  // 2020-03-15: January 31 + February 29 (leap year) + 14 days
  CHECK(parse_utc_ms("2020-03-15") == k2020 + (31 + 29 + 14) * kMsPerDay);
}

TEST_CASE("the seconds may be left out") {
  CHECK(parse_utc_ms("2020-01-01T06:30Z") == k2020 + 6 * kMsPerHour + 30 * kMsPerMinute);
}

TEST_CASE("milliseconds are read after the seconds") {
  CHECK(parse_utc_ms("2020-01-01T06:30:00.250Z") == k2020 + 6 * kMsPerHour + 30 * kMsPerMinute + 250);
  CHECK(parse_utc_ms("2020-01-01T23:59:59.999Z") == k2020 + kMsPerDay - 1);
  CHECK(parse_utc_ms("2020-01-01T00:00:00.000Z") == k2020);
}

TEST_CASE("a +00:00 offset is the same as Z") {
  CHECK(parse_utc_ms("2020-01-01T06:30:00+00:00") == parse_utc_ms("2020-01-01T06:30:00Z"));
  CHECK(parse_utc_ms("2020-01-01T06:30+00:00") == k2020 + 6 * kMsPerHour + 30 * kMsPerMinute);
  CHECK(parse_utc_ms("2020-01-01T06:30:00.250+00:00") == k2020 + 6 * kMsPerHour + 30 * kMsPerMinute + 250);
}

TEST_CASE("the leap day of 2020 is valid and that of 2019 is not") {
  // 2020-02-29 is 31 (January) + 28 days after 2020-01-01.
  CHECK(parse_utc_ms("2020-02-29T00:00:00Z") == k2020 + (31 + 28) * kMsPerDay);
  CHECK(parse_utc_ms("2020-03-01") == k2020 + (31 + 29) * kMsPerDay);
  CHECK(format_utc(k2020 + (31 + 28) * kMsPerDay) == "2020-02-29T00:00:00Z");

  const std::string message = time_error("2019-02-29T00:00:00Z");
  CAPTURE(message);
  CHECK(contains(message, "2019-02-29"));
  CHECK(contains(message, "no such date"));
  CHECK(contains(time_error("2019-02-29"), "no such date"));
}

TEST_CASE("century years are leap years only when divisible by 400") {
  CHECK_NOTHROW(parse_utc_ms("2000-02-29"));
  CHECK(contains(time_error("1900-02-29"), "no such date"));
  CHECK(contains(time_error("2100-02-29"), "no such date"));
}

TEST_CASE("impossible months and days are rejected") {
  for (const char* text : {"2020-13-01", "2020-00-10", "2020-04-31", "2020-01-32", "2020-01-00"}) {
    CAPTURE(text);
    CHECK(contains(time_error(text), "no such date"));
  }
}

TEST_CASE("an offset other than UTC is rejected") {
  for (const char* text : {"2020-01-01T00:00:00+01:00", "2020-01-01T00:00:00-05:00", "2020-01-01T00:00+0000"}) {
    CAPTURE(text);
    const std::string message = time_error(text);
    CAPTURE(message);
    CHECK(contains(message, "only UTC"));
    CHECK(contains(message, text));
  }
}

TEST_CASE("a time without a zone is rejected as local time") {
  const std::string message = time_error("2020-01-01T00:00:00");
  CAPTURE(message);
  CHECK(contains(message, "no time zone"));
  CHECK(contains(message, "'Z'"));
  CHECK(contains(time_error("2020-01-01T06:30"), "no time zone"));
}

TEST_CASE("24:00 and other out-of-range times of day are rejected") {
  for (const char* text : {"2020-01-01T24:00:00Z", "2020-01-01T24:00Z", "2020-01-01T23:60:00Z", "2020-01-01T23:59:60Z"}) {
    CAPTURE(text);
    CHECK(contains(time_error(text), "time of day out of range"));
  }
}

TEST_CASE("malformed instants are rejected with an example of the format") {
  for (const char* text : {"", "yesterday", "2020-1-1", "20-01-01", "2020/01/01", "2020-01-01 00:00:00Z",
                           "2020-01-01T6:30Z", "2020-01-01T06:30:00.25Z", "2020-01-01T06:30:00Zjunk",
                           "2020-01-01T", "2020-01-01Z", "2020-01-01t00:00:00z"}) {
    CAPTURE(text);
    const std::string message = time_error(text);
    CAPTURE(message);
    CHECK(contains(message, "is not a UTC time"));
    CHECK(contains(message, "2020-01-01T00:00:00Z"));
  }
}

TEST_CASE("format_utc writes milliseconds only when they are not zero") {
  CHECK(format_utc(k2020 + 6 * kMsPerHour + 30 * kMsPerMinute) == "2020-01-01T06:30:00Z");
  CHECK(format_utc(k2020 + 6 * kMsPerHour + 30 * kMsPerMinute + 250) == "2020-01-01T06:30:00.250Z");
  CHECK(format_utc(k2020 + 7) == "2020-01-01T00:00:00.007Z");
}

TEST_CASE("format_utc handles instants before the epoch") {
  CHECK(format_utc(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(format_utc(-kMsPerDay) == "1969-12-31T00:00:00Z");
  CHECK(parse_utc_ms("1969-12-31T23:59:59.999Z") == -1);
}

TEST_CASE("format_utc and parse_utc_ms are inverse") {
  const std::vector<std::int64_t> instants{0,
                                           k2020,
                                           k2020 + 1,
                                           k2020 + (31 + 28) * kMsPerDay + 13 * kMsPerHour + 7 * kMsPerMinute + 9 * kMsPerSecond + 42,
                                           k2020 + 366 * kMsPerDay - 1,  // 2020-12-31T23:59:59.999Z
                                           -1,
                                           4'102'444'800'000};  // 2100-01-01: 130 x 365 + 32 leap days (1972..2096) = 47482 days
  for (const std::int64_t ms : instants) {
    const std::string text = format_utc(ms);
    CAPTURE(text);
    CHECK(parse_utc_ms(text) == ms);
  }
  CHECK(format_utc(4'102'444'800'000) == "2100-01-01T00:00:00Z");
  for (const char* text : {"2020-01-01T00:00:00Z", "2021-06-30T12:34:56.789Z", "1999-12-31T23:59:59Z"}) {
    CHECK(format_utc(parse_utc_ms(text)) == text);
  }
}

}  // TEST_SUITE
