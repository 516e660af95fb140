// Retry with capped exponential backoff and full jitter ("Exponential Backoff And Jitter", AWS
// Architecture Blog, 2015): before retry n (0-based) wait uniform[0, min(cap, base * 2^n)].
// The sleeper and the random source are injected so tests run the policy without sleeping.
//
// Thread-safety: RetryPolicy and RealSleeper are shareable; a RetryLoop belongs to one call.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "common/status.h"

namespace binlake {

struct RetryPolicy {
  int max_attempts = 8;  // including the first; <= 1 means no retry
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{20000};
};

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void SleepFor(std::chrono::milliseconds d) = 0;
};

// Sleeps for real (std::this_thread::sleep_for). A process-wide instance.
Sleeper& RealSleeper();

// Returns a uniformly distributed integer in [0, bound]. Must be thread-safe if shared.
using JitterSource = std::function<uint64_t(uint64_t bound)>;
// A thread-safe JitterSource (a thread-local Mersenne Twister seeded from std::random_device).
JitterSource DefaultJitter();

// The upper bound of the wait before retry `retry` (0-based): min(cap, base * 2^retry).
std::chrono::milliseconds BackoffCeiling(const RetryPolicy& policy, int retry);

// Drives one operation's attempts:
//   RetryLoop loop(policy, sleeper, jitter);
//   do { r = Attempt(); } while (IsRetryable(r) && loop.BackoffAndContinue());
class RetryLoop {
 public:
  RetryLoop(const RetryPolicy& policy, Sleeper& sleeper, JitterSource jitter)
      : policy_(policy), sleeper_(sleeper), jitter_(std::move(jitter)) {}

  // Call after a failed, retryable attempt. Returns false when the attempts are used up;
  // otherwise sleeps the jittered backoff and returns true.
  bool BackoffAndContinue();
  // Attempts made so far (1 during the first attempt).
  int attempts() const { return attempts_; }

 private:
  RetryPolicy policy_;
  Sleeper& sleeper_;
  JitterSource jitter_;
  int attempts_ = 1;
};

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

// Runs `attempt` (returning Status or Result<T>) until it succeeds, fails with a status that is
// not IsRetryable(), or the attempts are used up; returns the last outcome.
template <typename F>
auto RunWithRetry(const RetryPolicy& policy, Sleeper& sleeper, JitterSource jitter, F&& attempt)
    -> decltype(attempt()) {
  RetryLoop loop(policy, sleeper, std::move(jitter));
  while (true) {
    auto outcome = attempt();
    if (outcome.ok() || !StatusOf(outcome).IsRetryable() || !loop.BackoffAndContinue()) {
      return outcome;
    }
  }
}

}  // namespace binlake
