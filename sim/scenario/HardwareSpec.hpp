#pragma once
// The hardware catalog (scenarios/catalog/hardware.yaml, root key `accelerators:`): accelerator
// types with their published figures, each entry with its source; and the table `dcsim catalog`
// prints.
//
// Every figure is optional except `source`: a figure not published (or not found) is left out,
// never guessed. Memory is kept as the vendor writes it ("32 GiB HBM2", "80 GB HBM3"), because
// vendors mix GB (1e9 B) and GiB (2^30 B); memory_bytes() reads the first "<number> GB|GiB|TB|TiB"
// of that text when a number is needed.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {

struct AcceleratorCatalogSpec {
  std::optional<double> tdp_w;
  std::optional<double> idle_w;
  std::optional<double> chip_min_w;
  std::optional<double> chip_mean_w;
  std::optional<double> chip_max_w;
  std::optional<double> peak_flop_per_s;
  std::string memory;
  std::optional<std::int64_t> per_server;
  std::optional<double> system_power_w;
  std::string source;
};

template <class V>
void describe(V& v, AcceleratorCatalogSpec& s) {
  v.field("tdp", Need::optional, "chip thermal design power (datasheet maximum board/chip power)", s.tdp_w,
          QuantityKind{Dimension::power, Range::positive(10'000.0)});
  v.field("idle", Need::optional, "idle power of the chip where published", s.idle_w,
          QuantityKind{Dimension::power, Range::positive(10'000.0)});
  v.field("chip_min", Need::optional, "measured minimum chip power (vendor documentation)", s.chip_min_w,
          QuantityKind{Dimension::power, Range::positive(10'000.0)});
  v.field("chip_mean", Need::optional, "measured mean chip power (vendor documentation)", s.chip_mean_w,
          QuantityKind{Dimension::power, Range::positive(10'000.0)});
  v.field("chip_max", Need::optional, "measured maximum chip power (vendor documentation)", s.chip_max_w,
          QuantityKind{Dimension::power, Range::positive(10'000.0)});
  v.field("peak", Need::optional, "datasheet peak dense bf16/fp16 FLOP/s per chip", s.peak_flop_per_s,
          QuantityKind{Dimension::flop_rate, Range::positive(1e18)});
  v.field("memory", Need::optional, "memory per chip as published, with its unit (GB = 1e9 B, GiB = 2^30 B)",
          s.memory, TextKind{});
  v.field("per_server", Need::optional, "accelerators per server (host)", s.per_server, IntegerKind{1, 1024});
  v.field("system_power", Need::optional,
          "measured average wall power per accelerator incl. host share (Patterson et al. 2021 Table 3)",
          s.system_power_w, QuantityKind{Dimension::power, Range::positive(100'000.0)});
  v.field("source", Need::required, "where the figures come from, with [V] verified / [S] secondary tags", s.source,
          TextKind{});
}

/// Bytes of the first "<number> <GB|GiB|TB|TiB>" in a memory text, or nullopt.
inline std::optional<double> memory_bytes(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) continue;
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '.')) continue;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
    if (ec != std::errc{}) continue;
    std::string_view rest = text.substr(static_cast<std::size_t>(end - text.data()));
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const auto starts = [&](std::string_view unit) {
      return rest.substr(0, unit.size()) == unit &&
             (rest.size() == unit.size() || !std::isalpha(static_cast<unsigned char>(rest[unit.size()])));
    };
    if (starts("GiB")) return value * 1073741824.0;
    if (starts("GB")) return value * 1e9;
    if (starts("TiB")) return value * 1099511627776.0;
    if (starts("TB")) return value * 1e12;
    i = static_cast<std::size_t>(end - text.data());
  }
  return std::nullopt;
}

/// The catalog as a fixed-width text table (W, TFLOP/s), "-" where a figure is not published.
inline std::string format_hardware_catalog(const std::map<std::string, AcceleratorCatalogSpec>& catalog) {
  const auto w = [](const std::optional<double>& v) { return v ? fmt::format("{:g} W", *v) : std::string("-"); };
  const auto chip = [](const AcceleratorCatalogSpec& s) {
    if (!s.chip_min_w && !s.chip_mean_w && !s.chip_max_w) return std::string("-");
    const auto part = [](const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : std::string("-"); };
    return fmt::format("{}/{}/{} W", part(s.chip_min_w), part(s.chip_mean_w), part(s.chip_max_w));
  };
  std::size_t name_width = 11;
  for (const auto& [name, spec] : catalog) name_width = std::max(name_width, name.size());
  std::string out = fmt::format("{:<{}}  {:>7}  {:>6}  {:>17}  {:>13}  {:<20}  {:>10}  {:>12}  {}\n", "accelerator",
                                name_width, "TDP", "idle", "chip min/mean/max", "peak", "memory", "per server",
                                "system power", "source");
  for (const auto& [name, s] : catalog) {
    const std::string peak = s.peak_flop_per_s ? fmt::format("{:g} TFLOP/s", *s.peak_flop_per_s / 1e12) : "-";
    const std::string per_server = s.per_server ? fmt::format("{}", *s.per_server) : "-";
    out += fmt::format("{:<{}}  {:>7}  {:>6}  {:>17}  {:>13}  {:<20}  {:>10}  {:>12}  {}\n", name, name_width,
                       w(s.tdp_w), w(s.idle_w), chip(s), peak, s.memory.empty() ? "-" : s.memory, per_server,
                       w(s.system_power_w), s.source);
  }
  return out;
}

}  // namespace dcsim::scenario
