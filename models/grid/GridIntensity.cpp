#include "models/grid/GridIntensity.hpp"

#include <algorithm>
#include <cassert>

namespace dcsim::models {

const IntensityStep& GridIntensity::at(double t_s) const {
  assert(!steps_.empty());
  auto it = std::upper_bound(steps_.begin(), steps_.end(), t_s,
                             [](double t, const IntensityStep& s) { return t < s.from_s; });
  return it == steps_.begin() ? steps_.front() : *(it - 1);
}

}  // namespace dcsim::models
