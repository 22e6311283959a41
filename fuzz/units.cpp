// Fuzzes the quantity parser: the first byte picks the dimension expected, the rest is the text.
// A text must parse to a finite SI value or raise units::UnitError.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/Harness.hpp"
#include "models/units/Units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  namespace units = dcsim::units;
  const auto dimension = static_cast<units::Dimension>(data[0] % 8);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    DCSIM_FUZZ_CHECK(std::isfinite(units::parse_quantity(text, dimension)));
  } catch (const units::UnitError&) {
  }
  try {
    DCSIM_FUZZ_CHECK(std::isfinite(units::parse_number(text)));
  } catch (const units::UnitError&) {
  }
  return 0;
}
