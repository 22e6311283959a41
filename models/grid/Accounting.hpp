#pragma once
// Carbon accounting bases, reported side by side for one run.
//
//   location (gross)  E x CI_grid, hour by hour
//   net given         E x CI_net, a site's published net intensity (Patterson et al. 2021,
//                     Table 4: Google's net figures reflect its own carbon-free purchases on that
//                     grid, so they are not CI_grid x (1 - CFE share); GShard: 0.201 gross,
//                     0.177 net at 73% CFE)
//   24/7 hourly       each instant, carbon-free supply S (a fixed share of the facility load, or
//                     contracted wind/solar output) covers min(P, S) of the load P; the rest is
//                     at grid intensity: (P - min(P, S)) x CI_grid. Surplus supply is not
//                     banked: matching is instantaneous (Google's 24/7 CFE definition).
//   annual matching   certificates C (MWh) netted against the period's total facility energy E
//                     at the period's average grid intensity: gross x max(0, 1 - C / E)
//   marginal          E x MOER, a marginal-emissions signal, when one is given
//
// The hourly and annual bases differ whenever supply, load and intensity co-vary within the
// period: an annual share applied as one constant factor is not hourly matching.

#include <algorithm>

namespace dcsim::models {

/// Emission rate (kg/s) of facility power `facility_w` under 24/7 matching with carbon-free
/// supply `cfe_supply_w` at grid intensity `gross_kg_per_j`.
inline double hourly_matched_rate(double facility_w, double cfe_supply_w, double gross_kg_per_j) {
  return (facility_w - std::min(facility_w, std::max(0.0, cfe_supply_w))) * gross_kg_per_j;
}

/// Annual-matching emissions (kg) from the period's gross emissions, its facility energy and
/// the certificates retired against it (all in consistent units: kg, J, J).
inline double annual_matched_kg(double gross_kg, double facility_j, double certificates_j) {
  if (facility_j <= 0.0) return 0.0;
  return gross_kg * std::max(0.0, 1.0 - certificates_j / facility_j);
}

}  // namespace dcsim::models
