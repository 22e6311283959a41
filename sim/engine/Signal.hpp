#pragma once
// A typed signal: observers connect once at set-up and are called in connection order.
// It is all the coupling between the simulation and its recorders.

#include <functional>
#include <utility>
#include <vector>

namespace dcsim::engine {

template <class... Args>
class Signal {
 public:
  using Slot = std::function<void(Args...)>;

  void connect(Slot slot) { slots_.push_back(std::move(slot)); }
  void emit(const Args&... args) const {
    for (const Slot& s : slots_) s(args...);
  }
  bool connected() const { return !slots_.empty(); }

 private:
  std::vector<Slot> slots_;
};

}  // namespace dcsim::engine
