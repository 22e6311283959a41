#include "sim/engine/Engine.hpp"

#include <stdexcept>
#include <utility>

namespace dcsim::engine {

EventHandle Engine::schedule_at(Time t, Callback&& cb) {
  if (t < now_) throw std::logic_error("event scheduled in the past");
  return queue_.push(t, std::move(cb));
}

EventHandle Engine::schedule_in_lane(EventQueue::Lane lane, Time t, Callback&& cb) {
  if (t < now_) throw std::logic_error("event scheduled in the past");
  return queue_.push_lane(lane, t, std::move(cb));
}

void Engine::run_until(Time limit) {
  stopped_ = false;
  while (!stopped_) {
    Time t;
    if (!queue_.pop_due(limit, t, current_)) break;
    now_ = t;
    ++events_;
    current_();
    current_.reset();
    if (after_ != nullptr) after_(after_context_);
  }
}

}  // namespace dcsim::engine
