// Retrying with capped exponential backoff and jitter: the one helper every retrying caller uses
// (S3 requests, reopening the binlog stream, ...).
//
// Delays: the wait before retry k (0-based) is drawn uniformly from [(1 - jitter) * d_k, d_k]
// with d_k = min(max_delay, initial_delay * multiplier^k). jitter = 1 is "full jitter", 0.5
// "equal jitter" ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015), 0 none.
// Retrying stops at the first success, at the first error that is not IsRetryable() (returned as
// is), when the attempts are used up (max_attempts > 0), when the next wait would pass the
// deadline (deadline > 0), or when the clock's sleep is interrupted.
//
// Time and randomness are injected (RetryClock, JitterSource), so tests run without sleeping.
// Thread-safety: BackoffPolicy is a value; SystemRetryClock may be shared (Interrupt from any
// thread); DefaultJitter is thread-safe, SeededJitter is not; a RetryLoop belongs to one call.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>

#include "common/status.h"

namespace binlake {

struct BackoffPolicy {
  std::chrono::milliseconds initial_delay{100};
  std::chrono::milliseconds max_delay{20000};
  double multiplier = 2.0;  // >= 1
  double jitter = 1.0;      // the random fraction of each delay, in [0, 1]
  int max_attempts = 0;     // including the first; 0 = no limit; 1 = no retry
  // Total time budget from the first attempt: no wait may end after it. 0 = no limit.
  std::chrono::milliseconds deadline{0};
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

// A process-wide real clock that is never interrupted.
RetryClock& RealRetryClock();

// Returns a uniformly distributed integer in [0, bound].
using JitterSource = std::function<uint64_t(uint64_t bound)>;
// Thread-safe (a thread-local generator seeded from std::random_device).
JitterSource DefaultJitter();
// Deterministic for a given seed; for one caller at a time.
JitterSource SeededJitter(uint64_t seed);

// The delay sequence of a policy.
class Backoff {
 public:
  // An empty `jitter` means DefaultJitter().
  explicit Backoff(const BackoffPolicy& policy, JitterSource jitter = {});
  // d_k of the next retry (the upper bound of its wait).
  std::chrono::milliseconds NextCeiling() const;
  // The wait before the next retry; advances the sequence.
  std::chrono::milliseconds NextDelay();
  int retries() const { return retries_; }

 private:
  BackoffPolicy policy_;
  JitterSource jitter_;
  int retries_ = 0;
};

// Drives one operation's attempts:
//   RetryLoop loop(policy, clock, jitter);
//   do { r = Attempt(); } while (r.IsRetryable() && loop.BackoffAndContinue());
class RetryLoop {
 public:
  RetryLoop(const BackoffPolicy& policy, RetryClock& clock, JitterSource jitter = {});

  // Call after a failed, retryable attempt. Returns false when retrying stops (attempts or
  // deadline used up; or the sleep was interrupted: interrupted()); otherwise sleeps the jittered
  // backoff and returns true. `before_sleep`, if set, is told the wait before it starts.
  bool BackoffAndContinue(const std::function<void(std::chrono::milliseconds)>& before_sleep = {});
  // Attempts made so far (1 during the first attempt).
  int attempts() const { return attempts_; }
  bool interrupted() const { return interrupted_; }
  // Time since the loop was made.
  std::chrono::steady_clock::duration elapsed() const { return clock_.Now() - begin_; }

 private:
  BackoffPolicy policy_;
  RetryClock& clock_;
  Backoff backoff_;
  std::chrono::steady_clock::time_point begin_;
  int attempts_ = 1;
  bool interrupted_ = false;
};

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

// Runs `attempt` (returning Status or Result<T>) until retrying stops (see the header comment);
// returns the last outcome as it is.
template <typename F>
auto RunWithRetry(const BackoffPolicy& policy, RetryClock& clock, JitterSource jitter, F&& attempt)
    -> decltype(attempt()) {
  RetryLoop loop(policy, clock, std::move(jitter));
  while (true) {
    auto outcome = attempt();
    if (outcome.ok() || !StatusOf(outcome).IsRetryable() || !loop.BackoffAndContinue()) {
      return outcome;
    }
  }
}

// Like RunWithRetry for a Status, for long waits that people watch: logs each retry (warning),
// and rewords the outcome when retrying stops: "WHAT: gave up after N attempt(s) in T s: ERROR"
// (same code, still retryable) or kCancelled "WHAT: stopped while waiting to retry (ERROR)".
// `what` names the operation ("reopening the binlog stream at ...").
Status RetryWithBackoff(const BackoffPolicy& policy, RetryClock& clock, std::string_view what,
                        const std::function<Status()>& attempt, JitterSource jitter = {});

}  // namespace binlake
