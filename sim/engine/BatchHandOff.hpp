#pragma once
// Work made on one thread and done, in order, on a thread of its own: the maker fills a batch,
// hands it over when it likes (one lock per batch) and goes on with a fresh one, taken from the
// batches already done so that memory stays flat; at most `in_flight` batches wait, then the
// maker waits for room. The worker applies each batch in the order handed over, one at a time.
//
// An exception the work throws stops the worker (later batches are dropped unapplied); the maker
// sees it at its next hand-over, which joins the thread and rethrows it, or in what finish()
// returns. Batch needs a default constructor (which may reserve), empty() and clear().

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace dcsim::engine {

template <class Batch>
class BatchHandOff {
 public:
  using Work = std::function<void(Batch&)>;

  /// Starts the worker, which calls work(batch) for each batch handed over.
  BatchHandOff(std::size_t in_flight, Work work) : in_flight_(in_flight), work_(std::move(work)), batch_(std::make_unique<Batch>()) {
    thread_ = std::thread([this] { run(); });
  }
  ~BatchHandOff() {
    if (thread_.joinable()) (void)finish();
  }
  BatchHandOff(const BatchHandOff&) = delete;
  BatchHandOff& operator=(const BatchHandOff&) = delete;

  /// The batch being filled (the maker's alone).
  Batch& batch() { return *batch_; }

  /// The batch being filled goes to the worker, and a fresh one takes its place. Having joined
  /// the worker, rethrows what it threw.
  void hand_over() {
    if (failed_.load(std::memory_order_relaxed)) std::rethrow_exception(finish());
    std::unique_ptr<Batch> next;
    {
      std::unique_lock lock(mutex_);
      full_.push_back(std::move(batch_));
      room_.wait(lock, [this] { return full_.size() < in_flight_; });
      if (!spare_.empty()) {
        next = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    wake_.notify_one();
    batch_ = next ? std::move(next) : std::make_unique<Batch>();
  }

  /// Hands over the rest, waits for the worker and joins it; returns what it threw (or null).
  std::exception_ptr finish() {
    {
      std::unique_lock lock(mutex_);
      if (batch_ && !batch_->empty()) full_.push_back(std::move(batch_));
      done_ = true;
    }
    wake_.notify_one();
    thread_.join();
    return error_;
  }

 private:
  void run() {
    for (;;) {
      std::unique_ptr<Batch> b;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return !full_.empty() || done_; });
        if (full_.empty()) return;
        b = std::move(full_.front());
        full_.pop_front();
      }
      room_.notify_one();
      if (!error_) {
        try {
          work_(*b);
        } catch (...) {
          error_ = std::current_exception();
          failed_.store(true, std::memory_order_relaxed);
        }
      }
      b->clear();
      std::unique_lock lock(mutex_);
      spare_.push_back(std::move(b));
    }
  }

  const std::size_t in_flight_;
  Work work_;
  alignas(64) std::unique_ptr<Batch> batch_;  ///< being filled by the maker
  // Shared, under the mutex.
  alignas(64) std::mutex mutex_;
  std::condition_variable wake_, room_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::vector<std::unique_ptr<Batch>> spare_;
  bool done_ = false;
  // The worker's (read by the maker once it has joined).
  alignas(64) std::exception_ptr error_;
  std::atomic<bool> failed_{false};
  std::thread thread_;
};

}  // namespace dcsim::engine
