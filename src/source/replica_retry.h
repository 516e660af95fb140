// Reconnecting with exponential backoff, jitter and a deadline: for a binlog stream that ended
// with kNetworkError (source restarted, connection lost), or any other retryable step.
//
// Delays: attempt k (0-based) waits d_k = min(max_delay, initial_delay * multiplier^k), drawn
// uniformly from [(1 - jitter) * d_k, d_k] so that many tasks reconnecting to one restarted
// source spread out ("equal jitter"). Retrying stops at the first success, at the first
// non-retryable error (returned as is: a purged binlog or a missing grant does not heal), when
// the next wait would pass the deadline (the last error is returned, still retryable, with
// "gave up after N attempts in T s"), or when the clock's sleep is interrupted (kCancelled).
//
// Time comes from a RetryClock, so unit tests run without sleeping.
// Thread-safety: RetryWithBackoff runs on the caller's thread; SystemRetryClock::Interrupt may be
// called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string_view>

#include "common/status.h"
#include "source/binlog_stream.h"

namespace binlake {

struct BackoffPolicy {
  std::chrono::milliseconds initial_delay{500};
  std::chrono::milliseconds max_delay{std::chrono::seconds(30)};
  double multiplier = 2.0;
  double jitter = 0.5;  // fraction of each delay that is random, in [0, 1]
  // Total time budget, from the first attempt; 0 = a single attempt.
  std::chrono::milliseconds deadline{std::chrono::minutes(10)};
};

class RetryClock {
 public:
  virtual ~RetryClock() = default;
  virtual std::chrono::steady_clock::time_point Now() = 0;
  // Waits `d`; false if the wait was interrupted (the caller stops retrying).
  virtual bool SleepFor(std::chrono::milliseconds d) = 0;
};

// The real clock. Interrupt() ends the current and every later SleepFor at once (for SIGTERM).
class SystemRetryClock : public RetryClock {
 public:
  std::chrono::steady_clock::time_point Now() override;
  bool SleepFor(std::chrono::milliseconds d) override;
  void Interrupt();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool interrupted_ = false;
};

// The delay sequence of a policy (exposed for tests and for callers with their own loop).
class Backoff {
 public:
  Backoff(const BackoffPolicy& policy, uint64_t seed);
  // The wait before the next attempt; advances the sequence.
  std::chrono::milliseconds NextDelay();
  int retries() const { return retries_; }

 private:
  BackoffPolicy policy_;
  std::mt19937_64 rng_;
  int retries_ = 0;
};

// Runs `attempt` until it succeeds or retrying stops (see the header comment). `what` names the
// operation in messages and log lines ("reopening the binlog stream"). `seed` feeds the jitter;
// 0 picks a random one.
Status RetryWithBackoff(const BackoffPolicy& policy, RetryClock& clock, std::string_view what,
                        const std::function<Status()>& attempt, uint64_t seed = 0);

// Opens a BinlogEventStream at options.start, retrying retryable failures (the source is
// restarting). The CDC loop calls it with start = its last committed BinlogCoordinates after
// Next() returned kNetworkError.
Result<std::unique_ptr<BinlogEventStream>> OpenStreamWithRetry(const StreamOptions& options,
                                                               const BackoffPolicy& policy,
                                                               RetryClock& clock);

}  // namespace binlake
