#include "models/units/Calendar.hpp"

#include <cctype>
#include <chrono>

#include <fmt/format.h>

namespace dcsim::units {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool at_end() const { return i_ == s_.size(); }
  bool take(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  // Reads exactly n digits.
  bool digits(int n, int& out) {
    out = 0;
    for (int k = 0; k < n; ++k) {
      if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) return false;
      out = out * 10 + (s_[i_++] - '0');
    }
    return true;
  }
  std::string_view rest() const { return s_.substr(i_); }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw TimeFormatError(fmt::format("'{}' is not a UTC time ({}); write e.g. 2020-01-01T00:00:00Z", text, why));
}

}  // namespace

std::int64_t parse_utc_ms(std::string_view text) {
  using namespace std::chrono;
  Cursor c(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  if (!c.digits(4, y) || !c.take('-') || !c.digits(2, mo) || !c.take('-') || !c.digits(2, d))
    fail(text, "expected YYYY-MM-DD");
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) fail(text, "no such date");
  if (!c.at_end()) {
    if (!c.take('T')) fail(text, "expected 'T' after the date");
    if (!c.digits(2, h) || !c.take(':') || !c.digits(2, mi)) fail(text, "expected HH:MM");
    if (c.take(':')) {
      if (!c.digits(2, s)) fail(text, "expected seconds");
      if (c.take('.')) {
        if (!c.digits(3, ms)) fail(text, "expected three digits of milliseconds");
      }
    }
    if (h > 23 || mi > 59 || s > 59) fail(text, "time of day out of range");
    if (!c.take('Z')) {
      if (c.rest() == "+00:00") {
        c = Cursor("");
      } else if (c.rest().empty()) {
        fail(text, "no time zone: add 'Z' for UTC");
      } else {
        fail(text, "only UTC ('Z' or '+00:00') is accepted");
      }
    }
    if (!c.at_end()) fail(text, "unexpected trailing text");
  }
  const auto days = sys_days(ymd).time_since_epoch().count();
  return ((static_cast<std::int64_t>(days) * 24 + h) * 60 + mi) * 60'000 + static_cast<std::int64_t>(s) * 1000 + ms;
}

int utc_year(std::int64_t ms_since_epoch) {
  using namespace std::chrono;
  return static_cast<int>(year_month_day{floor<days>(sys_time<milliseconds>{milliseconds{ms_since_epoch}})}.year());
}

std::int64_t start_of_year_ms(int y) {
  using namespace std::chrono;
  return static_cast<std::int64_t>(sys_days(year_month_day{year{y}, January, day{1}}).time_since_epoch().count()) *
         86'400'000;
}

std::string format_utc(std::int64_t ms_since_epoch) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds{ms_since_epoch}};
  const auto day_start = floor<days>(tp);
  const year_month_day ymd{day_start};
  const auto in_day = (tp - day_start).count();
  const auto h = in_day / 3'600'000, mi = in_day / 60'000 % 60, s = in_day / 1000 % 60, ms = in_day % 1000;
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), h, mi, s);
  if (ms != 0) out += fmt::format(".{:03}", ms);
  out += 'Z';
  return out;
}

}  // namespace dcsim::units
