#include "sim/engine/Engine.hpp"

#include <stdexcept>
#include <utility>

namespace dcsim::engine {

void Engine::scheduled_in_past() { throw std::logic_error("event scheduled in the past"); }

void Engine::end_instant() {
  instant_open_ = false;
  if (after_ == nullptr) return;
  const std::uint64_t scheduled = queue_.scheduled();
  after_(after_context_);
  if (queue_.scheduled() != scheduled) throw std::logic_error("the end-of-instant hook scheduled an event");
}

void Engine::run_until(Time limit) {
  stopped_ = false;
  while (!stopped_) {
    Time t;
    if (!queue_.pop_due(limit, t, current_)) break;
    if (instant_open_ && t != now_) end_instant();
    now_ = t;
    ++events_;
    instant_open_ = true;
    current_();
    current_.reset();
  }
  if (instant_open_) end_instant();
}

}  // namespace dcsim::engine
