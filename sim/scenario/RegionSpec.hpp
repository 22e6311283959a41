#pragma once
// The region catalog (scenarios/catalog/regions.yaml): published annual grid intensity and
// carbon-free energy share per region and period, each with its source.

#include <map>
#include <optional>
#include <string>

#include "sim/scenario/Spec.hpp"

namespace dcsim::scenario {

struct RegionFigureSpec {
  double grid_kg_per_j = 0.0;
  std::optional<double> net_kg_per_j;
  std::optional<double> cfe_share;
  std::string source;
};

template <class V>
void describe(V& v, RegionFigureSpec& s) {
  v.field("grid", Need::required, "location-based grid intensity", s.grid_kg_per_j,
          QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("net", Need::optional, "the operator's published net intensity", s.net_kg_per_j,
          QuantityKind{Dimension::carbon_intensity, kIntensityRange});
  v.field("cfe", Need::optional, "hourly-matched carbon-free energy share", s.cfe_share,
          NumberKind{Range::between(0.0, 1.0)});
  v.field("source", Need::required, "where the figures come from", s.source, TextKind{});
}

struct RegionEntrySpec {
  std::string place;
  std::map<std::string, RegionFigureSpec> periods;
};

template <class V>
void describe(V& v, RegionEntrySpec& s) {
  v.field("place", Need::required, "where the region is", s.place, TextKind{});
  v.field("periods", Need::required, "figures by period (a year, or a month such as 2020-10)", s.periods, MapKind{});
}

}  // namespace dcsim::scenario
