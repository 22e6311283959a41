#pragma once
// A carbon-intensity time series as every grid source delivers it (a trace file, the
// generation-mix model, a constant), before accounting turns it into gross and net values.
//
// Sample i holds from utc_ms[i] until utc_ms[i+1] (the last one for step_ms). Intensities are
// kg CO2e per J (1 g/kWh = 1/3.6e9 kg/J); a trace's CFE share (carbon-free energy, 0..1) is kept
// when the source publishes one.

#include <cstdint>
#include <string>
#include <vector>

namespace dcsim::models {

struct IntensityTrace {
  std::vector<std::int64_t> utc_ms;        ///< sample starts, ms since the Unix epoch, strictly increasing
  std::vector<double> intensity_kg_per_j;  ///< one per sample
  std::vector<double> cfe_share;           ///< one per sample, or empty when the source gives none
  std::int64_t step_ms = 3'600'000;        ///< nominal resolution; the length of the last sample
  std::string description;                 ///< what it is, e.g. "Electricity Maps US-CAL-CISO (LCA)"

  std::size_t size() const { return utc_ms.size(); }
  std::int64_t end_ms() const { return utc_ms.empty() ? 0 : utc_ms.back() + step_ms; }
};

}  // namespace dcsim::models
