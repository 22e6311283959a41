// The shared decimal parser (sim/input/Decimal.hpp) against std::from_chars, the correctly
// rounded reference: every number it decides must be the same double, bit for bit, and end where
// the number ends whatever follows it (the eight-byte reads see the text after it).

#include <doctest/doctest.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/input/Csv.hpp"
#include "sim/input/Decimal.hpp"

namespace {

using dcsim::input::decimal_prefix;
using dcsim::input::fast_decimal;

std::uint64_t bits(double x) {
  std::uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// The texts a trace holds: shortest round-trip forms and fixed and exponent forms of doubles
// across magnitudes, and digit runs of every length on both sides of the point.
std::vector<std::string> number_texts() {
  std::vector<std::string> out;
  std::mt19937_64 rng(20261203);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 20'000; ++i) {
    const double scale = std::ldexp(1.0, static_cast<int>(rng() % 80) - 40);
    const double x = unit(rng) * scale * ((rng() & 1) != 0 ? 1 : -1);
    out.push_back(fmt::format("{}", x));
    out.push_back(fmt::format("{:.17g}", x));
    out.push_back(fmt::format("{:e}", x));
    out.push_back(fmt::format("{:.3f}", x));
  }
  for (int a = 0; a <= 20; ++a)
    for (int b = 0; b <= 20; ++b) {
      std::string s = a == 0 ? "" : std::string(static_cast<std::size_t>(a), '7');
      if (a > 0) s[0] = '1';
      if (b > 0) s += "." + std::string(static_cast<std::size_t>(b), '3');
      if (!s.empty() && s != ".") out.push_back(s);
    }
  for (const char* s : {"0", "-0", "0.0", "1e0", "1E5", "2.5e-3", "7e+22", "1e23", "9007199254740993",
                        "12345678901234567890", "1e-0004", "1e12345", "5e-324", "1.7976931348623157e308"})
    out.emplace_back(s);
  return out;
}

}  // namespace

TEST_CASE("the decimal parser gives std::from_chars' double for every number it decides, and where it ends") {
  std::size_t decided = 0, total = 0;
  for (const std::string& text : number_texts()) {
    double want = 0.0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), want);
    const bool valid = ec == std::errc{} && ptr == text.data() + text.size();
    // Followed by each thing that can end a field, and by more digits on the next line; the
    // longer tails leave room for the three-word reads of the usual `d.d` form (point_form).
    for (const std::string tail : {"", ",", "\n12345678", ",0.8274547574113114\n", ",123456789012345678901234567890\n"}) {
      const std::string buffer = text + tail;
      const char* const b = buffer.data();
      const char* const e = b + buffer.size();
      double got = -1.0;
      const char* const end = decimal_prefix(b, e, got);
      ++total;
      if (end == nullptr) continue;
      ++decided;
      CAPTURE(buffer);
      REQUIRE(valid);
      CHECK(end == b + text.size());
      CHECK(bits(got) == bits(want));
    }
    double whole = -1.0;
    if (fast_decimal(text.data(), text.data() + text.size(), whole)) CHECK(bits(whole) == bits(want));
  }
  // The fast path must decide most of them (the test would pass vacuously otherwise).
  CHECK(decided > total * 3 / 4);
}

TEST_CASE("a CSV number cell reads the double std::from_chars reads, a leading '+' included") {
  using dcsim::input::Cell;
  for (const std::string& text : number_texts()) {
    double want = 0.0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), want);
    if (ec != std::errc{} || ptr != text.data() + text.size()) continue;
    CAPTURE(text);
    double got = -1.0;
    REQUIRE(dcsim::input::parse_number(text, got) == Cell::ok);
    CHECK(bits(got) == bits(want));
    if (text[0] != '-') {
      REQUIRE(dcsim::input::parse_number("+" + text, got) == Cell::ok);
      CHECK(bits(got) == bits(want));
    }
  }
  double x = 0.0;
  CHECK(dcsim::input::parse_number("", x) == Cell::empty);
  CHECK(dcsim::input::parse_number("1.5x", x) == Cell::bad);
  CHECK(dcsim::input::parse_number("1e", x) == Cell::bad);
}
