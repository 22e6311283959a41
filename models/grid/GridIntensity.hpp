#pragma once
// Carbon intensity of the electricity a datacentre draws, gross and net, as a step function of
// time.
//
// Gross is the location-based intensity of the local grid. Net subtracts the carbon-free energy
// the operator procured for that site (Patterson et al. 2021 sections 2.4 and 4.4: Google's
// "net" figures for Table 4); with no procurement net equals gross. Values are kg CO2e per J
// (1 kg/kWh = 1 / 3.6e6 kg/J). Each step holds from its start until the next step; the first
// step starts at the simulation's start.
//
// Limitations: the intensities are given, not modelled; the generation-mix model computes them.

#include <utility>
#include <vector>

namespace dcsim::models {

struct IntensityStep {
  double from_s = 0.0;  ///< seconds since the simulation start
  double gross_kg_per_j = 0.0;
  double net_kg_per_j = 0.0;
};

class GridIntensity {
 public:
  /// Precondition: steps non-empty, sorted, the first at 0 s (validated where they are read).
  explicit GridIntensity(std::vector<IntensityStep> steps) : steps_(std::move(steps)) {}

  const std::vector<IntensityStep>& steps() const { return steps_; }
  /// The step in force at `t_s`.
  const IntensityStep& at(double t_s) const;

 private:
  std::vector<IntensityStep> steps_;
};

}  // namespace dcsim::models
