#pragma once
// Compression of float64 dataset chunks off the simulation thread.
//
// A growable dataset (DoubleColumn, DoubleMatrix) is chunked, shuffled and deflate-compressed. The
// library's filter pipeline would compress each chunk inside H5Dwrite, on the thread that runs
// the simulation; a year of a 100-rack hall's hourly output spends most of its time there. So the
// datasets apply the same two filters themselves and write finished chunks with H5Dwrite_chunk:
//   shuffle: byte j of element i goes to position j x n + i (n elements of 8 bytes), the layout
//            of HDF5's shuffle filter (H5Z_FILTER_SHUFFLE), which groups the bytes of equal
//            significance so that runs of repeated values compress well;
//   deflate: a zlib stream at the dataset's level, which HDF5's deflate filter reads
//            (H5Z_FILTER_DEFLATE), made with run-length matching (Z_RLE, ChunkCompressor.cpp).
// A reader sees an ordinary shuffled and deflated dataset. The compressor runs these two steps on
// one worker thread; only the thread that owns the file calls HDF5 (the library is not built
// thread-safe), to write each chunk once it is ready, in order. The bytes of a chunk do not depend
// on which thread compressed it, so the file is the same byte for byte.
// Without a compressor (nullptr), a dataset compresses on the calling thread.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace dcsim::h5 {

/// Shuffles (8-byte elements) and deflates one chunk; throws h5::Error if zlib fails.
std::vector<unsigned char> compress_chunk(const std::vector<double>& chunk, unsigned level);

class ChunkCompressor {
 public:
  /// A chunk handed to the worker: its input, and its compressed bytes once done.
  class Job {
   public:
    std::vector<double> input;
    std::vector<unsigned char> output;

   private:
    friend class ChunkCompressor;
    enum class State { queued, running, done } state_ = State::queued;
    bool failed_ = false;
  };

  explicit ChunkCompressor(unsigned level);
  ~ChunkCompressor();
  ChunkCompressor(const ChunkCompressor&) = delete;
  ChunkCompressor& operator=(const ChunkCompressor&) = delete;

  /// Queues a chunk for compression; the worker starts with the first.
  std::shared_ptr<Job> submit(std::vector<double> chunk);
  /// An empty buffer that held a chunk already compressed, of capacity at least `values` (the
  /// smallest such spare), or a new one: a dataset fills it next, so that chunk buffers are
  /// reused rather than allocated afresh. Matching by size keeps the spares those of the chunks
  /// in flight: handing any spare to any dataset let the large chunks' buffers pile up, a
  /// dataset of small chunks taking a large buffer and one of large chunks then allocating, so
  /// memory grew with simulated time.
  std::vector<double> recycled(std::size_t values);
  /// Waits for a job (compressing it here if the worker has not started it) and returns its
  /// output. Throws h5::Error if compression failed.
  std::vector<unsigned char> take(Job& job);

 private:
  void work();
  void run(Job& job);

  unsigned level_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::vector<std::vector<double>> spare_;  ///< compressed chunks' input buffers, for reuse
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace dcsim::h5
