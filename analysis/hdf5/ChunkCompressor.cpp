#include "analysis/hdf5/ChunkCompressor.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <zlib.h>

#include "analysis/hdf5/Hdf5.hpp"

namespace dcsim::h5 {

std::vector<unsigned char> compress_chunk(const std::vector<double>& chunk, unsigned level) {
  constexpr std::size_t kSize = sizeof(double);
  const std::size_t n = chunk.size();
  // Scratch space per thread, kept between chunks: a chunk of the rack matrix is 200 KB, and fresh
  // buffers of that size cost a page fault per 4 KiB each time.
  thread_local std::vector<unsigned char> shuffled, deflated;
  shuffled.resize(n * kSize);
  const auto* in = reinterpret_cast<const unsigned char*>(chunk.data());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < kSize; ++j) shuffled[j * n + i] = in[i * kSize + j];
  uLongf size = compressBound(static_cast<uLong>(shuffled.size()));
  if (deflated.size() < size) deflated.resize(size);
  const int status =
      compress2(deflated.data(), &size, shuffled.data(), static_cast<uLong>(shuffled.size()), static_cast<int>(level));
  if (status != Z_OK) throw Error(fmt::format("zlib: cannot compress a chunk (status {})", status));
  return std::vector<unsigned char>(deflated.begin(), deflated.begin() + static_cast<std::ptrdiff_t>(size));
}

ChunkCompressor::ChunkCompressor(unsigned level) : level_(level) {}

ChunkCompressor::~ChunkCompressor() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::shared_ptr<ChunkCompressor::Job> ChunkCompressor::submit(std::vector<double> chunk) {
  auto job = std::make_shared<Job>();
  job->input = std::move(chunk);
  {
    const std::lock_guard lock(mutex_);
    queue_.push_back(job);
    if (!worker_.joinable()) worker_ = std::thread([this] { work(); });
  }
  wake_.notify_one();
  return job;
}

void ChunkCompressor::run(Job& job) {
  // Called without the lock: the job is this thread's alone while running.
  try {
    job.output = compress_chunk(job.input, level_);
  } catch (const Error&) {
    job.failed_ = true;
  }
  job.input.clear();
  job.input.shrink_to_fit();
}

void ChunkCompressor::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;  // the datasets are gone: whatever is queued is not wanted
    const std::shared_ptr<Job> job = queue_.front();
    queue_.pop_front();
    job->state_ = Job::State::running;
    lock.unlock();
    run(*job);
    lock.lock();
    job->state_ = Job::State::done;
    done_.notify_all();
  }
}

std::vector<unsigned char> ChunkCompressor::take(Job& job) {
  std::unique_lock lock(mutex_);
  if (job.state_ == Job::State::queued) {
    // Not started: compress it here rather than wait behind the worker.
    const auto it = std::find_if(queue_.begin(), queue_.end(), [&](const auto& j) { return j.get() == &job; });
    if (it != queue_.end()) queue_.erase(it);
    job.state_ = Job::State::running;
    lock.unlock();
    run(job);
    lock.lock();
    job.state_ = Job::State::done;
  }
  done_.wait(lock, [&] { return job.state_ == Job::State::done; });
  if (job.failed_) throw Error("zlib: cannot compress a chunk");
  return std::move(job.output);
}

}  // namespace dcsim::h5
