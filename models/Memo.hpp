#pragma once
// What a process keeps of work it would otherwise repeat (parsed scenario files and catalogs, a
// climate's calibration, synthetic weather): each such memo is valid for one generation.
// forget_memos() starts a new one, so every memo is rebuilt on its next use. `dcsim bench` calls
// it before each timed repetition, so that a repetition costs what a run in a fresh process
// does (less the process start), not what a sweep's thousandth variant does.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace dcsim {

inline std::atomic<std::uint64_t>& memo_generation_counter() {
  static std::atomic<std::uint64_t> generation{0};
  return generation;
}

/// The current generation; a memo filled in another one is stale.
inline std::uint64_t memo_generation() { return memo_generation_counter().load(std::memory_order_acquire); }

/// Makes every memo stale.
inline void forget_memos() { memo_generation_counter().fetch_add(1, std::memory_order_acq_rel); }

/// One memo: values by key, at most `capacity` of them (all dropped when full), safe to use from
/// several threads, emptied when the generation moves on. An empty key is never kept.
template <class Value>
class MemoTable {
 public:
  explicit MemoTable(std::size_t capacity) : capacity_(capacity) {}

  /// Calls f(value) under the lock if `key` is kept; returns whether it was.
  template <class F>
  bool visit(const std::string& key, F&& f) {
    if (key.empty()) return false;
    const std::lock_guard lock(mutex_);
    drop_if_stale();
    const auto it = values_.find(key);
    if (it == values_.end()) return false;
    f(it->second);
    return true;
  }

  void put(const std::string& key, Value value) {
    if (key.empty()) return;
    const std::lock_guard lock(mutex_);
    drop_if_stale();
    if (values_.size() >= capacity_) values_.clear();
    values_.insert_or_assign(key, std::move(value));
  }

  /// The kept value of `key`, else make() (called without the lock: two threads may both make
  /// it, and the values are the same) kept and returned. make() may throw: nothing is kept.
  template <class Make>
  Value get_or_make(const std::string& key, Make&& make) {
    Value found{};
    if (visit(key, [&](const Value& v) { found = v; })) return found;
    Value made = make();
    put(key, made);
    return made;
  }

 private:
  void drop_if_stale() {
    const std::uint64_t now = memo_generation();
    if (generation_ != now) {
      values_.clear();
      generation_ = now;
    }
  }

  std::mutex mutex_;
  std::map<std::string, Value> values_;
  std::uint64_t generation_ = 0;
  std::size_t capacity_;
};

}  // namespace dcsim
