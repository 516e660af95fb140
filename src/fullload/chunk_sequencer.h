// ChunkSequencer: lets the chunks of one table be read in parallel but written in chunk order,
// so a table's LOAD files hold its rows in primary-key order and are numbered the same on every
// run. The reader of chunk i writes only while it holds the turn (i == next_); readers of later
// chunks buffer (RowBuffer) or wait.
//
// Deadlock freedom: chunks are handed to workers in index order, so the holder of an earlier
// chunk is always running and never waits on a later one.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace binlake {

class ChunkSequencer {
 public:
  explicit ChunkSequencer(int chunk_count) : chunk_count_(chunk_count) {}

  bool IsTurn(int chunk) const { return next_.load(std::memory_order_acquire) == chunk; }

  // Blocks until it is `chunk`'s turn; returns false if cancelled first.
  bool WaitTurn(int chunk) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return cancelled_ || next_.load() == chunk; });
    return !cancelled_;
  }

  // Ends `chunk`'s turn. Returns true if it was the table's last chunk.
  bool Done(int chunk) {
    std::lock_guard<std::mutex> lock(mu_);
    next_.store(chunk + 1, std::memory_order_release);
    cv_.notify_all();
    return chunk + 1 == chunk_count_;
  }

  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }

  int chunk_count() const { return chunk_count_; }

 private:
  const int chunk_count_;
  std::atomic<int> next_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
};

}  // namespace binlake
