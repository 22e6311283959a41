#include "sim/input/Csv.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include <fmt/format.h>

#include "models/units/Calendar.hpp"
#include "sim/input/Decimal.hpp"

namespace dcsim::input {

namespace fs = std::filesystem;

std::string read_text(const std::string& path, Problems& problems, std::string_view kind) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) problems.fail(0, 0, "", "no such file");
  if (fs::is_directory(st)) problems.fail(0, 0, "", fmt::format("is a directory, not a {} file", kind));
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxTraceFileBytes)
    problems.fail(0, 0, "", fmt::format("file is {} bytes; {} files are limited to {} bytes (512 MiB)", size, kind, kMaxTraceFileBytes));

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) problems.fail(0, 0, "", fmt::format("cannot be read: {}", std::strerror(errno)));
  std::string text;
  if (!ec) text.reserve(static_cast<std::size_t>(size));
  char buf[1 << 16];
  for (;;) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, f.get());
    text.append(buf, n);
    if (std::memchr(buf, '\0', n) != nullptr) break;  // not text: reported below, without reading on (/dev/zero)
    if (text.size() > kMaxTraceFileBytes)
      problems.fail(0, 0, "", fmt::format("file is over {} bytes (512 MiB), the limit for {} files", kMaxTraceFileBytes, kind));
    if (n < sizeof buf) break;
  }
  if (std::ferror(f.get())) problems.fail(0, 0, "", fmt::format("cannot be read: {}", std::strerror(errno)));

  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    const auto at = static_cast<const char*>(nul) - text.data();
    const int line = 1 + static_cast<int>(std::count(text.data(), text.data() + at, '\n'));
    problems.fail(line, 0, "", "is not a text file (contains NUL bytes)");
  }
  return text;
}

Cell parse_number(std::string_view s, double& out) {
  if (s.empty()) return Cell::empty;
  if (fast_decimal(s.data(), s.data() + s.size(), out)) return Cell::ok;
  if (s.front() == '+') s.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size() ? Cell::ok : Cell::bad;
}

// Times: ISO 8601 through units::parse_utc_ms. A space may stand in for the 'T' (the zone rule is
// untouched: "2023-01-01 00:00:00" still has no zone). Where the format says its times are UTC,
// a time with no zone at all gets a 'Z'; any written offset is still checked.
bool parse_time(std::string_view text, bool naive_is_utc, std::int64_t& out, std::string& why) {
  char buf[64];
  if (text.size() > 48) {
    why = "too long for a time";
    return false;
  }
  std::size_t n = text.size();
  std::memcpy(buf, text.data(), n);
  if (n > 10 && buf[10] == ' ') buf[10] = 'T';
  if (naive_is_utc && n > 10) {
    bool zone = false;
    for (std::size_t i = 11; i < n; ++i)
      if (buf[i] == 'Z' || buf[i] == 'z' || buf[i] == '+' || buf[i] == '-') zone = true;
    if (!zone) buf[n++] = 'Z';
  }
  const std::string_view fixed(buf, n);
  try {
    out = units::parse_utc_ms(fixed);
    return true;
  } catch (const units::TimeFormatError& e) {
    // "'<text>' is not a UTC time (<why>); write e.g. ..." -> <why>
    std::string_view msg = e.what();
    const std::string prefix = fmt::format("'{}' is not a UTC time (", fixed);
    const std::size_t close = msg.rfind(')');
    if (msg.substr(0, prefix.size()) == prefix && close != std::string_view::npos && close >= prefix.size())
      why = std::string(msg.substr(prefix.size(), close - prefix.size()));
    else
      why = std::string(msg);
    return false;
  }
}

std::string format_duration(std::int64_t ms) {
  const char* sign = ms < 0 ? "-" : "";
  const std::int64_t a = ms < 0 ? -ms : ms;
  if (a != 0 && a % 86'400'000 == 0) return fmt::format("{}{} d", sign, a / 86'400'000);
  if (a != 0 && a % 3'600'000 == 0) return fmt::format("{}{} h", sign, a / 3'600'000);
  if (a != 0 && a % 60'000 == 0) return fmt::format("{}{} min", sign, a / 60'000);
  if (a % 1000 == 0) return fmt::format("{}{} s", sign, a / 1000);
  return fmt::format("{}{} ms", sign, a);
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  std::size_t shown = 0;
  for (const std::string& n : names) {
    if (shown == 30) {
      out += fmt::format(", ... ({} more)", names.size() - shown);
      break;
    }
    if (!out.empty()) out += ", ";
    out += "'" + n + "'";
    ++shown;
  }
  return out.empty() ? "(nothing)" : out;
}

}  // namespace dcsim::input
