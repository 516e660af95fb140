// CancelWatcher: turns the CDC task's cancel flag (set by the SIGINT/SIGTERM handler, which can
// do nothing but store to an atomic) into prompt wake-ups of whatever the task is blocked on.
//
// While alive, a thread polls `cancel` every 100 ms. Once it is set, the watcher
//   1. interrupts `clock` at once: the reconnect backoff sleeps end (RetryWithBackoff returns
//      kCancelled), and
//   2. after `grace` (3 s by default: time for the run loop to finish the transaction it is in
//      and stop between transactions by itself), calls the stream canceller, if one is set, so
//      a read blocked on an idle source returns kCancelled.
// It acts once; the destructor stops the thread (promptly, also during the grace period) and
// then never calls the canceller.
//
// Ownership: borrows `cancel` and `clock`, which must outlive the watcher. No thread is started
// when `cancel` is nullptr.
// Threading: SetStreamCanceller may be called from any thread; the canceller runs on the
// watcher's thread under its lock, so after SetStreamCanceller(nullptr) returns the previous
// canceller is not running and will not run (the stream it cancels may then be destroyed).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "source/replica_retry.h"

namespace binlake {

class CancelWatcher {
 public:
  CancelWatcher(const std::atomic<bool>* cancel, SystemRetryClock* clock,
                std::chrono::milliseconds grace = std::chrono::seconds(3));
  ~CancelWatcher();
  CancelWatcher(const CancelWatcher&) = delete;
  CancelWatcher& operator=(const CancelWatcher&) = delete;

  // What cuts the stream being read (e.g. BinlogEventStream::Cancel); empty = nothing to cut.
  void SetStreamCanceller(std::function<void()> cancel_stream);

 private:
  void Run();

  const std::atomic<bool>* cancel_;
  SystemRetryClock* clock_;
  const std::chrono::milliseconds grace_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> cancel_stream_;  // guarded by mu_
  bool done_ = false;                    // guarded by mu_
  std::thread thread_;                   // started by the constructor, joined by the destructor
};

}  // namespace binlake
