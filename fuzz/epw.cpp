// Fuzzes the EPW weather reader, placing the year in a leap year and in a common one. A file must
// be read or raise dcsim::InputError; weather read must have one sample per hour of the year.

#include <cstddef>
#include <cstdint>

#include "fuzz/Harness.hpp"
#include "models/InputError.hpp"
#include "sim/input/EpwReader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const dcsim::fuzz::FuzzFile file(data, size, ".epw");
  for (const int year : {2020, 2023}) {
    try {
      const dcsim::models::WeatherTrace w = dcsim::input::read_epw(file.path(), year);
      DCSIM_FUZZ_CHECK(w.size() == (year == 2020 ? 8784u : 8760u) && w.values.size() == w.size());
      for (std::size_t i = 1; i < w.size(); ++i) DCSIM_FUZZ_CHECK(w.utc_ms[i] > w.utc_ms[i - 1]);
    } catch (const dcsim::InputError& e) {
      DCSIM_FUZZ_CHECK(!e.problems().empty());
    }
  }
  return 0;
}
