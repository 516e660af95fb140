#include "store/retry.h"

#include <algorithm>
#include <random>
#include <thread>

namespace binlake {
namespace {

class ThreadSleeper : public Sleeper {
 public:
  void SleepFor(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

}  // namespace

Sleeper& RealSleeper() {
  static ThreadSleeper sleeper;
  return sleeper;
}

JitterSource DefaultJitter() {
  return [](uint64_t bound) -> uint64_t {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_int_distribution<uint64_t>(0, bound)(rng);
  };
}

std::chrono::milliseconds BackoffCeiling(const RetryPolicy& policy, int retry) {
  const int64_t cap = std::max<int64_t>(0, policy.cap.count());
  int64_t ceiling = std::max<int64_t>(0, policy.base.count());
  for (int i = 0; i < retry && ceiling < cap; ++i) ceiling *= 2;  // no overflow: stops at cap
  return std::chrono::milliseconds(std::min(ceiling, cap));
}

bool RetryLoop::BackoffAndContinue() {
  if (attempts_ >= policy_.max_attempts) return false;
  const auto ceiling = BackoffCeiling(policy_, attempts_ - 1);
  const uint64_t wait = jitter_(static_cast<uint64_t>(ceiling.count()));
  sleeper_.SleepFor(std::chrono::milliseconds(std::min<uint64_t>(wait, ceiling.count())));
  ++attempts_;
  return true;
}

}  // namespace binlake
