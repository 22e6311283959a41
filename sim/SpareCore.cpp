#include "sim/SpareCore.hpp"

#include <thread>

#include <omp.h>

namespace dcsim::sim {

namespace {
thread_local bool helpers_off = false;
}  // namespace

bool spare_core() { return !helpers_off && omp_in_parallel() == 0 && std::thread::hardware_concurrency() >= 2; }

NoHelperThreads::NoHelperThreads() : was_(helpers_off) { helpers_off = true; }
NoHelperThreads::~NoHelperThreads() { helpers_off = was_; }

}  // namespace dcsim::sim
