#include "sim/SpareCore.hpp"

#include <thread>

#include <omp.h>

namespace dcsim::sim {

bool spare_core() { return omp_in_parallel() == 0 && std::thread::hardware_concurrency() >= 2; }

}  // namespace dcsim::sim
